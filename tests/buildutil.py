"""Running the studykit command in-process, as the build and workspace tests do."""

from __future__ import annotations

import pytest

from pipeline.cli import State, main


def run(argv, capsys):
    """(exit code, stdout, stderr) of ``studykit ARGV``."""
    State.quiet = State.verbose = State.debug = False  # the CLI keeps them per process
    with pytest.raises(SystemExit) as exc:
        main(argv)
        raise SystemExit(0)
    out, err = capsys.readouterr()
    return exc.value.code or 0, out, err
