"""Documents for benchmarks, made from the shared corpus without the parser.

The benchmarks measure the writer, so they build the model directly: a line
is a paragraph, a short ``一、…`` line a level-1 section.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.model import Block, Document, Meta, Section

CORPUS = Path("/work/shared/corpus")
_HEADING = re.compile(r"^([一二三四五六七八九十]+、)(.{2,40})$")


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", "replace")


def paragraphs(path: Path) -> list[str]:
    text = decode(path.read_bytes())
    if path.suffix == ".html":
        text = re.sub(r"(?s)<(script|style).*?</\1>|<[^>]+>", "\n", text)
    return [ln.strip(" \t\u3000\u00a0") for ln in text.splitlines() if ln.strip(" \t\u3000\u00a0")]


def make_doc(title: str, paras: list[str]) -> Document:
    doc = Document(meta=Meta(title=title))
    sections: list[Section] = []
    for p in paras:
        m = _HEADING.match(p)
        if m:
            sections.append(Section(level=1, label=m.group(1), title=m.group(2)))
        elif sections:
            sections[-1].body.append(Block("paragraph", p))
        else:
            doc.body.append(Block("paragraph", p))
    doc.sections = sections
    return doc


def seed_doc() -> Document:
    paras = paragraphs(CORPUS / "seed_shiyishi.txt")
    return make_doc("以党的二十大精神为指引书写新时代新答卷", paras[1:])


def articles(count: int = 100, chars: int = 2600) -> list[Document]:
    """``count`` articles of about ``chars`` characters, cut from the corpus in turn."""
    pool: list[str] = []
    for path in sorted(CORPUS.glob("*.txt")):
        if "scrape" not in path.name:
            pool.extend(p for p in paragraphs(path) if len(p) > 8)
    docs, i = [], 0
    for n in range(count):
        paras, size, sec = [], 0, 1
        while size < chars:
            if len(paras) % 6 == 5:
                paras.append("一二三四五六七八九十"[(sec - 1) % 10] + "、" + pool[i % len(pool)][:16])
                sec += 1
            p = pool[i % len(pool)]
            i += 1
            paras.append(p)
            size += len(p)
        docs.append(make_doc(f"学习材料第{n + 1}篇：{pool[(i * 7) % len(pool)][:12]}", paras))
    return docs
