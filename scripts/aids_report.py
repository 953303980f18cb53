#!/usr/bin/env python3
"""How good are the study aids and slides the tool writes itself?  Measured over a corpus.

For every readable file of the corpus folders (default: ../shared/corpus and
../shared/corpus2), parse, enrich and lay out the outputs in memory, then count:

- ``blank``: 名词解释 lines that would print without a definition (target 0);
- ``bad``: slide bullets that are a salutation (同志们), an empty lead-in
  (…指出, …的总体目标是, a trailing ：), a hard cut (…), or unbalanced
  quotation marks or brackets (target 0);
- ``brk``: line breaks inside a word, by the segmenter (rjieba), in the
  titles as each output sets them: the handout title (its own breaks, then
  Word's wrapping at 20 characters of 22 pt a line), the booklet cover title,
  article title and running heads (A5: 13, 21 and 41 characters a line), and
  every slide title (the .pptx: its breaks, then wrapping at the set size in
  the title box);  (target 0)
- ``bareQ``: discussion questions that quote a heading or the title as it
  stands (“附则”, “序言”) (target 0);
- ``ex/k``: 重点摘编 excerpts per 1,000 characters of text;
- ``notQ``: the share of excerpts that are not quotations from the text.

Wrapping is simulated (a line holds ``capacity`` full-width characters,
half-width ones count half), the same way for every version of the writers,
so numbers before and after a change compare.  On demand, not a test:

    python scripts/aids_report.py [FOLDER ...] [--verbose]
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.enrich import enrich  # noqa: E402
from pipeline.errors import StudykitError  # noqa: E402
from pipeline.model import Document  # noqa: E402
from pipeline.options import AidOptions, BuildOptions  # noqa: E402
from pipeline.readers import read  # noqa: E402

DEFAULT_FOLDERS = [ROOT.parent / "shared" / "corpus", ROOT.parent / "shared" / "corpus2"]
HANDOUT_TITLE = 20  # 22 pt characters on the 156 mm line of the official handout
COVER, ARTICLE_TITLE, RUNNING = 13, 21, 41  # A5 booklet: 2.4 em, 1.5 em, 8 pt on 118 mm

SALUTATION = re.compile(r"^(同志们|各位[\u4e00-\u9fff]{0,6}|朋友们|女士们|先生们|亲爱的[\u4e00-\u9fff]{0,8})[，,！!：:]?$")
# the last word of a statement that leads into something never said (…指出, …的总体目标是)
LEAD_IN_WORDS = frozenset(["指出", "强调", "表示", "认为", "说", "如下", "是", "为", "的", "和", "与", "及", "在", "对", "把", "将", "以", "等", "包括"])
PAIRS = ("“”", "‘’", "《》", "（）", "()", "「」")


def width(text: str) -> float:
    return sum(1.0 if unicodedata.east_asian_width(c) in "WFA" else 0.55 for c in text)


def wrap(line: str, capacity: float) -> list[str]:
    """A line as a renderer without phrase knowledge wraps it: fill, then break anywhere."""
    out, current = [], ""
    for ch in line:
        if current and width(current + ch) > capacity + 1e-6:
            out.append(current)
            current = ch
        else:
            current += ch
    return out + ([current] if current else [])


class Segmenter:
    def __init__(self) -> None:
        import rjieba

        self.cut = rjieba.cut

    def breaks_inside_words(self, lines: list[str], originals: dict[str, str] | None = None) -> int:
        """Breaks between lines that fall inside a word of the title as written (its own
        spaces count as word boundaries: a title's parts are not one word)."""
        if len(lines) < 2:
            return 0
        joined = "".join(ln.replace(" ", "") for ln in lines)
        original = (originals or {}).get(joined, joined)
        # offsets of the cuts in the original (spaces included)
        cuts, count, k = [], 0, 0
        for line in lines[:-1]:
            count += len(line.replace(" ", ""))
            while k < len(original) and (count > 0):
                if original[k] != " ":
                    count -= 1
                k += 1
            cuts.append(k)
            count = 0
        bounds, pos = {0}, 0
        for token in self.cut(original):
            pos += len(token)
            bounds.add(pos)
        return sum(1 for c in cuts if c not in bounds and not (c < len(original) and original[c] == " "))


def explicit_lines(text: str, capacity: float) -> list[str]:
    lines = [ln.strip() for ln in re.split(r"[\n\v]", text) if ln.strip()]
    return [part for ln in lines for part in wrap(ln, capacity)]


# --- titles as each output sets them --------------------------------------------------

def handout_title_lines(doc: Document, opts: BuildOptions) -> list[list[str]]:
    from pipeline.writers.handout import handout_context

    lines = handout_context(doc, opts)["title_lines"]
    return [explicit_lines("\n".join(lines), HANDOUT_TITLE)] if lines else []


def booklet_title_lines(doc: Document, opts: BuildOptions) -> list[list[str]]:
    from lxml import html as lhtml

    from pipeline.writers.booklet.typeset import booklet_context, render_html

    page = lhtml.fromstring(render_html(booklet_context([doc], opts, compilation=False), opts))
    out = []

    def lines_of(el) -> str:
        parts = [el.text or ""]
        for child in el:
            parts.append("\n" if child.tag == "br" else child.text_content())
            parts.append(child.tail or "")
        return re.sub("[\u200b\u2060]", "", "".join(parts))

    for el in page.xpath("//*[contains(@class,'cover-title')]"):
        out.append(explicit_lines(lines_of(el), COVER))
    for el in page.xpath("//*[contains(@class,'article-title')]"):
        out.append(explicit_lines(lines_of(el), ARTICLE_TITLE))
    # running heads: the strings that article titles and top-level headings set
    for el in page.xpath("//*[contains(@class,'article-title') or contains(@class,'h1')]"):
        run = el.get("data-run")
        text = run if run is not None else re.sub("[\u200b\u2060]", "", el.text_content())
        out.append(explicit_lines(text, RUNNING))
    return out


def slide_title_lines(doc: Document, opts: BuildOptions) -> list[list[str]]:
    from pptx import Presentation
    from pptx.util import Emu

    from pipeline.writers.slides.deck import render_deck

    prs = Presentation(io.BytesIO(render_deck(doc, opts)))
    out = []
    for slide in prs.slides:
        shape = slide.shapes.title
        if shape is None or not shape.has_text_frame:
            continue
        tf = shape.text_frame
        box = Emu((shape.width or 0) - tf.margin_left - tf.margin_right).pt
        for para in tf.paragraphs:
            text = para.text  # a line break reads as a vertical tab
            sizes = [r.font.size.pt for r in para.runs if r.font.size is not None]
            if not text.strip() or not sizes:
                continue
            out.append(explicit_lines(text, box / max(sizes)))
    return out


# --- the measures ----------------------------------------------------------------------

def title_texts(doc: Document, plan) -> list[str]:
    """Every title and heading as written, to read the breaks against."""
    from pipeline.model import heading_text, section_name

    out = [doc.meta.title] + [s.title for s in plan]
    for sec in doc.walk():
        out += [section_name(sec), heading_text(sec), sec.title, f"{sec.label}{heading_text(sec)}"]
    return [" ".join(t.split()) for t in out if t]


def bad_bullet(text: str, cut) -> bool:
    t = " ".join(text.split())
    if len(t) < 4 or SALUTATION.match(t) or t.endswith(("…", "...")):
        return True
    t = t.rstrip("。；！？")
    words = cut(t)
    if t.endswith(("：", ":", "，", "、")):
        return True
    if words and words[-1] in LEAD_IN_WORDS and not (words[-1] == "的" and "是" in t[:-1]):
        return True  # a final 的 closes a “是……的” statement
    return any(t.count(a) != t.count(b) for a, b in PAIRS)


def headings(doc: Document) -> set[str]:
    out = {doc.meta.title.strip()} if doc.meta.title.strip() else set()
    for sec in doc.walk():
        title = sec.title.strip().rstrip("。；，：！？ ")
        if title:
            out.add(title)
            out.add(f"{sec.label}{title}")
    return out


def quotes_heading(question: str, heads: set[str]) -> bool:
    quoted = re.findall(r"[“‘《]([^”’》]+)[”’》]", question)
    return any(q.strip().rstrip("。；，：！？ ") in heads for q in quoted)


def squash(text: str) -> str:
    return re.sub(r"[\s“”‘’。，；：！？、]", "", text)


def measure(path: Path, seg: Segmenter, verbose: bool) -> dict | None:
    try:
        doc = read(str(path))
    except StudykitError:
        return None
    from pipeline.enrich.text import document_text
    from pipeline.writers.context import template_context
    from pipeline.writers.slides.plan import build_plan

    opts = BuildOptions()
    full = enrich(doc, AidOptions())
    aids = template_context(full, opts)["aids"]
    text_chars = len(re.sub(r"\s", "", document_text(doc)))
    blank = sum(1 for g in aids.glossary if not g.definition.strip())
    plan = build_plan(full, opts)
    bullets = [b for s in plan if s.kind in ("content",) for b in s.bullets]
    bad = [b for b in bullets if bad_bullet(b, seg.cut)]
    heads = headings(doc)
    bare = [q.text for q in aids.questions if quotes_heading(q.text, heads)]
    quotes = [squash(q.text) for q in doc.quotes]
    not_quote = [e for e in aids.excerpts
                 if not any(squash(e.text) in q or (q and q in squash(e.text) and len(q) > 0.8 * len(squash(e.text)))
                            for q in quotes)]
    titles = handout_title_lines(full, opts) + booklet_title_lines(full, opts) + \
        slide_title_lines(full, opts)
    originals = {t.replace(" ", ""): t for t in title_texts(full, plan)}
    broken = [lines for lines in titles if seg.breaks_inside_words(lines, originals)]
    row = {
        "file": path.name, "genre": getattr(aids, "genre", ""), "chars": text_chars,
        "blank": blank, "bullets": len(bullets), "bad": len(bad),
        "titles": len(titles), "brk": sum(seg.breaks_inside_words(t, originals) for t in titles),
        "questions": len(aids.questions), "bareQ": len(bare),
        "excerpts": len(aids.excerpts), "notQ": len(not_quote),
        "quiz": len(aids.quiz),
    }
    row["details"] = []
    if verbose:
        row["details"] += [f"    bad bullet: {b}" for b in bad[:6]]
        row["details"] += [f"    broken title: {' / '.join(lines)}" for lines in broken[:6]]
        row["details"] += [f"    bare-heading question: {q}" for q in bare[:4]]
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folders", nargs="*", type=Path)
    ap.add_argument("--verbose", action="store_true", help="show what was counted")
    args = ap.parse_args(argv)
    folders = args.folders or [f for f in DEFAULT_FOLDERS if f.is_dir()]
    seg = Segmenter()
    rows, skipped = [], []
    for folder in folders:
        for path in sorted(folder.iterdir()):
            if not path.is_file() or path.name.startswith("README"):
                continue
            row = measure(path, seg, args.verbose)
            if row is None:
                skipped.append(path.name)
                continue
            rows.append(row)
            print(f"{row['file'][:32]:32} {row['genre'][:10]:10} {row['chars']:6} "
                  f"blank {row['blank']:2}  bad {row['bad']:2}/{row['bullets']:<3} "
                  f"brk {row['brk']:2}/{row['titles']:<3} bareQ {row['bareQ']:2}/{row['questions']:<2} "
                  f"ex {row['excerpts']:2} notQ {row['notQ']:2} quiz {row['quiz']:2}", flush=True)
            for line in row["details"]:
                print(line)
    total = {k: sum(r[k] for r in rows) for k in
             ("chars", "blank", "bullets", "bad", "titles", "brk", "questions", "bareQ",
              "excerpts", "notQ", "quiz")}
    print()
    print(f"files measured: {len(rows)}; not readable by this version: {len(skipped)} "
          f"({', '.join(skipped)})" if skipped else f"files measured: {len(rows)}")
    print(f"blank glossary lines printed : {total['blank']}")
    print(f"salutation/dangling bullets  : {total['bad']} of {total['bullets']}")
    print(f"title breaks inside a word   : {total['brk']} (in {total['titles']} set titles)")
    print(f"questions quoting a heading  : {total['bareQ']} of {total['questions']}")
    print(f"excerpts per 1,000 chars     : {1000 * total['excerpts'] / max(total['chars'], 1):.2f} "
          f"({total['excerpts']} excerpts)")
    share = total["notQ"] / total["excerpts"] if total["excerpts"] else 0.0
    print(f"excerpts not quotations      : {share:.0%}")
    print(f"quiz items                   : {total['quiz']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
