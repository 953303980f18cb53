"""The study aids: deterministic, switchable, sourced, never invented."""

from __future__ import annotations

import pytest
from sample_doc import sample_document

from pipeline.enrich import enrich
from pipeline.enrich.glossary import load_glossary
from pipeline.enrich.keypoints import LIMIT, condense, key_points
from pipeline.enrich.quiz import BLANK_UNIT
from pipeline.errors import InputError
from pipeline.model import Document
from pipeline.options import AidOptions


def test_deterministic_and_copy() -> None:
    doc = sample_document()
    a = enrich(doc, AidOptions())
    b = enrich(sample_document(), AidOptions())
    assert a.to_json() == b.to_json()
    assert doc.aids is None  # the input is not changed
    assert Document.from_json(a.to_json()).aids == a.aids


def test_switched_off_is_empty() -> None:
    aids = enrich(sample_document(), AidOptions.none()).aids
    assert aids is not None
    assert (aids.excerpts, aids.glossary, aids.questions, aids.quiz) == ([], [], [], [])
    assert aids.notes_page is False
    assert aids.keypoints  # slides need them whatever the aids


def test_excerpts_dedup_and_order() -> None:
    ex = enrich(sample_document(), AidOptions()).aids.excerpts
    texts = [e.text for e in ex]
    assert texts == ["坚持不懈用习近平新时代中国特色社会主义思想凝心铸魂",
                     "信念坚定、为民服务、勤政务实、敢于担当、清正廉洁"]
    assert ex[0].speaker == "党的二十大报告"
    assert ex[0].section.startswith("一、")


def test_glossary_sourced_and_blank_for_unknown() -> None:
    gl = enrich(sample_document(), AidOptions()).aids.glossary
    by = {g.term: g for g in gl}
    assert list(by) == ["两个确立", "四个意识", "四个自信", "两个维护", "三会一课", "三个务必"]
    assert by["四个意识"].definition.startswith("政治意识") and by["四个意识"].source
    assert all(g.source for g in gl if g.definition)
    assert by["三个务必"].definition == "" and by["三个务必"].source == ""
    assert "推进领导干部能上能下规定" not in by  # book titles are not formulations


def test_user_glossary_overrides_and_extends(tmp_path) -> None:
    f = tmp_path / "mine.toml"
    f.write_text('["四个意识"]\ndefinition = "自定义。"\nsource = "本单位"\n'
                 '["三个务必"]\ndefinition = "务必不忘初心。"\nsource = "二十大报告"\n',
                 encoding="utf-8")
    gl = enrich(sample_document(), AidOptions(glossary_files=[f])).aids.glossary
    by = {g.term: g for g in gl}
    assert by["四个意识"].definition == "自定义。" and by["四个意识"].source == "本单位"
    assert by["三个务必"].definition == "务必不忘初心。"
    assert by["两个确立"].definition  # built-ins stay


@pytest.mark.parametrize("content", ['[四个意识]\ndefinition = "x"\n', '["a"] = 1\n',
                                     '["a"]\ndefinition = 3\n', '["a"]\ndefinitoin = "x"\n'])
def test_bad_user_glossary_is_one_line_input_error(tmp_path, content: str) -> None:
    f = tmp_path / "bad.toml"
    f.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_glossary([f])
    msg = str(info.value)
    assert str(f) in msg and "\n" not in msg


def test_missing_user_glossary(tmp_path) -> None:
    with pytest.raises(InputError, match="not found"):
        load_glossary([tmp_path / "nope.toml"])


def test_questions_per_top_section() -> None:
    qs = enrich(sample_document(), AidOptions()).aids.questions
    assert [q.section for q in qs] == ["一、突出政治建设，把坚持党的领导落到实处"] * 2 + \
        ["二、突出政治标准，着力建设高素质专业化干部队伍"] * 2
    assert "突出政治建设，把坚持党的领导落到实处" in qs[0].text
    assert len({q.text for q in qs}) == len(qs)


def test_quiz_blanks_the_answer_which_is_in_the_quote() -> None:
    doc = sample_document()
    items = enrich(doc, AidOptions()).aids.quiz
    assert items
    quotes = {q.text for q in doc.quotes}
    for item in items:
        assert item.answer not in item.prompt
        assert BLANK_UNIT * 4 in item.prompt
        restored = item.prompt.replace(BLANK_UNIT * max(4, len(item.answer)), item.answer)
        assert restored in quotes
    answers = [i.answer for i in items]
    assert answers == ["习近平新时代中国特色社会主义思想", "勤政务实"]


def test_keypoints_short_and_lossless() -> None:
    doc = sample_document()
    kp = key_points(doc)
    assert kp[0].section == "" and kp[1].section.startswith("一、")
    assert len(kp) == 1 + len(doc.sections)
    for sp in kp:
        for p in sp.points:
            assert 0 < len(p.text) <= LIMIT
            assert p.text.rstrip("…") in p.note
    notes = [p.note for p in kp[1].points]
    assert notes[0] == doc.sections[0].body[0].text
    assert "（一）构建学习体系。坚持用“三个务必”武装头脑，指导实践。" in notes  # run-in joined
    assert all(b.text in "".join(p.note for sp in kp for p in sp.points)
               for b in doc.sections[1].body if b.type == "paragraph")


@pytest.mark.parametrize("text,expected", [
    ("短句。后面还有。", "短句"),
    ("作为组织部部长，要进一步提高政治站位，认准这一指南针，深刻领悟两个确立的决定性意义。",
     "作为组织部部长，要进一步提高政治站位，认准这一指南针"),
    ("党的二十大报告中指出：“坚持不懈用习近平新时代中国特色社会主义思想凝心铸魂，加强学习”。",
     "坚持不懈用习近平新时代中国特色社会主义思想凝心铸魂，加强学习"),
    ("一" * 50, "一" * 29 + "…"),
])
def test_condense_cuts_at_natural_boundary(text: str, expected: str) -> None:
    assert condense(text) == expected


def test_hard_cut_never_ends_on_an_opening_mark():
    from pipeline.enrich.keypoints import condense

    text = "学" * 28 + "“三个代表”重要思想"
    out = condense(text)
    assert out == "学" * 28 + "…"


def test_condense_keeps_what_was_said_not_who_said_it():
    from pipeline.enrich.keypoints import condense

    text = ("习近平总书记在党的二十大报告中指出，“树立选人用人正确导向，选拔忠诚干净担当的"
            "高素质专业化干部，选优配强各级领导班子”。")
    assert condense(text) == "树立选人用人正确导向，选拔忠诚干净担当的高素质专业化干部"
