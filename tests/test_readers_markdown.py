"""Markdown reader: headings, markup removal, comments, code, line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.readers import markdown, read_source

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
if not CORPUS.is_dir():
    CORPUS = Path("/work/shared/corpus")
XIANFA = CORPUS / "xianfa.md"


def _md(text: str, encoding: str = "utf-8"):
    return markdown.read(text.encode(encoding), "t.md")


@pytest.fixture(scope="module")
def xianfa():
    return markdown.read(XIANFA.read_bytes(), XIANFA.name)


def test_xianfa_headings_and_line_numbers(xianfa):
    assert xianfa.format == "markdown"
    heads = [(ln.lineno, ln.heading, ln.text) for ln in xianfa.lines if ln.heading]
    assert heads[:4] == [(1, 1, "中华人民共和国宪法"), (19, 2, "序言"), (55, 2, "第一章 总纲"),
                         (221, 2, "第二章 公民的基本权利和义务")]
    assert (317, 3, "第一节 全国人民代表大会") in heads
    assert heads[-1] == (777, 2, "第四章 国旗、国歌、国徽、首都")
    assert len(heads) == 14
    # One SourceLine per source line, numbered as in the file.
    source = XIANFA.read_text(encoding="utf-8").split("\n")
    assert [ln.lineno for ln in xianfa.lines] == list(range(1, len(source) + 1))
    assert xianfa.lines[2].text == "1982年12月4日 第五届全国人民代表大会第五次会议通过"
    assert xianfa.lines[-1].text == "第一百四十三条 中华人民共和国首都是北京。"


def test_xianfa_comments_are_discarded(xianfa):
    assert not any("<!--" in ln.text or "-->" in ln.text for ln in xianfa.lines)
    comments = [(d.line, d.text) for d in xianfa.discarded if d.reason == "markup comment"]
    assert comments[0] == (17, "<!-- INFO END -->")
    assert (31, "<!-- FORCE BREAK -->") in comments
    assert len(comments) == 5
    assert xianfa.lines[16].text == ""  # the comment's line stays, empty
    # Every other line of the file is kept unchanged (xianfa has no inline markup).
    source = XIANFA.read_text(encoding="utf-8").split("\n")
    for ln in xianfa.lines:
        src = source[ln.lineno - 1]
        if not src.startswith(("#", "<!--")):
            assert ln.text == src


def test_inline_markup_is_removed():
    st = _md("**第一条** 加强*党的*领导，__坚持__人民 _至上_，坚持_人民_至上。\n"
             "见[新华网](http://www.xinhuanet.com/)与[人民网][rmw]。<https://gov.cn>\n"
             "***粗斜体*** 与 `代码 *不动*`，转义 \\*星号\\* 与 snake_case_name\n"
             "[rmw]: http://www.people.com.cn\n")
    texts = [ln.text for ln in st.lines]
    assert texts[0] == "第一条 加强党的领导，坚持人民 至上，坚持_人民_至上。"  # no intraword _
    assert texts[1] == "见新华网与人民网。https://gov.cn"
    assert texts[2] == "粗斜体 与 代码 *不动*，转义 *星号* 与 snake_case_name"
    assert texts[3] == ""
    assert [d.reason for d in st.discarded] == ["markup (link definition)"]


def test_block_markers():
    st = _md("> 引文第一行\n> > 嵌套引文\n- 要点一\n* 要点二\n  + 子要点\n1. 文字\n（1）不动\n"
             "- [x] 已完成\n---\n")
    assert [ln.text for ln in st.lines] == [
        "引文第一行", "嵌套引文", "要点一", "要点二", "子要点", "1. 文字", "（1）不动", "已完成", "", ""]
    assert st.discarded[0].reason == "markup (thematic break)"
    assert st.discarded[0].line == 9


def test_atx_and_setext_headings():
    st = _md("# 标题 #\n####### 七个井号\n#无空格\n副标题\n======\n\n二级\n---\n> ## 引用里的标题\n")
    got = [(ln.lineno, ln.heading, ln.text) for ln in st.lines]
    assert got == [
        (1, 1, "标题"),
        (2, None, "####### 七个井号"),
        (3, None, "#无空格"),
        (4, 1, "副标题"),
        (5, None, ""),
        (6, None, ""),
        (7, 2, "二级"),
        (8, None, ""),
        (9, 2, "引用里的标题"),
        (10, None, ""),
    ]


def test_fenced_code_is_verbatim():
    st = _md("前文\n```python\n# 不是标题\n**不是粗体** <!-- 不是注释 -->\n```\n后文 <!-- 注 --> 续\n")
    assert [(ln.text, ln.heading) for ln in st.lines] == [
        ("前文", None), ("", None), ("# 不是标题", None),
        ("**不是粗体** <!-- 不是注释 -->", None), ("", None), ("后文  续", None), ("", None)]
    assert [d.reason for d in st.discarded] == [
        "markup (code fence)", "markup (code fence)", "markup comment"]


def test_multiline_and_unterminated_comments():
    st = _md("甲<!-- 一\n\n二 -->乙\n丙\n<!-- 没有结尾\n丁\n")
    assert [ln.text for ln in st.lines] == ["甲", "", "乙", "丙", "", "", ""]
    assert st.discarded[0].text == "<!-- 一\n\n二 -->"
    assert st.discarded[0].line == 1
    assert st.discarded[1].reason == "markup comment (unterminated)"
    assert st.discarded[1].text == "<!-- 没有结尾\n丁\n"


def test_front_matter_and_images():
    st = _md("---\ntitle: 学习材料\ndate: 2024-3-5\nauthor: 张三, 李四\n---\n正文![图](a.png)。\n")
    assert st.hints.title == "学习材料"
    assert st.hints.date == "2024-03-05"
    assert [a.name for a in st.hints.authors] == ["张三", "李四"]
    assert [ln.text for ln in st.lines][:6] == ["", "", "", "", "", "正文。"]
    assert st.lines[5].lineno == 6
    assert ("![图](a.png)", "image") in [(d.text, d.reason) for d in st.discarded]


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16"])
def test_decodes_other_encodings(encoding):
    st = _md("## 第一章 总纲\n\n第一条 中华人民共和国是工人阶级领导的、以工农联盟为基础的人民民主专政的社会主义国家。\n",
             encoding)
    assert st.lines[0].heading == 2
    assert st.lines[0].text == "第一章 总纲"


def test_dispatch_and_bad_input():
    assert read_source(XIANFA.read_bytes(), "x.markdown").format == "markdown"
    with pytest.raises(InputError):
        markdown.read(b"\x00\x01\x02\x03" * 100, "bin.md")
