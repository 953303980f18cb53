"""Encodings as they arrive: UTF-8 (BOM or not), UTF-16 with BOM, GBK/GB18030, Big5; any line ends."""

from __future__ import annotations

import pytest

from pipeline.errors import InputError
from pipeline.readers.decode import decode

TEXT = ("坚持不懈用新时代中国特色社会主义思想凝心铸魂。增强“四个意识”、坚定“四个自信”、做到“两个维护”。\n"
        "第二段：全面建设社会主义现代化国家，全面推进中华民族伟大复兴。\n") * 5


@pytest.mark.parametrize("encoding,data,expect", [
    ("utf-8", TEXT.encode("utf-8"), "utf-8"),
    ("utf-8-sig", TEXT.encode("utf-8-sig"), "utf-8-sig"),
    ("utf-16-le+bom", b"\xff\xfe" + TEXT.encode("utf-16-le"), "utf-16-le"),
    ("utf-16-be+bom", b"\xfe\xff" + TEXT.encode("utf-16-be"), "utf-16-be"),
    ("gbk", TEXT.encode("gbk"), "gb18030"),
    ("gb18030", (TEXT + "㐀䶵\n").encode("gb18030"), "gb18030"),
])
def test_encodings(encoding, data, expect):
    text, enc = decode(data, "a.txt")
    assert enc == expect
    assert text.startswith("坚持不懈")


def test_big5_is_detected():
    trad = ("堅持不懈用新時代中國特色社會主義思想凝心鑄魂。增強政治意識、大局意識、核心意識、看齊意識。\n"
            "全面建設社會主義現代化國家，全面推進中華民族偉大復興。\n") * 8
    text, enc = decode(trad.encode("big5"), "b.txt")
    assert enc.startswith("big5")
    assert text == trad


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"])
def test_line_ends(newline):
    text, _ = decode("第一行\n第二行\n".replace("\n", newline).encode(), "a.txt")
    assert text == "第一行\n第二行\n"


def test_gbk_names_read_as_gb18030_keep_rare_characters():
    data = "中文字符：𠀀和喆，都在国家标准里。".encode("gb18030")  # 𠀀 exists in GB18030, not in GBK
    text, enc = decode(data, "a.txt")
    assert enc == "gb18030" and "𠀀" in text


def test_binary_error_names_the_file():
    with pytest.raises(InputError, match="photo.jpg: not a text file"):
        decode(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 8, "photo.jpg")
