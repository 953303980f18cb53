"""The study aids: right for each kind of document, drawn from the text, never invented."""

from __future__ import annotations

import re
import tomllib
from importlib import resources

import pytest
from conftest import CORPUS
from sample_doc import sample_document

from pipeline.enrich import enrich
from pipeline.enrich.genre import detect
from pipeline.enrich.glossary import is_fragment, load_glossary
from pipeline.enrich.keypoints import condense, dangles, key_points
from pipeline.enrich.quiz import BLANK
from pipeline.enrich.text import document_text
from pipeline.errors import InputError
from pipeline.model import Document, heading_text
from pipeline.options import AidOptions
from pipeline.readers import read

GENRES = {
    "seed_shiyishi.txt": "commentary",
    "r20_report.txt": "speech",
    "gwr2024.gb18030.txt": "speech",
    "dangshi_tiaoli.html": "regulation",
    "xianfa.md": "regulation",
    "tijian_tongzhi.gb18030.txt": "notice",
    "pd_news_songtao.txt": "news",
    "pd_feature_zhongchao.txt": "news",
    "maogai_study_notes.txt": "notes",
}
_cache: dict[str, Document] = {}


def enriched(name: str) -> Document:
    if not CORPUS.is_dir():
        pytest.skip("corpus not found")
    if name not in _cache:
        _cache[name] = enrich(read(str(CORPUS / name)), AidOptions())
    return _cache[name]


def squash(text: str) -> str:
    return re.sub(r"[\s“”‘’]", "", text)


# --- the basics ----------------------------------------------------------------------------

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


# --- genre ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name,genre", sorted(GENRES.items()))
def test_genre_is_read_from_structure(name: str, genre: str) -> None:
    doc = enriched(name)
    assert doc.aids.genre == genre
    assert detect(read(str(CORPUS / name))).why


def test_an_aid_that_makes_no_sense_is_left_out_with_its_reason() -> None:
    news = enriched("pd_news_songtao.txt").aids
    assert news.questions == [] and news.quiz == []
    assert {o.aid for o in news.omitted} >= {"questions", "quiz"}
    assert all(o.reason for o in news.omitted)
    notes = enriched("maogai_study_notes.txt").aids
    assert notes.excerpts == [] and "excerpts" in {o.aid for o in notes.omitted}
    tiny = enriched("pd_tiny_wangjiarui.txt").aids
    assert tiny.excerpts == tiny.questions == tiny.quiz == []
    assert {"excerpts", "questions", "quiz"} <= {o.aid for o in tiny.omitted}


# --- 重点摘编 ------------------------------------------------------------------------------

def test_excerpts_pick_the_thesis_and_span_the_whole_text() -> None:
    seed = enriched("seed_shiyishi.txt")
    texts = [e.text for e in seed.aids.excerpts]
    assert any("必须坚持组织路线服务政治路线" in t for t in texts)
    r20 = enriched("r20_report.txt")
    sections = {e.section.split("、")[0] for e in r20.aids.excerpts}
    assert len(r20.aids.excerpts) >= 10
    assert len({s for s in sections if s}) >= 8  # across the report, not two from one part
    quotes = {squash(q.text) for q in r20.quotes}
    assert sum(squash(e.text) not in quotes for e in r20.aids.excerpts) >= len(quotes) - 1


@pytest.mark.parametrize("name", ["seed_shiyishi.txt", "r20_report.txt", "dangshi_tiaoli.html",
                                  "xianfa.md", "tijian_tongzhi.gb18030.txt", "pd_news_songtao.txt"])
def test_excerpts_are_the_texts_own_words_and_attributed_only_to_who_spoke(name: str) -> None:
    doc = enriched(name)
    text = squash(document_text(doc))
    headings = {heading_text(s) for s in doc.walk()} | {s.title for s in doc.walk()}
    assert doc.aids.excerpts
    for e in doc.aids.excerpts:
        assert squash(e.text) in text
        assert e.speaker not in headings and e.source not in headings
        if e.speaker:  # the sentence that holds the excerpt names the speaker
            assert any(e.speaker in s and squash(e.text) in squash(s)
                       for s in re.split(r"(?<=[。！？])", document_text(doc)))


def test_a_notice_excerpts_its_items_and_requirements() -> None:
    aids = enriched("tijian_tongzhi.gb18030.txt").aids
    texts = " ".join(e.text for e in aids.excerpts)
    assert "90g/L" in texts and "各地区各部门要高度重视" in texts
    assert not any(e.text.startswith("各省、自治区") for e in aids.excerpts)  # not the addressees


# --- 名词解释 ------------------------------------------------------------------------------

def test_builtin_glossary_is_large_and_every_entry_is_sourced() -> None:
    data = tomllib.loads(resources.files("pipeline").joinpath("data/glossary.toml").read_text("utf-8"))
    assert len(data) >= 150
    for term, entry in data.items():
        assert entry.get("definition", "").strip(), term
        source = entry.get("source", "")
        assert re.search(r"《[^》]+》|报告|会议", source), (term, source)  # a named text
        assert re.search(r"(19|20)\d\d年", source), (term, source)  # with its year


@pytest.mark.parametrize("name", ["seed_shiyishi.txt", "r20_report.txt", "xianfa.md",
                                  "gwr2024.gb18030.txt", "pd_feature_zhongchao.txt"])
def test_no_glossary_entry_is_printed_without_a_definition(name: str) -> None:
    aids = enriched(name).aids
    assert all(g.definition and g.source for g in aids.glossary)
    assert not set(aids.undefined) & {g.term for g in aids.glossary}


def test_undefined_formulations_are_listed_and_fragments_are_not_formulations() -> None:
    seed = enriched("seed_shiyishi.txt").aids
    assert "四支队伍" in seed.undefined
    assert "三大" not in seed.undefined and "8321" not in seed.undefined
    assert "五一" not in enriched("pd_feature_zhongchao.txt").aids.undefined
    r20 = enriched("r20_report.txt").aids
    assert {"一国两制", "四个意识", "五位一体"} <= {g.term for g in r20.glossary}


def test_user_glossary_defines_what_check_listed(tmp_path) -> None:
    f = tmp_path / "mine.toml"
    f.write_text('["四支队伍"]\ndefinition = "党政干部、专业技术、企业经营管理、高技能人才队伍。"\n'
                 'source = "本单位人才工作文件（2022年）"\n'
                 '["四个意识"]\ndefinition = "自定义。"\nsource = "本单位（2024年）"\n', encoding="utf-8")
    doc = enrich(read(str(CORPUS / "seed_shiyishi.txt")), AidOptions(glossary_files=[f]))
    by = {g.term: g for g in doc.aids.glossary}
    assert by["四支队伍"].source.startswith("本单位") and "四支队伍" not in doc.aids.undefined
    assert by["四个意识"].definition == "自定义。"
    assert by["两个确立"].definition  # built-ins stay


def test_a_term_matches_whole_words_only() -> None:
    dangshi = enriched("dangshi_tiaoli.html")
    seed = enriched("seed_shiyishi.txt")  # says 党组织 many times, never 党组
    assert "党组" not in {g.term for g in seed.aids.glossary}
    assert "党组" in {g.term for g in dangshi.aids.glossary}  # 各级党委（党组）


@pytest.mark.parametrize("content", ['[四个意识]\ndefinition = "x"\n', '["a"] = 1\n',
                                     '["a"]\ndefinition = 3\n', '["a"]\ndefinitoin = "x"\n',
                                     '["a"]\ndefinition = "x"\naliases = "b"\n'])
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


# --- 思考讨论题 ----------------------------------------------------------------------------

def quoted(question: str) -> list[str]:
    return re.findall(r"[“‘]([^”’]+)[”’]", question)


@pytest.mark.parametrize("name", ["seed_shiyishi.txt", "r20_report.txt", "dangshi_tiaoli.html",
                                  "xianfa.md", "tijian_tongzhi.gb18030.txt"])
def test_questions_quote_the_text_never_a_bare_heading(name: str) -> None:
    doc = enriched(name)
    headings = {doc.meta.title} | {s.title.rstrip("。") for s in doc.walk()}
    text = squash(document_text(doc))
    assert doc.aids.questions
    for q in doc.aids.questions:
        for part in quoted(q.text):
            assert part not in headings, q.text
            assert squash(part) in text or part in doc.meta.title, q.text


def test_a_regulation_asks_about_its_provisions() -> None:
    texts = [q.text for q in enriched("dangshi_tiaoli.html").aids.questions]
    assert "第四条规定的党史学习教育工作的主要任务有哪些？" in texts
    assert all(re.search(r"第[一二三四五六七八九十百]+条", t) for t in texts)
    assert not any("附则" in t or "总则" in t for t in texts)
    xianfa = [q.text for q in enriched("xianfa.md").aids.questions]
    assert xianfa and all(re.search(r"第[一二三四五六七八九十百]+条", t) for t in xianfa)


def test_a_speech_asks_about_its_theses() -> None:
    texts = [q.text for q in enriched("r20_report.txt").aids.questions]
    assert len(texts) >= 4
    assert any(t.startswith("为什么说") for t in texts)  # a definition asks why
    assert any(t.startswith("怎样理解“必须") for t in texts)  # a 必须 thesis asks how
    assert not any("同志们" in t for t in texts)


def test_a_notice_asks_what_it_requires_and_notes_ask_their_own_questions() -> None:
    tijian = [q.text for q in enriched("tijian_tongzhi.gb18030.txt").aids.questions]
    assert "通知要求各地区各部门做好哪些工作？" in tijian
    notes = enriched("maogai_study_notes.txt")
    heads = {s.title.split("？")[0] for s in notes.walk()}
    assert notes.aids.questions and all(q.text.rstrip("？") in heads for q in notes.aids.questions)


# --- 学习测试 ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["seed_shiyishi.txt", "r20_report.txt", "dangshi_tiaoli.html",
                                  "xianfa.md", "tijian_tongzhi.gb18030.txt"])
def test_quiz_blanks_have_one_width_and_restore_the_text(name: str) -> None:
    doc = enriched(name)
    text = squash(document_text(doc))
    assert doc.aids.quiz
    for item in doc.aids.quiz:
        runs = re.findall("＿+", item.prompt)
        assert runs and set(runs) == {BLANK}, item.prompt
        assert item.answer not in item.prompt
        restored = item.prompt.replace(BLANK, item.answer)
        for piece in restored.split("……"):
            assert squash(piece.rstrip("。；，")) in text, restored
    answers = [i.answer for i in doc.aids.quiz]
    assert len(set(answers)) == len(answers)


def test_a_notice_quiz_asks_for_its_numbers_and_the_seed_for_formulations() -> None:
    assert "90g/L" in {i.answer for i in enriched("tijian_tongzhi.gb18030.txt").aids.quiz}
    seed = {i.answer for i in enriched("seed_shiyishi.txt").aids.quiz}
    assert seed & {"习近平新时代中国特色社会主义思想", "七个标准化建设", "二十大"}


# --- key points (slides) -------------------------------------------------------------------

@pytest.mark.parametrize("name", ["r20_report.txt", "seed_shiyishi.txt", "tijian_tongzhi.gb18030.txt",
                                  "dangshi_tiaoli.html", "xianfa.md"])
def test_key_points_are_complete_statements(name: str) -> None:
    for sp in enriched(name).aids.keypoints:
        for p in sp.points:
            assert p.text.strip() and not p.text.startswith("同志们"), p
            assert not p.text.endswith(("…", "：", "，")) and not dangles(p.text), p.text
            assert all(p.text.count(a) == p.text.count(b) for a, b in ("“”", "《》", "（）")), p.text


def test_a_notice_lists_every_item_and_not_its_addressees() -> None:
    points = [p.text for sp in enriched("tijian_tongzhi.gb18030.txt").aids.keypoints for p in sp.points]
    assert sum(p.startswith(("一、", "二、", "三、")) for p in points) == 3
    assert not any(p.startswith("各省") for p in points)
    assert any(p.endswith("合格") for p in points)  # an item keeps its point


def test_key_points_lose_nothing() -> None:
    doc = sample_document()
    kp = key_points(doc)
    assert kp[0].section == "" and kp[1].section.startswith("一、")
    notes = "".join(p.note for sp in kp for p in sp.points)
    assert all(b.text in notes for b in doc.sections[1].body if b.type == "paragraph")
    assert "（一）构建学习体系。坚持用“三个务必”武装头脑，指导实践。" in notes  # run-in joined


@pytest.mark.parametrize("text,expected", [
    ("短句。后面还有。", "短句"),
    ("作为组织部部长，要进一步提高政治站位，认准这一指南针，深刻领悟两个确立的决定性意义。",
     "要进一步提高政治站位，认准这一指南针，深刻领悟两个确立的决定性意义"),
    ("作为组织部部长，要进一步提高政治站位，认准“党是最高政治领导力量”这一“指南针”，深刻领悟“两个确立”的"
     "决定性意义，进一步增强“四个意识”、坚定“四个自信”、做到“两个维护”。",
     "要进一步提高政治站位"),
    ("党的二十大报告中指出：“坚持不懈用习近平新时代中国特色社会主义思想凝心铸魂，加强学习”。",
     "坚持不懈用习近平新时代中国特色社会主义思想凝心铸魂，加强学习"),
    ("习近平总书记作的党的二十大报告，就坚定不移全面从严治党进行了总体部署，学习贯彻党的二十大精神，"
     "必须坚持组织路线服务政治路线，把组织工作置入伟大征程之中，紧跟时代步伐。",
     "学习贯彻党的二十大精神，必须坚持组织路线服务政治路线"),
    ("同志们！十年来，我们经历了三件大事。", "我们经历了三件大事"),
])
def test_condense_keeps_the_statement(text: str, expected: str) -> None:
    assert condense(text) == expected


def test_condense_never_cuts_a_phrase() -> None:
    out = condense("一" * 50)
    assert out == "一" * 50  # no boundary to cut at: whole, never “……”


def test_fragments_are_not_formulations() -> None:
    assert is_fragment("三大") and is_fragment("五一") and is_fragment("8321")
    assert not is_fragment("四个意识") and not is_fragment("七个标准化建设")
