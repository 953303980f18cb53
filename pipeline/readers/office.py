"""Old Word (.doc), Kingsoft WPS (.wps), RTF and OpenDocument (.odt): through LibreOffice.

LibreOffice converts the file to .docx in headless mode, then the Word reader
reads it.  Each conversion runs in a private profile in a temporary folder (no
macros, no link updates, no fetching), with a time limit; on time-out the whole
process group is killed, so nothing is left running.

Files are told by their bytes, not their name: a ".doc" that is really plain
text, a saved web page (HTML or MHTML), a .docx or a PDF is read as what it is.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import io
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

from pipeline.errors import EnvironmentProblem, InputError
from pipeline.i18n import _
from pipeline.model import Meta
from pipeline.readers.source import SourceText

TIMEOUT = 120.0  # seconds for one conversion
PACKAGE = "libreoffice-writer-nogui"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_KIND_NAMES = {"doc": ".doc", "wps": ".wps", "rtf": ".rtf", "odt": ".odt"}
# Macros off, links never updated, images never fetched from the network.
_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update"><prop oor:name="Link" oor:op="fuse"><value>2</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""


def read(data: bytes, name: str, fmt: str) -> SourceText:
    """Read a .doc/.wps/.rtf/.odt (or whatever its bytes really are)."""
    label = _KIND_NAMES.get(fmt, f".{fmt}")
    kind = sniff(data)
    if kind == "docx":
        from pipeline.readers import docx

        src = docx.read(data, name)
        src.read_as = _("{label} file, really a Word .docx").format(label=label)
        return src
    if kind == "pdf":
        from pipeline.readers import pdf

        src = pdf.read(data, name)
        src.read_as = _("{label} file, really {what}").format(label=label, what=src.read_as)
        return src
    if kind in ("html", "mhtml"):
        from pipeline.readers import html

        src = html.read(mhtml_page(data, name) if kind == "mhtml" else data, name)
        src.read_as = _("{label} file, really a web page ({kind})").format(
            label=label, kind="MHTML" if kind == "mhtml" else "HTML")
        return src
    if kind == "text":
        from pipeline.readers import text

        src = text.read(data, name)
        src.read_as = _("{label} file, really plain text ({encoding})").format(
            label=label, encoding=src.encoding)
        return src
    if kind == "encrypted":
        raise InputError(_("{name}: the document is encrypted with a password: open it, save a "
                           "copy without the password, and try again").format(name=name))
    if kind is None:
        raise InputError(_("{name}: not a {label} file (neither Word, WPS, RTF, OpenDocument, "
                           "web page nor text)").format(name=name, label=label))
    return convert_and_read(data, name, label, kind)


def sniff(data: bytes) -> str | None:
    """What the bytes are: ole, rtf, odt, docx, pdf, html, mhtml, wordxml, text,
    encrypted, or None."""
    head = data[:4096]
    if head.startswith(_OLE):
        # an encrypted .docx is an OLE file holding an EncryptedPackage stream
        if "EncryptedPackage".encode("utf-16-le") in data[:65536]:
            return "encrypted"
        return "ole"
    if head.lstrip().startswith(b"{\\rtf"):
        return "rtf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
                if "word/document.xml" in names:
                    return "docx"
                if "mimetype" in names and zf.read("mimetype").startswith(
                        b"application/vnd.oasis.opendocument.text"):
                    return "odt"
        except (zipfile.BadZipFile, OSError, KeyError, EOFError):
            return None
        return None
    if b"%PDF-" in head[:1024]:
        return "pdf"
    low = _text_head(head).lower()
    if low.startswith("mime-version:") or ("mime-version:" in low[:2000]
                                           and "multipart/related" in low):
        return "mhtml"
    if "<w:worddocument" in low or "<pkg:package" in low:
        return "wordxml"
    if low.startswith("<") and any(tag in low for tag in ("<html", "<!doctype html", "<body",
                                                          "<head", "<meta", "<p", "<div")):
        return "html"
    if b"\x00" in head and not _utf16(head):
        return None
    try:
        from pipeline.readers.decode import decode

        decode(data, "")
    except InputError:
        return None
    return "text"


def _text_head(head: bytes) -> str:
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom):].decode(enc, "ignore").lstrip()
    return head.decode("utf-8", "ignore").lstrip()


def _utf16(head: bytes) -> bool:
    return head.startswith((b"\xff\xfe", b"\xfe\xff"))


def mhtml_page(data: bytes, name: str) -> bytes:
    """The HTML part of a single-file web page (MHTML, "Word 单个文件网页")."""
    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if payload:
                charset = part.get_content_charset()
                if charset and b"charset" not in payload[:2048].lower():
                    # tell the HTML reader what the MIME header said
                    payload = (f'<meta charset="{charset}">').encode("ascii") + payload
                return payload
    raise InputError(_("{name}: a single-file web page (MHTML) without an HTML part").format(
                         name=name))


# --- LibreOffice -------------------------------------------------------------------

def soffice_path() -> str | None:
    for exe in ("soffice", "libreoffice"):
        found = shutil.which(exe)
        if found:
            return found
    for candidate in ("/usr/lib/libreoffice/program/soffice",
                      "/opt/libreoffice/program/soffice",
                      "/Applications/LibreOffice.app/Contents/MacOS/soffice"):
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def convert_and_read(data: bytes, name: str, label: str, kind: str) -> SourceText:
    from pipeline.readers import docx

    converted = convert(data, name, {"ole": "doc", "rtf": "rtf", "odt": "odt",
                                     "wordxml": "xml"}.get(kind, "doc"))
    src = docx.read(converted, name)
    # The converted package's properties are the old file's summary fields, mostly
    # left over from templates ("2", "b", a colleague's user name): not the article's.
    src.hints = Meta()
    src.format = label.lstrip(".")
    src.read_as = _("{label} (converted by LibreOffice)").format(label=label)
    return src


_CONVERTED: dict[tuple[str, str], bytes] = {}  # the last few conversions (watch rebuilds)
_CACHE_SIZE = 8


def convert(data: bytes, name: str, suffix: str, timeout: float | None = None) -> bytes:
    """The bytes of the .docx LibreOffice makes of ``data`` (the same bytes convert once)."""
    key = (hashlib.sha256(data).hexdigest(), suffix)
    if key in _CONVERTED:
        return _CONVERTED[key]
    result = _convert(data, name, suffix, timeout)
    if len(_CONVERTED) >= _CACHE_SIZE:
        _CONVERTED.pop(next(iter(_CONVERTED)))
    _CONVERTED[key] = result
    return result


def _convert(data: bytes, name: str, suffix: str, timeout: float | None) -> bytes:
    exe = soffice_path()
    if exe is None:
        raise EnvironmentProblem(_("{name}: reading this file needs LibreOffice, which is not "
                                   "installed: install the Debian package {PACKAGE} (apt-get "
                                   "install {PACKAGE})").format(name=name, PACKAGE=PACKAGE))
    limit = TIMEOUT if timeout is None else timeout
    with tempfile.TemporaryDirectory(prefix="studykit-office-") as tmp:
        root = Path(tmp)
        profile = root / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
        source = root / f"source.{suffix}"
        source.write_bytes(data)
        out_dir = root / "out"
        out_dir.mkdir()
        cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible",
               "--nologo", "--norestore", "--nolockcheck", "--nodefault",
               "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out_dir), str(source)]
        env = dict(os.environ, HOME=str(root), TMPDIR=str(root))
        env.pop("DISPLAY", None)
        stderr = _run(cmd, env, root, limit, name)
        result = out_dir / "source.docx"
        if not result.is_file() or result.stat().st_size == 0:
            why = stderr.strip().splitlines()[-1][:160] if stderr.strip() else "no output"
            raise InputError(_("{name}: LibreOffice could not convert the file ({why}): it may "
                               "be damaged or encrypted").format(name=name, why=why))
        return result.read_bytes()


def _run(cmd: list[str], env: dict[str, str], cwd: Path, limit: float, name: str) -> str:
    from pipeline.readers import external

    try:
        result = external.run(cmd, limit, cwd=cwd, env=env)
    except external.TimedOut as exc:
        raise InputError(_("{name}: LibreOffice took longer than {limit:g} s to convert the "
                           "file and was stopped").format(name=name, limit=limit)) from exc
    except OSError as exc:
        raise EnvironmentProblem(_("{name}: LibreOffice could not be started ({reason})").format(
                                     name=name, reason=exc.strerror or exc)) from exc
    return result.stderr.decode("utf-8", "replace")
