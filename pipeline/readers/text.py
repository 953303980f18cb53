"""Plain text, as copied from a web page, WeChat or a text dump."""

from __future__ import annotations

from pipeline.readers.decode import decode
from pipeline.readers.source import SourceText


def read(data: bytes, name: str) -> SourceText:
    text, encoding = decode(data, name)
    return SourceText.from_text(name, "text", text, encoding)
