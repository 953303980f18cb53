"""Import WeasyPrint without its slow library search.

On Linux, cffi resolves each name WeasyPrint tries for a C library
('libgobject-2.0-0', 'gobject-2.0-0', …) with ``ctypes.util.find_library``,
which runs ``ldconfig``/``gcc`` in a subprocess: about 0.3 s on every cold
start.  WeasyPrint also tries the plain sonames ('libgobject-2.0.so.0'),
which the dynamic loader opens directly; so when those load, the search is
answered "not found" at once during the import and the sonames win.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from types import ModuleType

_SONAMES = ("libgobject-2.0.so.0", "libpango-1.0.so.0", "libharfbuzz.so.0",
            "libfontconfig.so.1", "libpangoft2-1.0.so.0")


def _sonames_load() -> bool:
    try:
        for name in _SONAMES:
            ctypes.CDLL(name)
    except OSError:
        return False
    return True


def load() -> ModuleType:
    """``import weasyprint``, fast where the libraries' sonames resolve."""
    if "weasyprint" in sys.modules:
        return sys.modules["weasyprint"]
    if sys.platform.startswith("linux") and _sonames_load():
        real = ctypes.util.find_library
        ctypes.util.find_library = lambda name: None
        try:
            import weasyprint
        finally:
            ctypes.util.find_library = real
        return weasyprint
    import weasyprint

    return weasyprint
