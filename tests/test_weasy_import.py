"""WeasyPrint is imported through pipeline.writers.booklet.weasy, and that import works."""

from __future__ import annotations

import subprocess
import sys


def test_fast_import_loads_weasyprint_with_its_libraries():
    code = ("import ctypes.util, pipeline.writers.booklet.weasy as w; real = ctypes.util.find_library; "
            "wp = w.load(); assert ctypes.util.find_library is real; "
            "from weasyprint.text.ffi import pango, harfbuzz, fontconfig, pangoft2; "
            "wp.HTML(string='<p lang=zh-CN>学习</p>').write_pdf(); print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().endswith("ok")
