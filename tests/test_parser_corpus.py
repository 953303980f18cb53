"""Every real-world text parses, with the metadata and outline a person reads in it."""

from __future__ import annotations

import pytest

from pipeline.readers import read
from tests.conftest import CORPUS, corpus_files
from tests.conservation import page_missing_han
from tests.corpus_expected import CORPUS1, score
from tests.helpers import missing_han

FILES = [p.name for p in corpus_files()]
pytestmark = pytest.mark.skipif(not FILES, reason="corpus not found")


def test_every_corpus_file_has_expectations():
    assert sorted(FILES) == sorted(CORPUS1)


@pytest.fixture(scope="module")
def parsed():
    cache = {}

    def get(name):
        if name not in cache:
            cache[name] = read(CORPUS / name)
        return cache[name]

    return get


@pytest.mark.parametrize("name", sorted(CORPUS1))
def test_metadata_outline_and_body(name, parsed):
    """Title, date, source, authors (with titles), top-level headings and body, as read by hand."""
    result = score(parsed(name), CORPUS1[name])
    assert {f: ok for f, ok in result.items() if not ok} == {}


@pytest.mark.parametrize("name", sorted(CORPUS1))
def test_conservation(name, parsed):
    """Every Han character of the article is in the model, or discarded with a reason."""
    doc = parsed(name)
    assert not missing_han(CORPUS / name, doc)
    assert not page_missing_han(CORPUS / name, doc)
    assert all(d.reason for d in doc.discarded)


@pytest.mark.parametrize("name", sorted(CORPUS1))
def test_json_round_trip(name, parsed):
    doc = parsed(name)
    from pipeline.model import Document

    assert Document.from_json(doc.to_json()) == doc


def test_sub_levels_follow_the_document(parsed):
    doc = parsed("r20_report.txt")
    four = doc.sections[3]
    assert [s.label for s in four.sections] == ["（一）", "（二）", "（三）", "（四）", "（五）"]
    assert all(s.level == 2 and s.run_in for s in four.sections)
    assert four.sections[0].title == "构建高水平社会主义市场经济体制"
    assert four.sections[0].body[0].text.startswith("坚持和完善社会主义基本经济制度")
    # a run-in heading broken across blank lines is rejoined
    fifteen = doc.sections[14]
    assert fifteen.sections[1].title == "坚持不懈用新时代中国特色社会主义思想凝心铸魂"
    # the salutation is body text, not a heading
    assert doc.body[0].text == "同志们："


def test_numbering_warnings(parsed):
    assert any(w.code == "numbering-starts-late" for w in parsed("r19_report_partial.utf16le.txt").warnings)
    assert any(w.code == "numbering-continues" for w in parsed("shiwuwu_jianyi.txt").warnings)
    shiwuwu = parsed("shiwuwu_jianyi.txt")
    assert shiwuwu.sections[1].sections[0].label == "（4）"  # runs on from section 一


def test_rule_paragraphs_are_not_headings(parsed):
    tijian = parsed("tijian_tongzhi.gb18030.txt")
    lists = [b for b in tijian.body if b.type == "list"]
    assert [i.label for i in lists[0].items] == ["一、", "二、", "三、"]
    assert [b.text for b in tijian.body if b.type == "signature"] == [
        "中共中央组织部办公厅 国家卫生健康委办公厅", "2025年11月11日"]
    baxiang = parsed("baxiang_guiding.html")
    assert len([i for b in baxiang.body if b.type == "list" for i in b.items]) == 8


def test_enumerations_under_articles_are_lists(parsed):
    doc = parsed("dangshi_tiaoli.html")
    chapter1 = doc.sections[0]
    assert chapter1.sections == []
    assert [b.label for b in chapter1.body if b.label][:2] == ["第一条", "第二条"]
    assert any(b.type == "list" and b.items[0].label == "（一）" for b in chapter1.body)


def test_table_of_contents_is_discarded(parsed):
    doc = parsed("jiaoyu_gangyao.scrape.txt")
    toc = [d for d in doc.discarded if d.reason == "table of contents"]
    assert len(toc) >= 25
    assert doc.meta.notes == ["（2010-2020年）", "（公开征求意见稿）"]
    assert doc.meta.breadcrumb == ["首页", "教学科研", "教研成果"]


def test_two_articles_are_marked_parts(parsed):
    doc = parsed("hongse_ziyuan.scrape.txt")
    assert [s.kind for s in doc.sections] == ["article", "article"]
    first, second = doc.sections
    assert first.meta.date == "2021-09-29" and first.meta.source == "新华社"
    assert second.meta.authors[0].name == "习近平"
    assert second.title.startswith("用好红色资源 赓续红色血脉")
    captions = [d for d in doc.discarded if d.reason == "photo caption"]
    assert len(captions) == 3
    assert any(b.type == "note" for b in second.body)


def test_page_junk_is_discarded_with_reasons(parsed):
    seed = parsed("seed_shiyishi.txt")
    reasons = {d.text: d.reason for d in seed.discarded}
    assert reasons["A+ A A-"] == "font-size toolbar"
    assert seed.meta.breadcrumb == ["首页", "政要新闻", "十一师要闻"]
    page = parsed("jiaoyu_gangyao.scrape.txt")
    texts = " ".join(d.text for d in page.discarded)
    assert "【打印正文】" in texts and "上一篇" in texts and "版权所有" in texts


def test_quotes_and_terms(parsed):
    seed = parsed("seed_shiyishi.txt")
    terms = {t.text for t in seed.terms if t.kind == "formulation"}
    assert {"两个确立", "四个意识", "四个自信", "两个维护", "三会一课", "8321"} <= terms
    assert "推进领导干部能上能下规定" in {t.text for t in seed.terms if t.kind == "book"}
    q = next(q for q in seed.quotes if q.text.startswith("树立选人用人正确导向"))
    assert q.speaker == "习近平总书记" and q.source == "党的二十大报告"
    assert q.section.startswith("二、")
    first = next(q for q in seed.quotes if q.text.startswith("坚持不懈用"))
    assert first.source == "党的二十大报告"


def test_punctuation_is_widened_in_chinese_text(parsed):
    seed = parsed("seed_shiyishi.txt")
    intro = seed.body[0].text
    assert "," not in intro and "，" in intro
    assert "党的二十大报告，就" in intro
