"""Review warnings: what looks wrong, with the field to correct and how."""

from __future__ import annotations

import pytest

from pipeline.loading import load_bytes
from pipeline.model import Author, Warning
from pipeline.review import author_problem, hint, title_problems


@pytest.mark.parametrize("title,words", [
    ("谱写中朝友谊新篇 原创 组工学习 某某县委组织部 2024年03月05日 08:30 浙江",
     ["含日期“2024年03月05日”", "含时间“08:30”", "时间后有地名“浙江”", "含页面用语“原创”"]),
    ("学习贯彻党的二十大精神 听全文", ["含页面用语“听全文”"]),
    ("某某通知 http://www.example.gov.cn/a.html", ["含网址"]),
    ("【文/观察者网专栏作者 王文】", ["含署名"]),
    ("澎湃号 > 中国广州发布", ["含栏目路径"]),
    ("关于" + "进一步加强和改进" * 8 + "的通知", ["过长（"]),
    ("字体：大 中 小 某某讲话", ["含页面用语“字体：”"]),
])
def test_titles_that_hold_more_than_a_title(title, words, zh):
    why = title_problems(title)
    for word in words:
        assert any(w.startswith(word) for w in why), (word, why)


@pytest.mark.parametrize("title", [
    "踔厉奋发勇毅前行 以党的二十大精神为指引书写新时代新答卷",
    "高举中国特色社会主义伟大旗帜 为全面建设社会主义现代化国家而团结奋斗",
    "2024年政府工作报告", "5月20日至31日，京沪高速封闭", "一日一技：在 Python 中实现延迟调用",
    "关注民生 分享经验 共谋发展",
])
def test_ordinary_titles_pass(title):
    assert title_problems(title) == []


@pytest.mark.parametrize("name,bad", [
    ("听全文", True), ("引言", True), ("Administrator", True), ("email@gmail.com", True),
    ("12345", True), ("微软用户", True), ("责任编辑", True), ("召瑞 芶", True), ("张", True),
    ("这是一段被误当作作者的正文文字", True),
    ("习近平", False), ("欧阳修远", False), ("阿卜杜拉·艾则孜", False), ("某某县委组织部", False),
    ("本报评论员", False), ("新华社记者", False), ("中共中央党校（国家行政学院）课题组", True),
])
def test_plausible_authors(name, bad):
    assert bool(author_problem(Author(name))) == bad, author_problem(Author(name))


def doc_of(text: str):
    return load_bytes(text.encode(), "a.txt")


def codes(doc) -> list[str]:
    return [w.code for w in doc.warnings]


def test_no_headings_in_a_long_text_and_no_date():
    doc = doc_of("一篇长文\n\n" + ("这是一段没有小标题的正文，讲学习的意义和方法。" * 20 + "\n\n") * 12)
    assert "no-headings" in codes(doc) and "no-date" in codes(doc)
    w = next(w for w in doc.warnings if w.code == "no-headings")
    assert w.field == "outline"


def test_numbering_gap_on_the_corrected_outline():
    text = ("标题\n\n2024年3月5日\n\n一、第一部分\n\n正文一。\n\n二、第二部分\n\n正文二。\n\n"
            "四、第四部分\n\n正文四。\n")
    doc = doc_of(text)
    gaps = [w for w in doc.warnings if w.code == "numbering-gap"]
    assert len(gaps) == 1 and "二、" in gaps[0].message and "四、" in gaps[0].message
    assert gaps[0].field == "outline"


def test_body_much_shorter_than_the_page():
    text = "标题\n\n正文只有一句。\n\n" + "".join(f"分享到微信{i}\n\n" for i in range(1))
    doc = doc_of(text)
    assert "body-short" not in codes(doc)
    from pipeline.corrections import from_mapping

    doc = load_bytes(text.encode(), "a.txt", corrections=from_mapping(
        {"drop": ["正文只有一句。"]}, "t", "page"))
    assert "body-short" in codes(doc)


def test_review_runs_again_without_doubling():
    from pipeline.review import review

    doc = doc_of("标题 原创 2024年03月05日 08:30 浙江\n\n正文。\n")
    assert review(review(doc)).warnings == doc.warnings


def test_hints_say_what_to_do(zh):
    w = Warning("title-suspect", "标题可能混入了别的文字", field="title")
    assert hint(w) == '改正：-M title="正确的标题"'
    assert hint(w, "wechat.txt", workspace=True) == \
        '在 studykit.toml 的 [articles."wechat.txt"] 中写 title = "正确的标题"'
    assert "levels" in hint(Warning("no-headings", "…", field="outline"))
    assert hint(Warning("correction-unused", "…", field="text")) == ""


def test_corpus_titles_that_are_right_are_not_flagged(corpus):
    """The parser's right titles of the first corpus raise no title warning."""
    from pipeline.loading import load_document

    for name in ("seed_shiyishi.txt", "r20_report.txt", "gwr2024.gb18030.txt",
                 "pd_news_songtao.txt", "dangshi_tiaoli.html", "xianfa.md"):
        doc = load_document(corpus / name)
        assert "title-suspect" not in codes(doc), name
        assert "author-suspect" not in codes(doc), name


def test_hints_in_english_by_default():
    w = Warning("title-suspect", "…", field="title")
    assert hint(w) == 'correct it: -M title="The Right Title"'
    assert hint(w, "wechat.txt", workspace=True) == \
        'in studykit.toml, under [articles."wechat.txt"], write title = "The Right Title"'
    assert title_problems("某某通知 http://www.example.gov.cn/a.html") == ["holds a web address"]
