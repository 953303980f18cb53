"""A one-source build: the booklet in a forked PdfWorker, the other outputs in this process."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import threading
from pathlib import Path

import pytest

from pipeline import build
from pipeline.options import BuildOptions

pytest.importorskip("weasyprint")
pytestmark = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods()
                                or (os.cpu_count() or 1) < 2, reason="needs fork and 2 cores")

SEED = "seed_shiyishi.txt"
ALL = ["docx", "pdf", "slides"]


@pytest.fixture
def seed(tmp_path, corpus) -> Path:
    return Path(shutil.copy(corpus / SEED, tmp_path / SEED))


@pytest.fixture
def workers(monkeypatch) -> list[build.PdfWorker]:
    """Every PdfWorker made, recorded."""
    made: list[build.PdfWorker] = []

    class Recorded(build.PdfWorker):
        def __init__(self) -> None:
            super().__init__()
            made.append(self)

    monkeypatch.setattr(build, "PdfWorker", Recorded)
    return made


def test_one_source_builds_its_booklet_in_a_worker(tmp_path, seed, workers):
    result = build.build_all([str(seed)], ALL, BuildOptions(out_dir=tmp_path / "out"))
    assert [r.status for r in result.results] == ["built"] * 3, [r.error for r in result.results]
    assert len(workers) == 1 and not workers[0].alive()  # used, then stopped
    names = sorted(p.name.split(".", 1)[1] for p in result.outputs)
    assert names == ["booklet.pdf", "handout.docx", "outline.md", "print.pdf", "slides.pptx"]
    assert not multiprocessing.active_children()


def test_no_worker_with_one_job_process_or_another_thread(tmp_path, seed, workers):
    build.build_all([str(seed)], ["pdf"], BuildOptions(out_dir=tmp_path / "a"), jobs=1)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)  # as in `studykit serve`: forking is not safe
    other.start()
    try:
        result = build.build_all([str(seed)], ["pdf"], BuildOptions(out_dir=tmp_path / "b"))
    finally:
        stop.set()
        other.join()
    assert result.of("built") and workers == []


def test_an_unreadable_source_fails_every_output_alike(tmp_path, workers):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    result = build.build_all([str(empty)], ALL, BuildOptions(out_dir=tmp_path / "out"))
    assert [r.status for r in result.results] == ["failed"] * 3
    assert len({r.error for r in result.results}) == 1 and "empty" in result.results[0].error
    assert len(workers) == 1 and not workers[0].alive()


def test_a_worker_that_dies_fails_the_booklet_only(tmp_path, seed, workers, monkeypatch):
    real = build.run_job

    def dying(job, opts, docs=None):
        if job.fmt == "pdf":  # runs in the forked worker
            os._exit(3)
        return real(job, opts, docs)

    monkeypatch.setattr(build, "run_job", dying)
    out = tmp_path / "out"
    result = build.build_all([str(seed)], ALL, BuildOptions(out_dir=out))
    status = {r.job.fmt: r for r in result.results}
    assert status["docx"].status == status["slides"].status == "built"
    assert status["pdf"].status == "failed" and "build process stopped" in status["pdf"].error
    assert not list(out.rglob("*.pdf")) and not list(out.rglob("*.part"))


def test_watch_keeps_one_warm_pdf_worker(tmp_path, corpus):
    from pipeline.cli import make_request
    from pipeline.watch import Watcher
    from pipeline.workspace import init_workspace

    ws = tmp_path / "ws"
    init_workspace(ws)
    src = Path(shutil.copy(corpus / SEED, ws / "source" / SEED))
    params = {"sources": (), "workspace": ws, "to": None, "output_dir": None, "org": None,
              "session_date": None, "variant": None, "glossaries": (), "template_dirs": (),
              "paper": None, "print_sheet": None, "slides_template": None, "compile_": False,
              "title": "", "excerpts": None, "glossary": None, "questions": None,
              "quiz": None, "notes": None}
    watcher = Watcher(lambda: make_request(params), jobs=2)
    watcher.start()
    try:
        worker = watcher.pdf_worker
        assert worker is not None and worker.alive()
        for text in ("", "\n这是补充的一段话。\n"):
            src.write_text(src.read_text(encoding="utf-8") + text, encoding="utf-8")
            result, _ = watcher.rebuild()
            assert len(result.of("built")) == 3, [r.error for r in result.results]
        assert watcher.pdf_worker is worker and worker.alive() and not worker.busy
    finally:
        watcher.close()
    assert not worker.alive()
