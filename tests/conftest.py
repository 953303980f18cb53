"""Shared fixtures: the real-world corpus lives beside the repository, never in it."""

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
