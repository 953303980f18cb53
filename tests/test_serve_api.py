"""`studykit serve` through FastAPI's TestClient: the API, its limits and its safety."""

from __future__ import annotations

import io
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

with warnings.catch_warnings():  # Starlette ≥ 1.x suggests httpx2; httpx still works
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient  # noqa: E402

from pipeline.serve import app as serve_app  # noqa: E402
from pipeline.serve import workspace_templates  # noqa: E402
from pipeline.serve.app import Settings, create_app  # noqa: E402
from pipeline.serve.jobs import MAX_FILE_BYTES, Builder, clean_name  # noqa: E402

H = {"X-Studykit": "1"}
ROOT = Path(__file__).resolve().parents[1]
FAST = ["handout", "outline"]  # no PDF: these builds take well under a second


def client(tmp_path: Path, **kw) -> TestClient:
    settings = Settings(warm_up=False, root=tmp_path / "serve", **kw)
    return TestClient(create_app(settings), base_url="http://127.0.0.1")


@pytest.fixture
def api(tmp_path):
    with client(tmp_path) as c:
        yield c


@pytest.fixture(scope="module")
def seed(corpus) -> bytes:
    return (corpus / "seed_shiyishi.txt").read_bytes()


def cli_error(path: Path) -> str:
    """The one line `studykit check FILE` prints, without its prefix."""
    out = subprocess.run([sys.executable, "-m", "pipeline", "check", path.name], cwd=path.parent,
                         capture_output=True, text=True, env={"PYTHONPATH": str(ROOT), "PATH": ""})
    assert out.returncode == 2, out
    return out.stderr.strip().removeprefix("studykit: error: ")


def build(api, files, outputs=FAST, **data):
    form = {"outputs": outputs, "variant": "official", **data}
    return api.post("/api/build", files=[("files", f) for f in files], data=form, headers=H)


# --- the page ------------------------------------------------------------------


def test_page_is_chinese_and_locked_down(api):
    r = api.get("/")
    assert r.status_code == 200
    assert '<html lang="zh-CN">' in r.text and "学习材料生成" in r.text
    for label in ("讲义", "阅读版", "印刷版", "提纲", "幻灯片", "大字版", "重点摘编"):
        assert label in r.text
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert api.get("/static/app.js").status_code == 200


def test_workspace_name_is_escaped(tmp_path):
    with client(tmp_path, workspace=Path("/tmp/<script>alert(1)</script>")) as c:
        text = c.get("/").text
    assert "<script>alert(1)" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_other_hosts_and_foreign_posts_are_refused(api, seed):
    assert api.get("/", headers={"Host": "evil.example"}).status_code == 400
    r = api.post("/api/check", files={"file": ("a.txt", seed)})  # no X-Studykit: a cross-site form
    assert r.status_code == 403


# --- check -----------------------------------------------------------------------


def test_check_shows_the_outline(api, seed, zh):
    r = api.post("/api/check", files={"file": ("seed_shiyishi.txt", seed)}, headers=H)
    assert r.status_code == 200
    body = r.json()
    assert [h[:2] for h in body["headings"]] == ["一、", "二、", "三、", "四、"]
    assert body["title"].startswith("踔厉奋发")
    assert "结构：" in body["report"] and "已删除的行" in body["report"]
    assert body["report"].startswith("文件：seed_shiyishi.txt")


def test_check_reads_any_encoding(api, corpus):
    data = (corpus / "gwr2024.gb18030.txt").read_bytes()
    r = api.post("/api/check", files={"file": ("gwr2024.gb18030.txt", data)}, headers=H)
    assert r.status_code == 200
    assert "gb18030" in r.json()["report"].splitlines()[0].lower()


@pytest.mark.parametrize("name,data", [
    ("坏文件.txt", bytes(range(256)) * 40),  # binary content under a text name
    ("假文档.docx", b"PK\x03\x04 not really a zip" * 10),
    ("picture.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 100),  # unsupported type
    ("empty.txt", b"  \n"),
])
def test_bad_files_get_the_cli_message(api, tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    r = api.post("/api/check", files={"file": (name, data)}, headers=H)
    assert r.status_code == 400
    assert r.json() == {"error": cli_error(path)}


def test_file_too_large(api):
    data = b"a" * (MAX_FILE_BYTES + 1)
    r = api.post("/api/check", files={"file": ("big.txt", data)}, headers=H)
    assert r.status_code == 400
    assert r.json()["error"] == "big.txt: file too large (20 MiB; the limit is 20 MiB)"


def test_request_too_large(tmp_path, monkeypatch, seed):
    monkeypatch.setattr(serve_app, "MAX_REQUEST_BYTES", 1000)
    with client(tmp_path) as c:
        r = c.post("/api/check", files={"file": ("seed.txt", seed)}, headers=H)
        assert r.status_code == 413
        assert "too large" in r.json()["error"]
        assert c.get("/healthz").json()["ok"]


def test_upload_names_cannot_name_folders():
    assert clean_name("../../etc/passwd") == "passwd"
    assert clean_name("C:\\Users\\x\\文章.txt") == "文章.txt"
    assert clean_name("/abs/path/a.md") == "a.md"
    assert clean_name("..") == "未命名.txt"
    assert clean_name(".bashrc") == "bashrc"
    assert clean_name("a\x00b\n.txt") == "ab.txt"
    assert clean_name(None) == "未命名.txt"
    long = clean_name("长" * 300 + ".docx")
    assert long.endswith(".docx") and len(long) <= 120


# --- build and download --------------------------------------------------------------


def test_build_download_rebuild(api, seed, tmp_path):
    r = build(api, [("seed_shiyishi.txt", seed)], org="十一师党委组织部")
    assert r.status_code == 200, r.text
    body = r.json()
    kinds = {f["kind"]: f for f in body["files"]}
    assert set(kinds) == {"handout", "outline"}
    assert body["cached"] is False and body["previews"] == []

    import docx

    got = api.get(kinds["handout"]["url"])
    assert got.status_code == 200
    assert "filename*=utf-8''" in got.headers["content-disposition"]
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(got.content)).paragraphs)
    assert "突出政治建设" in text and "十一师党委组织部" in text

    with zipfile.ZipFile(io.BytesIO(api.get(body["zip"]).content)) as zf:
        assert sorted(zf.namelist()) == sorted(f["name"] for f in body["files"])

    again = build(api, [("seed_shiyishi.txt", seed)], org="十一师党委组织部").json()
    assert again["cached"] is True and again["token"] != body["token"]
    assert api.get(again["files"][0]["url"]).status_code == 200
    # every request's temporary folder is gone
    assert list((tmp_path / "serve" / "requests").iterdir()) == []


def test_downloads_cannot_escape(api, seed, tmp_path):
    secret = tmp_path / "serve" / "secret.txt"
    secret.write_text("secret")
    token = build(api, [("seed.txt", seed)], outputs=["outline"]).json()["token"]
    other = "0" * 32
    for url in (f"/files/{token}/../secret.txt", f"/files/{token}/..%2F..%2Fsecret.txt",
                f"/files/{token}/..%2F..%2F..%2F..%2Fetc%2Fpasswd", f"/files/{token}/%2Fetc%2Fpasswd",
                f"/files/{token}//etc/passwd", f"/files/{token}/{secret}",
                f"/files/..%2F{token}/x", f"/files/{other}/x.docx", "/files/not-a-token/x",
                f"/zip/{other}", f"/preview/{token}/1.png", f"/preview/{token}/0.png"):
        r = api.get(url)
        assert r.status_code == 404, url
        assert "secret" not in r.text


@pytest.mark.slow
def test_booklet_previews_and_compilation(api, corpus, seed):
    tiny = (corpus / "pd_tiny_wangjiarui.txt").read_bytes()
    r = build(api, [("seed.txt", seed), ("tiny.txt", tiny)], outputs=["booklet", "print"],
              compile="1", title="学习汇编测试")
    assert r.status_code == 200, r.text
    body = r.json()
    assert [f["name"] for f in body["files"]] == ["学习汇编测试.booklet.pdf", "学习汇编测试.print.pdf"]
    assert 1 <= len(body["previews"]) <= 4
    png = api.get(body["previews"][0])
    assert png.status_code == 200 and png.content[:8] == b"\x89PNG\r\n\x1a\n"

    from pypdf import PdfReader

    pdf = PdfReader(io.BytesIO(api.get(body["files"][0]["url"]).content))
    text = "".join((p.extract_text() or "") for p in pdf.pages).replace(" ", "")
    assert "学习汇编测试" in text


def test_build_errors_name_the_users_file(api, tmp_path):
    data = bytes(range(256)) * 40
    (tmp_path / "坏文件.txt").write_bytes(data)
    r = build(api, [("坏文件.txt", data)])
    assert r.status_code == 400
    assert r.json()["error"] == cli_error(tmp_path / "坏文件.txt")
    assert str(tmp_path) not in r.text


@pytest.mark.parametrize("data,message", [
    ({"outputs": []}, "choose at least one output"),
    ({"outputs": ["exe"]}, "unknown output 'exe'"),
    ({"variant": "fancy"}, "unknown style 'fancy'"),
    ({"session_date": "明天"}, "'明天' is not a date like 2026-12-01"),
    ({"aids": ["cheats"]}, "unknown study aid 'cheats'"),
    ({"paper": "A0"}, "unknown paper size 'A0'"),
    ({"print_sheet": "A6"}, "unknown print sheet 'A6'"),
])
def test_bad_choices(api, seed, data, message):
    form = {"outputs": FAST, **data}
    r = api.post("/api/build", files=[("files", ("a.txt", seed))], data=form, headers=H)
    assert r.status_code == 400
    assert message in r.json()["error"]


def test_no_files(api):
    r = api.post("/api/build", data={"outputs": FAST}, headers=H)
    assert r.status_code == 400 and "no source" in r.json()["error"]


def test_busy_when_the_queue_is_full(tmp_path, seed):
    with client(tmp_path, max_pending=0) as c:
        r = build(c, [("seed.txt", seed)])
        assert r.status_code == 503 and "busy" in r.json()["error"]


def test_expired_builds_are_removed(tmp_path, seed):
    with client(tmp_path) as c:
        body = build(c, [("seed.txt", seed)]).json()
        builder: Builder = c.app.state.studykit.builder
        folder = builder.root / "builds" / body["token"]
        assert folder.is_dir()
        builder.keep_seconds = 0
        builder.sweep()
        assert not folder.exists()
        assert list((builder.root / "cache").iterdir()) == []
        assert c.get(body["files"][0]["url"]).status_code == 404
    assert not builder.root.exists()  # removed when the server stops


def test_workspace_templates_are_used(tmp_path, seed):
    ws = tmp_path / "ws"
    (ws / "templates" / "slides").mkdir(parents=True)
    (ws / "studykit.toml").write_text("", encoding="utf-8")
    builtin = ROOT / "templates" / "slides" / "outline.md"
    (ws / "templates" / "slides" / "outline.md").write_text(
        "<!-- 本单位定制提纲 -->\n" + builtin.read_text(encoding="utf-8"), encoding="utf-8")
    found, dirs = workspace_templates(ws)
    assert found == ws and dirs == [ws / "templates"]
    assert workspace_templates(tmp_path) == (None, [])
    with client(tmp_path, template_dirs=dirs, workspace=ws) as c:
        assert "工作区" in c.get("/").text
        body = build(c, [("seed.txt", seed)], outputs=["outline"]).json()
        assert "本单位定制提纲" in c.get(body["files"][0]["url"]).text


def test_page_says_what_each_variant_changes_and_warns_of_scaling(api, seed):
    page = api.get("/").text
    assert "大字版" in page and "四号" in page and "每页要点更少" in page
    assert 'name="paper"' in page and 'name="print_sheet"' in page
    r = build(api, [("seed_shiyishi.txt", seed)], outputs=["booklet", "print"], paper="A4",
              print_sheet="A4")
    assert r.status_code == 200, r.text
    (warning,) = r.json()["warnings"]
    assert "71%" in warning
    assert build(api, [("seed_shiyishi.txt", seed)]).json()["warnings"] == []
