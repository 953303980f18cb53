"""Old Word, WPS, RTF and OpenDocument files: told by their bytes, converted by LibreOffice.

The conversion itself is checked with a stand-in ``soffice`` (a shell script) for what
must hold whatever LibreOffice does — the private profile with macros off, the time
limit that kills the whole process group — and with the real LibreOffice when installed.
"""

from __future__ import annotations

import io
import os
import stat
import time
import zipfile
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.errors import EXIT_ENVIRONMENT, EnvironmentProblem, InputError
from pipeline.parser import parse
from pipeline.readers import office, read_source

needs_soffice = pytest.mark.skipif(office.soffice_path() is None, reason="LibreOffice not installed")


def _docx_bytes(*paragraphs: str) -> bytes:
    import docx

    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


WORD_HTML = ("<html xmlns:o='urn:schemas-microsoft-com:office:office' "
             "xmlns:w='urn:schemas-microsoft-com:office:word'><head><meta charset='utf-8'>"
             "<title>导出</title></head><body><h1>关于开展读书活动的通知</h1>"
             "<p>各支部要组织党员认真读书，每月交流一次学习体会，年底评选读书标兵。</p></body></html>")


def test_sniff_tells_files_by_their_bytes() -> None:
    assert office.sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600) == "ole"
    assert office.sniff(b"{\\rtf1\\ansi hello}") == "rtf"
    assert office.sniff(_docx_bytes("正文")) == "docx"
    assert office.sniff(b"%PDF-1.7\n...") == "pdf"
    assert office.sniff(WORD_HTML.encode()) == "html"
    assert office.sniff("\ufeff又一次被自己打败啦！\n今天加班。\n".encode()) == "text"
    assert office.sniff(b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=x\r\n") == "mhtml"
    assert office.sniff(b"\x00\x01\x02\x03" * 100) is None


def test_doc_that_is_html_is_read_as_a_web_page(zh) -> None:
    src = read_source(WORD_HTML.encode(), "旧网页导出.doc")
    assert src.read_as == ".doc 文件，实为网页（HTML）"
    doc = parse(src)
    assert doc.meta.title == "关于开展读书活动的通知"
    assert "每月交流一次学习体会" in doc.body[0].text


def test_doc_that_is_mhtml_is_read_as_a_web_page(zh) -> None:
    import base64

    html = base64.encodebytes(WORD_HTML.encode("utf-8")).decode()
    mht = ("MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"b\"\r\n\r\n"
           "--b\r\nContent-Type: text/html; charset=\"utf-8\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
           f"{html}\r\n--b--\r\n")
    doc = parse(read_source(mht.encode(), "单个文件网页.doc"))
    assert doc.meta.title == "关于开展读书活动的通知" and doc.read_as.endswith("（MHTML）")


def test_doc_that_is_docx_or_text_is_read_as_such(zh) -> None:
    src = read_source(_docx_bytes("学习体会", "认真学习，深入领会精神实质。"), "改了名.doc")
    assert src.read_as == ".doc 文件，实为 Word .docx"
    text = read_source("学习体会\n\n认真学习，深入领会精神实质。\n".encode("gb18030"), "笔记.wps")
    assert text.read_as == ".wps 文件，实为纯文本（gb18030）"


def test_doc_that_is_nothing_known() -> None:
    with pytest.raises(InputError) as err:
        read_source(b"\x00\x01\x02\x03" * 100, "坏文件.doc")
    assert str(err.value).startswith("坏文件.doc: not a .doc file")


def test_encrypted_office_file() -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100 + "EncryptedPackage".encode("utf-16-le")
    with pytest.raises(InputError) as err:
        read_source(data, "加密.doc")
    assert "encrypted" in str(err.value)


def test_libreoffice_missing_names_the_package(monkeypatch, tmp_path, capsys) -> None:
    monkeypatch.setattr(office, "soffice_path", lambda: None)
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600
    with pytest.raises(EnvironmentProblem) as err:
        read_source(ole, "旧文件.doc")
    assert "libreoffice-writer-nogui" in str(err.value)
    path = tmp_path / "旧文件.wps"
    path.write_bytes(ole)
    with pytest.raises(SystemExit) as exit_:
        main(["parse", str(path)])
    out = capsys.readouterr().err
    assert exit_.value.code == EXIT_ENVIRONMENT and len(out.strip().splitlines()) == 1
    assert "libreoffice-writer-nogui" in out and "Traceback" not in out


# --- the conversion, with a stand-in soffice ------------------------------------------

FAKE = """#!/bin/sh
# a stand-in soffice: records how it was called, then converts or hangs
log="{log}"
echo "$@" > "$log.args"
for a in "$@"; do case "$a" in -env:UserInstallation=file://*) prof="${{a#-env:UserInstallation=file://}}";; esac; done
cp "$prof/user/registrymodifications.xcu" "$log.profile" 2>/dev/null
if [ "{mode}" = hang ]; then
    sleep 300 & echo $! > "$log.child"
    echo $$ > "$log.pid"
    wait
fi
out=""; prev=""
for a in "$@"; do [ "$prev" = "--outdir" ] && out="$a"; prev="$a"; done
cp "{docx}" "$out/source.docx"
"""


def _fake_soffice(tmp_path: Path, mode: str) -> tuple[Path, Path]:
    docx_file = tmp_path / "made.docx"
    docx_file.write_bytes(_docx_bytes("转换后的正文。"))
    log = tmp_path / "log"
    script = tmp_path / "soffice"
    script.write_text(FAKE.format(log=log, mode=mode, docx=docx_file))
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script, log


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600


def test_conversion_is_headless_with_a_private_profile_and_no_macros(monkeypatch, tmp_path, zh) -> None:
    script, log = _fake_soffice(tmp_path, "convert")
    monkeypatch.setattr(office, "soffice_path", lambda: str(script))
    src = read_source(OLE, "旧文件.doc")
    assert [ln.text for ln in src.lines] == ["转换后的正文。"]
    assert src.read_as == ".doc（经 LibreOffice 转换）" and src.format == "doc"
    args = (tmp_path / "log.args").read_text()
    assert "--headless" in args and "--convert-to docx" in args and "-env:UserInstallation=file:///" in args
    profile = (tmp_path / "log.profile").read_text()
    assert '"DisableMacrosExecution"' in profile and "<value>true</value>" in profile
    assert '"MacroSecurityLevel"' in profile
    # the private profile and the temporary folder are gone afterwards
    prof_dir = args.split("-env:UserInstallation=file://")[1].split()[0]
    assert not Path(prof_dir).exists()


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")
def test_a_conversion_that_hangs_is_killed_with_its_helpers(monkeypatch, tmp_path) -> None:
    script, log = _fake_soffice(tmp_path, "hang")
    monkeypatch.setattr(office, "soffice_path", lambda: str(script))
    start = time.monotonic()
    with pytest.raises(InputError) as err:
        office.convert(OLE + b"hang", "卡住.doc", "doc", timeout=1.5)
    assert time.monotonic() - start < 20
    assert "took longer than 1.5 s" in str(err.value) and "stopped" in str(err.value)
    pid = int((tmp_path / "log.pid").read_text())
    child = int((tmp_path / "log.child").read_text())
    time.sleep(0.2)
    assert not _running(pid) and not _running(child)


# --- the real LibreOffice ------------------------------------------------------------


def _our_soffice_processes() -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmd = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if b"studykit-office-" in cmd and _running(int(entry.name)):
                found.append(int(entry.name))
    return found


@needs_soffice
def test_real_libreoffice_converts_rtf_and_odt(zh) -> None:
    escaped = "".join(f"\\u{ord(c)}?" for c in "关于开展学习活动的通知")
    rtf = r"{\rtf1\ansi\ansicpg936\deff0{\fonttbl{\f0 SimSun;}}\f0 " + escaped + r"\par}"
    src = read_source(rtf.encode("ascii"), "通知.rtf")
    assert src.read_as == ".rtf（经 LibreOffice 转换）"
    assert [ln.text for ln in src.lines if ln.text] == ["关于开展学习活动的通知"]
    odt = io.BytesIO()
    with zipfile.ZipFile(odt, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        zf.writestr("META-INF/manifest.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
            '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type='
            '"application/vnd.oasis.opendocument.text"/><manifest:file-entry manifest:full-path='
            '"content.xml" manifest:media-type="text/xml"/></manifest:manifest>'))
        zf.writestr("content.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office='
            '"urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text='
            '"urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
            '<office:text><text:p>开放文档格式的正文</text:p></office:text></office:body>'
            '</office:document-content>'))
    src = read_source(odt.getvalue(), "文档.odt")
    assert [ln.text for ln in src.lines if ln.text] == ["开放文档格式的正文"]


@needs_soffice
def test_real_libreoffice_stopped_on_time_out_leaves_nothing_running() -> None:
    before = set(_our_soffice_processes())  # other runs on this machine may convert too
    with pytest.raises(InputError) as err:
        office.convert(b"{\\rtf1\\ansi never mind}" + os.urandom(8), "慢.rtf", "rtf", timeout=0.3)
    assert "stopped" in str(err.value)
    time.sleep(0.3)
    assert set(_our_soffice_processes()) - before == set()


@needs_soffice
def test_damaged_doc_is_a_clear_error() -> None:
    with pytest.raises(InputError) as err:
        read_source(OLE + os.urandom(2000), "损坏.doc")
    message = str(err.value)
    assert message.startswith("损坏.doc: LibreOffice could not convert") and "\n" not in message
