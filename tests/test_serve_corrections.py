"""The page's corrections through the API: check with corrections, build with them, and a
workspace's studykit.toml written and read back."""

from __future__ import annotations

import io
import json
import re
import warnings
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient  # noqa: E402

from test_corrections import WECHAT  # noqa: E402

from pipeline.serve.app import Settings, create_app  # noqa: E402

H = {"X-Studykit": "1"}
RIGHT = "谱写中朝友谊新篇，维护半岛和平稳定"
# Copied without its title (the premise of the page's corrections: no parser can know it)
UNTITLED = WECHAT.split("\n", 1)[1]
FILE = ("wechat.txt", UNTITLED.encode())
DROP = "要以钉钉子精神抓好各项工作落实，确保各项部署落地见效。"


def client(tmp_path: Path, **kw) -> TestClient:
    return TestClient(create_app(Settings(warm_up=False, root=tmp_path / "serve", **kw)),
                      base_url="http://127.0.0.1")


@pytest.fixture
def api(tmp_path):
    with client(tmp_path) as c:
        yield c


def check(api, corrections=None, file=FILE):
    data = {} if corrections is None else {"corrections": json.dumps(corrections, ensure_ascii=False)}
    r = api.post("/api/check", files={"file": file}, data=data, headers=H)
    assert r.status_code == 200, r.text
    return r.json()


def test_check_gives_fields_warnings_outline_and_lines(api):
    body = check(api)
    # the copy has no title (the premise of the page's corrections)
    assert body["meta"]["title"] != RIGHT and body["meta"] == body["parsed"]
    by_field = {w["field"]: w["message"] for w in body["issues"]}
    assert "title" in by_field
    assert [(r["text"], r["level"]) for r in body["outline"]] == [
        ("引言", 1), ("一、提高政治站位", 1), ("（一）学深悟透", 2), ("（二）学以致用", 2),
        ("二、狠抓工作落实", 1)]
    assert any(d["text"] == "（王小明）" and not d["by_user"] for d in body["dropped"])
    assert any(line["text"].startswith("要以钉钉子精神") for line in body["lines"])
    assert body["corrections"] == {} and body["workspace"] is False


def test_check_with_corrections_updates_everything(api, zh):
    parsed = check(api)["meta"]
    corr = {"title": RIGHT, "authors": ["某某县委组织部"], "keep": ["（王小明）"],
            "drop": [DROP], "levels": {"（王小明）": 2, "二、狠抓工作落实": 2}}
    body = check(api, corr)
    assert body["title"] == RIGHT and body["meta"]["authors"] == "某某县委组织部"
    assert body["parsed"]["title"] == parsed["title"]
    assert body["parsed"]["authors"] == parsed["authors"]
    assert not [w for w in body["issues"] if w["field"] in ("title", "authors")]
    rows = {r["text"]: r for r in body["outline"]}
    assert rows["（王小明）"]["level"] == 2 and rows["（王小明）"]["original"] == 0
    assert rows["二、狠抓工作落实"]["level"] == 2 and rows["二、狠抓工作落实"]["original"] == 1
    assert "├─ L2 二、狠抓工作落实 [已改级，原为 L1]" in body["report"]
    assert [d["text"] for d in body["dropped"] if d["by_user"]] == [DROP]
    # a heading made text shows in the outline, at its place, to be made a heading again
    body = check(api, {"levels": {"（一）学深悟透": 0}})
    row = next(r for r in body["outline"] if r["level"] == 0)
    assert row["key"] == "（一）学深悟透" and row["original"] == 2
    assert [r["text"] for r in body["outline"]].index(row["text"]) == 2


@pytest.mark.parametrize("corrections,message", [
    ('{"date": "2024-02-30"}', "wechat.txt: corrections.date: '2024-02-30' is not a date"),
    ('{"titel": "x"}', "wechat.txt: corrections.titel: unknown key"),
    ("{oops", "wechat.txt: corrections: not valid JSON"),
])
def test_bad_corrections_are_one_line(api, corrections, message):
    r = api.post("/api/check", files={"file": FILE}, data={"corrections": corrections}, headers=H)
    assert r.status_code == 400 and r.json()["error"].startswith(message)


def test_build_uses_each_files_corrections(api):
    form = {"outputs": ["handout"], "variant": "official",
            "corrections": json.dumps([{"title": RIGHT}, None], ensure_ascii=False)}
    files = [("files", FILE), ("files", ("b.txt", "另一篇文章\n\n正文一段。\n".encode()))]
    r = api.post("/api/build", files=files, data=form, headers=H)
    assert r.status_code == 200, r.text
    names = [f["name"] for f in r.json()["files"]]
    assert f"{RIGHT}.handout.docx" in names and "另一篇文章.handout.docx" in names
    url = next(f["url"] for f in r.json()["files"] if f["name"].startswith(RIGHT))
    import docx

    word = docx.Document(io.BytesIO(api.get(url).content))
    assert RIGHT in "".join(p.text for p in word.paragraphs)
    # Another correction is another build (not the cached one); the same one is cached.
    form["corrections"] = json.dumps([{"title": "维护半岛和平稳定"}, None], ensure_ascii=False)
    again = api.post("/api/build", files=files, data=form, headers=H).json()
    assert not again["cached"] and "维护半岛和平稳定.handout.docx" in [f["name"] for f in again["files"]]
    same = api.post("/api/build", files=files, data=form, headers=H).json()
    assert same["cached"]
    form["corrections"] = "[{}]"
    r = api.post("/api/build", files=files, data=form, headers=H)
    assert r.status_code == 400 and r.json()["error"].startswith("corrections: expected one entry")


def test_a_model_file_can_be_added(api):
    from pipeline.loading import load_bytes

    model = load_bytes(UNTITLED.encode(), "wechat.txt").to_json().encode()
    body = check(api, {"title": RIGHT}, ("wechat.json", model))
    assert body["title"] == RIGHT
    r = api.post("/api/check", files={"file": ("bad.json", b'{"version": 1, "titel": 1}')}, headers=H)
    assert r.status_code == 400 and r.json()["error"].startswith("bad.json: titel: unknown field")


# --- in a workspace: corrections saved into studykit.toml --------------------------------------

@pytest.fixture
def ws(tmp_path):
    from pipeline.workspace import init_workspace

    folder = tmp_path / "ws"
    init_workspace(folder)
    return folder


def test_workspace_corrections_are_saved_and_applied(tmp_path, ws):
    from pipeline.config import load_config

    with client(tmp_path, workspace=ws) as c:
        assert check(c)["workspace"] is True
        corr = {"title": RIGHT, "drop": ["听全文"], "levels": {"二、狠抓工作落实": 2}}
        r = c.post("/api/corrections", json={"name": "wechat.txt", "corrections": corr}, headers=H)
        assert r.status_code == 200, r.text
        text = (ws / "studykit.toml").read_text(encoding="utf-8")
        assert "# Organisation printed on the handout" in text  # the comments stay
        assert '[articles."wechat.txt"]' in text and f'title = "{RIGHT}"' in text
        assert re.search(r'levels = \{\s*"二、狠抓工作落实" = 2\s*\}', text)
        stored = load_config(ws).articles["wechat.txt"]
        assert stored.title == RIGHT and stored.levels == {"二、狠抓工作落实": 2}

        # A file of that name added again: the saved corrections apply, and come back.
        body = check(c)
        assert body["title"] == RIGHT and body["corrections"]["title"] == RIGHT
        assert body["corrections"]["levels"] == {"二、狠抓工作落实": 2}
        # Undoing every correction removes the table.
        r = c.post("/api/corrections", json={"name": "wechat.txt", "corrections": {}}, headers=H)
        assert r.status_code == 200
        assert "articles" not in (ws / "studykit.toml").read_text(encoding="utf-8").split("#")[-1]
        assert load_config(ws).articles == {}
        r = c.post("/api/corrections", json={"name": "wechat.txt", "corrections": {"date": "x"}},
                   headers=H)
        assert r.status_code == 400 and "is not a date" in r.json()["error"]
        assert load_config(ws).articles == {}


def test_saving_corrections_outside_a_workspace_is_refused(api):
    r = api.post("/api/corrections", json={"name": "a.txt", "corrections": {"title": "x"}}, headers=H)
    assert r.status_code == 400 and "not started in a workspace" in r.json()["error"]
    r = api.post("/api/corrections", json={"name": "a.txt"})  # no header: a cross-site post
    assert r.status_code == 403


def test_zip_of_a_corrected_build(api):
    form = {"outputs": ["handout", "outline"], "variant": "official",
            "corrections": json.dumps([{"title": RIGHT}], ensure_ascii=False)}
    r = api.post("/api/build", files=[("files", FILE)], data=form, headers=H)
    names = zipfile.ZipFile(io.BytesIO(api.get(r.json()["zip"]).content)).namelist()
    assert sorted(names) == sorted([f"{RIGHT}.handout.docx", f"{RIGHT}.outline.md"])
