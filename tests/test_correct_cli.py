"""Correcting from the command line and the workspace: -M, edited model files, studykit.toml."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from buildutil import run
from test_corrections import WECHAT

SEED = "seed_shiyishi.txt"
RIGHT = "谱写中朝友谊新篇，维护半岛和平稳定"


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def docx_text(path: Path) -> str:
    import docx

    return squeeze("\n".join(p.text for p in docx.Document(str(path)).paragraphs))


def docx_styles(path: Path) -> dict[str, str]:
    import docx

    return {p.text.strip(): p.style.name for p in docx.Document(str(path)).paragraphs}


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return squeeze("".join(page.extract_text() or "" for page in PdfReader(str(path)).pages))


def pptx_text(path: Path) -> str:
    from pptx import Presentation

    out = []
    for slide in Presentation(str(path)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                out.append(shape.text_frame.text)
    return squeeze("\n".join(out))


def one_error(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert "Traceback" not in err and len(lines) == 1, err
    assert lines[0].startswith("studykit: error: ")
    return lines[0].removeprefix("studykit: error: ")


@pytest.fixture
def wechat(tmp_path) -> Path:
    path = tmp_path / "wechat-copy.txt"
    path.write_text(WECHAT, encoding="utf-8")
    return path


# --- -M on parse, check and build ------------------------------------------------------

def test_metadata_on_parse(wechat, capsys):
    code, out, err = run(["parse", str(wechat), "-M", f"title={RIGHT}", "-M", "author=某某县委组织部",
                          "-M", "date=2024-03-05"], capsys)
    assert code == 0, err
    doc = json.loads(out)
    assert doc["meta"]["title"] == RIGHT and doc["meta"]["date"] == "2024-03-05"
    assert doc["meta"]["authors"] == [{"name": "某某县委组织部", "titles": []}]
    assert {c["field"] for c in doc["corrections"]} == {"title", "authors", "date"}
    assert all(c["origin"] == "-M" for c in doc["corrections"])


def test_metadata_on_check_shows_what_was_corrected(wechat, capsys, zh):
    code, out, _ = run(["check", str(wechat)], capsys)
    lines = out.splitlines()
    assert lines[1].startswith("警告（") and "[title-suspect]" in lines[2]
    assert '→ 改正：-M title="正确的标题"' in lines[2]
    code, out, err = run(["check", str(wechat), "-M", f"title={RIGHT}", "-M", "levels.二、狠抓工作落实=2"],
                         capsys)
    assert code == 0, err
    assert f"标题：{RIGHT}  ［已改正，-M；原为：" in out
    assert "├─ L2 二、狠抓工作落实 [已改级，原为 L1]" in out
    assert "改正（2）：" in out and "[title-suspect]" not in out


def test_metadata_on_build(wechat, tmp_path, capsys):
    out_dir = tmp_path / "out"
    code, out, err = run(["build", str(wechat), "--to", "docx", "-o", str(out_dir), "-M",
                          f"title={RIGHT}", "-M", "author=张三（某某县委书记）"], capsys)
    assert code == 0, err
    (handout,) = [Path(p) for p in out.split()]
    assert handout.name == f"{RIGHT}.handout.docx"
    text = docx_text(handout)
    assert squeeze(RIGHT) in text and "张三" in text and "08:30" not in text


def test_metadata_needs_one_source_and_title_is_metadata(wechat, tmp_path, capsys):
    other = tmp_path / "other.txt"
    other.write_text("另一篇\n\n正文。\n", encoding="utf-8")
    code, _, err = run(["build", str(wechat), str(other), "-M", "title=x", "-o", str(tmp_path)],
                       capsys)
    assert code == 2 and one_error(err).startswith("-M and --title correct one article")
    code, _, err = run(["build", str(wechat), str(other), "--title", "x", "-o", str(tmp_path)],
                       capsys)
    assert code == 2 and one_error(err).startswith("-M and --title correct one article")
    # Without --compile, --title is -M title=…: the same title, the same output name.
    code, out, err = run(["build", str(wechat), "--title", RIGHT, "--to", "docx",
                          "-o", str(tmp_path / "t")], capsys)
    assert code == 0, err
    by_title = Path(out.split()[0])
    code, out, err = run(["build", str(wechat), "-M", f"title={RIGHT}", "--to", "docx",
                          "-o", str(tmp_path / "m")], capsys)
    assert code == 0, err
    assert by_title.name == Path(out.split()[0]).name == f"{RIGHT}.handout.docx"
    code, _, err = run(["build", str(wechat), "--title", RIGHT, "-M", "title=另一个",
                        "-o", str(tmp_path)], capsys)
    assert code == 2 and "--title and -M title= name different titles" in one_error(err)
    code, _, err = run(["check", str(wechat), "-M", "date=2024-02-30"], capsys)
    assert code == 2 and one_error(err) == "-M date: '2024-02-30' is not a date like 2024-03-05"


# --- the model file: parse -o, edit, build --------------------------------------------------

def test_json_round_trip_into_every_output(tmp_path, corpus, capsys):
    src = tmp_path / SEED
    shutil.copy(corpus / SEED, src)
    model = tmp_path / "article.json"
    assert run(["parse", str(src), "-o", str(model)], capsys)[0] == 0
    data = json.loads(model.read_text(encoding="utf-8"))
    assert data["version"] == 1
    data["meta"]["title"] = "改过的学习材料标题"
    second = data["sections"][1]
    second["title"] = "改过的第二部分标题"
    second["level"] = 2  # a heading's level: now under 一、
    data["sections"][0]["sections"].append(second)
    del data["sections"][1]
    data["sections"][0]["body"][0]["text"] = "这是改过的第一部分第一段。"
    model.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")

    out_dir = tmp_path / "out"
    code, out, err = run(["build", str(model), "-o", str(out_dir), "-j", "1"], capsys)
    assert code == 0, err
    paths = {Path(p).name: Path(p) for p in out.split()}
    assert set(paths) >= {"改过的学习材料标题.handout.docx", "改过的学习材料标题.booklet.pdf",
                          "改过的学习材料标题.slides.pptx"}
    word = docx_text(paths["改过的学习材料标题.handout.docx"])
    pdf = pdf_text(paths["改过的学习材料标题.booklet.pdf"])
    slides = pptx_text(paths["改过的学习材料标题.slides.pptx"])
    for text in (word, pdf, slides):
        assert "改过的学习材料标题" in text and "改过的第二部分标题" in text
    assert "这是改过的第一部分第一段。" in word and "这是改过的第一部分第一段。" in pdf
    styles = docx_styles(paths["改过的学习材料标题.handout.docx"])
    first = next(k for k in styles if k.startswith("一、"))
    assert styles[first] != styles["二、改过的第二部分标题"]


@pytest.mark.parametrize("edit,message", [
    (lambda d: "{not json", "article.json: not valid JSON: "),
    (lambda d: {**d, "version": 2},
     "article.json: version: model version 2 is not the one this studykit reads (1)"),
    (lambda d: {k: v for k, v in d.items() if k != "version"}, "article.json: version: missing"),
    (lambda d: {**d, "sections": [{**d["sections"][0], "titel": "x"}]},
     "article.json: sections[0].titel: unknown field (known here: level, label, title"),
    (lambda d: {**d, "meta": {**d["meta"], "date": "2024-02-30"}},
     "article.json: meta.date: '2024-02-30' is not a date like 2024-03-05 (or null)"),
    (lambda d: {**d, "sections": [{**d["sections"][0], "level": "二"}]},
     'article.json: sections[0].level: expected a whole number, got "二"'),
    (lambda d: {**d, "body": [{"type": "poem", "text": "x"}]},
     "article.json: body[0].type: \"poem\" is not one of 'paragraph', 'list'"),
    (lambda d: [d], "article.json: not a studykit model"),
])
def test_bad_model_files_are_one_line(tmp_path, wechat, capsys, edit, message):
    model = tmp_path / "article.json"
    assert run(["parse", str(wechat), "-o", str(model)], capsys)[0] == 0
    changed = edit(json.loads(model.read_text(encoding="utf-8")))
    model.write_text(changed if isinstance(changed, str) else json.dumps(changed, ensure_ascii=False),
                     encoding="utf-8")
    for command in (["check", "article.json"], ["build", "article.json", "--to", "docx"]):
        code, _, err = _in(tmp_path, command, capsys)
        assert code == 2, (command, err)
        assert one_error(err).startswith(message), one_error(err)
    assert not (tmp_path / "output").exists() or not any((tmp_path / "output").glob("*.docx"))


def _in(folder: Path, argv: list[str], capsys):
    import os

    here = os.getcwd()
    os.chdir(folder)
    try:
        return run(argv, capsys)
    finally:
        os.chdir(here)


# --- the workspace: [articles."FILE"] ------------------------------------------------------------

def workspace(tmp_path, corpus, capsys) -> Path:
    ws = tmp_path / "ws"
    assert run(["init", str(ws), "-q"], capsys)[0] == 0
    (ws / "source" / "wechat-copy.txt").write_text(WECHAT, encoding="utf-8")
    shutil.copy(corpus / SEED, ws / "source" / SEED)
    return ws


TABLE = f'''
[articles."wechat-copy.txt"]
title = "{RIGHT}"
authors = ["某某县委组织部"]
drop = ["要以钉钉子精神抓好各项工作落实，确保各项部署落地见效。"]
keep = ["（王小明）"]
levels = {{ "二、狠抓工作落实" = 2 }}
'''


def test_workspace_corrections_applied_and_cached(tmp_path, corpus, capsys, monkeypatch):
    ws = workspace(tmp_path, corpus, capsys)
    config = ws / "studykit.toml"
    config.write_text(config.read_text(encoding="utf-8") + TABLE, encoding="utf-8")
    monkeypatch.chdir(ws)

    code, out, err = run(["build", "--to", "docx", "-v"], capsys)
    assert code == 0, err
    (handout,) = [Path(p) for p in out.split() if Path(p).name == f"{RIGHT}.handout.docx"]
    text = docx_text(handout)
    assert squeeze(RIGHT) in text and "某某县委组织部" in text
    assert "要以钉钉子精神" not in text  # dropped
    assert "（王小明）" in text  # kept
    styles = docx_styles(handout)
    assert styles["二、狠抓工作落实"] != styles["一、提高政治站位"]  # demoted

    code, out, err = run(["--lang", "zh", "check", "source/wechat-copy.txt"], capsys)
    assert f"标题：{RIGHT}  ［已改正，studykit.toml；原为：" in out
    assert "├─ L2 二、狠抓工作落实 [已改级，原为 L1]" in out and "恢复：（王小明）（studykit.toml）" in out
    assert "[dropped by correction (studykit.toml)] 要以钉钉子精神" in out

    # Nothing changed: both skipped.  One article's correction changed: that article only.
    code, _, err = run(["build", "--to", "docx", "-v"], capsys)
    assert err.count("skip") == 2 and "built" not in err.replace("built or", "")
    config.write_text(config.read_text(encoding="utf-8").replace(
        f'title = "{RIGHT}"', 'title = "维护半岛和平稳定"'), encoding="utf-8")
    code, out, err = run(["build", "--to", "docx", "-v"], capsys)
    assert code == 0, err
    assert re.search(r"built docx +wechat-copy\.txt", err) and re.search(r"skip +docx +" + SEED, err)
    assert list((ws / "output").rglob("维护半岛和平稳定.handout.docx"))
    assert not handout.exists()  # the output of the old title is replaced, not left behind


def test_workspace_correction_mistakes_and_stale_tables(tmp_path, corpus, capsys, monkeypatch):
    ws = workspace(tmp_path, corpus, capsys)
    config = ws / "studykit.toml"
    base = config.read_text(encoding="utf-8")
    monkeypatch.chdir(ws)
    config.write_text(base + '\n[articles."wechat-copy.txt"]\ndate = "2024-13-01"\n', encoding="utf-8")
    code, _, err = run(["build", "--to", "docx"], capsys)
    assert code == 2 and one_error(err).endswith(
        "studykit.toml: articles.\"wechat-copy.txt\".date: '2024-13-01' is not a date like 2024-03-05")
    code, _, err = run(["check", "source/wechat-copy.txt"], capsys)
    assert code == 2 and "is not a date" in one_error(err)
    config.write_text(base + '\n[articles."wechat-copy.txt"]\ntitel = "x"\n', encoding="utf-8")
    code, _, err = run(["build", "--to", "docx"], capsys)
    assert code == 2 and 'articles."wechat-copy.txt".titel: unknown key' in one_error(err)
    config.write_text(base + '\n[articles."no-such.txt"]\ntitle = "x"\n', encoding="utf-8")
    code, _, err = run(["build", "--to", "docx"], capsys)
    assert code == 0
    assert 'studykit: warning: studykit.toml: [articles."no-such.txt"]: no such file in source/' in err


def test_a_model_file_in_the_workspace_builds_with_its_corrections(tmp_path, corpus, capsys,
                                                                    monkeypatch):
    ws = workspace(tmp_path, corpus, capsys)
    monkeypatch.chdir(ws)
    assert run(["parse", "source/wechat-copy.txt", "-o", "source/wechat.json"], capsys)[0] == 0
    (ws / "source" / "wechat-copy.txt").unlink()
    config = ws / "studykit.toml"
    config.write_text(config.read_text(encoding="utf-8")
                      + f'\n[articles."wechat.json"]\ntitle = "{RIGHT}"\n', encoding="utf-8")
    code, out, err = run(["build", "--to", "docx"], capsys)
    assert code == 0, err
    assert list((ws / "output").rglob(f"{RIGHT}.handout.docx"))
