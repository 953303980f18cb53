"""Slides: the .pptx and outline.md agree with the model, keep every paragraph, never overflow."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.oxml.ns import qn
from pptx.util import Emu
from slides_fixture import sample_document

from pipeline.enrich import enrich
from pipeline.errors import TemplateError
from pipeline.model import Block, Document, Meta, heading_text
from pipeline.options import AidOptions, BuildOptions
from pipeline.writers.slides import textfit, write
from pipeline.writers.slides.deck import template_path
from pipeline.writers.slides.marp import md_inline, note_safe
from pipeline.writers.slides.plan import Limits, build_plan, part_label

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
HAN = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture
def doc() -> Document:
    return enrich(sample_document(), AidOptions())


@pytest.fixture
def opts(tmp_path: Path) -> BuildOptions:
    return BuildOptions(out_dir=tmp_path / "out", org="十一师党委组织部", session_date="2023-01-05")


def built(doc: Document, opts: BuildOptions):
    md_path, pptx_path = write(doc, opts)
    return md_path.read_text(encoding="utf-8"), Presentation(str(pptx_path))


def slide_title(slide) -> str:
    shape = slide.shapes.title
    return shape.text_frame.text if shape is not None else ""


def all_runs(prs):
    for slide in prs.slides:
        frames = [s.text_frame for s in slide.shapes if s.has_text_frame]
        if slide.has_notes_slide:
            frames.append(slide.notes_slide.notes_text_frame)
        for tf in frames:
            for p in tf.paragraphs:
                yield from p.runs


def source_paragraphs(doc: Document) -> list[str]:
    """Every paragraph and list item of the model, walked here independently of the plan."""
    blocks = list(doc.body)
    for sec in doc.walk():
        blocks.extend(sec.body)
    texts = []
    for b in blocks:
        texts.extend(i.text for i in b.items) if b.type == "list" else texts.append(b.text)
    return [t for t in texts if t.strip()]


def squash(text: str) -> str:
    return "".join(text.split())


def notes_text(prs) -> str:
    return squash("".join(s.notes_slide.notes_text_frame.text for s in prs.slides
                          if s.has_notes_slide))


# --- the deck ----------------------------------------------------------------

def test_slide_count_and_titles_follow_the_model(doc, opts):
    _, prs = built(doc, opts)
    plan = build_plan(doc, opts)
    titles = [slide_title(s) for s in prs.slides]
    assert len(prs.slides) == len(plan)
    assert titles == [s.title for s in plan]
    assert titles[0] == doc.meta.title
    assert "目录" in titles
    section_titles = [t for t, s in zip(titles, plan, strict=True) if s.kind == "section"]
    assert section_titles == [heading_text(s) for s in doc.sections]
    # the long second section continues over several content slides
    assert sum(t.startswith(doc.sections[1].title) for t in titles) >= 3
    assert any(t.endswith("（续）") for t in titles)
    assert titles[-1] == "思考讨论"
    assert "重点摘编" in titles


def test_every_run_with_chinese_names_the_east_asian_font(doc, opts):
    _, prs = built(doc, opts)
    checked = 0
    for run in all_runs(prs):
        if not HAN.search(run.text):
            continue
        rpr = run._r.find(qn("a:rPr"))
        assert rpr is not None, run.text
        ea, latin = rpr.find(qn("a:ea")), rpr.find(qn("a:latin"))
        assert ea is not None and ea.get("typeface"), run.text
        assert latin is not None and latin.get("typeface"), run.text
        checked += 1
    assert checked > 20


def test_notes_hold_every_paragraph(doc, opts):
    _, prs = built(doc, opts)
    notes = notes_text(prs)
    for text in source_paragraphs(doc):
        assert squash(text) in notes, text


def test_notes_hold_paragraphs_no_key_point_covers(doc, opts):
    doc.sections[0].body.append(Block(type="signature", text="十一师党委组织部　2022年12月19日"))
    _, prs = built(doc, opts)
    assert squash("十一师党委组织部　2022年12月19日") in notes_text(prs)


def test_no_bullet_longer_than_the_limit(doc, opts):
    md, prs = built(doc, opts)
    plan = build_plan(doc, opts)
    limit = Limits().bullet_chars
    for slide, planned in zip(prs.slides, plan, strict=True):
        if planned.kind != "content":
            continue
        body = [s for s in slide.placeholders if s.placeholder_format.idx != 0]
        bullets = [p.text for s in body for p in s.text_frame.paragraphs if p.text]
        assert bullets and len(bullets) <= Limits().bullets
        assert all(len(b) <= limit for b in bullets), bullets
    md_bullets = [line[2:].strip("*") for line in md.splitlines() if line.startswith("- ")]
    assert md_bullets and all(len(b.replace("\\", "")) <= limit for b in md_bullets
                              if not b.startswith(("一、", "二、")))  # agenda entries


def test_text_fits_its_box(doc, opts):
    assert_fits(built(doc, opts)[1])


def assert_fits(prs) -> None:
    """Each box's text, at the size its runs carry, measures no taller than the box."""
    for slide in prs.slides:
        for shape in slide.shapes:
            if not shape.has_text_frame or not shape.text_frame.text.strip():
                continue
            tf = shape.text_frame
            sizes = {r.font.size.pt for p in tf.paragraphs for r in p.runs}
            assert len(sizes) == 1, sizes
            size = sizes.pop()
            width = Emu(shape.width - tf.margin_left - tf.margin_right).pt
            height = Emu(shape.height - tf.margin_top - tf.margin_bottom).pt
            paras = [p.text for p in tf.paragraphs]
            if _has_bullets(shape):
                width -= 0.4 * 72
            gaps = [p.space_before.pt for p in tf.paragraphs[1:] if p.space_before is not None]
            space = max(gaps, default=0.0)
            assert textfit.text_height(paras, width, size, space) <= height + 0.5, paras


def _has_bullets(shape) -> bool:
    if shape.is_placeholder and shape.placeholder_format.idx == 0:  # titles: no bullets
        return False
    return shape.text_frame.paragraphs[0]._p.find(f"{qn('a:pPr')}/{qn('a:buNone')}") is None


def test_deck_uses_the_named_layouts(doc, opts):
    _, prs = built(doc, opts)
    names = [s.slide_layout.name for s in prs.slides]
    assert names[0] == "Title Slide"
    assert {"Section Header", "Title and Content", "Quote"} <= set(names)
    assert prs.slide_width > prs.slide_height * 1.7  # 16:9


# --- outline.md --------------------------------------------------------------

def test_outline_is_marp_markdown(doc, opts):
    md, _ = built(doc, opts)
    plan = build_plan(doc, opts)
    assert md.startswith("---\nmarp: true\n")
    front, body = md.split("\n---\n", 1)
    assert "title: \"踔厉奋发勇毅前行\"" in front
    assert body.count("\n---\n") == len(plan) - 1
    assert md.count("<!--") == md.count("-->") == sum(1 for s in plan if s.notes)
    assert "# 踔厉奋发勇毅前行" in md
    assert "## 第一部分　突出政治建设，把坚持党的领导落到实处" in md
    assert "> 必须坚持人民至上，坚持自信自立，坚持守正创新，坚持问题导向" in md
    for text in source_paragraphs(doc):
        assert squash(text) in squash(md), text


def test_outline_and_deck_share_one_plan(doc, opts):
    md, prs = built(doc, opts)
    for slide in prs.slides:
        title = slide_title(slide)
        assert title in md or md_inline(title) in md, title


def test_bad_outline_template_is_one_line_and_leaves_nothing(doc, opts, tmp_path):
    tpl = tmp_path / "tpl" / "slides"
    tpl.mkdir(parents=True)
    (tpl / "outline.md").write_text("---\nmarp: true\n---\n{{ nosuch.field }}\n", encoding="utf-8")
    opts.template_dirs = [tmp_path / "tpl"]
    with pytest.raises(TemplateError) as err:
        write(doc, opts)
    message = str(err.value)
    assert "outline.md:4" in message and "\n" not in message
    assert not opts.out_dir.exists() or not any(p.is_file() for p in opts.out_dir.rglob("*"))


def test_frozen_latin_widths_match_the_installed_font():
    measured = textfit.font_latin_widths()
    if not measured:
        pytest.skip("Noto Sans CJK SC or fontTools not installed")
    assert {k: round(v, 3) for k, v in measured.items()} == textfit.LATIN_WIDTHS


def test_measure_treats_han_as_one_em_and_wraps_latin_words_whole():
    assert textfit.text_width("中文，“引号”") == 7
    assert textfit.count_lines("中" * 20, 20) == 1
    assert textfit.count_lines("中" * 21, 20) == 2
    assert textfit.count_lines("中" * 19 + "GDP", 20) == 2  # the word moves whole
    assert textfit.count_lines("中" * 20 + "。", 20) == 2  # 。 may not start a line


def test_filters_keep_markdown_and_comments_intact():
    assert md_inline("1. a*b_c <x>") == "1\\. a\\*b\\_c \\<x\\>"
    assert "-->" not in note_safe("a --> b")
    assert part_label("一、") == "第一部分" and part_label("第三章") == "第三章"


# --- user templates ----------------------------------------------------------

def _user_template(tmp_path: Path, rename: dict[str, str], drop: list[str]) -> Path:
    prs = Presentation(str(template_path(BuildOptions())))
    for layout in list(prs.slide_layouts):
        if layout.name in drop:
            prs.slide_layouts.remove(layout)
        elif layout.name in rename:
            layout._element.find(qn("p:cSld")).set("name", rename[layout.name])
    sample = prs.slides.add_slide(prs.slide_layouts[0])
    sample.shapes.title.text = "SAMPLE SLIDE"
    path = tmp_path / "unit.pptx"
    prs.save(str(path))
    return path


def test_user_template_with_renamed_and_missing_layouts(doc, opts, tmp_path):
    opts.slides_template = _user_template(
        tmp_path, rename={"Title and Content": "正文", "Title Slide": "封面"},
        drop=["Quote", "Section Header"])
    _, prs = built(doc, opts)
    plan = build_plan(doc, opts)
    titles = [slide_title(s) for s in prs.slides]
    assert titles == [s.title for s in plan]
    assert "SAMPLE SLIDE" not in titles
    assert prs.slides[0].slide_layout.name == "封面"  # found by its centred title
    quote = next(s for s, p in zip(prs.slides, plan, strict=True) if p.kind == "quote")
    assert "人民至上" in "".join(sh.text_frame.text for sh in quote.shapes if sh.has_text_frame)
    assert squash(source_paragraphs(doc)[0]) in notes_text(prs)


def test_plain_python_pptx_template_works(doc, opts, tmp_path):
    """An English 4:3 template whose theme names no East-Asian font still gets a:ea."""
    path = tmp_path / "plain.pptx"
    Presentation().save(str(path))
    opts.slides_template = path
    _, prs = built(doc, opts)
    assert len(prs.slides) == len(build_plan(doc, opts))
    eas = {r._r.find(qn("a:rPr")).find(qn("a:ea")).get("typeface") for r in all_runs(prs)
           if HAN.search(r.text)}
    assert eas == {"Microsoft YaHei"}


def test_cramped_template_gets_fewer_points_per_slide(doc, opts, tmp_path):
    prs = Presentation(str(template_path(BuildOptions())))
    layout = next(lo for lo in prs.slide_layouts if lo.name == "Title and Content")
    body = next(ph for ph in layout.placeholders if ph.placeholder_format.idx == 1)
    body.height = Emu(body.height // 3)
    path = tmp_path / "cramped.pptx"
    prs.save(str(path))
    opts.slides_template = path
    _, deck = built(doc, opts)
    assert len(deck.slides) > len(build_plan(doc, opts))
    assert_fits(deck)
    assert squash(source_paragraphs(doc)[-1]) in notes_text(deck)


def test_not_a_pptx_is_a_template_error(doc, opts, tmp_path):
    bad = tmp_path / "bad.pptx"
    bad.write_text("not a deck", encoding="utf-8")
    opts.slides_template = bad
    with pytest.raises(TemplateError, match="bad.pptx"):
        write(doc, opts)
    assert not opts.out_dir.exists() or not any(opts.out_dir.rglob("*.*"))


def test_document_without_headings_or_aids(opts):
    doc = sample_document()
    doc.sections = []
    doc = enrich(doc, AidOptions.none())
    md, prs = built(doc, opts)
    titles = [slide_title(s) for s in prs.slides]
    assert titles[0] == doc.meta.title and "目录" not in titles
    assert titles[-1] == "谢谢！"
    for text in source_paragraphs(doc):
        assert squash(text) in notes_text(prs)


# --- the real corpus -----------------------------------------------------------

CORPUS_FILES = sorted(p for p in CORPUS.glob("*") if p.name != "README.md") \
    if CORPUS.is_dir() else []


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_corpus_builds_slides(path: Path, tmp_path: Path):
    from pipeline.build import load, prepare

    opts = BuildOptions(out_dir=tmp_path)
    doc = prepare(load(str(path)), opts)
    md_path, pptx_path = write(doc, opts)
    prs = Presentation(str(pptx_path))
    assert len(prs.slides) >= 2
    notes = notes_text(prs)
    for text in source_paragraphs(doc):
        assert squash(text) in notes, text[:40]
    assert md_path.read_text(encoding="utf-8").startswith("---\nmarp: true")
    assert_fits(prs)


# --- 大字版, tables, official documents -------------------------------------------------

def _body_sizes(prs) -> list[float]:
    return [r.font.size.pt for slide in prs.slides for s in slide.shapes
            if s.has_text_frame and not (s.is_placeholder and s.placeholder_format.idx == 0)
            for p in s.text_frame.paragraphs for r in p.runs if r.font.size]


def test_large_print_has_larger_type_and_fewer_points(doc, tmp_path):
    std = BuildOptions(out_dir=tmp_path / "std")
    big = BuildOptions(out_dir=tmp_path / "big", variant="large-print")
    _, prs_std = built(doc, std)
    md, prs_big = built(doc, big)
    plan_std, plan_big = build_plan(doc, std), build_plan(doc, big)
    most = max(len(s.bullets) for s in plan_big if s.kind == "content")
    assert most <= Limits.for_variant("large-print").bullets < Limits().bullets
    assert len(plan_big) > len(plan_std)  # the same points over more slides
    big_sizes, std_sizes = _body_sizes(prs_big), _body_sizes(prs_std)
    assert min(big_sizes) >= 20 and min(big_sizes) > min(std_sizes)
    assert sum(big_sizes) / len(big_sizes) > sum(std_sizes) / len(std_sizes) + 3
    assert "font-size: 42px" in md  # the Marp outline too
    assert_fits(prs_big)
    notes = notes_text(prs_big)
    for text in source_paragraphs(doc):
        assert squash(text) in notes, text


def test_table_becomes_a_table_slide_with_every_cell_in_the_notes(opts):
    from official_doc import TABLE, official_notice

    doc = enrich(official_notice(), AidOptions())
    md, prs = built(doc, opts)
    plan = build_plan(doc, opts)
    (planned,) = [s for s in plan if s.kind == "table"]
    assert planned.title == "表1　调整前后标准对照" and planned.header
    index = plan.index(planned)
    slide = prs.slides[index]
    (frame,) = [s for s in slide.shapes if s.has_table]
    cells = [[c.text for c in row.cells] for row in frame.table.rows]
    assert cells == TABLE
    for row in frame.table.rows:
        for cell in row.cells:
            for p in cell.text_frame.paragraphs:
                for r in p.runs:
                    assert r._r.rPr.find(qn("a:ea")) is not None
    notes = squash(slide.notes_slide.notes_text_frame.text)
    assert all(squash(c) in notes for row in TABLE for c in row)
    assert "| 项目 | 调整前 | 调整后 |" in md and "| --- | --- | --- |" in md


def test_wide_table_becomes_one_point_per_row(opts):
    header = ["序号", "单位", "任务", "时限", "责任人", "备注"]
    rows = [header] + [[str(n), "某某部门", f"任务{n}", "年底前", "张某某", "无"] for n in range(1, 10)]
    doc = enrich(Document(meta=Meta(title="分工"), body=[Block("table", rows=rows)]), AidOptions())
    plan = build_plan(doc, opts)
    table_slides = [s for s in plan if s.title.startswith("主要内容（表格）")]
    assert table_slides and all(s.kind == "content" for s in table_slides)
    bullets = [b for s in table_slides for b in s.bullets]
    assert len(bullets) == 9 and bullets[0].startswith("1，单位：某某部门")
    notes = squash("".join(n for s in table_slides for n in s.notes))
    assert all(squash(c) in notes for row in rows for c in row)


def test_official_parts_in_the_notes(opts):
    from official_doc import official_notice

    doc = enrich(official_notice(), AidOptions())
    _, prs = built(doc, opts)
    notes = notes_text(prs)
    for text in ("组厅字〔2025〕38号", "新疆生产建设兵团党委组织部、卫生健康委：",
                 "抄送：中央纪委国家监委机关，最高人民法院，最高人民检察院。",
                 "中共中央组织部办公厅2025年11月12日印发"):
        assert squash(text) in notes, text
# --- content: every point once, complete, and nothing that is not a point ----------------

def _corpus_plan(name: str):
    if not CORPUS.is_dir():
        pytest.skip("corpus not found")
    from pipeline.readers import read

    doc = enrich(read(str(CORPUS / name)), AidOptions())
    return doc, build_plan(doc, BuildOptions())


def test_no_quotation_slide_repeats_a_bullet():
    _, plan = _corpus_plan("seed_shiyishi.txt")
    bullets = [squash(b) for s in plan if s.kind == "content" for b in s.bullets]
    for s in plan:
        if s.kind == "quote":
            quote = squash(s.quote).rstrip("。")
            assert not any(len(b) >= 8 and (b in quote or quote in b) for b in bullets), s.quote


def test_report_deck_has_no_salutations_or_lead_ins():
    _, plan = _corpus_plan("r20_report.txt")
    bullets = [b for s in plan if s.kind == "content" for b in s.bullets]
    assert bullets
    assert not [b for b in bullets if b.startswith("同志们") or b.endswith(("…", "：", "指出", "是"))]


def test_notice_main_content_lists_every_item_and_no_addressees():
    doc, plan = _corpus_plan("tijian_tongzhi.gb18030.txt")
    bullets = [b for s in plan if s.kind == "content" for b in s.bullets]
    assert [b[:2] for b in bullets if b[:2] in ("一、", "二、", "三、")] == ["一、", "二、", "三、"]
    assert not any(b.startswith("各省") for b in bullets)
