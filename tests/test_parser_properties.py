"""Property tests: any input gives a model or the tool's own clear error, deterministically,
and generated documents keep every Han character."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.errors import InputError
from pipeline.parser import parse
from pipeline.parser.text import han_chars
from pipeline.readers import read_source
from pipeline.readers.source import SourceText
from tests.helpers import model_texts

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

han = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
punct = st.sampled_from(list("，。、；：？！“”‘’（）《》——…"))
ascii_bits = st.sampled_from(list("0123456789abcXYZ ,.:;()-/"))
spaces = st.sampled_from(["\u3000", "\u00a0", "\u2002", " ", "\t"])
text_chars = st.one_of(han, han, han, punct, ascii_bits, spaces, st.just("\n"))
markers = st.sampled_from(["一、", "二、", "十一、", "（一）", "(二)", "(十 八)", "1.", "2．", "3、", "（1）",
                           "①", "第一章 ", "第二节 ", "第三部分 ", "第一条 ", "# ", "## ", "——", "一是",
                           "第一，", "同志们：", "来源：", "作者：", "时间：2022-12-19 ", "A+ A A-",
                           "【打印】【关闭】", "上一篇：", "当前位置：首页 > ", "新华社记者 张三/摄"])


def sentence():
    return st.builds(lambda s, end: s + end, st.text(han, min_size=1, max_size=40),
                     st.sampled_from(["。", "；", "！", "", "：", "”", "……"]))


def line():
    return st.builds(lambda m, body, q: m + body + q, st.one_of(st.just(""), markers),
                     st.lists(sentence(), min_size=0, max_size=4).map("".join),
                     st.one_of(st.just(""), st.builds(lambda t: f"“{t}”", st.text(han, min_size=2, max_size=12))))


documents = st.lists(st.one_of(line(), st.just("")), min_size=1, max_size=40).map("\n".join)


def _han_in_model(doc) -> Counter[str]:
    return Counter(han_chars("\n".join(model_texts(doc))))


@FAST
@given(st.text(text_chars, max_size=600))
def test_any_text_parses_deterministically(text):
    a = parse(SourceText.from_text("<t>", "text", text))
    b = parse(SourceText.from_text("<t>", "text", text))
    assert a == b


@FAST
@given(st.text(text_chars, max_size=600))
def test_any_text_keeps_every_han_character(text):
    doc = parse(SourceText.from_text("<t>", "text", text))
    have = _han_in_model(doc)
    assert not {c: n for c, n in Counter(han_chars(text)).items() if have[c] < n}


@FAST
@given(documents)
def test_generated_documents_conserve_han(text):
    doc = parse(SourceText.from_text("<t>", "text", text))
    have = _han_in_model(doc)
    assert not {c: n for c, n in Counter(han_chars(text)).items() if have[c] < n}
    assert all(d.reason for d in doc.discarded)


def _gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


# Real Chinese text is written mostly in the 6,763 common characters of GB2312;
# a file of nothing but rare ones is what random bytes decode to, and is refused.
common_han = st.sampled_from([chr(c) for c in range(0x4E00, 0x9FA6) if _gb2312(chr(c))])
common_documents = st.lists(
    st.text(st.one_of(common_han, common_han, punct, ascii_bits, st.just("\n")), max_size=80),
    min_size=1, max_size=20).map("\n".join)


@FAST
@given(common_documents, st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-be"]),
       st.sampled_from(["\n", "\r\n", "\r"]))
def test_encodings_and_line_ends_read_the_same(text, encoding, newline):
    data = text.replace("\n", newline).encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    try:
        src = read_source(data, "t.txt")
    except InputError:
        assert not text.strip()  # only an empty-looking file may be refused
        return
    if encoding in ("utf-8", "utf-8-sig", "utf-16", "utf-16-be"):
        # every line with text, at its number; a run of blank lines is one blank line
        source = text.split("\n")
        got = {line.lineno: line.text for line in src.lines}
        assert len(got) == len(src.lines)
        for n, t in got.items():
            assert t == source[n - 1] or not (t.strip() or source[n - 1].strip())
        assert all(n in got for n, t in enumerate(source, 1) if t.strip())


@FAST
@given(st.binary(max_size=2000), st.sampled_from(["x.txt", "x.md", "x.html", "x.docx"]))
def test_any_bytes_give_a_model_or_a_clear_error(data, name):
    try:
        src = read_source(data, name)
    except InputError as err:
        msg = str(err)
        assert "\n" not in msg and name in msg
        return
    parse(src)
