"""The model's JSON form: a lossless round trip, and the documented top-level keys."""

from __future__ import annotations

import dataclasses
import json

from pipeline.model import (
    SCHEMA_VERSION,
    Author,
    Block,
    Correction,
    Discarded,
    Document,
    Excerpt,
    GlossaryEntry,
    KeyPoint,
    ListItem,
    Meta,
    Omission,
    Question,
    QuizItem,
    Quote,
    Section,
    SectionPoints,
    StudyAids,
    Term,
    Warning,
)

TOP_LEVEL_KEYS = ["version", "meta", "body", "sections", "discarded", "quotes", "terms",
                  "warnings", "corrections", "aids", "source_file", "encoding", "source_format",
                  "read_as"]


def full_document() -> Document:
    """A document with every field of every dataclass set to a non-default value."""
    meta = Meta(title="以党的二十大精神引领基层组织建设", subtitle="——专题党课辅导报告",
                date="2026-11-20", source="某某县委组织部",
                authors=[Author(name="张某某", titles=["某某县委常委", "组织部部长"]),
                         Author(name="李某", titles=[])],
                breadcrumb=["首页", "党建工作", "学习园地"],
                notes=["（2026年11月20日）"], doc_number="某组发〔2026〕3号",
                addressees=["各乡镇党委", "县直各单位党组织"], cc=["市委组织部"],
                imprint="某某县委组织部办公室　2026年11月20日印发")
    second = Meta(title="第二篇文章", subtitle="——副题", date="2026-11-21", source="本报",
                  authors=[Author(name="王某", titles=["记者"])], breadcrumb=["首页"],
                  notes=["附记"])
    run_in = Section(level=2, label="（一）", title="织密建强基层组织体系", run_in=True,
                     body=[Block(type="paragraph", text="严密的组织体系是党的优势所在。"),
                           Block(type="list", items=[ListItem(label="①", text="村党组织"),
                                                     ListItem(label="——", text="社区党组织")]),
                           Block(type="paragraph", text="组织开展专题学习。", label="第一条"),
                           Block(type="table", text="学习安排", rows=[["时间", "内容"],
                                                                  ["11月", "专题党课"]])])
    article = Section(level=1, label="", title="第二篇文章", kind="article", meta=second,
                      body=[Block(type="signature", text="某某县委组织部"),
                            Block(type="note", text="※本文有删节。")])
    return Document(
        meta=meta,
        body=[Block(type="paragraph", text="今天这堂专题党课，我谈三点体会。")],
        sections=[Section(level=1, label="一、", title="深学细悟", body=[
            Block(type="paragraph", text="理论上的清醒是政治上坚定的前提。")],
            sections=[run_in]), article],
        discarded=[Discarded(text="【打印】【关闭】", reason="page toolbar", line=9)],
        quotes=[Quote(text="严密的组织体系是党的优势所在、力量所在。", speaker="习近平总书记",
                      source="党的二十大报告", section="（一）织密建强基层组织体系",
                      sentence="习近平总书记在党的二十大报告中指出，“严密的组织体系是党的优势所在、力量所在。”")],
        terms=[Term(text="四个意识", kind="formulation", count=2, section="一、深学细悟"),
               Term(text="中国共产党支部工作条例（试行）", kind="book", count=1, section="")],
        warnings=[Warning(code="numbering-gap", message="（一） is followed by （三）",
                          field="outline")],
        corrections=[Correction(field="title", value="以党的二十大精神引领基层组织建设",
                                origin="studykit.toml", was="以党的二十大精神引领基层组织建设 原创")],
        aids=StudyAids(
            excerpts=[Excerpt(text="江山就是人民，人民就是江山。", speaker="习近平总书记",
                              source="党的二十大报告", section="一、深学细悟")],
            glossary=[GlossaryEntry(term="三会一课", definition="支部党员大会、支部委员会、"
                                    "党小组会和党课。", source="《中国共产党支部工作条例（试行）》"),
                      GlossaryEntry(term="四个意识")],
            questions=[Question(section="一、深学细悟", text="如何理解理论武装的根本任务？",
                                article="《学习二十大精神专题党课》")],
            quiz=[QuizItem(prompt="江山就是____，____就是江山。", answer="人民",
                           section="一、深学细悟")],
            notes_page=True,
            keypoints=[SectionPoints(section="一、深学细悟", points=[
                KeyPoint(text="理论武装是根本任务", note="理论上的清醒是政治上坚定的前提。")])],
            genre="speech",
            undefined=["四支队伍"],
            omitted=[Omission(aid="quiz", reason="全文不足300字，不足以摘编、出题")],
        ),
        source_file="source/学习二十大精神专题党课.txt",
        encoding="gb18030",
        source_format="text",
        read_as="纯文本",
        version=SCHEMA_VERSION,
    )


def test_full_document_sets_every_field():
    # Blocks leave fields unused by their type, so look at each dataclass across the whole tree.
    doc = full_document()
    seen: dict[type, set[str]] = {}

    def visit(obj):
        if dataclasses.is_dataclass(obj):
            names = seen.setdefault(type(obj), set())
            for f in dataclasses.fields(obj):
                value = getattr(obj, f.name)
                default = (f.default if f.default is not dataclasses.MISSING else
                           f.default_factory() if f.default_factory is not dataclasses.MISSING
                           else object())
                if value != default or f.name == "version":
                    names.add(f.name)
                visit(value)
        elif isinstance(obj, list):
            for item in obj:
                visit(item)

    visit(doc)
    missing = {cls.__name__: sorted({f.name for f in dataclasses.fields(cls)} - names)
               for cls, names in seen.items()}
    assert {k: v for k, v in missing.items() if v} == {}
    import pipeline.model as model

    all_classes = {obj for obj in vars(model).values()
                   if isinstance(obj, type) and dataclasses.is_dataclass(obj)
                   and obj.__module__ == model.__name__}
    assert all_classes == set(seen), "a dataclass of the model is not in full_document()"


def test_round_trip_equal():
    doc = full_document()
    again = Document.from_json(doc.to_json())
    assert again == doc
    assert again.to_json() == doc.to_json()


def test_round_trip_compact_json():
    doc = full_document()
    assert Document.from_json(doc.to_json(indent=None)) == doc


def test_round_trip_rebuilds_dataclasses():
    again = Document.from_json(full_document().to_json())
    assert isinstance(again.meta.authors[0], Author)
    assert isinstance(again.sections[0].sections[0], Section)
    assert isinstance(again.sections[0].sections[0].body[1].items[0], ListItem)
    assert isinstance(again.sections[1].meta, Meta)
    assert isinstance(again.aids, StudyAids)
    assert isinstance(again.aids.keypoints[0].points[0], KeyPoint)


def test_empty_document_round_trip():
    doc = Document()
    assert Document.from_json(doc.to_json()) == doc


def test_top_level_keys_exactly():
    data = json.loads(full_document().to_json())
    assert list(data) == TOP_LEVEL_KEYS
    assert list(json.loads(Document().to_json())) == TOP_LEVEL_KEYS
    assert data["version"] == SCHEMA_VERSION


def test_json_keeps_chinese_unescaped():
    text = full_document().to_json()
    assert "以党的二十大精神" in text
    assert "\\u" not in text


def test_unknown_keys_are_ignored():
    data = json.loads(full_document().to_json())
    data["added_in_a_later_version"] = True
    data["meta"]["also_new"] = "x"
    assert Document.from_dict(data) == full_document()
