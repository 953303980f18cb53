"""Mail merge (`build --for ROSTER`): reading rosters, checking columns and rows, one folder
per row, the manifest, the 学习记录 page, and rebuilding only what changed.

The Dask side (`--scheduler local:2`) is in test_scale.py; here builds run on this
machine, mostly to the handout (the fast output).
"""

from __future__ import annotations

import csv
import datetime
import shutil
import zipfile
from pathlib import Path

import pytest
from buildutil import run

from pipeline.errors import InputError
from pipeline.options import BuildOptions
from pipeline.roster import (
    MANIFEST_NAME,
    check_columns,
    column_name,
    plan_rows,
    read_roster,
    template_row_fields,
)
from pipeline.writers.context import session_record
from pipeline.writers.handout import handout_context

SEED = "seed_shiyishi.txt"
TITLE = "踔厉奋发勇毅前行 以党的二十大精神为指引书写新时代新答卷"


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8-sig",
              delimiter: str = ",") -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)
    return path


@pytest.fixture
def seed(tmp_path, corpus) -> Path:
    return Path(shutil.copy(corpus / SEED, tmp_path / SEED))


def docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode()
    import re

    return "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))


# --- reading ---------------------------------------------------------------------------

def test_chinese_headings_are_the_known_columns(tmp_path):
    path = write_csv(tmp_path / "r.csv", [
        ["单位", "日期", "时间", "地点", "主持人", "参加人员", "记录人", "#备注"],
        ["  第一党支部 ", "2026-12-01", "下午3:00", "活动室", "张明", "全体党员", "李华", "随便写"],
        ["", "", "", "", "", "", "", ""],  # an empty row: skipped, not an error
        ["第二党支部", "2026年12月2日", "", "", "", "", "", ""],
    ])
    roster = read_roster(path)
    assert roster.columns == ["org", "session_date", "session_time", "place", "host",
                              "attendees", "recorder"]
    assert [r.number for r in roster.rows] == [2, 4]  # as a spreadsheet numbers them
    assert roster.rows[0].values["org"] == "第一党支部"
    assert "#备注" not in roster.rows[0].values


def test_english_headings_in_any_case_and_spacing():
    assert column_name("Session Date") == "session_date"
    assert column_name(" session-time ") == "session_time"
    assert column_name("地点") == "place"
    assert column_name("书记") == "书记"


def test_gbk_and_tab_separated_files_are_read(tmp_path):
    gbk = write_csv(tmp_path / "gbk.csv", [["单位", "地点"], ["第一党支部", "党员活动室"]],
                    encoding="gb18030")
    assert read_roster(gbk).rows[0].values == {"org": "第一党支部", "place": "党员活动室"}
    tsv = write_csv(tmp_path / "r.tsv", [["org", "place"], ["一支部", "会议室,二楼"]],
                    delimiter="\t")
    assert read_roster(tsv).rows[0].values == {"org": "一支部", "place": "会议室,二楼"}


def test_xlsx_cells_read_as_they_show(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["单位", "日期", "时间", "参加人员"])
    sheet.append(["第一党支部", datetime.datetime(2026, 12, 1), datetime.time(15, 0), 12.0])
    sheet.append([None, None, None, None])
    sheet.append([101, datetime.date(2026, 12, 2), "上午", "全体党员"])
    book.save(tmp_path / "r.xlsx")
    roster = read_roster(tmp_path / "r.xlsx")
    assert [r.number for r in roster.rows] == [2, 4]
    assert roster.rows[0].values == {"org": "第一党支部", "session_date": "2026-12-01",
                                     "session_time": "15:00", "attendees": "12"}
    assert roster.rows[1].values["org"] == "101"


@pytest.mark.parametrize(("name", "content", "message"), [
    ("r.xls", b"\xd0\xcf\x11\xe0", "old Excel (.xls) files are not read: save it as .xlsx"),
    ("r.json", b"{}", "a roster is a .csv or .xlsx file"),
    ("r.csv", b"", "empty"),
    ("r.csv", "单位,地点\n".encode(), "no rows below the headings"),
    ("r.csv", "单位,org\n一,二\n".encode(), "are the same column (org)"),
    ("r.csv", "单位,,地点\n一,x,二\n".encode(), "row 2 has a value in column 2, which has no heading"),
    ("r.xlsx", b"PK\x03\x04 not really", "not a readable .xlsx file"),
    ("r.csv", b"\x00\x01\x02\x03" * 50, "not a text file"),
])
def test_unusable_roster_files_are_one_line_errors(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        read_roster(path)
    assert message in str(err.value) and "\n" not in str(err.value)
    assert str(err.value).startswith(name)


def test_unknown_columns_are_named_unless_a_template_reads_them(tmp_path):
    path = write_csv(tmp_path / "r.csv", [["单位", "sesion_date", "书记"], ["一支部", "x", "y"]])
    roster = read_roster(path)
    with pytest.raises(InputError) as err:
        check_columns(roster, set())
    text = str(err.value)
    assert "unknown columns 'sesion_date', '书记'" in text
    assert "session_date (日期)" in text and "row.NAME" in text and "#" in text
    check_columns(roster, {"sesion_date", "书记"})  # both read by a template: fine


def test_template_row_fields_are_found_in_every_kind_of_template(tmp_path):
    from docx import Document

    from pipeline.templating import builtin_templates_dir

    assert template_row_fields(["docx", "pdf", "slides"], False, []) == set()
    mine = tmp_path / "templates"
    (mine / "booklet").mkdir(parents=True)
    (mine / "booklet" / "cover.html").write_text(
        '<p>{{ row.secretary }}{{ row["书记"] }}{{ other.thing }}</p>', encoding="utf-8")
    (mine / "handout").mkdir()
    doc = Document(str(builtin_templates_dir() / "handout" / "handout.docx"))
    doc.add_paragraph("联系人：{{ row.contact }}")
    doc.save(mine / "handout" / "handout.docx")
    (mine / "slides").mkdir()
    (mine / "slides" / "outline.md").write_text("{{ row.broken ", encoding="utf-8")
    assert template_row_fields(["pdf"], False, [mine]) == {"secretary", "书记"}
    assert template_row_fields(["docx"], False, [mine]) == {"contact"}
    assert template_row_fields(["slides"], False, [mine]) == set()  # broken: the build says
    assert template_row_fields(["docx"], True, [mine]) == {"contact", "secretary", "书记"}


# --- rows ---------------------------------------------------------------------------------

def plan(tmp_path, rows, sources=("a.txt",), compile_=False, name_by=None, **base):
    path = write_csv(tmp_path / "r.csv", rows)
    opts = BuildOptions(out_dir=tmp_path / "out", org="县委组织部", **base)
    return plan_rows(read_roster(path), opts, list(sources), compile_, name_by)


def test_folders_are_safe_and_unique(tmp_path):
    plans, problems = plan(tmp_path, [
        ["单位", "地点"], ["一支部", "a"], ["一支部", "b"], ["一/支部", "c"], ["一支部", "d"],
        ["manifest.csv", "e"], ["  ", "f"], ["ABC", "g"], ["abc", "h"]])
    assert [p.name for p in plans] == ["一支部", "一支部-2", "一_支部", "一支部-3",
                                       "manifest.csv-2", "ABC", "abc-2"]
    assert [p.opts.out_dir for p in plans][0] == tmp_path / "out" / "一支部"
    [empty] = problems
    assert empty.number == 7 and "org is empty, and it names the row's folder" in empty.error
    assert empty.error.startswith("r.csv: row 7: ")


def test_name_by_chooses_the_column(tmp_path):
    rows = [["单位", "编号"], ["一支部", "001"]]
    with pytest.raises(InputError, match="--name-by 编码: r.csv has no such column"):
        plan(tmp_path, rows, name_by="编码")
    with pytest.raises(InputError, match="unknown column '编号'"):
        check_columns(read_roster(tmp_path / "r.csv"), set())
    plans, _ = plan(tmp_path, [["单位", "地点"], ["一支部", "活动室"]], name_by="地点")
    assert plans[0].name == "活动室"


def test_a_rows_values_replace_the_builds(tmp_path):
    plans, problems = plan(tmp_path, [
        ["单位", "日期", "版本", "纸张", "标题", "地点"],
        ["一支部", "2026/12/1", "大字版", "b5", "新标题", "活动室"],
        ["二支部", "", "", "", "", ""],
        ["三支部", "2026-13-01", "", "", "", ""],
        ["四支部", "", "彩色版", "", "", ""],
        ["五支部", "", "", "A3", "", ""],
        ["六支部", "", "plain", "", "", ""],
    ])
    one, two, six = plans
    assert (one.opts.org, one.opts.session_date, one.opts.variant, one.opts.paper) == \
        ("一支部", "2026-12-01", "large-print", "B5")
    assert one.opts.corrections["a.txt"].title == "新标题"
    assert one.opts.row["place"] == "活动室" and one.opts.row["session_date"] == "2026-12-01"
    assert (two.opts.org, two.opts.session_date, two.opts.variant) == ("二支部", None, "official")
    assert "a.txt" not in two.opts.corrections
    assert not six.opts.aids.quiz and six.opts.variant == "plain"
    assert [(p.number, p.error.split(": ", 2)[2]) for p in problems] == [
        (4, "session_date: '2026-13-01' is not a date like 2024-03-05"),
        (5, "variant: '彩色版' is not one of official, large-print, plain (标准版, 大字版, 简版)"),
        (6, "paper: 'A3' is not one of A5, A4, B5"),
    ]


def test_a_plain_build_cannot_make_an_official_copy(tmp_path):
    from pipeline.options import AidOptions

    _, [problem] = plan(tmp_path, [["单位", "版本"], ["一支部", "标准版"]], variant="plain",
                        aids=AidOptions.none())
    assert "variant: '标准版' in a plain build (--variant plain)" in problem.error


def test_title_column_needs_one_article_or_a_compilation(tmp_path):
    rows = [["单位", "标题"], ["一支部", "学习汇编"]]
    with pytest.raises(InputError, match="the title column gives one article's title"):
        plan(tmp_path, rows, sources=("a.txt", "b.txt"))
    plans, _ = plan(tmp_path, rows, sources=("a.txt", "b.txt"), compile_=True)
    assert plans[0].opts.compile_title == "学习汇编" and not plans[0].opts.corrections


# --- the 学习记录 page ----------------------------------------------------------------------

def test_record_lines_and_the_ruled_lines_left_for_them():
    from pipeline.model import Document, Meta

    doc = Document(meta=Meta(title="学习材料"))
    assert session_record(doc, BuildOptions()) is None  # no roster, no record page
    opts = BuildOptions(session_date="2026-12-01",
                        row={"org": "一支部", "session_time": "下午3:00", "place": "活动室"})
    rec = session_record(doc, opts)
    assert [(line.label, line.value) for line in rec.lines] == [
        ("时\u3000\u3000间", "2026年12月1日\u3000下午3:00"), ("地\u3000\u3000点", "活动室"),
        ("主\u2002持\u2002人", ""), ("参加人员", ""), ("学习内容", "《学习材料》")]
    short = rec.rule_lines(22, 28)
    opts.row["attendees"] = "、".join(["张三丰"] * 40)  # 159 characters: 7 lines of 23
    opts.row["recorder"] = "李四"
    longer = session_record(doc, opts)
    assert ("记\u2002录\u2002人", "李四") in [(x.label, x.value) for x in longer.lines]
    assert longer.rule_lines(22, 28) == short - 1 - 6
    opts.row["attendees"] = "、".join(["张三丰"] * 60)  # 11 lines: 2 rules would be left
    assert session_record(doc, opts).rule_lines(22, 28) == 2 + 21  # … so the next page too
    assert session_record(doc, opts, ["甲", "乙"]).content == "《甲》、《乙》"


def test_handout_context_sizes_the_record_for_large_print():
    from pipeline.model import Document, Meta

    doc = Document(meta=Meta(title="学习材料"))
    row = {"org": "一支部"}
    normal = handout_context(doc, BuildOptions(row=row))["record_rules"]
    large = handout_context(doc, BuildOptions(row=row, variant="large-print"))["record_rules"]
    assert large < normal
    assert handout_context(doc, BuildOptions())["record_rules"] == 0
    assert handout_context(doc, BuildOptions())["row"]["place"] == ""  # row.place always works


# --- builds -------------------------------------------------------------------------------

ROWS = [["单位", "日期", "地点", "主持人", "参加人员"],
        ["第一党支部", "2026-12-01", "党员活动室", "张明", "李华、王芳"],
        ["第二党支部", "2026-12-02", "村委会", "王建国", "全体党员"],
        ["第三党支部", "2026-13-03", "", "", ""]]


def test_roster_build_folders_manifest_and_record_page(tmp_path, seed, capsys):
    roster = write_csv(tmp_path / "roster.csv", ROWS)
    out = tmp_path / "out"
    code, stdout, err = run(["build", str(seed), "--for", str(roster), "--to", "docx",
                             "-o", str(out), "-j", "1"], capsys)
    assert code == 2
    assert "studykit: error: roster.csv: row 4: session_date: '2026-13-03' is not a date" in err
    assert "roster.csv: 2 of 3 rows built or up to date, 1 failed" in err
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["第一党支部", "第二党支部"]
    handout = out / "第一党支部" / TITLE / f"{TITLE}.handout.docx"
    assert str(handout) in stdout.splitlines()
    text = docx_text(handout)
    assert text.startswith("第一党支部")  # the 抬头
    for piece in ("学习记录", "2026年12月1日", "党员活动室", "张明", "李华、王芳", f"《{TITLE}》",
                  "学习讨论记录"):
        assert piece in text
    assert "学习笔记" not in text  # the record page takes its place
    with open(out / MANIFEST_NAME, encoding="utf-8-sig", newline="") as fh:
        manifest = list(csv.DictReader(fh))
    assert [(m["row"], m["folder"], m["status"]) for m in manifest] == [
        ("2", "第一党支部", "built"), ("3", "第二党支部", "built"), ("4", "第三党支部", "failed")]
    assert manifest[0]["files"] == f"第一党支部/{TITLE}/{TITLE}.handout.docx"
    assert "is not a date" in manifest[2]["error"]
    assert (out / MANIFEST_NAME).read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8

    # Unchanged: nothing is built; one row changed: that row only.
    code, _, err = run(["build", str(seed), "--for", str(roster), "--to", "docx", "-o", str(out),
                        "-v"], capsys)
    assert "2 of 2 outputs up to date, building 0" in err
    ROWS_CHANGED = [row[:] for row in ROWS]
    ROWS_CHANGED[2][2] = "党群服务中心"
    write_csv(roster, ROWS_CHANGED)
    code, _, err = run(["build", str(seed), "--for", str(roster), "--to", "docx", "-o", str(out),
                        "-v"], capsys)
    assert "1 of 2 outputs up to date, building 1" in err
    assert "built docx    row 3 (第二党支部)" in err
    assert "党群服务中心" in docx_text(out / "第二党支部" / TITLE / f"{TITLE}.handout.docx")
    with open(out / MANIFEST_NAME, encoding="utf-8-sig", newline="") as fh:
        assert [m["status"] for m in csv.DictReader(fh)] == ["up to date", "built", "failed"]


def test_a_users_template_prints_its_own_column(tmp_path, seed, capsys):
    from docx import Document

    from pipeline.templating import builtin_templates_dir

    mine = tmp_path / "templates" / "handout"
    mine.mkdir(parents=True)
    doc = Document(str(builtin_templates_dir() / "handout" / "handout.docx"))
    doc.add_paragraph("支部书记：{{ row.书记 }}")
    doc.save(mine / "handout.docx")
    roster = write_csv(tmp_path / "r.csv", [["单位", "书记"], ["一支部", "赵书记"]])
    out = tmp_path / "out"
    code, _, err = run(["build", str(seed), "--for", str(roster), "--to", "docx", "-o", str(out),
                        "--templates", str(tmp_path / "templates")], capsys)
    assert code == 0, err
    assert "支部书记：赵书记" in docx_text(out / "一支部" / TITLE / f"{TITLE}.handout.docx")
    # Without the template the column is unknown: one line, nothing built.
    code, _, err = run(["build", str(seed), "--for", str(roster), "--to", "docx",
                        "-o", str(tmp_path / "b")], capsys)
    assert code == 2 and "unknown column '书记'" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "b").exists()


def test_roster_options_errors(tmp_path, seed, capsys):
    code, _, err = run(["build", str(seed), "--name-by", "org"], capsys)
    assert code == 2 and "--name-by names a column of a --for roster" in err
    code, _, err = run(["build", str(seed), "--for", str(tmp_path / "none.csv")], capsys)
    assert code == 2 and "does not exist" in err
