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


def _texts(st) -> list[str]:
    return [ln.text for ln in st.lines if ln.text or ln.table]


def test_xianfa_headings_and_line_numbers(xianfa):
    assert xianfa.format == "markdown"
    heads = [(ln.lineno, ln.heading, ln.text) for ln in xianfa.lines if ln.heading]
    assert heads[:4] == [(1, 1, "中华人民共和国宪法"), (19, 2, "序言"), (55, 2, "第一章 总纲"),
                         (221, 2, "第二章 公民的基本权利和义务")]
    assert (317, 3, "第一节 全国人民代表大会") in heads
    assert heads[-1] == (777, 2, "第四章 国旗、国歌、国徽、首都")
    assert len(heads) == 14
    # Lines are numbered as in the file; the text is the text of the file.
    source = XIANFA.read_text(encoding="utf-8").split("\n")
    texts = [ln for ln in xianfa.lines if ln.text]
    assert texts[1].lineno == 3
    assert texts[1].text == "1982年12月4日 第五届全国人民代表大会第五次会议通过"
    assert texts[-1].text == "第一百四十三条 中华人民共和国首都是北京。"
    for ln in texts:
        src = source[ln.lineno - 1]
        if not src.startswith(("#", "<!--")):
            assert ln.text == src


def test_xianfa_comments_are_discarded(xianfa):
    assert not any("<!--" in ln.text or "-->" in ln.text for ln in xianfa.lines)
    comments = [(d.line, d.text) for d in xianfa.discarded if d.reason == "markup comment"]
    assert comments[0] == (17, "<!-- INFO END -->")
    assert (31, "<!-- FORCE BREAK -->") in comments
    assert len(comments) == 5


def test_inline_markup_is_removed():
    st = _md("**第一条** 加强*党的*领导，__坚持__人民 _至上_，坚持_人民_至上。\n"
             "见[新华网](http://www.xinhuanet.com/)与[人民网][rmw]。<https://gov.cn>\n"
             "***粗斜体*** 与 `代码 *不动*`，转义 \\*星号\\* 与 snake_case_name\n"
             "\n[rmw]: http://www.people.com.cn\n")
    texts = _texts(st)
    # CommonMark: _ and __ between Han characters are intraword, hence literal
    assert texts[0] == "第一条 加强党的领导，__坚持__人民 至上，坚持_人民_至上。"
    assert texts[1] == "见新华网与人民网。https://gov.cn"
    assert texts[2] == "粗斜体 与 代码 *不动*，转义 *星号* 与 snake_case_name"
    assert [ln.lineno for ln in st.lines if ln.text] == [1, 2, 3]
    assert [(d.reason, d.line) for d in st.discarded] == [("markup (link definition)", 5)]


def test_block_markers():
    st = _md("> 引文第一行\n>\n> > 嵌套引文\n\n- 要点一\n* 要点二\n  + 子要点\n\n1. 文字\n\n（1）不动\n\n"
             "- 已完成\n\n---\n")
    assert _texts(st) == ["引文第一行", "嵌套引文", "要点一", "要点二", "子要点", "1.文字", "（1）不动", "已完成"]
    assert st.discarded[0].reason == "markup (thematic break)"
    assert st.discarded[0].line == 15


def test_atx_and_setext_headings():
    st = _md("# 标题 #\n####### 七个井号\n\n#无空格\n\n副标题\n======\n\n二级\n---\n> ## 引用里的标题\n")
    got = [(ln.lineno, ln.heading, ln.text) for ln in st.lines if ln.text]
    assert got == [
        (1, 1, "标题"),
        (2, None, "####### 七个井号"),
        (4, None, "#无空格"),
        (6, 1, "副标题"),
        (9, 2, "二级"),
        (11, 2, "引用里的标题"),
    ]
    assert ("======", "markup (heading underline)") in [(d.text, d.reason) for d in st.discarded]


def test_fenced_code_is_verbatim():
    st = _md("前文\n\n```python\n# 不是标题\n**不是粗体** <!-- 不是注释 -->\n```\n\n后文 <!-- 注 --> 续\n")
    assert [(ln.text, ln.heading) for ln in st.lines if ln.text] == [
        ("前文", None), ("# 不是标题", None), ("**不是粗体** <!-- 不是注释 -->", None),
        ("后文  续", None)]
    assert [d.reason for d in st.discarded] == [
        "markup (code fence)", "markup (code fence)", "markup comment"]


def test_comment_blocks_and_unterminated_comments():
    st = _md("甲\n\n<!-- 一\n\n二 -->\n\n丙\n\n<!-- 没有结尾\n丁\n")
    assert _texts(st) == ["甲", "丙"]
    assert st.discarded[0].text == "<!-- 一\n\n二 -->"
    assert st.discarded[0].line == 3
    assert st.discarded[-1].reason == "markup comment (unterminated)"
    assert st.discarded[-1].text == "<!-- 没有结尾\n丁"


def test_front_matter_and_images():
    st = _md("---\ntitle: 学习材料\ndate: 2024-3-5\nauthor: 张三, 李四\n---\n正文![图](a.png)。\n")
    assert st.hints.title == "学习材料"
    assert st.hints.date == "2024-03-05"
    assert [a.name for a in st.hints.authors] == ["张三", "李四"]
    assert [(ln.lineno, ln.text) for ln in st.lines if ln.text] == [(6, "正文。")]
    assert ("![图](a.png)", "image") in [(d.text, d.reason) for d in st.discarded]
    assert [d.line for d in st.discarded if d.reason == "front matter"] == [1, 2, 3, 4, 5]


def test_front_matter_title_wins_over_the_first_heading(tmp_path):
    from pipeline.readers import read

    path = tmp_path / "a.md"
    path.write_text("---\ntitle: 关于加强学习的意见\n---\n# 学习材料之一\n\n正文第一段，说明事情的缘由。\n",
                    encoding="utf-8")
    doc = read(path)
    assert doc.meta.title == "关于加强学习的意见"
    assert "学习材料之一" in doc.meta.subtitle + "".join(doc.meta.notes)


def test_tables_and_footnotes():
    st = _md("正文引用了一个注释[^1]。\n\n| 时间 | 内容 |\n| --- | --- |\n| 3月5日 | **集中**学习 |\n\n"
             "[^1]: 注释的内容。\n")
    texts = [(ln.text, ln.table) for ln in st.lines if ln.text or ln.table]
    assert texts == [("正文引用了一个注释[1]。", None), ("", [["时间", "内容"], ["3月5日", "集中学习"]]),
                     ("[1] 注释的内容。", None)]


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
