"""Corrections as a model step: metadata, drop, keep and levels, recorded and checked."""

from __future__ import annotations

import pytest

from pipeline.corrections import (
    Corrections,
    _flatten,
    _nest,
    apply,
    from_mapping,
    from_metadata,
    parse_authors,
)
from pipeline.errors import InputError
from pipeline.loading import load_bytes
from pipeline.model import Author, section_name

# A WeChat copy whose title line took the date of the list it was copied from: printed so,
# the parser keeps it; the review flags it and the user corrects it.
WECHAT = """2024年3月5日 谱写中朝友谊新篇，维护半岛和平稳定
原创 组工学习 某某县委组织部 2024年03月05日 08:30 浙江

听全文

引言

近日，某某县委组织部组织全体党员干部开展专题学习，深入学习贯彻党的二十大精神，进一步提高政治站位。大家一致认为，要把学习成果转化为推动工作的强大动力。

一、提高政治站位

要坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神，切实增强“四个意识”、坚定“四个自信”、做到“两个维护”。

（一）学深悟透。要原原本本学，逐字逐句读，把握核心要义。

（二）学以致用。要把学习成果转化为实际行动。

二、狠抓工作落实

要以钉钉子精神抓好各项工作落实，确保各项部署落地见效。

（王小明）

分享到微信
"""


def load(corr: Corrections | None = None, text: str = WECHAT):
    return load_bytes(text.encode(), "wechat.txt", corrections=corr)


def headings(doc) -> list[tuple[int, str]]:
    return [(s.level, section_name(s)) for s in doc.walk()]


def texts(doc) -> list[str]:
    out = [b.text for b in doc.body]
    for s in doc.walk():
        out += [b.text for b in s.body]
    return out


# --- reading corrections ---------------------------------------------------------------

def test_metadata_options():
    corr = from_metadata(["title=正确的标题", "author=张三（某某县委书记、县长）", "author=李四",
                          "date=2024年3月5日", "source=某某日报", "drop=听全文",
                          "levels.引言=1", "levels.二、狠抓工作落实=0"])
    assert corr.title == "正确的标题" and corr.source == "某某日报"
    assert corr.authors == [Author("张三", ["某某县委书记", "县长"]), Author("李四")]
    assert corr.date == "2024-03-05"
    assert corr.drop == ["听全文"] and corr.levels == {"引言": 1, "二、狠抓工作落实": 0}
    assert corr.origin["title"] == "-M" and corr.origin["levels:引言"] == "-M"


@pytest.mark.parametrize("item,message", [
    ("titel=x", "-M titel=x: unknown key 'titel'"),
    ("title", "-M title: expected KEY=VALUE"),
    ("date=2024-13-05", "-M date: '2024-13-05' is not a date like 2024-03-05"),
    ("date=明天", "-M date: '明天' is not a date like 2024-03-05"),
    ("levels.引言=一", "-M levels.引言=一: expected a level 0–9"),
    ("levels.引言=12", "-M levels.引言=12: expected a level 0–9"),
])
def test_bad_metadata_options_are_one_line(item, message):
    with pytest.raises(InputError) as err:
        from_metadata([item])
    assert str(err.value).startswith(message)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("data,message", [
    ({"titel": "x"}, 'studykit.toml: articles."a.txt".titel: unknown key'),
    ({"date": "2024/02/30"}, 'studykit.toml: articles."a.txt".date: \'2024/02/30\' is not a date'),
    ({"title": 3}, 'studykit.toml: articles."a.txt".title: expected a string'),
    ({"drop": "x", "keep": ["x"]}, "“x” is both in drop and in keep"),
    ({"levels": {"引言": True}}, 'studykit.toml: articles."a.txt".levels."引言": expected a level'),
    ({"levels": ["引言"]}, 'studykit.toml: articles."a.txt".levels: expected a table'),
])
def test_bad_tables_are_one_line(data, message):
    with pytest.raises(InputError) as err:
        from_mapping(data, 'studykit.toml: articles."a.txt"', "studykit.toml")
    assert message in str(err.value)


def test_authors_with_titles():
    assert parse_authors("张三（某某县委书记）；李四、王五") == [
        Author("张三", ["某某县委书记"]), Author("李四"), Author("王五")]
    assert parse_authors("某某县委书记 张三") == [Author("张三", ["某某县委书记"])]
    assert parse_authors("某某县委组织部") == [Author("某某县委组织部")]


def test_merge_command_line_over_workspace():
    ws = from_mapping({"title": "甲", "drop": ["听全文"], "levels": {"引言": 1}}, "t", "studykit.toml")
    cli = from_metadata(["title=乙", "drop=分享到微信", "levels.引言=2"])
    both = ws.merged(cli)
    assert both.title == "乙" and both.origin["title"] == "-M"
    assert both.drop == ["听全文", "分享到微信"] and both.levels == {"引言": 2}
    assert ws.title == "甲"  # merging copies


# --- applying them -----------------------------------------------------------------------

def test_no_corrections_is_the_parse():
    assert apply(load(), Corrections()) == load()


def test_metadata_is_replaced_and_recorded():
    parsed = load().meta
    doc = load(from_metadata(["title=谱写中朝友谊新篇，维护半岛和平稳定", "author=某某县委组织部",
                              "date=2024-03-05", "subtitle=——学习体会"]))
    assert doc.meta.title == "谱写中朝友谊新篇，维护半岛和平稳定"
    assert doc.meta.authors == [Author("某某县委组织部")]
    assert doc.meta.date == "2024-03-05" and doc.meta.subtitle == "——学习体会"
    fixes = {c.field: c for c in doc.corrections}
    assert fixes["title"].origin == "-M" and fixes["title"].was == parsed.title
    assert not [w for w in doc.warnings if w.field in ("title", "authors", "date")]


def test_empty_values_clear_a_field():
    doc = load(from_metadata(["date=", "author="]))
    assert doc.meta.date is None and doc.meta.authors == []


def hand_made():
    """A parsed document and its source lines, made by hand (no parser involved)."""
    from pipeline.model import Block, Discarded, Document, Meta, Section

    doc = Document(meta=Meta(title="标题"), body=[Block("paragraph", "第一段正文内容。")],
                   sections=[Section(1, "一、", "第一部分",
                                     body=[Block("paragraph", "第二段正文内容。")])],
                   discarded=[Discarded("听全文", "toolbar", 3), Discarded("（王小明）", "credits", 9)])
    lines = {1: "标题", 2: "", 3: "听全文", 4: "", 5: "第一段正文内容。", 6: "一、第一部分",
             7: "第二段正文内容。", 8: "", 9: "（王小明）"}
    return doc, lines


def test_keep_puts_a_line_back_where_it_stood_then_it_can_be_a_heading():
    doc, lines = hand_made()
    fixed = apply(doc, from_mapping({"keep": ["听全文", "（王小明）"]}, "t", "page"), lines)
    assert [b.text for b in fixed.body] == ["听全文", "第一段正文内容。"]
    assert [b.text for b in fixed.sections[0].body] == ["第二段正文内容。", "（王小明）"]
    assert fixed.discarded == []
    fixed = apply(doc, from_mapping({"keep": ["听全文"], "levels": {"听全文": 1}}, "t", "page"),
                  lines)
    assert headings(fixed) == [(1, "听全文"), (1, "一、第一部分")]
    assert [b.text for b in fixed.sections[0].body] == ["第一段正文内容。"]
    # a model file has no source lines: a kept line goes after the text
    fixed = apply(doc, from_mapping({"keep": ["听全文"]}, "t", "page"))
    assert fixed.sections[0].body[-1].text == "听全文"


def test_keep_without_a_level_is_a_paragraph_before_the_text_that_followed_it():
    doc = load(from_mapping({"keep": ["分享到微信"]}, "t", "page"))
    last = list(doc.walk())[-1]
    assert last.body[-1].text == "分享到微信"  # it stood after the last paragraph


def test_drop_moves_lines_to_discarded_with_a_reason():
    doc = load(from_mapping({"drop": ["要以钉钉子精神抓好各项工作落实，确保各项部署落地见效。"]},
                            "t", "studykit.toml"))
    assert "要以钉钉子精神" not in "".join(texts(doc))
    gone = next(d for d in doc.discarded if d.text.startswith("要以钉钉子精神"))
    assert gone.reason == "dropped by correction (studykit.toml)" and gone.line == 20


def test_drop_a_heading_keeps_its_text():
    doc = load(from_mapping({"drop": ["二、狠抓工作落实"]}, "t", "page"))
    assert (1, "二、狠抓工作落实") not in headings(doc)
    assert any(t.startswith("要以钉钉子精神") for t in texts(doc))
    assert "二、狠抓工作落实" in [d.text for d in doc.discarded]


def test_levels_renest_the_outline():
    doc = load(from_mapping({"levels": {"二、狠抓工作落实": 2, "（二）学以致用": 3}}, "t", "page"))
    assert headings(doc) == [(1, "引言"), (1, "一、提高政治站位"), (2, "（一）学深悟透"),
                             (3, "（二）学以致用"), (2, "二、狠抓工作落实")]
    first = doc.sections[1]
    assert [section_name(s) for s in first.sections] == ["（一）学深悟透", "二、狠抓工作落实"]
    assert section_name(first.sections[0].sections[0]) == "（二）学以致用"
    rec = [c for c in doc.corrections if c.field == "level"]
    assert [(c.value, c.was) for c in rec] == [("（二）学以致用 → 3", "2"), ("二、狠抓工作落实 → 2", "1")]


def test_a_run_in_heading_made_text_is_its_paragraph_again():
    doc = load(from_mapping({"levels": {"（一）学深悟透": 0}}, "t", "page"))
    assert (2, "（一）学深悟透") not in headings(doc)
    sec = doc.sections[1]
    assert sec.body[-1].text == "（一）学深悟透。要原原本本学，逐字逐句读，把握核心要义。"
    back = load(from_mapping({"levels": {"（一）学深悟透": 0}}, "t", "page"))
    assert back == doc  # the same corrections give the same document


def test_a_paragraph_made_a_heading_takes_its_marker_as_label():
    text = WECHAT.replace("（一）学深悟透。要原原本本学", "（一）学深悟透\n\n要原原本本学")
    text = text.replace("近日，某某县委", "第一部分 背景\n\n近日，某某县委")
    doc = load(from_mapping({"levels": {"第一部分 背景": 1}}, "t", "page"), text)
    sec = next(s for s in doc.walk() if s.title == "背景")
    assert sec.label == "第一部分" and sec.level == 1


def test_unused_corrections_are_warnings():
    doc = load(from_mapping({"drop": ["没有这一行"], "keep": ["也没有"], "levels": {"结束语": 1}},
                            "t", "page"))
    unused = [w.message for w in doc.warnings if w.code == "correction-unused"]
    assert len(unused) == 3 and any("没有这一行" in m for m in unused)


def test_corrections_keep_every_character():
    """Nothing lost: what a correction removes from the text is in discarded, what it
    replaces in the metadata is in the correction's record."""
    from helpers import model_texts

    corr = from_mapping({"title": "新标题", "drop": ["一、提高政治站位", "分享到微信"],
                         "keep": ["听全文"], "levels": {"（二）学以致用": 0}}, "t", "page")
    doc = load(corr)
    have = "".join(model_texts(doc)) + "".join(c.was for c in doc.corrections)
    for ch in set(WECHAT) - set(" \n"):
        assert ch in have, ch


def test_flatten_and_nest_round_trip_every_corpus_file(corpus):
    from pipeline.readers import read

    for path in sorted(corpus.iterdir()):
        if path.name == "README.md":
            continue
        doc = read(path)
        stream = list(doc.body)
        for sec in doc.sections:
            _flatten(sec, stream)
        assert _nest(stream) == (doc.body, doc.sections), path.name


def test_any_relevelling_keeps_every_character_and_nests_deeper_levels_inside(corpus):
    """Property: whatever levels a user gives (0 included), no text is lost and every
    subsection is deeper than its parent."""
    from collections import Counter

    from helpers import model_texts
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from pipeline.parser.text import han_chars
    from pipeline.readers import read

    doc = read(corpus / "seed_shiyishi.txt")
    names = [section_name(s) for s in doc.walk()]
    names += [b.text for b in doc.sections[0].body[:2]]  # paragraphs may be made headings
    want = Counter(han_chars("".join(model_texts(doc))))

    @settings(max_examples=60, deadline=None)
    @given(st.dictionaries(st.sampled_from(names), st.integers(0, 4), max_size=6))
    def check(levels):
        fixed = apply(doc, from_mapping({"levels": levels}, "t", "page"))
        have = Counter(han_chars("".join(model_texts(fixed))))
        assert not want - have

        def deeper(secs, parent):
            for s in secs:
                assert s.level > parent
                deeper(s.sections, s.level)

        deeper(fixed.sections, 0)

    check()
