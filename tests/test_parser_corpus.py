"""Every real-world text parses, with the metadata and outline a person reads in it."""

from __future__ import annotations

import pytest

from pipeline.model import section_name
from pipeline.readers import read
from tests.conftest import CORPUS, corpus_files
from tests.helpers import missing_han

# file: (title, date, source, [(author, titles)], first top-level headings, count of top-level)
EXPECTED = {
    "seed_shiyishi.txt": (
        "踔厉奋发勇毅前行 以党的二十大精神为指引书写新时代新答卷", "2022-12-19", "十一师融媒体中心",
        [("程秀娥", ["十一师党委常委", "副政委", "组织部部长", "党委党校（行政学校）校长"])],
        ["一、突出政治建设，把坚持党的领导落到实处", "二、突出政治标准，着力建设高素质专业化干部队伍",
         "三、突出政治功能，全面提升基层党组织组织力", "四、突出政治引领，努力开创新时代人才工作新局面"], 4),
    "r20_report.txt": (
        "高举中国特色社会主义伟大旗帜 为全面建设社会主义现代化国家而团结奋斗", "2022-10-16", "",
        [("习近平", [])],
        ["一、过去五年的工作和新时代十年的伟大变革", "二、开辟马克思主义中国化时代化新境界"], 15),
    "r19_report_partial.utf16le.txt": (
        "", None, "", [], ["二、新时代中国共产党的历史使命", "三、新时代中国特色社会主义思想和基本方略"], 12),
    "gwr2024.gb18030.txt": (
        "政府工作报告", "2024-03-05", "", [("李强", ["国务院总理"])],
        ["一、2023年工作回顾", "二、2024年经济社会发展总体要求和政策取向", "三、2024年政府工作任务"], 3),
    "gwr2018_part.utf8bom.txt": (
        "政府工作报告", "2018-03-05", "", [("李克强", ["国务院总理"])], ["一、过去五年工作回顾"], 1),
    "pd_feature_zhongchao.txt": (
        "共同开创中朝两党两国关系的美好未来", "2019-06-23", "新华社",
        [("郝薇薇", []), ("李忠发", [])],
        ["真诚的朋友：友好邻邦常来常往", "宝贵的财富：传统友谊历久弥坚", "坚定的决心：维护地区和平稳定"], 3),
    "pd_news_songtao.txt": (
        "谱写中朝友谊新篇，维护半岛和平稳定", "2019-06-22", "人民日报", [],
        ["一、两党两国最高领导人举旗定向，引领中朝友谊开启新篇章"], 3),
    "pd_short_zhaokezhi.gbk.txt": (
        "赵克志会见朝鲜人民保安省参事李成哲", "2019-07-11", "人民日报", [("张璁", [])], [], 0),
    "pd_tiny_wangjiarui.txt": (
        "王家瑞会见金正恩特使", "2013-05-23", "新华社", [("钱彤", [])], [], 0),
    "baxiang_guiding.html": ("中共中央八项规定", "2025-03-26", "", [], [], 0),
    "dangshi_tiaoli.html": (
        "党史学习教育工作条例", "2024-02-05", "新华社", [],
        ["第一章\u3000总则", "第二章\u3000领导体制和工作职责"], 6),
    "jiaoyu_gangyao.scrape.txt": (
        "国家中长期教育改革和发展规划纲要", "2011-03-31", "", [],
        ["序言", "第一部分\u3000总体战略", "第二部分\u3000发展任务", "第三部分\u3000体制改革",
         "第四部分\u3000保障措施", "实施"], 6),
    "hongse_ziyuan.scrape.txt": (
        "每周一学（2021年10月4日—10日）", "2021-10-07", "", [],
        ["中国共产党人精神谱系第一批伟大精神正式发布"], 2),
    "shiwuwu_jianyi.txt": (
        "中共中央关于制定国民经济和社会发展第十五个五年规划的建议", "2025-10-23", "新华社", [],
        ["一、“十五五”时期是基本实现社会主义现代化的关键时期"], 15),
    "zfgzbg_jijianban.utf8bom.txt": (
        "不到800字！政府工作报告极简版来了", None, "人民日报官微", [],
        ["一、五年成就", "二、今年目标", "三、今年重点工作"], 3),
    "tijian_tongzhi.gb18030.txt": (
        "中共中央组织部办公厅 国家卫生健康委办公厅关于调整公务员录用体检有关项目检查标准的通知",
        "2025-11-11", "", [], [], 0),
    "sizhong_gongbao.txt": (
        "中国共产党第二十届中央委员会第四次全体会议公报", "2025-10-23", "新华社", [], [], 0),
    "xianfa.md": (
        "中华人民共和国宪法", "2018-03-11", "", [],
        ["序言", "第一章\u3000总纲", "第二章\u3000公民的基本权利和义务", "第三章\u3000国家机构",
         "第四章\u3000国旗、国歌、国徽、首都"], 5),
    "maogai_study_notes.txt": (
        "", None, "", [], ["1.毛泽东思想形成和发展的社会历史条件", "2.如何把握毛泽东思想的主要内容和活的灵魂"],
        None),
}

FILES = [p.name for p in corpus_files()]
pytestmark = pytest.mark.skipif(not FILES, reason="corpus not found")


def test_every_corpus_file_has_expectations():
    assert sorted(FILES) == sorted(EXPECTED)


@pytest.fixture(scope="module")
def parsed():
    cache = {}

    def get(name):
        if name not in cache:
            cache[name] = read(CORPUS / name)
        return cache[name]

    return get


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_metadata_and_outline(name, parsed):
    title, date, source, authors, headings, count = EXPECTED[name]
    doc = parsed(name)
    assert doc.meta.title == title
    assert doc.meta.date == date
    assert doc.meta.source == source
    assert [(a.name, a.titles) for a in doc.meta.authors] == authors
    top = [section_name(s) for s in doc.sections]
    assert top[: len(headings)] == headings
    if count is not None:
        assert len(top) == count


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_conservation(name, parsed):
    """Every Han character of the article is in the model, or discarded with a reason."""
    doc = parsed(name)
    assert not missing_han(CORPUS / name, doc)
    assert all(d.reason for d in doc.discarded)


@pytest.mark.parametrize("name", sorted(EXPECTED))
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
