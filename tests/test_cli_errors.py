"""Bad input: one clear line on stderr, a non-zero exit, no traceback (unless --debug)."""

from __future__ import annotations

import json
import os

import pytest

from pipeline.cli import main
from pipeline.errors import EXIT_INPUT


def run(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
        raise SystemExit(0)
    out, err = capsys.readouterr()
    return exc.value.code or 0, out, err


def one_line_error(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert lines[0].startswith("studykit: error: ")
    return lines[0]


def test_missing_file(tmp_path, capsys):
    code, _, err = run(["parse", str(tmp_path / "nope.txt")], capsys)
    assert code == EXIT_INPUT
    assert "nope.txt: no such file" in one_line_error(err)


def test_directory(tmp_path, capsys):
    code, _, err = run(["check", str(tmp_path)], capsys)
    assert code == EXIT_INPUT and "is a directory" in one_line_error(err)


def test_empty_file(tmp_path, capsys):
    f = tmp_path / "empty.txt"
    f.write_bytes(b"  \n\r\n")
    code, _, err = run(["parse", str(f)], capsys)
    assert code == EXIT_INPUT and "empty" in one_line_error(err)


def test_binary_file(tmp_path, capsys):
    f = tmp_path / "image.txt"
    f.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    code, _, err = run(["parse", str(f)], capsys)
    assert code == EXIT_INPUT
    line = one_line_error(err)
    assert "image.txt" in line and "binary" in line


def test_undecodable_file(tmp_path, capsys):
    f = tmp_path / "bad.txt"
    f.write_bytes(bytes([0x81, 0x30, 0xFF, 0xFE, 0x80, 0x80, 0xC0, 0xAF]) * 200)
    code, _, err = run(["parse", str(f)], capsys)
    assert code == EXIT_INPUT
    line = one_line_error(err)
    assert "bad.txt" in line


def test_too_large(tmp_path, capsys):
    f = tmp_path / "huge.txt"
    with open(f, "wb") as fh:
        fh.truncate(21 * 1024 * 1024)
    code, _, err = run(["parse", str(f)], capsys)
    assert code == EXIT_INPUT and "too large" in one_line_error(err)


def test_unsupported_extension(tmp_path, capsys):
    f = tmp_path / "slides.pptx"
    f.write_bytes(b"PK\x03\x04")
    code, _, err = run(["parse", str(f)], capsys)
    assert code == EXIT_INPUT and "unsupported file type" in one_line_error(err)


def test_debug_shows_traceback(tmp_path, capsys):
    code, _, err = run(["--debug", "parse", str(tmp_path / "nope.txt")], capsys)
    assert code == EXIT_INPUT and "Traceback" in err


def test_stdin(monkeypatch, capsys):
    import io
    import sys

    data = "学习材料标题\n\n一、第一部分\n\n这是正文内容，足够长的一段文字用来确认解析。\n".encode("gb18030")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, out, _ = run(["parse", "-"], capsys)
    assert code == 0
    model = json.loads(out)
    assert model["meta"]["title"] == "学习材料标题"
    assert model["sections"][0]["label"] == "一、"


def test_parse_json_shape(capsys):
    from tests.conftest import CORPUS

    path = CORPUS / "seed_shiyishi.txt"
    if not path.exists():
        pytest.skip("corpus not found")
    code, out, _ = run(["parse", str(path), "--format", "json"], capsys)
    assert code == 0
    model = json.loads(out)
    assert set(model["meta"]) >= {"title", "subtitle", "date", "source", "authors", "breadcrumb"}
    assert set(model["sections"][0]) >= {"level", "label", "title", "body", "sections"}
    assert model["sections"][0]["body"][0]["type"] == "paragraph"
    assert {"text", "reason"} <= set(model["discarded"][0])
    assert model["version"] == 1


def test_check_report(capsys):
    from tests.conftest import CORPUS

    path = CORPUS / "r19_report_partial.utf16le.txt"
    if not path.exists():
        pytest.skip("corpus not found")
    code, out, _ = run(["check", str(path)], capsys)
    assert code == 0
    assert "二、新时代中国共产党的历史使命" in out
    assert "numbering-starts-late" in out and "utf-16" in out


def test_parse_output_file_is_atomic(tmp_path, capsys):
    out = tmp_path / "model.json"
    code, _, _ = run(["parse", str(tmp_path / "missing.txt"), "-o", str(out)], capsys)
    assert code == EXIT_INPUT and not out.exists()
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".part")]


def test_outputs_are_readable_by_others(tmp_path):
    from pipeline.outputs import _UMASK, write_atomic

    path = write_atomic(tmp_path / "a" / "out.txt", "内容")
    assert path.stat().st_mode & 0o777 == 0o666 & ~_UMASK
