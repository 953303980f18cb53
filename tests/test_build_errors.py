"""Build failures: one clear line each, a non-zero exit, no partial files, and a rerun succeeds."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from buildutil import run

from pipeline.errors import EXIT_INPUT, EXIT_OUTPUT, EXIT_TEMPLATE

SEED = "seed_shiyishi.txt"


def files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def outputs(folder: Path) -> list[Path]:
    return [p for p in files(folder) if not p.name.startswith(".")]


def parts(folder: Path) -> list[Path]:
    return [p for p in files(folder) if p.name.endswith(".part")]


def errors(err: str) -> list[str]:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert "Traceback" not in err
    return [ln for ln in lines if ln.startswith("studykit: error: ")]


def complete(path: Path) -> bool:
    """A whole output file, not the start of one."""
    data = path.read_bytes()
    if path.suffix in (".docx", ".pptx"):
        try:
            return zipfile.ZipFile(path).testzip() is None
        except zipfile.BadZipFile:
            return False
    if path.suffix == ".pdf":
        return data.startswith(b"%PDF") and b"%%EOF" in data[-64:]
    return bool(data)


@pytest.fixture
def seed(tmp_path, corpus) -> Path:
    src = tmp_path / SEED
    shutil.copy(corpus / SEED, src)
    return src


def test_missing_source_stops_before_building(tmp_path, seed, capsys):
    out = tmp_path / "out"
    code, stdout, err = run(["build", str(seed), str(tmp_path / "nope.txt"), "-o", str(out)],
                            capsys)
    assert code == EXIT_INPUT
    assert errors(err) == [f"studykit: error: {tmp_path / 'nope.txt'}: no such file (check the name and the folder)"]
    assert outputs(out) == [] and stdout == ""


def test_no_sources_outside_a_workspace(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(["build"], capsys)
    assert code == EXIT_INPUT and "studykit init" in errors(err)[0]


def test_undefined_variable_in_a_user_template(tmp_path, seed, capsys):
    tpl = tmp_path / "templates" / "booklet"
    tpl.mkdir(parents=True)
    (tpl / "toc.html").write_text("<nav>\n{% for e in toc %}\n{{ e.text }}\n{% endfor %}\n"
                                  "{{ sectoins }}\n</nav>\n", encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, err = run(["build", str(seed), "-o", str(out), "--templates",
                             str(tmp_path / "templates"), "-j", "1"], capsys)
    assert code == EXIT_TEMPLATE
    assert errors(err) == [
        f"studykit: error: {SEED} (pdf): templates/booklet/toc.html:5: 'sectoins' is undefined"]
    assert "1 of 3 outputs failed" in err
    # the booklet stopped cleanly, the handout and slides were built
    names = [p.name for p in outputs(out)]
    assert not any(n.endswith(".pdf") for n in names) and len(names) == 3, names
    assert len(stdout.splitlines()) == 3 and not parts(out)
    # fixed: the rerun builds only the booklet
    (tpl / "toc.html").unlink()
    code, _, err = run(["build", str(seed), "-o", str(out), "--templates",
                        str(tmp_path / "templates"), "-v"], capsys)
    assert code == 0 and err.count("built") == 1 and "built pdf" in err, err


def test_unreadable_word_template(tmp_path, seed, capsys):
    tpl = tmp_path / "templates" / "handout"
    tpl.mkdir(parents=True)
    (tpl / "handout.docx").write_bytes(b"this is not a Word file")
    out = tmp_path / "out"
    code, _, err = run(["build", str(seed), "-o", str(out), "--to", "docx",
                        "--templates", str(tmp_path / "templates")], capsys)
    assert code == EXIT_TEMPLATE
    [line] = errors(err)
    assert "templates/handout/handout.docx: not a readable Word document" in line
    assert outputs(out) == []


def test_read_only_output_folder(tmp_path, seed, capsys, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    if os.geteuid() != 0:
        out.chmod(0o555)
    else:  # root writes anywhere: make every new file in it fail as a read-only folder does
        import tempfile

        real = tempfile.mkstemp

        def mkstemp(*args, dir=None, **kwargs):  # noqa: A002
            if dir is not None and Path(dir).resolve().is_relative_to(out.resolve()):
                raise PermissionError(errno.EACCES, "Permission denied")
            return real(*args, dir=dir, **kwargs)

        monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
        monkeypatch.setattr("pipeline.cache.os.open", _refuse_in(out, os.open))
    try:
        code, _, err = run(["build", str(seed), "-o", str(out), "--to", "docx", "-j", "1"],
                           capsys)
    finally:
        out.chmod(0o755)
    assert code == EXIT_OUTPUT
    [line] = errors(err)
    assert line.startswith(f"studykit: error: {SEED} (docx): cannot write to {out}")
    assert line.endswith(": permission denied")
    assert outputs(out) == [] and not parts(out)
    monkeypatch.undo()
    assert run(["build", str(seed), "-o", str(out), "--to", "docx"], capsys)[0] == 0


def _refuse_in(folder: Path, real):
    def open_(path, *args, **kwargs):
        if Path(path).resolve().is_relative_to(folder.resolve()):
            raise PermissionError(errno.EACCES, "Permission denied")
        return real(path, *args, **kwargs)
    return open_


def test_disk_full(tmp_path, seed, capsys, monkeypatch):
    """ENOSPC while an output is written: nothing of it is left, the rerun succeeds."""
    import pipeline.outputs

    out = tmp_path / "out"
    real = os.replace

    def replace(src, dst, *args, **kwargs):
        src = Path(src)
        if src.name.endswith(".part") and src.parent.resolve().is_relative_to(out.resolve()):
            with open(src, "r+b") as fh:  # the disk filled up half-way through the file
                fh.truncate(max(1, src.stat().st_size // 2))
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(pipeline.outputs.os, "replace", replace)
    code, stdout, err = run(["build", str(seed), "-o", str(out), "--to", "docx", "-j", "1"],
                            capsys)
    assert code == EXIT_OUTPUT
    [line] = errors(err)
    assert line.startswith(f"studykit: error: {SEED} (docx): cannot write {out}")
    assert line.endswith(".handout.docx: no space left on device")
    assert stdout == "" and outputs(out) == [] and not parts(out)
    monkeypatch.undo()
    code, stdout, _ = run(["build", str(seed), "-o", str(out), "--to", "docx"], capsys)
    assert code == 0 and [p.name for p in outputs(out)] == [Path(stdout.strip()).name]


@pytest.mark.slow
def test_kill_9_while_writing_then_rerun(tmp_path, corpus):
    """kill -9 the build mid-write: no output is a partial file; the rerun cleans up and succeeds."""
    sources = []
    for name in ("r20_report.txt", "shiwuwu_jianyi.txt", SEED, "pd_news_songtao.txt"):
        shutil.copy(corpus / name, tmp_path / name)
        sources.append(str(tmp_path / name))
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "pipeline", "build", *sources, "-o", str(out), "-j", "2", "-q"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not parts(out) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert proc.poll() is None, "the build finished before it could be interrupted"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    time.sleep(1.0)  # the workers die with it (PR_SET_PDEATHSIG): nothing may change now
    snapshot = {p: p.stat().st_mtime_ns for p in files(out)}
    time.sleep(1.0)
    assert {p: p.stat().st_mtime_ns for p in files(out)} == snapshot, "a worker outlived the build"
    for path in outputs(out):
        assert complete(path), f"partial output left: {path}"

    result = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert not parts(out)
    done = outputs(out)
    assert len(done) == 4 * 5
    assert all(complete(p) for p in done)


def test_two_sources_with_the_same_title(tmp_path, seed, capsys):
    """Same title, same date: the outputs are told apart by the file names, each set is
    built once, and the next run skips both."""
    other = tmp_path / "copy.txt"
    shutil.copy(seed, other)
    out = tmp_path / "out"
    argv = ["build", str(seed), str(other), "-o", str(out), "--to", "docx,slides", "-v"]
    code, stdout, err = run(argv, capsys)
    assert code == 0, err
    assert not errors(err)
    folders = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert len(folders) == 2 and folders[0] != folders[1]
    assert any(f.endswith("（copy）") for f in folders)
    assert any(f.endswith("（seed_shiyishi）") for f in folders)
    assert len(stdout.splitlines()) == 6 and len(outputs(out)) == 6
    assert "same title" in err and "copy.txt →" in err and "seed_shiyishi.txt →" in err
    assert err.count("studykit: built") == 4

    code, stdout, err = run(argv, capsys)
    assert code == 0
    assert err.count("studykit: skip") == 4 and "studykit: built" not in err
    assert len(stdout.splitlines()) == 6


def test_same_title_of_two_years_named_by_year(tmp_path, capsys):
    texts = {"a.txt": "政府工作报告\n2023年3月5日\n\n一、过去一年工作回顾\n经济回升向好。\n",
             "b.txt": "政府工作报告\n2024年3月5日\n\n一、过去一年工作回顾\n高质量发展扎实推进。\n"}
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, err = run(["build", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"),
                             "-o", str(out), "--to", "docx"], capsys)
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == [
        "政府工作报告（2023年）", "政府工作报告（2024年）"]
    assert "a.txt → 政府工作报告（2023年）" in err and "b.txt → 政府工作报告（2024年）" in err


def test_scaling_print_sheet_is_a_warning(tmp_path, seed, capsys):
    out = tmp_path / "out"
    code, stdout, err = run(["build", str(seed), "-o", str(out), "--to", "pdf", "--paper", "A4",
                             "--print-sheet", "A4"], capsys)
    assert code == 0, err
    (line,) = [ln for ln in err.splitlines() if "warning" in ln]
    assert line.startswith("studykit: warning: A4 pages on A4 sheets are scaled to 71%")
    assert "--print-sheet A3" in line
    code, _stdout, err = run(["build", str(seed), "-o", str(out), "--to", "pdf", "--paper", "A4",
                              "--print-sheet", "A4", "-q"], capsys)
    assert code == 0 and err == ""  # -q: errors only
    code, _stdout, err = run(["build", str(seed), "-o", str(out), "--to", "pdf", "--paper", "A4"],
                             capsys)
    assert code == 0 and "warning" not in err  # A3 by default: actual size
