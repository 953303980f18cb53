"""A stand-in wheel: a distribution NAME of VERSION with nothing in it.

For asking pip whether it would install a release that does not exist yet (one above a
bound in pyproject.toml), offline: ``pip install --dry-run --no-index --find-links DIR``.

    python scripts/stand_in_wheel.py weasyprint 71 DIR
"""

from __future__ import annotations

import base64
import hashlib
import sys
import zipfile
from pathlib import Path


def make(name: str, version: str, folder: Path) -> Path:
    """Write ``NAME-VERSION-py3-none-any.whl`` into ``folder``; returns its path."""
    info = f"{name}-{version}.dist-info"
    files = {
        f"{name}/__init__.py": b"",
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode(),
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: studykit\nRoot-Is-Purelib: true\n"
                         b"Tag: py3-none-any\n",
    }
    record = []
    path = Path(folder) / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as wheel:
        for member, data in files.items():
            wheel.writestr(member, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            record.append(f"{member},sha256={digest.decode()},{len(data)}")
        record.append(f"{info}/RECORD,,")
        wheel.writestr(f"{info}/RECORD", "\n".join(record) + "\n")
    return path


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: stand_in_wheel.py NAME VERSION DIR")
    print(make(sys.argv[1], sys.argv[2], Path(sys.argv[3])))
