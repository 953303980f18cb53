"""Scanned PDF pages → printed lines, with Tesseract (Debian: tesseract-ocr, tesseract-ocr-chi-sim).

Each page is rendered at 300 dpi by pdfium (under the PDF reader's lock) and read
by Tesseract as TSV: words with their boxes, grouped into lines.  The words become
glyphs in points, so the PDF reader's own layout rules (furniture, paragraphs,
spacing between Han characters) apply to scans too.
"""

from __future__ import annotations

import functools
import re
import shutil
import statistics
import tempfile
from pathlib import Path

from pipeline.errors import EnvironmentProblem, InputError
from pipeline.i18n import _
from pipeline.readers import external
from pipeline.readers.layout import Glyph, Row

DPI = 300
LANG = "chi_sim"
PAGE_TIMEOUT = 300.0  # seconds for Tesseract on one page
PACKAGES = "tesseract-ocr tesseract-ocr-chi-sim"


@functools.cache
def tesseract() -> str | None:
    """The tesseract program, if it is installed with simplified Chinese."""
    exe = shutil.which("tesseract")
    if exe is None:
        return None
    try:
        result = external.run([exe, "--list-langs"], 30)
    except (OSError, external.TimedOut):
        return None
    langs = (result.stdout + result.stderr).decode("utf-8", "replace").split()
    return exe if LANG in langs else None


def require(name: str) -> str:
    exe = tesseract()
    if exe is None:
        raise EnvironmentProblem(_("{name}: --ocr needs Tesseract with simplified Chinese: "
                                   "install the Debian packages {PACKAGES} (apt-get install "
                                   "{PACKAGES})").format(name=name, PACKAGES=PACKAGES))
    return exe


def render(page) -> bytes:  # page: pypdfium2.PdfPage; call under the PDF lock
    """The page as a grey PNG at DPI."""
    import io

    image = page.render(scale=DPI / 72, grayscale=True).to_pil()
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def read_image(png: bytes, number: int, name: str) -> list[Row]:
    """Tesseract's lines of one page image, as rows in points."""
    exe = require(name)
    with tempfile.TemporaryDirectory(prefix="studykit-ocr-") as tmp:
        image = Path(tmp) / "page.png"
        image.write_bytes(png)
        try:
            result = external.run([exe, str(image), "stdout", "-l", LANG, "--psm", "3", "tsv"],
                                  PAGE_TIMEOUT, cwd=Path(tmp),
                                  env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"})
        except external.TimedOut as exc:
            raise InputError(_("{name}: OCR of page {number} took longer than {PAGE_TIMEOUT:g} "
                               "s and was stopped").format(
                                 name=name, number=number, PAGE_TIMEOUT=PAGE_TIMEOUT)) from exc
        except OSError as exc:
            raise EnvironmentProblem(_("{name}: Tesseract could not be started ({reason})").format(
                                         name=name, reason=exc.strerror or exc)) from exc
    if result.returncode != 0:
        why = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(_("{name}: OCR of page {number} failed ({value})").format(
                             name=name, number=number, value=why[-1] if why else 'no output'))
    return rows_from_tsv(result.stdout.decode("utf-8", "replace"), number)


def rows_from_tsv(tsv: str, page: int, dpi: int = DPI) -> list[Row]:
    """Tesseract TSV → one row per printed line; each word's box is shared by its characters."""
    scale = 72 / dpi
    lines: dict[tuple[str, ...], list[tuple[int, int, int, int, str]]] = {}
    for raw in tsv.splitlines()[1:]:
        cols = raw.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        text = cols[11].strip()
        if not text:
            continue
        left, top, width, height = (int(c) for c in cols[6:10])
        lines.setdefault(tuple(cols[1:5]), []).append((left, top, width, height, text))
    rows: list[Row] = []
    for words in lines.values():
        # a word's box is its ink: the median height of the line's words is about
        # 0.9 em, the median bottom its baseline (brackets and flat 一 aside)
        height = statistics.median(w[3] for w in words)
        line_bottom = statistics.median(w[1] + w[3] for w in words)
        size = max(round(height * scale / 0.9 * 2) / 2, 1.0)
        line_top = line_bottom - height
        glyphs: list[Glyph] = []
        words.sort()
        for left, _top, width, _height, text in words:
            step = width / len(text)
            for k, ch in enumerate(text):
                x0 = (left + k * step) * scale
                glyphs.append(Glyph(ch, x0, x0 + step * scale, line_top * scale,
                                    line_bottom * scale, size))
        row = Row(glyphs, page).finish()
        row.text = _join_words([(w[0] * scale, (w[0] + w[2]) * scale, w[4]) for w in words], size)
        rows.append(row)
    rows.sort(key=lambda r: (r.top, r.x0))
    return rows


_WESTERN = re.compile(r"[A-Za-z0-9]")


def _join_words(words: list[tuple[float, float, str]], size: float) -> str:
    """Tesseract's words on one line as text.

    A scan's ink boxes say little about spacing between Chinese characters, so words
    are joined without a space, except between Latin words and across a gap two
    characters wider than the line's usual one (cells of a table; not the even
    spacing of a title set "通　知").
    """
    gaps = [(b[0] - a[1]) / size for a, b in zip(words, words[1:], strict=False)]
    usual = statistics.median(gaps) if gaps else 0.0
    out = words[0][2] if words else ""
    for gap, (_x0, _x1, text) in zip(gaps, words[1:], strict=False):
        latin = bool(_WESTERN.search(out[-1:])) and bool(_WESTERN.match(text))
        if gap - max(usual, 0.0) > 2.0 or (latin and gap > 0.15):
            out += " "
        out += text
    return out
