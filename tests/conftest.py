"""Shared fixtures: the real-world corpus lives beside the repository, never in it.

Tests read messages in English unless they ask for Chinese (the ``zh`` fixture), whatever
the developer's locale.  A run without the corpus says so in its last line, and fails
under CI (which always has it): tests never skip in silence.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CORPUS = Path(os.environ.get("STUDYKIT_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpus"))


CORPUS2 = Path(os.environ.get("STUDYKIT_CORPUS2",
                              Path(__file__).resolve().parents[2] / "shared" / "corpus2"))


def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.iterdir() if p.is_file() and p.name != "README.md")


@pytest.fixture(autouse=True)
def _english_messages(monkeypatch):
    """Messages in English, and whatever a test's `studykit --lang` changed undone after it."""
    import pipeline.i18n as i18n

    monkeypatch.setenv(i18n.ENV, "en")
    monkeypatch.delenv("LANGUAGE", raising=False)
    monkeypatch.setattr(i18n, "_process_language", None)
    monkeypatch.setattr(i18n, "_inherited", i18n._UNSET)


@pytest.fixture
def zh(monkeypatch):
    """Messages in Chinese, here and in the processes the test starts."""
    import pipeline.i18n as i18n

    monkeypatch.setenv(i18n.ENV, "zh")


# --- skips are never silent ---------------------------------------------------------------

_CORPUS_WORDS = ("corpus not found", "empty parameter set")  # the latter: no corpus files


def _skip_reason(report) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


def pytest_sessionfinish(session, exitstatus):
    """Under CI, a run that skipped tests for want of the corpus fails."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    absent = not CORPUS.is_dir() or not CORPUS2.is_dir()
    missing = [r for r in skipped
               if absent and any(w in _skip_reason(r) for w in _CORPUS_WORDS)]
    session.config._studykit_corpus_skips = len(missing)
    session.config._studykit_skips = {}
    for r in skipped:
        reason = _skip_reason(r)
        session.config._studykit_skips[reason] = session.config._studykit_skips.get(reason, 0) + 1
    if missing and os.environ.get("CI") and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_unconfigure(config):
    """The last lines: why tests were skipped; the corpus's absence on the very last."""
    skips = getattr(config, "_studykit_skips", {})
    missing = getattr(config, "_studykit_corpus_skips", 0)
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None or not skips:
        return
    write = reporter._tw.line
    for reason, n in sorted(skips.items(), key=lambda kv: -kv[1]):
        if not any(w in reason for w in _CORPUS_WORDS):
            write(f"skipped {n}: {reason}")
    if missing:
        verdict = "CI fails without it" if os.environ.get("CI") else "CI would fail"
        write(f"CORPUS MISSING: {missing} tests skipped: no real documents at {CORPUS} "
              f"(or {CORPUS2}); {verdict}", red=True, bold=True)


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    return CORPUS


@pytest.fixture(scope="session")
def corpus2() -> Path:
    if not CORPUS2.is_dir():
        pytest.skip(f"second corpus not found at {CORPUS2}")
    return CORPUS2
