"""Enrich: add the study aids to a parsed Document.

Runs between the readers and the writers.  Each aid lives in its own small
module; this function reads the document once (``analysis``: its genre, its
sentences ranked) and decides which aids run.  An aid that makes no sense for
the genre (questions on a news item, excerpts of study notes, anything drawn
from a 90-character text) is left out and the reason recorded, so ``check``
can say why.  The result is a copy: the input document is never mutated, and
the same input always gives the same aids.
"""

from __future__ import annotations

import dataclasses

from pipeline.enrich.analysis import analyse
from pipeline.enrich.excerpts import excerpts
from pipeline.enrich.genre import AID_NAMES, left_out
from pipeline.enrich.glossary import found_terms, glossary, load_glossary
from pipeline.enrich.keypoints import key_points
from pipeline.enrich.questions import questions
from pipeline.enrich.quiz import quiz
from pipeline.i18n import N_, _
from pipeline.model import Document, Omission, StudyAids
from pipeline.options import AidOptions

__all__ = ["enrich"]

EMPTY = N_("the text has nothing usable for {what}")


def enrich(doc: Document, aids: AidOptions) -> Document:
    """A copy of ``doc`` with ``doc.aids`` filled as ``aids`` asks.

    Key points (for slides) are always made: they are the condensed text, not
    an optional aid, and cost little.
    """
    analysis = analyse(doc)
    skip = left_out(analysis.genre.kind, analysis.chars)
    wanted = {"excerpts": aids.excerpts, "glossary": aids.glossary, "questions": aids.questions,
              "quiz": aids.quiz}
    table = load_glossary(aids.glossary_files) if (aids.glossary or aids.quiz) else None
    made: dict[str, list] = {}
    if wanted["excerpts"] and "excerpts" not in skip:
        made["excerpts"] = excerpts(doc, analysis)
    if wanted["glossary"] and table is not None:
        made["glossary"] = glossary(doc, table)
    if wanted["questions"] and "questions" not in skip:
        made["questions"] = questions(doc, analysis)
    if wanted["quiz"] and "quiz" not in skip and table is not None:
        made["quiz"] = quiz(doc, table, analysis)
    omitted = [Omission(aid, skip[aid]) for aid in AID_NAMES if wanted[aid] and aid in skip]
    omitted += [Omission(aid, _(EMPTY).format(what=AID_NAMES[aid])) for aid, items in made.items()
                if not items and aid not in skip]
    undefined = found_terms(doc, table)[1] if table is not None else []
    study = StudyAids(
        excerpts=made.get("excerpts", []),
        glossary=made.get("glossary", []),
        questions=made.get("questions", []),
        quiz=made.get("quiz", []),
        notes_page=aids.notes,
        keypoints=key_points(doc, notice=analysis.genre.kind == "notice"),
        genre=analysis.genre.kind,
        undefined=undefined,
        omitted=omitted,
    )
    return dataclasses.replace(doc, aids=study)
