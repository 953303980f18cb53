"""The page-level invariant: every Han character a reader of the source sees is in the model.

The visible text is taken here independently of the readers, so that a reader which
drops text before anything is recorded cannot pass by accident:

* HTML: the standard library's tokenizer, everything outside ``<script>``, ``<style>``,
  ``<template>`` and comments (so also text after a stray early ``</html>``, hidden
  elements and the ``<title>``);
* .docx: every ``w:t`` of ``word/document.xml`` (paragraphs, table cells, text boxes),
  not deleted text and not the duplicate fallback copy of drawings; headers and footers aside;
* text and Markdown: the whole decoded file.
"""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

from lxml import etree

from pipeline.model import Document
from pipeline.parser.text import han_chars
from pipeline.readers.decode import decode
from tests.helpers import model_texts

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


class _Visible(HTMLParser):
    SKIP = {"script", "style", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


def html_visible_text(data: bytes) -> str:
    from pipeline.readers.html import _decode

    text, _ = _decode(data, "page")
    parser = _Visible()
    parser.feed(text)
    parser.close()
    return "".join(parser.parts)


def docx_visible_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        root = etree.fromstring(zf.read("word/document.xml"))
    texts = root.xpath("//w:t[not(ancestor::w:del) and not(ancestor::mc:Fallback)]/text()",
                       namespaces={"w": _W, "mc": _MC})
    return "".join(texts)


def pdf_visible_text(path: Path) -> str:
    """The text layer as poppler's pdftotext reads it (a reader independent of ours)."""
    import subprocess

    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8", "replace")


def visible_text(path: Path) -> str | None:
    """The source's visible text, or None where no independent reader is at hand
    (.doc and .wps need LibreOffice, which the office tests use)."""
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return pdf_visible_text(path)
    if suffix in (".doc", ".wps", ".rtf", ".odt") and not data.startswith(b"\xef\xbb\xbf"):
        return None
    if suffix in (".html", ".htm", ".xhtml"):
        return html_visible_text(data)
    if suffix == ".docx":
        return docx_visible_text(data)
    return decode(data, path.name)[0]


def page_missing_han(path: Path, doc: Document) -> Counter[str]:
    """Han characters of the source's visible text that the model does not hold."""
    have = Counter(han_chars("\n".join(model_texts(doc))))
    want = Counter(han_chars(visible_text(path) or ""))
    return Counter({ch: n - have[ch] for ch, n in want.items() if have[ch] < n})
