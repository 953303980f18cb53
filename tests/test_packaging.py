"""Installing studykit: the packages and data the wheel ships, the extras and their one-line
messages, the bounds pip enforces; and the command line's own rules (-o -, refusing to
overwrite, a broken template said once, shell completion).  The wheel round trip itself
is scripts/wheel-check, run by `make test`."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from buildutil import run
from setuptools import find_packages

from pipeline.extras import EXTRAS
from tests.helpers import load_script

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SEED = next((ROOT / "source").glob("*.txt"))


def test_the_package_list_has_every_package_and_the_templates():
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    found = set(find_packages(where=str(ROOT), include=["pipeline*"]))
    assert listed == found | {"pipeline.templates"}, "update [tool.setuptools] packages"
    assert PYPROJECT["tool"]["setuptools"]["package-dir"] == {"pipeline.templates": "templates"}
    data = PYPROJECT["tool"]["setuptools"]["package-data"]["pipeline"]
    assert "locale/*/LC_MESSAGES/*.mo" in data and "data/*" in data and "serve/static/*" in data


def test_the_extras_are_the_ones_the_messages_name():
    from packaging.requirements import Requirement

    extras = PYPROJECT["project"]["optional-dependencies"]
    for name, dists in EXTRAS.items():
        assert sorted(Requirement(r).name for r in extras[name]) == sorted(dists), name
    assert extras["all"] == [f"studykit[{','.join(sorted(EXTRAS))}]"] or \
        set(extras["all"][0].split("[")[1].rstrip("]").split(",")) >= set(EXTRAS)
    base = {Requirement(r).name for r in PYPROJECT["project"]["dependencies"]}
    assert not base & {d for dists in EXTRAS.values() for d in dists}, "an extra is in the base"


def test_serve_without_its_extra_is_one_line_naming_it(monkeypatch, capsys):
    monkeypatch.setitem(EXTRAS, "serve", (*EXTRAS["serve"], "studykit-no-such-part"))
    code, out, err = run(["serve", "--no-browser"], capsys)
    assert code == 5 and out == ""
    assert err == ("studykit: error: studykit serve needs studykit-no-such-part, which is not "
                   "installed: pip install 'studykit[serve]'\n")
    code, _, err = run(["--lang", "zh", "serve"], capsys)
    assert code == 5 and err == ("studykit: 错误：studykit serve 需要 studykit-no-such-part，"
                                 "但没有安装：pip install 'studykit[serve]'\n")


def test_watch_without_watchdog_polls_and_names_the_extra(monkeypatch):
    from pipeline.watch import Watcher

    monkeypatch.setitem(sys.modules, "watchdog.observers", None)  # the import fails
    said = []
    watcher = Watcher(lambda: None, interval=0.5, report=lambda kind, text: said.append((kind, text)))
    watcher._watch()
    assert watcher._observer is None
    assert said == [("info", "file events need watchdog, which is not installed (pip install "
                             "'studykit[watch]'); checking for changes every 0.5 s instead")]


# --- pins -----------------------------------------------------------------------------------

def test_installed_versions_are_within_the_bounds():
    """What the tests run with is what pyproject.toml allows (a --no-deps install or a stale
    venv would test something else)."""
    from importlib import metadata

    from packaging.requirements import Requirement

    for spec in PYPROJECT["project"]["dependencies"]:
        req = Requirement(spec)
        version = metadata.version(req.name)
        assert req.specifier.contains(version, prereleases=True), f"{req.name} {version}: {spec}"


def test_constraints_are_within_the_bounds():
    from packaging.requirements import Requirement

    pinned = {}
    for line in (ROOT / "requirements" / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _eq, version = line.partition("==")
            pinned[name.lower().replace("_", "-")] = version
    for spec in PYPROJECT["project"]["dependencies"]:
        req = Requirement(spec)
        assert req.name.lower() in pinned, f"{req.name} is not in requirements/constraints.txt"
        assert req.specifier.contains(pinned[req.name.lower()]), spec


def test_weasyprint_above_the_bound_is_refused_at_install(tmp_path):
    """pip refuses a WeasyPrint release above our bound, offline: a stand-in wheel of that
    version is the only candidate, and studykit's own requirement rules it out."""
    from packaging.requirements import Requirement

    spec = next(Requirement(r) for r in PYPROJECT["project"]["dependencies"]
                if r.startswith("weasyprint"))
    bound = next(s.version for s in spec.specifier if s.operator == "<")
    links = tmp_path / "links"
    links.mkdir()
    stand_in = load_script("stand_in_wheel")
    stand_in.make("weasyprint", bound, links)
    def dry_run(version: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "pip", "--isolated", "install", "--dry-run", "--no-index",
             "--find-links", str(links), f"weasyprint=={version}", "studykit"],
            capture_output=True, text=True, timeout=300)

    refused = dry_run(bound)
    assert refused.returncode != 0
    assert "ResolutionImpossible" in refused.stderr or "conflicting dependencies" in refused.stderr
    assert f"weasyprint<{bound}" in refused.stderr.replace(" ", "") or \
        f"weasyprint<{bound}" in refused.stdout.replace(" ", "")
    # The same question for a release inside the bound is answered yes: the refusal is
    # the bound's doing, not the stand-in's.
    below = str(int(bound.split(".")[0]) - 1) + ".99"
    stand_in.make("weasyprint", below, links)
    accepted = dry_run(below)
    assert accepted.returncode == 0, accepted.stderr
    assert f"weasyprint-{below}" in accepted.stdout


# --- command-line rules -----------------------------------------------------------------------

def test_dash_o_writes_the_one_output_to_standard_output(tmp_path, capsysbinary, monkeypatch):
    monkeypatch.chdir(tmp_path)
    src = tmp_path / "seed.txt"
    src.write_bytes(SEED.read_bytes())
    from pipeline.cli import State, main

    State.quiet = State.verbose = State.debug = False
    with pytest.raises(SystemExit) as done:
        main(["build", str(src), "--to", "docx", "-o", "-"])
        raise SystemExit(0)
    out, err = capsysbinary.readouterr()
    assert (done.value.code or 0) == 0, err
    with zipfile.ZipFile(io.BytesIO(out)) as docx:
        assert "word/document.xml" in docx.namelist()
        assert docx.read("word/document.xml").count("党".encode()) > 10
    assert sorted(p.name for p in tmp_path.iterdir()) == ["seed.txt"]  # nothing else written


def test_dash_o_with_more_than_one_file_is_an_error(tmp_path, capsys):
    src = tmp_path / "seed.txt"
    src.write_bytes(SEED.read_bytes())
    for argv in (["--to", "pdf"], ["--to", "docx,slides"], [str(src), "--to", "docx"]):
        code, out, err = run(["build", str(src), *argv, "-o", "-"], capsys)
        assert code == 2 and out == "" and err.count("\n") == 1
        assert err.startswith("studykit: error: -o - writes one file to standard output")
    code, _, err = run(["watch", str(src), "-o", "-"], capsys)
    assert code == 2 and "watch writes files" in err


def test_a_broken_template_is_reported_once(tmp_path, capsys):
    templates = tmp_path / "tpl" / "slides"
    templates.mkdir(parents=True)
    (templates / "outline.md").write_text("# {{ sectoins }}\n", encoding="utf-8")
    sources = []
    for i in range(3):
        src = tmp_path / f"s{i}.txt"
        src.write_text(f"第{i}篇文章\n\n一、第一部分\n\n正文。\n", encoding="utf-8")
        sources.append(str(src))
    code, _, err = run(["build", *sources, "--to", "slides", "--templates", str(tmp_path / "tpl"),
                        "-o", str(tmp_path / "out"), "-j", "1"], capsys)
    lines = err.strip().splitlines()
    assert code == 3
    assert len(lines) == 2 and "sectoins" in lines[0] and lines[0].startswith("studykit: error: ")
    assert lines[1] == "studykit: 3 of 3 outputs failed; 0 built or up to date"


def test_shell_completion_works_as_documented():
    env = {**os.environ, "_STUDYKIT_COMPLETE": "bash_source"}
    script = subprocess.run([sys.executable, "-m", "pipeline"], env=env, capture_output=True,
                            text=True, timeout=60)
    assert script.returncode == 0 and "_studykit_completion" in script.stdout
    env = {**os.environ, "_STUDYKIT_COMPLETE": "bash_complete", "COMP_WORDS": "studykit bu",
           "COMP_CWORD": "1"}
    words = subprocess.run([sys.executable, "-m", "pipeline"], env=env, capture_output=True,
                           text=True, timeout=60)
    assert "plain,build" in words.stdout
    assert "_STUDYKIT_COMPLETE=bash_source studykit" in (ROOT / "README.md").read_text(
        encoding="utf-8")
