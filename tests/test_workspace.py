"""A newcomer's path, end to end: init, add articles, build, customise templates, rebuild."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from buildutil import run

from pipeline.config import DEFAULT_TOML, Config, config_from_dict, load_config
from pipeline.templating import builtin_templates_dir
from pipeline.workspace import builtin_template_files

ARTICLES = ("seed_shiyishi.txt", "pd_news_songtao.txt")
SUFFIXES = ("handout.docx", "booklet.pdf", "print.pdf", "outline.md", "slides.pptx")


def outputs(folder: Path) -> dict[str, int]:
    """Every output file (not our own hidden records) → its mtime."""
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.startswith(".")}


def docx_text(path: Path) -> str:
    return zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def test_init_makes_a_workspace_with_every_builtin_template(tmp_path, capsys):
    ws = tmp_path / "ws"
    code, _, err = run(["init", str(ws)], capsys)
    assert code == 0, err
    assert (ws / "studykit.toml").read_text(encoding="utf-8") == DEFAULT_TOML
    assert (ws / "source").is_dir() and (ws / "output").is_dir()
    names = [name for name, _ in builtin_template_files()]
    for kind in ("handout", "booklet", "slides"):  # every kind, every file the built-ins have
        for path in (builtin_templates_dir() / kind).iterdir():
            if path.suffix != ".py" and path.is_file():
                assert f"{kind}/{path.name}" in names
    for name, src in builtin_template_files():
        assert (ws / "templates" / name).read_bytes() == src.read_bytes()
    assert {"handout/handout.docx", "booklet/booklet.css", "booklet/booklet.html",
            "slides/outline.md", "slides/slides.pptx"} <= set(names)


def test_init_refuses_to_overwrite(tmp_path, capsys):
    ws = tmp_path / "ws"
    assert run(["init", str(ws)], capsys)[0] == 0
    (ws / "studykit.toml").write_text('org = "mine"\n', encoding="utf-8")
    code, _, err = run(["init", str(ws)], capsys)
    assert code == 2 and "--force" in err and len(err.strip().splitlines()) == 1
    assert (ws / "studykit.toml").read_text(encoding="utf-8") == 'org = "mine"\n'
    assert run(["init", str(ws), "--force"], capsys)[0] == 0
    assert (ws / "studykit.toml").read_text(encoding="utf-8") == DEFAULT_TOML


def test_default_config_is_the_builtin_defaults(tmp_path):
    (tmp_path / "studykit.toml").write_text(DEFAULT_TOML, encoding="utf-8")
    cfg = load_config(tmp_path)
    cfg.root = None
    assert cfg == Config()


def test_config_mistakes_are_one_line(tmp_path):
    from pipeline.errors import InputError

    for data, words in [({"orgg": "x"}, "orgg: unknown setting"),
                        ({"outputs": ["docx", "epub"]}, "'epub' is not one of"),
                        ({"session_date": "12/1"}, "not a date"),
                        ({"aids": {"quiz": "no"}}, "aids.quiz: expected true or false"),
                        ({"print_sheet": "A6"}, "'A6' is not one of auto, A4, A3, B4"),
                        ({"creep": 20}, "creep: expected a number of millimetres"),
                        ({"crop_marks": "yes"}, "crop_marks: expected true or false")]:
        with pytest.raises(InputError, match=words):
            config_from_dict(data)
    (tmp_path / "studykit.toml").write_text("org = \n", encoding="utf-8")
    with pytest.raises(InputError, match="not valid TOML"):
        load_config(tmp_path)


def test_newcomer_path(tmp_path, corpus, capsys, monkeypatch):
    ws = tmp_path / "学习会"
    assert run(["init", str(ws)], capsys)[0] == 0
    for name in ARTICLES:
        shutil.copy(corpus / name, ws / "source" / name)
    toml = ws / "studykit.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('org = ""', 'org = "某某县委组织部"'),
                    encoding="utf-8")
    monkeypatch.chdir(ws)

    # 1. build everything: all three outputs of both articles
    code, out, err = run(["build"], capsys)
    assert code == 0, err
    first = outputs(ws / "output")
    assert len(first) == len(ARTICLES) * len(SUFFIXES), first
    assert sorted(Path(p).name.split(".", 1)[1] for p in first) == sorted(SUFFIXES * 2)
    assert [Path(line) for line in out.split("\n") if line] == \
        [ws / "output" / p for p in sorted(first, key=lambda p: out.index(p))]
    handout = next(ws / "output" / p for p in first if "踔厉奋发" in p and p.endswith(".docx"))
    assert "某某县委组织部" in docx_text(handout)  # the config's org reached the writer
    assert not list((ws / "output").rglob("*.part"))

    # 2. nothing changed: everything skipped, nothing rewritten
    code, _, err = run(["build", "-v"], capsys)
    assert code == 0, err
    assert err.count("skip") == len(ARTICLES) * 3 and "built" not in err
    assert outputs(ws / "output") == first

    # 3. customise: a running head in the booklet CSS, a line in the Word template
    css = ws / "templates" / "booklet" / "booklet.css"
    css.write_text(css.read_text(encoding="utf-8")
                   + '\n@page :right { @top-center { content: "内部学习资料"; } }\n',
                   encoding="utf-8")
    tpl = ws / "templates" / "handout" / "handout.docx"
    _replace_in_docx(tpl, "学习时间：", "学习日期：")
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        'session_date = ""', 'session_date = "2026-12-01"'), encoding="utf-8")
    code, _, err = run(["build", "-v", "--to", "docx,pdf"], capsys)
    assert code == 0, err
    assert err.count("built docx") == 2 and err.count("built pdf") == 2, err
    second = outputs(ws / "output")
    for path, mtime in first.items():
        changed = second[path] != mtime
        assert changed == path.endswith((".docx", ".pdf")), path
    assert "学习日期：2026年12月1日" in docx_text(handout)
    booklet = handout.with_name(handout.name.replace("handout.docx", "booklet.pdf"))
    assert "内部学习资料" in pdf_text(booklet)

    # 4. slides depend on the session date too, so they are rebuilt now; docx and pdf are not
    code, _, err = run(["build", "-v"], capsys)
    assert code == 0, err
    assert err.count("built slides") == 2 and err.count("skip  docx") == 2, err
    assert err.count("skip  pdf") == 2


def _replace_in_docx(path: Path, old: str, new: str) -> None:
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                text = data.decode("utf-8")
                assert old in text
                data = text.replace(old, new).encode("utf-8")
            dst.writestr(item, data)
    tmp.replace(path)


def test_cli_overrides_config_and_workspace_templates_are_used(tmp_path, monkeypatch):
    from pipeline.cli import make_request

    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "studykit.toml").write_text(
        'org = "甲单位"\noutputs = ["slides"]\npaper = "A4"\n[aids]\nquiz = false\n',
        encoding="utf-8")
    (ws / "templates").mkdir()
    (ws / "source").mkdir()
    (ws / "source" / "a.txt").write_text("标题\n\n正文。\n", encoding="utf-8")
    (ws / "source" / ".hidden.txt").write_text("x", encoding="utf-8")
    (ws / "source" / "slides.pptx").write_bytes(b"PK\x03\x04")
    params = {"sources": (), "workspace": ws, "to": None, "output_dir": None, "org": None,
              "session_date": None, "variant": None, "glossaries": (), "template_dirs": (),
              "paper": None, "print_sheet": None, "slides_template": None, "compile_": False,
              "title": "", "excerpts": None, "glossary": None, "questions": None,
              "quiz": None, "notes": None}
    req = make_request(params)
    assert req.sources == [str(ws / "source" / "a.txt")]
    assert req.formats == ["slides"] and req.opts.org == "甲单位" and req.opts.paper == "A4"
    assert not req.opts.aids.quiz and req.opts.aids.excerpts
    assert req.opts.template_dirs == [ws / "templates"]
    assert req.opts.out_dir == ws / "output"
    req = make_request({**params, "org": "乙单位", "to": "docx", "quiz": True, "paper": "B5"})
    assert req.formats == ["docx"] and req.opts.org == "乙单位" and req.opts.aids.quiz
    assert req.opts.paper == "B5"
    # print settings: the file's, then the command line's; a scaling sheet is a warning
    (ws / "studykit.toml").write_text(
        'paper = "A4"\nprint_sheet = "A4"\ncreep = 1.5\ncrop_marks = true\n'
        'bold_headings = true\n', encoding="utf-8")
    req = make_request({**params, "to": "pdf"})
    assert req.opts.print_sheet == "A4" and req.opts.creep_mm == 1.5 and req.opts.crop_marks
    assert req.opts.bold_headings
    assert any("scaled to 71%" in w for w in req.notes)
    req = make_request({**params, "to": "pdf", "print_sheet": "A3", "crop_marks": False})
    assert req.opts.print_sheet == "A3" and not req.opts.crop_marks and req.notes == []
    assert make_request({**params, "to": "docx"}).notes == []  # no print PDF, no warning


def test_templates_lists_overrides_and_variables(tmp_path, capsys, monkeypatch):
    ws = tmp_path / "ws"
    assert run(["init", str(ws)], capsys)[0] == 0
    css = ws / "templates" / "booklet" / "booklet.css"
    css.write_text(css.read_text(encoding="utf-8") + "\nbody { color: #222; }\n", encoding="utf-8")
    (ws / "templates" / "slides" / "outline.md").unlink()
    monkeypatch.chdir(ws)
    code, out, err = run(["templates"], capsys)
    assert code == 0, err
    entries = dict(_entries(out))
    assert "[workspace, edited]" in entries["booklet/booklet.css"]
    assert str(css) in entries["booklet/booklet.css"]
    assert "[workspace copy, unchanged]" in entries["booklet/booklet.html"]
    assert "[built-in]" in entries["slides/outline.md"]
    assert str(builtin_templates_dir() / "slides" / "outline.md") in entries["slides/outline.md"]
    assert "variables: doc, meta, title" in entries["handout/handout.docx"]
    assert "blocks" in entries["handout/handout.docx"]
    assert "slides" in entries["slides/outline.md"].split("variables:")[1]
    assert "variables:" not in entries["slides/slides.pptx"]

    code, out, _ = run(["templates", "show", "booklet/booklet.css"], capsys)
    assert code == 0 and out == (builtin_templates_dir() / "booklet" / "booklet.css").read_text(
        encoding="utf-8")
    code, out, err = run(["templates", "show", "handout.docx"], capsys)
    assert code == 0 and out == "" and "handout/handout.docx is a Word file" in err
    copy = tmp_path / "mine.docx"
    assert run(["templates", "show", "handout.docx", "-o", str(copy)], capsys)[0] == 0
    assert copy.read_bytes() == (builtin_templates_dir() / "handout" / "handout.docx").read_bytes()
    code, _, err = run(["templates", "show", "page.html"], capsys)
    assert code == 2 and "no template 'page.html'" in err


def _entries(out: str):
    name, lines = None, []
    for line in out.splitlines():
        if not line.startswith(" "):
            if name:
                yield name, "\n".join(lines)
            name, lines = line.split("  [", 1)[0], [line]
        else:
            lines.append(line)
    if name:
        yield name, "\n".join(lines)
