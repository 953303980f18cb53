"""Running another program (LibreOffice, Tesseract) so that nothing is left behind.

The program runs in a process group of its own; when it ends, fails or runs out of
time, the whole group is killed (a converter's helper processes included).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path


class TimedOut(Exception):
    """The program ran longer than allowed and was killed with its group."""


@dataclass
class Result:
    returncode: int
    stdout: bytes
    stderr: bytes


def run(cmd: list[str], timeout: float, cwd: Path | None = None,
        env: dict[str, str] | None = None) -> Result:
    """Run ``cmd``; raise TimedOut (after killing its process group) past ``timeout`` seconds.

    OSError (the program cannot be started) reaches the caller, which knows what to say.
    """
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=cwd, env=env, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        _kill_group(proc)
        raise TimedOut(f"{Path(cmd[0]).name} ran longer than {timeout:g} s") from exc
    except BaseException:
        _kill_group(proc)
        raise
    _kill_group(proc)  # helpers that outlived the program go too
    return Result(proc.returncode, out, err)


def _kill_group(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired, ValueError):
        proc.communicate(timeout=10)
