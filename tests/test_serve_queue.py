"""The page's build queue (position, stages, cancel) and LAN mode (access code, sessions)."""

from __future__ import annotations

import threading
import time
import warnings
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient  # noqa: E402

from pipeline.serve.access import COOKIE, new_code  # noqa: E402
from pipeline.serve.app import Settings, create_app  # noqa: E402

H = {"X-Studykit": "1", "X-Studykit-Lang": "zh-CN"}
FAST = ["handout", "outline"]
TEXT = "学习材料甲\n\n一、第一部分\n\n这是第一部分的正文，讲学习的意义。\n".encode()


def make(tmp_path: Path, **kw) -> TestClient:
    settings = Settings(warm_up=False, root=tmp_path / "serve", isolate=False, **kw)
    return TestClient(create_app(settings), base_url="http://127.0.0.1")


def submit(c, name="甲.txt", data=TEXT, headers=H):
    return c.post("/api/jobs", files=[("files", (name, data))],
                  data={"outputs": FAST, "variant": "official"}, headers=headers)


def follow(c, job_id, headers=H, timeout=60.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = c.get(f"/api/jobs/{job_id}", headers=headers).json()
        if body["state"] in ("done", "failed", "cancelled"):
            return body
        time.sleep(0.05)
    raise AssertionError("the build did not end")


class Gate:
    """Holds builds at their first stage until opened: the queue stays put while we look."""

    def __init__(self, c) -> None:
        self.state = c.app.state.studykit
        self.open = threading.Event()
        real = self.state.builder.build

        def build(uploads, spec, fixes=None, stage=None, **kw):
            def held(name):
                if name == "parse":
                    self.open.wait(30)
                if stage:
                    stage(name)
            return real(uploads, spec, fixes, stage=held, **kw)

        self.state.builder.build = build


def test_queue_position_stages_and_result(tmp_path):
    with make(tmp_path, workers=1) as c:
        gate = Gate(c)
        first = submit(c)
        assert first.status_code == 202
        second = submit(c, "乙.txt").json()
        assert second["state"] == "queued" and second["ahead"] == 1
        third = c.get(f"/api/jobs/{submit(c, '丙.txt').json()['id']}", headers=H).json()
        assert third["ahead"] == 2
        gate.open.set()
        done = follow(c, second["id"])
        assert done["state"] == "done"
        assert done["stages"] == ["parse", "docx", "slides"] and done["done"] == done["stages"]
        files = done["result"]["files"]
        assert {f["kind"] for f in files} == {"handout", "outline"}
        # a reloaded page finds the build again by its token
        again = c.get(f"/api/builds/{done['result']['token']}", headers=H).json()
        assert [f["name"] for f in again["files"]] == [f["name"] for f in files]


def test_cancel_a_waiting_and_a_running_build(tmp_path):
    with make(tmp_path, workers=1) as c:
        gate = Gate(c)
        running = submit(c).json()
        waiting = submit(c, "乙.txt").json()
        r = c.post(f"/api/jobs/{waiting['id']}/cancel", headers=H).json()
        assert r["state"] == "cancelled"
        c.post(f"/api/jobs/{running['id']}/cancel", headers=H)
        gate.open.set()
        ended = follow(c, running["id"])
        assert ended["state"] == "cancelled" and "取消" in ended["error"]
        assert "result" not in ended
        # nothing is left waiting or counted as building
        assert c.get("/healthz").json()["building"] == 0


def test_a_failed_build_is_reported_in_chinese(tmp_path):
    with make(tmp_path) as c:
        job = submit(c, "坏.txt", bytes(range(256)) * 40).json()
        ended = follow(c, job["id"])
        assert ended["state"] == "failed"
        assert ended["error"].startswith("坏.txt：不是文本文件")
        assert "result" not in ended


def test_expired_links_lead_to_a_page(tmp_path):
    with make(tmp_path) as c:
        r = c.get("/files/" + "0" * 32 + "/x.pdf", headers={"Accept": "text/html"})
        assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
        assert "已经失效" in r.text and "重新生成" in r.text
        api = c.get("/files/" + "0" * 32 + "/x.pdf")
        assert api.status_code == 404 and "error" in api.json()


def test_print_pdf_can_open_inline(tmp_path):
    with make(tmp_path) as c:
        job = c.post("/api/jobs", files=[("files", ("甲.txt", TEXT))],
                     data={"outputs": ["print"], "variant": "official"}, headers=H).json()
        url = follow(c, job["id"])["result"]["files"][0]["url"]
        assert c.get(url).headers["content-disposition"].startswith("attachment")
        inline = c.get(url + "?inline=1")
        assert inline.headers["content-disposition"].startswith("inline")
        assert inline.content.startswith(b"%PDF")


# --- LAN mode ------------------------------------------------------------------------


@pytest.fixture
def lan(tmp_path):
    code = new_code()
    with make(tmp_path, access_code=code, session_builds=2, allowed_hosts=["*"]) as c:
        yield c, code


def test_lan_refuses_without_the_code(lan):
    c, code = lan
    page = c.get("/", headers={"Accept": "text/html"}, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login"
    assert "访问码" in c.get("/login").text
    r = submit(c)
    assert r.status_code == 401 and "访问码" in r.json()["error"]
    wrong = c.post("/login", data={"code": "WRONG-CODE"}, follow_redirects=False)
    assert wrong.status_code == 401 and "访问码不对" in wrong.text
    assert COOKIE not in c.cookies


def test_lan_login_cookie_and_bearer(lan):
    c, code = lan
    r = c.post("/login", data={"code": code.lower().replace("-", "")}, follow_redirects=False)
    assert r.status_code == 303
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert c.get("/").status_code == 200
    assert follow(c, submit(c).json()["id"])["state"] == "done"
    # a script: the code as a Bearer token, no cookie
    c.cookies.clear()
    bearer = dict(H, Authorization=f"Bearer {code}")
    assert follow(c, submit(c, headers=bearer).json()["id"], headers=bearer)["state"] == "done"


def test_lan_sessions_see_only_their_own(lan, tmp_path):
    c, code = lan
    c.post("/login", data={"code": code})
    done = follow(c, submit(c).json()["id"])
    token, url = done["result"]["token"], done["result"]["files"][0]["url"]
    assert c.get(url).status_code == 200
    with TestClient(c.app, base_url="http://127.0.0.1") as other:
        other.post("/login", data={"code": code})
        assert other.get(url).status_code == 404
        assert other.get(f"/zip/{token}").status_code == 404
        assert other.get(f"/api/builds/{token}").status_code == 404
        assert other.get(f"/api/jobs/{done['id']}", headers=H).status_code == 404
        assert other.post(f"/api/jobs/{done['id']}/cancel", headers=H).status_code == 404


def test_lan_per_session_limit(lan):
    c, code = lan
    c.post("/login", data={"code": code})
    gate = Gate(c)
    jobs = [submit(c).json() for _ in range(2)]
    third = submit(c)
    assert third.status_code == 429 and "等" in third.json()["error"]
    gate.open.set()
    for job in jobs:
        follow(c, job["id"])
    assert c.get("/healthz").json()["building"] == 0


def test_lan_wrong_codes_lock_out(lan):
    c, code = lan
    for _ in range(10):
        c.post("/login", data={"code": "nope"})
    r = c.post("/login", data={"code": code}, follow_redirects=False)
    assert r.status_code == 429


def test_access_log_names_files_not_text(lan, caplog):
    c, code = lan
    c.post("/login", data={"code": code})
    with caplog.at_level("INFO", logger="studykit.access"):
        follow(c, submit(c, "报告.txt").json()["id"])
        time.sleep(0.1)
    lines = [r.getMessage() for r in caplog.records if r.name == "studykit.access"]
    assert any("报告.txt" in line and "handout" in line and "done" in line for line in lines)
    assert not any("第一部分" in line for line in lines)


def test_cancel_stops_the_writer_running(tmp_path, corpus):
    """A booklet being laid out in a worker process is stopped, not waited for; the
    worker lives on and the next build works."""
    big = max(corpus.glob("*.txt"), key=lambda p: p.stat().st_size)
    settings = Settings(warm_up=False, root=tmp_path / "serve", isolate=True, workers=1)
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as c:
        job = c.post("/api/jobs", files=[("files", (big.name, big.read_bytes()))],
                     data={"outputs": ["booklet"], "variant": "large-print"}, headers=H).json()
        deadline = time.monotonic() + 60
        while c.get(f"/api/jobs/{job['id']}", headers=H).json()["stage"] != "pdf":
            assert time.monotonic() < deadline
            time.sleep(0.02)
        c.post(f"/api/jobs/{job['id']}/cancel", headers=H)
        ended = follow(c, job["id"])
        # only one stage: had the writer not been stopped, the build would have ended "done"
        assert ended["state"] == "cancelled" and "result" not in ended
        assert follow(c, submit(c).json()["id"])["state"] == "done"
