"""The process entry point of both ``studykit`` and ``python -m pipeline``.

It ends without the interpreter's teardown when nothing is left to clean up.
"""

import logging
import multiprocessing
import os
import sys
import threading

from pipeline.cli import main


def _exit_now(code: int) -> None:
    """End the process without freeing every module (~60 ms with python-pptx, docx and
    WeasyPrint loaded), once nothing is left to clean up: output flushed, no other
    thread or child process running.  Otherwise the usual exit."""
    if threading.active_count() > 1 or multiprocessing.active_children():
        sys.exit(code)
    logging.shutdown()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        pass
    os._exit(code)


def run() -> None:
    try:
        main()
    except SystemExit as done:
        code = done.code
        if code is not None and not isinstance(code, int):
            raise  # a message to print: the usual exit prints it
        _exit_now(code or 0)
    _exit_now(0)
