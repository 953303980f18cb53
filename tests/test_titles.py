"""Titles break where a reader breaks them: at phrase boundaries, in every output."""

from __future__ import annotations

import io
import re

import pytest
from conftest import CORPUS, corpus_files
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.enrich import enrich
from pipeline.options import AidOptions, BuildOptions
from pipeline.readers import read
from pipeline.segment import word_bounds
from pipeline.writers.titles import CLOSING, OPENING, PAUSE, break_title, east_asian_width

R20 = "高举中国特色社会主义伟大旗帜 为全面建设社会主义现代化国家而团结奋斗"
TIJIAN = "中共中央组织部办公厅 国家卫生健康委办公厅关于调整公务员录用体检有关项目检查标准的通知"


def breaks_inside_words(lines: list[str], per_line: float = float("inf")) -> list[str]:
    """The breaks (as 'left|right') that fall inside a word of the joined title, except in
    a word too long for a line, which must break somewhere."""
    joined = "".join(lines)
    bounds = sorted(word_bounds(joined))
    out, pos = [], 0
    for line in lines[:-1]:
        pos += len(line)
        if pos in bounds:
            continue
        before = max(b for b in bounds if b < pos)
        after = min(b for b in bounds if b > pos)
        if east_asian_width(joined[before:after]) <= per_line:
            out.append(f"{joined[max(0, pos - 3):pos]}|{joined[pos:pos + 3]}")
    return out


def assert_well_broken(text: str, lines: list[str], per_line: float) -> None:
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert not breaks_inside_words(lines, per_line), (text, lines)
    for line in lines:
        assert east_asian_width(line) <= per_line + 1e-9, (line, per_line)
        if len(lines) > 1:
            assert len(line.replace(" ", "")) >= 3, lines  # no orphan of one or two characters
        assert line[0] not in CLOSING + PAUSE, lines
        assert line[-1] not in OPENING, lines


def corpus_titles() -> list[str]:
    titles = []
    for path in corpus_files():
        doc = read(str(path))
        titles.append(doc.meta.title)
        titles.extend(s.title for s in doc.sections[:6])
    return [t for t in titles if len(t) > 8]


@pytest.mark.parametrize("per_line", [9, 13, 17, 21])
def test_corpus_titles_break_between_words_fit_and_leave_no_orphans(corpus, per_line):
    for title in corpus_titles():
        assert_well_broken(title, break_title(title, per_line), per_line)


def test_a_title_in_parts_starts_each_part_on_a_line():
    assert break_title(R20, 20) == ["高举中国特色社会主义伟大旗帜", "为全面建设社会主义现代化国家而团结奋斗"]
    assert break_title(R20, 13) == ["高举中国特色", "社会主义伟大旗帜", "为全面建设社会主义",
                                    "现代化国家而团结奋斗"]
    assert break_title(TIJIAN, 13)[:2] == ["中共中央组织部办公厅", "国家卫生健康委办公厅"]


def test_punctuation_and_prepositions_are_preferred_breaks():
    assert break_title("谱写中朝友谊新篇，维护半岛和平稳定", 13) == ["谱写中朝友谊新篇，", "维护半岛和平稳定"]
    assert break_title("关于调整公务员录用体检有关项目检查标准的通知", 13) == \
        ["关于调整公务员录用体检", "有关项目检查标准的通知"]


def test_short_titles_and_latin_words_stay_whole():
    assert break_title("党史学习教育工作条例", 20) == ["党史学习教育工作条例"]
    assert break_title("", 10) == []
    assert break_title("三星 Galaxy S20 系列手机正式发布", 10) == ["三星 Galaxy S20", "系列手机正式发布"]
    assert break_title("参观活动 策 划 书", 6) == ["参观活动", "策 划 书"]  # letter spacing holds


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["学习", "贯彻", "党的二十大精神", "，", "全面", "建设", "社会主义",
                                 "现代化国家", "关于", "通知", "“两个确立”", " ", "的"]),
                min_size=3, max_size=14),
       st.integers(min_value=6, max_value=24))
def test_any_title_keeps_its_characters_and_never_orphans(parts, per_line):
    text = " ".join("".join(parts).split())
    lines = break_title(text, per_line)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    if text.strip() and len(lines) > 1 and all(east_asian_width(ln) <= per_line for ln in lines):
        assert all(len(ln.replace(" ", "")) >= 3 for ln in lines)


# --- the outputs ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def r20():
    if not CORPUS.is_dir():
        pytest.skip("corpus not found")
    return enrich(read(str(CORPUS / "r20_report.txt")), AidOptions())


def test_handout_title_breaks_at_the_phrase(r20, tmp_path):
    from docx import Document as Docx

    from pipeline.writers import handout

    out = handout.write(r20, BuildOptions(out_dir=tmp_path))[0]
    title = next(p for p in Docx(str(out)).paragraphs if p.style.name == "Title")
    assert title._p.xml.count("<w:br/>") == 1
    assert title.text.split("\n") == ["高举中国特色社会主义伟大旗帜", "为全面建设社会主义现代化国家而团结奋斗"]


def test_booklet_cover_and_running_heads_break_at_phrases(tmp_path):
    pytest.importorskip("weasyprint")
    pdfplumber = pytest.importorskip("pdfplumber")
    from pipeline.writers import booklet

    doc = enrich(read(str(CORPUS / "tijian_tongzhi.gb18030.txt")), AidOptions.none())
    pdf = booklet.write(doc, BuildOptions(out_dir=tmp_path))[0]
    with pdfplumber.open(pdf) as book:
        cover = [ln for ln in book.pages[0].extract_text().splitlines() if ln.strip()]
        first = next(p for p in book.pages if "各省" in (p.extract_text() or ""))
        head = first.extract_text().splitlines()[:2]  # the running head of the article's page
    title_lines = [ln.replace(" ", "") for ln in cover if ln.replace(" ", "") in TIJIAN.replace(" ", "")]
    assert len(title_lines) >= 3 and "".join(title_lines) == TIJIAN.replace(" ", "")
    assert not breaks_inside_words(title_lines), title_lines
    running = [ln.replace(" ", "") for ln in head if ln.replace(" ", "") in TIJIAN.replace(" ", "")]
    assert running and not breaks_inside_words(running)


def test_slide_titles_break_at_phrases(r20):
    from pptx import Presentation

    from pipeline.writers.slides.deck import render_deck

    prs = Presentation(io.BytesIO(render_deck(r20, BuildOptions())))
    broken = 0
    for slide in prs.slides:
        shape = slide.shapes.title
        for para in shape.text_frame.paragraphs:
            lines = [ln for ln in re.split("\v", para.text) if ln]
            if len(lines) > 1:
                broken += 1
                assert not breaks_inside_words(lines), lines
    assert broken  # the cover and the long section titles are set in lines
    cover = prs.slides[0].shapes.title.text_frame.paragraphs[0].text.split("\v")
    assert cover[0] == "高举中国特色社会主义伟大旗帜"
