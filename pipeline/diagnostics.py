"""What libraries say on their own (logging, warnings, "Exception ignored in …") stays out
of the user's terminal unless ``--debug``.

studykit's errors are one line each; readability-lxml's log messages, lxml's
FutureWarnings or a traceback printed by ``ZipFile.__del__`` on a full disk are
not errors of the user's input, and would bury the line that is.  With
``--debug`` all of it goes to standard error, with tracebacks.
"""

from __future__ import annotations

import logging
import sys
import warnings

_OWN = "studykit"  # our own loggers keep their handlers (serve's warnings)


class _Stderr(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a message comes (tests swap it)."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(logging.Formatter("studykit: debug: %(name)s: %(message)s"))

    @property  # type: ignore[override]
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:  # StreamHandler.__init__ sets it
        pass


def capture(debug: bool) -> None:
    """Route library output: to standard error with ``debug``, else nowhere."""
    logging.captureWarnings(True)  # warnings.warn → the "py.warnings" logger
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _Stderr)]:
        root.removeHandler(handler)
    if debug:
        root.addHandler(_Stderr())
        root.setLevel(logging.DEBUG)
        warnings.simplefilter("default")
        sys.unraisablehook = sys.__unraisablehook__
        return
    root.setLevel(logging.WARNING)
    if not any(isinstance(h, logging.NullHandler) for h in root.handlers):
        root.addHandler(logging.NullHandler())  # no "last resort" printing to stderr
    warnings.simplefilter("ignore")
    sys.unraisablehook = _ignore_unraisable


def _ignore_unraisable(unraisable) -> None:  # noqa: ARG001
    """An exception in a finaliser (``__del__``) after the real error was reported."""
    logging.getLogger(f"{_OWN}.unraisable").debug("ignored: %s", unraisable.exc_value)
