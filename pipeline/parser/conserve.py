"""Nothing lost, checked on every parse: every Han character the reader handed over is in
the model (body, metadata or ``discarded``).

The rules are meant to keep this by construction; this check is the net under them.  When
a rule drops text anyway (a bug), the lines it lost are put in ``discarded`` with a reason
and a warning says so, so the user sees them and can restore them, instead of a handout
that silently lacks a sentence.  Counting is linear; finding the lines runs only when
characters are missing.
"""

from __future__ import annotations

from collections import Counter

from pipeline.i18n import N_, _
from pipeline.model import Discarded, Document, Warning, model_texts
from pipeline.parser.text import han_chars
from pipeline.readers.source import SourceText

REASON = N_("lost by a parser rule (kept here; please report it)")  # model data: English
_MAX_LINES = 2000  # lines searched for what is missing (each search reads the model once)


def recover(src: SourceText, doc: Document) -> int:
    """Put the source lines whose text the model lacks into ``doc.discarded``; how many."""
    want = Counter(han_chars("\n".join(ln.text for ln in src.lines)))
    have = Counter(han_chars("\n".join(model_texts(doc))))
    if not any(have[ch] < n for ch, n in want.items()):
        return 0
    missing = {ch for ch, n in want.items() if have[ch] < n}
    model = "\n".join("".join(han_chars(t)) for t in model_texts(doc))
    suspects = [ln for ln in src.lines if not missing.isdisjoint(ln.text)][:_MAX_LINES]
    lost = []
    for ln in suspects:
        han = "".join(han_chars(ln.text))
        if han not in model:
            lost.append(Discarded(ln.text, REASON, ln.lineno))
    if lost:
        doc.discarded = sorted([*doc.discarded, *lost], key=lambda d: d.line)
        doc.warnings.append(_lost_warning(len(lost)))
    return len(lost)


def _lost_warning(n: int) -> Warning:
    return Warning("parser-lost", _("{n} line(s) of the source were left out of the text by "
                                    "mistake; they are listed among the discarded lines, "
                                    "restore them if they belong to the article").format(n=n), "text")
