"""Is a Chinese font installed?  Never render tofu: stop with a clear message instead."""

from __future__ import annotations

import functools
import shutil
import subprocess

from pipeline.errors import EnvironmentProblem
from pipeline.i18n import _

INSTALL_HINT = "install one, e.g. 'apt-get install fonts-noto-cjk fonts-lxgw-wenkai' (make run does this)"


@functools.cache
def cjk_families() -> tuple[str, ...]:
    """Font families that cover Chinese, as fontconfig knows them."""
    if not shutil.which("fc-list"):
        return ()
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True,
                             text=True, timeout=20, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    families: set[str] = set()
    for line in out.splitlines():
        for name in line.split(","):
            if name.strip():
                families.add(name.strip())
    return tuple(sorted(families))


def require_cjk(preferred: list[str] | None = None) -> list[str]:
    """Return the installed families among ``preferred`` (or all), or stop."""
    families = cjk_families()
    if not families:
        raise EnvironmentProblem(_("no Chinese (CJK) font is installed: install one, e.g. "
                                   "'apt-get install fonts-noto-cjk fonts-lxgw-wenkai' (make "
                                   "run does this)"))
    if preferred:
        present = [f for f in preferred if f in families]
        if present:
            return present
    return list(families)
