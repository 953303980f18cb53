"""`studykit watch`: the rebuild function, and the command rebuilding on save and stopping on Ctrl-C."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.cli import make_request
from pipeline.watch import Watcher

SEED = "seed_shiyishi.txt"


def _params(ws: Path, **kw) -> dict:
    params = {"sources": (), "workspace": ws, "to": "docx,slides", "output_dir": None,
              "org": None, "session_date": None, "variant": None, "glossaries": (),
              "template_dirs": (), "paper": None, "print_sheet": None, "slides_template": None,
              "compile_": False, "title": "", "excerpts": None, "glossary": None,
              "questions": None, "quiz": None, "notes": None}
    params.update(kw)
    return params


@pytest.fixture
def workspace(tmp_path, corpus):
    from pipeline.workspace import init_workspace

    ws = tmp_path / "ws"
    init_workspace(ws)
    shutil.copy(corpus / SEED, ws / "source" / SEED)
    return ws


def test_rebuild_skips_a_touch_and_rebuilds_an_edit(workspace):
    watcher = Watcher(lambda: make_request(_params(workspace)), jobs=2)  # the warm pool
    watcher.start()
    try:
        result, _ = watcher.rebuild()
        assert len(result.of("built")) == 2
        src = workspace / "source" / SEED
        src.touch()
        result, _ = watcher.rebuild()
        assert len(result.of("skipped")) == 2 and not result.of("built")
        src.write_text(src.read_text(encoding="utf-8") + "\n这是补充的一段话。\n", encoding="utf-8")
        result, _ = watcher.rebuild()
        assert len(result.of("built")) == 2
        outline = workspace / "templates" / "slides" / "outline.md"
        outline.write_text(outline.read_text(encoding="utf-8") + "\n<!-- 备注 -->\n",
                           encoding="utf-8")
        result, _ = watcher.rebuild()
        assert [r.job.fmt for r in result.of("built")] == ["slides"]
        # a config saved with a mistake is reported, not fatal
        (workspace / "studykit.toml").write_text("paper = 'A0'\n", encoding="utf-8")
        with pytest.raises(Exception, match="paper"):
            watcher.rebuild()
    finally:
        watcher.close()


@pytest.mark.slow
def test_watch_command_rebuilds_on_save_and_stops_on_ctrl_c(workspace):
    # As from a terminal: Ctrl-C delivered. A test run started in the background of a shell
    # without job control ignores SIGINT, the child would inherit that, and Python installs
    # no KeyboardInterrupt handler for an ignored signal.
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "watch", "--to", "docx", "-v"],
                            cwd=workspace, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        out = workspace / "output"
        deadline = time.monotonic() + 60
        while not list(out.rglob("*.docx")) and time.monotonic() < deadline:
            time.sleep(0.1)
        [docx] = list(out.rglob("*.docx"))
        first = docx.stat().st_mtime_ns
        time.sleep(0.5)  # the watcher is set up after the first build
        src = workspace / "source" / SEED
        src.write_text(src.read_text(encoding="utf-8") + "\n补充一段。\n", encoding="utf-8")
        while docx.stat().st_mtime_ns == first and time.monotonic() < deadline:
            time.sleep(0.1)
        assert docx.stat().st_mtime_ns != first, "no rebuild after the source was saved"
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "stopped watching" in err
    assert err.count("built docx") == 2, err


def test_rebuild_after_a_correction_in_studykit_toml(workspace):
    """Saving an article's correction rebuilds that article only, with the correction."""
    from test_corrections import WECHAT

    (workspace / "source" / "wechat.txt").write_text(WECHAT, encoding="utf-8")
    watcher = Watcher(lambda: make_request(_params(workspace, to="docx")), jobs=1)
    watcher.start()
    try:
        result, _ = watcher.rebuild()
        assert len(result.of("built")) == 2
        config = workspace / "studykit.toml"
        config.write_text(config.read_text(encoding="utf-8")
                          + '\n[articles."wechat.txt"]\ntitle = "维护半岛和平稳定"\n', encoding="utf-8")
        result, _ = watcher.rebuild()
        assert [Path(r.job.sources[0]).name for r in result.of("built")] == ["wechat.txt"]
        assert [p.name for p in result.of("built")[0].outputs] == ["维护半岛和平稳定.handout.docx"]
        assert [Path(r.job.sources[0]).name for r in result.of("skipped")] == [SEED]
        result, _ = watcher.rebuild()
        assert not result.of("built")
    finally:
        watcher.close()
