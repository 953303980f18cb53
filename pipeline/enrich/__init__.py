"""Enrich: add the study aids to a parsed Document.

Runs between the readers and the writers.  Each aid lives in its own small
module; this function only decides which ones run.  The result is a copy: the
input document is never mutated, and the same input always gives the same aids.
"""

from __future__ import annotations

import dataclasses

from pipeline.enrich.excerpts import excerpts
from pipeline.enrich.glossary import glossary, load_glossary
from pipeline.enrich.keypoints import key_points
from pipeline.enrich.questions import questions
from pipeline.enrich.quiz import quiz
from pipeline.model import Document, StudyAids
from pipeline.options import AidOptions

__all__ = ["enrich"]


def enrich(doc: Document, aids: AidOptions) -> Document:
    """A copy of ``doc`` with ``doc.aids`` filled as ``aids`` asks.

    Key points (for slides) are always made: they are the condensed text, not
    an optional aid, and cost little.
    """
    table = load_glossary(aids.glossary_files) if (aids.glossary or aids.quiz) else None
    study = StudyAids(
        excerpts=excerpts(doc) if aids.excerpts else [],
        glossary=glossary(doc, table) if aids.glossary and table is not None else [],
        questions=questions(doc) if aids.questions else [],
        quiz=quiz(doc, table) if aids.quiz and table is not None else [],
        notes_page=aids.notes,
        keypoints=key_points(doc),
    )
    return dataclasses.replace(doc, aids=study)
