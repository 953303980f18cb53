"""Issue 11: hostile and clumsy inputs, one section per finding (reproduce, then the fix).

Speed itself is measured in ``bench/bench_scaling.py``; here the shapes that were
quadratic are checked through what made them so (copies, scans, objects made),
and the limits through their errors.
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
from buildutil import run
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.errors import EXIT_INPUT, EXIT_OUTPUT, EXIT_TEMPLATE, InputError, TemplateError
from pipeline.options import BuildOptions
from pipeline.outputs import safe_name
from pipeline.parser import inline
from pipeline.readers import read, read_source
from pipeline.readers.source import text_lines

ROOT = Path(__file__).resolve().parents[1]
QUOTE = "他强调：“要坚持以人民为中心的发展思想，把人民放在心中最高位置。”"


def stray_quotes(n: int) -> str:
    return "关于学习的通知\n\n开头有一个没有关闭的引号“" + QUOTE * n + "\n"


def errors(err: str) -> list[str]:
    assert "Traceback" not in err, err
    return [ln for ln in err.splitlines() if ln.startswith("studykit: error: ")]


# --- 1. quotations: one stray “ made every later quotation copy the paragraph -----------

def test_stray_quote_json_grows_linearly(tmp_path):
    sizes = []
    for n in (500, 1000):
        path = tmp_path / f"s{n}.txt"
        path.write_text(stray_quotes(n), encoding="utf-8")
        doc = read(path)
        assert len(doc.quotes) == n  # every quotation is still found …
        assert all(q.speaker == "他" or q.speaker == "" for q in doc.quotes)
        assert max(len(q.sentence) for q in doc.quotes) <= inline._MAX_SENTENCE
        sizes.append(len(doc.to_json().encode()))
    # … and the model no longer holds a copy of the paragraph per quotation (that was
    # 252 MB of JSON from 126 KB): twice the text, about twice the JSON.
    assert sizes[1] / sizes[0] < 2.2
    assert sizes[1] < 30 * len(stray_quotes(1000).encode())


def test_a_stray_opening_mark_expires():
    text = "“这个引号没有关闭" + "，很长的一句话" * 120 + "。后面一句。再一句！"
    parts = inline.sentences(text)
    assert parts[-2:] == ["后面一句。", "再一句！"]  # before the fix: one sentence
    assert "".join(parts) == text


def test_quotation_sentences_and_speakers_unchanged_on_real_text():
    text = "习近平总书记在党的二十大报告中指出：“全面建设社会主义现代化国家，必须坚持中国特色社会主义文化发展道路。”这是要求。"
    doc = read_source(text.encode(), "a.txt")
    from pipeline.parser import parse

    quotes = parse(doc).quotes
    assert [(q.speaker, q.source) for q in quotes] == [("习近平总书记", "党的二十大报告")]
    assert quotes[0].sentence == text[: text.index("这是")]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="“”‘’「」『』《》（）【】。！？，、；：学习党的他指出说", max_size=3000))
def test_quotations_never_copy_more_than_a_bounded_sentence(text):
    from pipeline.parser import parse

    doc = parse(read_source(("标题\n\n" + text).encode() or b"x", "p.txt")) if text.strip() else None
    if doc is None:
        return
    assert all(len(q.sentence) <= inline._MAX_SENTENCE for q in doc.quotes)
    assert sum(len(q.text) for q in doc.quotes) <= len(text)


# --- 2. slides: python-pptx scanned every slide for each one added ----------------------

def test_adding_slides_does_not_scan_the_deck(monkeypatch):
    from pptx import Presentation
    from pptx.opc.package import OpcPackage

    from pipeline.writers.slides.deck import _SlideAdder, template_path

    scans = []
    original = OpcPackage.iter_parts
    monkeypatch.setattr(OpcPackage, "iter_parts", lambda self: scans.append(1) or original(self))
    prs = Presentation(str(template_path(BuildOptions())))
    adder = _SlideAdder(prs)
    layout = prs.slide_layouts[0]
    for _ in range(120):
        slide = adder.add(layout)
        assert slide.notes_slide.notes_text_frame is not None
    # one scan per part-name pattern (slides, notes slides, the notes master's theme),
    # not one per slide
    assert len(scans) <= 4
    ids = [int(s.get("id")) for s in prs.slides._sldIdLst]
    assert len(set(ids)) == len(ids) == 120
    out = io.BytesIO()
    prs.save(out)
    again = Presentation(io.BytesIO(out.getvalue()))
    assert len(again.slides) == 120 and all(s.has_notes_slide for s in again.slides)


def test_speaker_notes_keep_every_paragraph_of_a_long_section():
    from pipeline.writers.slides.plan import Slide, _conserve

    texts = [f"第{i}段：这是一段没有进入要点的正文。" for i in range(3000)]
    slides = [Slide("content", "标题", notes=texts[::2])]  # every other one is already there
    _conserve(slides, texts + texts[:5])  # and repeats are not added twice
    notes = slides[0].notes
    assert sorted(notes) == sorted(texts)


# --- 3. memory at the limits: blank lines, and what a .docx unpacks to -------------------

def test_blank_lines_cost_one_line_object():
    lines = text_lines("标题\n" + "\n" * 2_000_000 + "正文。\n")
    assert [(ln.text, ln.lineno) for ln in lines] == [
        ("标题", 1), ("", 2), ("正文。", 2_000_002), ("", 2_000_003)]


def test_markdown_blank_lines_cost_one_line_object():
    src = read_source(("# 标题\n" + "\n" * 300_000 + "正文。\n").encode(), "a.md")
    assert len(src.lines) <= 4


def _docx(document_xml: bytes, compression=zipfile.ZIP_DEFLATED) -> bytes:
    from docx import Document

    buf = io.BytesIO()
    Document().save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as zf:
        for info in src.infolist():
            data = document_xml if info.filename == "word/document.xml" else src.read(info)
            zf.writestr(info.filename, data)
    return out.getvalue()


def test_docx_that_unpacks_too_far_is_refused(monkeypatch):
    from pipeline import ziplimits

    monkeypatch.setattr(ziplimits, "MAX_UNPACKED", 4 * 1024 * 1024)
    body = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' \
        + b"<w:body>" + b"<w:p><w:r><w:t>a</w:t></w:r></w:p>" * 200_000 + b"</w:body></w:document>"
    data = _docx(body)
    assert len(data) < 400_000  # a small file …
    with pytest.raises(InputError, match="unpacks to more than 4 MiB"):
        read_source(data, "bomb.docx")  # … refused before python-docx unpacks it
    monkeypatch.setattr(ziplimits, "MAX_UNPACKED", 100 * 1024 * 1024)
    monkeypatch.setattr(ziplimits, "MAX_XML", 4 * 1024 * 1024)
    with pytest.raises(InputError, match="unpacks to more than 4 MiB of XML"):
        read_source(data, "bomb.docx")


def test_docx_zip_bomb_ratio_is_refused():
    data = _docx(b"<w:document/>" + b" " * (30 * 1024 * 1024))
    with pytest.raises(InputError, match="times its packed size"):
        read_source(data, "bomb.docx")


def _lie_about_size(data: bytes, member: str, size: int) -> bytes:
    """The zip with ``member``'s uncompressed size in the central directory replaced."""
    raw = bytearray(data)
    zf = zipfile.ZipFile(io.BytesIO(data))
    info = zf.getinfo(member)
    name = member.encode()
    at = raw.rfind(b"PK\x01\x02" + b"\x00" * 0, 0)  # scan the central directory entries
    at = 0
    while True:
        at = raw.find(b"PK\x01\x02", at)
        if at < 0:
            raise AssertionError("entry not found")
        if raw[at + 46: at + 46 + len(name)] == name:
            break
        at += 4
    raw[at + 24: at + 28] = size.to_bytes(4, "little")
    assert info.file_size != size
    return bytes(raw)


def test_zip_directory_that_lies_is_caught_while_reading(monkeypatch):
    from pipeline import ziplimits

    monkeypatch.setattr(ziplimits, "MAX_UNPACKED", 4 * 1024 * 1024)
    body = b"<w:document>" + b"<w:p/>" * 1_000_000 + b"</w:document>"  # 6 MB
    small = _lie_about_size(_docx(body), "word/document.xml", 1000)
    with pytest.raises(InputError, match="not a valid .docx file"):
        read_source(small, "liar.docx")
    big = _lie_about_size(_docx(b"<w:document/>"), "word/document.xml", 1 << 30)
    with pytest.raises(InputError, match="unpacks to more than"):
        read_source(big, "liar.docx")  # refused from the directory, before unpacking


# --- 4. templates: links out of the template folders --------------------------------------

def _workspace_with_link(tmp_path: Path, kind: str, name: str) -> tuple[Path, Path]:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:SECRET-LINE\n", encoding="utf-8")
    templates = tmp_path / "templates"
    (templates / kind).mkdir(parents=True)
    (templates / kind / name).symlink_to(secret)
    return templates, secret


def test_template_linked_outside_is_refused(tmp_path, corpus, capsys):
    templates, _ = _workspace_with_link(tmp_path, "slides", "outline.md")
    out = tmp_path / "out"
    code, _, err = run(["build", str(corpus / "seed_shiyishi.txt"), "--to", "slides", "-o", str(out),
                        "--templates", str(templates)], capsys)
    assert code == EXIT_TEMPLATE
    [line] = errors(err)
    assert "templates/slides/outline.md: not used: it is a link to" in line
    assert not any("SECRET-LINE" in p.read_text(errors="replace")
                   for p in out.rglob("*") if p.is_file())


def test_linked_folder_and_include_are_refused(tmp_path):
    from pipeline.templating import make_env, render

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "passwd").write_text("SECRET-LINE", encoding="utf-8")
    folder = tmp_path / "templates" / "booklet"
    folder.mkdir(parents=True)
    (folder / "etc").symlink_to(outside)
    (folder / "page.html").write_text('{% include "etc/passwd" %}', encoding="utf-8")
    env = make_env("booklet", [tmp_path / "templates"])
    with pytest.raises(TemplateError, match="booklet/etc/passwd: not used: it is a link to"):
        render(env, "page.html", {})


def test_a_link_inside_the_template_folder_is_fine(tmp_path):
    from pipeline.templating import make_env, render

    folder = tmp_path / "templates" / "booklet"
    folder.mkdir(parents=True)
    (folder / "real.html").write_text("hello", encoding="utf-8")
    (folder / "page.html").symlink_to(folder / "real.html")
    assert render(make_env("booklet", [tmp_path / "templates"]), "page.html", {}) == "hello"


# --- 5. -o never replaces a special file --------------------------------------------------

@pytest.fixture
def small(tmp_path) -> Path:
    path = tmp_path / "a.txt"
    path.write_text("关于学习的通知\n\n这是正文的第一段，内容足够长。\n", encoding="utf-8")
    return path


def test_output_to_symlink_fifo_folder_device_or_missing_folder(tmp_path, small, capsys):
    target = tmp_path / "target.txt"
    target.write_text("keep me", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for dest, what in [(link, "a symbolic link"), (fifo, "a FIFO"), (Path("/dev/null"), "a device")]:
        code, _, err = run(["check", str(small), "-o", str(dest)], capsys)
        assert code == EXIT_OUTPUT, err
        assert f"it is {what}, not a regular file" in errors(err)[0]
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "keep me"
    assert fifo.exists() and not fifo.is_file()
    code, _, err = run(["parse", str(small), "-o", str(tmp_path / "nowhere" / "x.json")], capsys)
    assert code == EXIT_OUTPUT and "no such folder" in errors(err)[0]
    assert not (tmp_path / "nowhere").exists()  # not created, as pandoc does
    code, out, _ = run(["parse", str(small), "-o", "-"], capsys)
    assert code == 0 and json.loads(out)["meta"]["title"] == "关于学习的通知"
    code, _, _ = run(["parse", str(small), "-o", str(tmp_path / "ok.json")], capsys)
    assert code == 0 and (tmp_path / "ok.json").is_file()


def test_build_never_replaces_a_link_among_the_outputs(tmp_path, small, capsys):
    out = tmp_path / "out"
    code, stdout, _ = run(["build", str(small), "--to", "slides", "-o", str(out)], capsys)
    assert code == 0
    outline = next(Path(p) for p in stdout.split() if p.endswith(".outline.md"))
    target = tmp_path / "elsewhere.md"
    target.write_text("keep me", encoding="utf-8")
    outline.unlink()
    outline.symlink_to(target)
    code, _, err = run(["build", str(small), "--to", "slides", "-o", str(out), "--force"], capsys)
    assert code == EXIT_OUTPUT and "symbolic link" in errors(err)[0]
    assert target.read_text(encoding="utf-8") == "keep me"


# --- 6. no exit 70 on inputs a user can supply --------------------------------------------

def test_damaged_deflate_data_in_docx(tmp_path, capsys):
    data = bytearray(_docx(b"<w:document>" + "正文".encode() * 5000 + b"</w:document>"))
    zf = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = zf.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 10
    data[start:start + 40] = b"\xff" * 40
    path = tmp_path / "damaged.docx"
    path.write_bytes(bytes(data))
    code, _, err = run(["check", str(path)], capsys)
    assert code == EXIT_INPUT
    assert "damaged.docx: not a valid .docx file (" in errors(err)[0]


def test_control_character_reference_after_a_script(tmp_path, capsys):
    path = tmp_path / "page.html"
    path.write_text("<html><body><script>var a;</script>&#1;&#xFFFF;<p>正文内容在这里，足够长的一段文字。</p>"
                    "</body></html>", encoding="utf-8")
    code, out, err = run(["check", str(path)], capsys)
    assert code == 0, err


@pytest.mark.parametrize("char", ["\uffff", "\ufffe", "\x01", "\x0b"])
def test_characters_no_document_may_hold(tmp_path, capsys, char):
    path = tmp_path / "a.txt"
    path.write_text(f"关于学习的通知\n\n第一段正文{char}内容足够长，讲了重要的事。\n\n“引用的话{char}说得很长很长很长。”\n",
                    encoding="utf-8")
    code, _, err = run(["build", str(path), "--to", "slides,docx", "-o", str(tmp_path / "o")], capsys)
    assert code == 0, err


def test_space_before_paragraph_separator(tmp_path, capsys):
    path = tmp_path / "a.txt"
    path.write_text("关于学习的通知\n\n第一段正文 \u2029第二段正文，内容足够长。 \u2028接着写。\n", encoding="utf-8")
    doc = read(path)
    assert "\u2029" not in doc.to_json() and "\u2028" not in doc.to_json()
    code, _, err = run(["build", str(path), "--to", "pdf", "-o", str(tmp_path / "o")], capsys)
    assert code == 0, err


@pytest.mark.parametrize("data", [b"not a zip", b"PK\x03\x04" + b"\x00" * 100,
                                  "docx"])
def test_broken_pptx_template_is_a_template_error(tmp_path, small, capsys, data):
    tpl = tmp_path / "broken.pptx"
    tpl.write_bytes(_docx(b"<w:document/>") if data == "docx" else data)
    code, _, err = run(["build", str(small), "--to", "slides", "-o", str(tmp_path / "o"),
                        "--slides-template", str(tpl)], capsys)
    assert code == EXIT_TEMPLATE, err
    line = errors(err)[0]
    assert "broken.pptx: not a usable PowerPoint (.pptx) file (" in line
    assert "Error" not in line and "BytesIO" not in line


# --- 7. third-party logging, warnings and finaliser tracebacks -----------------------------

NOISE = """
import logging, warnings, sys
from pipeline.diagnostics import capture
capture({debug})
logging.getLogger("readability.readability").exception("error getting summary: ")
warnings.warn("The behavior of this method will change", FutureWarning)
class Z:
    def __del__(self):
        raise OSError(28, "No space left on device")
Z()
print("done")
"""


@pytest.mark.parametrize("debug", [False, True])
def test_library_noise_only_with_debug(debug):
    out = subprocess.run([sys.executable, "-c", NOISE.format(debug=debug)], capture_output=True,
                         text=True, cwd=ROOT, timeout=60)
    assert out.stdout.strip() == "done"
    if debug:
        assert "error getting summary" in out.stderr and "FutureWarning" in out.stderr
        assert "No space left" in out.stderr
    else:
        assert out.stderr == ""


# --- 8. output names ----------------------------------------------------------------------

@pytest.mark.parametrize("title,expect", [
    ("...", "untitled"), ("..", "untitled"), (".hidden", "hidden"), ("CON", "CON_"),
    ("nul.txt", "nul_.txt"), ("COM1 ", "COM1_"), ("a\u202eb", "ab"), ("第一\n第二", "第一 第二"),
    ("a/b\\c:d", "a_b_c_d"), ("标题。 ", "标题。"), ("\u200b\u200b", "untitled"),
])
def test_safe_names(title, expect):
    assert safe_name(title) == expect


@given(st.text(max_size=300))
def test_safe_names_are_safe_everywhere(title):
    name = safe_name(title)
    assert name and len(name.encode()) <= 137
    assert name not in (".", "..") and not name.startswith(".") and not name.endswith((" ", "."))
    assert not any(ch in name for ch in '/\\:*?"<>|\n\r\t\x00\u202e')
    assert name.split(".")[0].upper() not in ("CON", "NUL", "PRN", "AUX", "COM1", "LPT1")


def test_long_names_are_cut_with_a_hash():
    a, b = safe_name("关于" * 80 + "甲"), safe_name("关于" * 80 + "乙")
    assert a != b and len(a.encode()) <= 137 and a[-7] == "~"


@pytest.mark.parametrize("name", ["...txt", "CON.txt", "a" * 200 + ".txt", "x\u202ey.txt"])
def test_outputs_stay_in_the_output_folder_with_safe_names(tmp_path, capsys, name):
    src = tmp_path / "in"
    src.mkdir()
    path = src / name
    path.write_text("这是一段没有标题的正文，只有一句话而已，但足够长了。\n", encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, err = run(["build", str(path), "--to", "slides", "-o", str(out)], capsys)
    assert code == 0, err
    for line in stdout.split("\n"):
        if line:
            p = Path(line).resolve()
            assert p.is_relative_to(out.resolve()), p
            assert all(len(part.encode()) <= 150 for part in p.relative_to(out.resolve()).parts)
            assert "\u202e" not in line and not p.parent.name.upper().startswith("CON.")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]


# --- 9. the page: slow clients, admission before the body, stale temp folders -------------

def _serve(tmp_path, **settings):
    """A real uvicorn server with the guarded protocol, in a thread; (port, server)."""
    import uvicorn

    from pipeline.serve.app import Settings, create_app
    from pipeline.serve.protocol import GuardedH11

    class Fast(GuardedH11):
        head_seconds = 0.5
        max_connections = 8

    app = create_app(Settings(warm_up=False, root=tmp_path / "serve", isolate=False, **settings))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, http=Fast, log_level="critical", lifespan="on",
                            limit_concurrency=Fast.max_connections)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    return sock.getsockname()[1], server


def _get(port: int, path: str = "/healthz") -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        return int(s.recv(100).split()[1])


def test_half_sent_requests_are_closed_and_the_page_still_answers(tmp_path):
    port, server = _serve(tmp_path)
    try:
        slow = []
        for _ in range(6):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            slow.append(s)
        assert _get(port) == 200  # answered meanwhile
        time.sleep(1.0)
        for s in slow:  # closed by the server once the head deadline passed
            s.settimeout(2)
            assert s.recv(100) == b""
            s.close()
        many = [socket.create_connection(("127.0.0.1", port)) for _ in range(12)]
        time.sleep(0.2)
        refused = 0
        for s in many:
            s.settimeout(2)
            try:
                data = s.recv(200)
            except TimeoutError:
                data = b"(open)"
            refused += data.startswith(b"HTTP/1.1 503")
            s.close()
        assert refused >= 4  # beyond the cap of 8 connections
        time.sleep(0.3)
        assert _get(port) == 200
    finally:
        server.should_exit = True


def test_busy_is_answered_before_the_body_is_read(tmp_path):
    port, server = _serve(tmp_path, max_pending=0)
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(b"POST /api/check HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Studykit: 1\r\n"
                      b"Content-Type: multipart/form-data; boundary=x\r\n"
                      b"Content-Length: 90000000\r\n\r\n")
            head = s.recv(200)  # no body sent: the answer must not wait for it
        assert head.startswith(b"HTTP/1.1 503")
    finally:
        server.should_exit = True


def test_a_stalled_upload_is_refused(tmp_path):
    port, server = _serve(tmp_path, body_seconds=0.5)
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(b"POST /api/check HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Studykit: 1\r\n"
                      b"Content-Type: multipart/form-data; boundary=x\r\n"
                      b"Content-Length: 1000\r\n\r\n--x\r\n")
            answer = b""
            while chunk := s.recv(4096):
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 408") and b"stalled" in answer
    finally:
        server.should_exit = True


def test_temp_folders_of_dead_servers_are_removed(tmp_path):
    from pipeline.serve.jobs import Builder, remove_stale_roots

    dead = tmp_path / "studykit-serve-dead"
    (dead / "requests").mkdir(parents=True)
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True)
    (dead / "owner").write_text(f"{proc.stdout.strip()} 1")  # a process that has ended
    alive = Builder(tmp_path / "studykit-serve-alive")
    other = tmp_path / "studykit-serve-nostamp"  # not ours to judge
    other.mkdir()
    assert remove_stale_roots(tmp_path) == [dead]
    assert not dead.exists() and alive.root.is_dir() and other.is_dir()
    alive.close()


# --- 10. templates that hang or allocate ---------------------------------------------------

def _outline_template(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "templates" / "slides"
    folder.mkdir(parents=True)
    (folder / "outline.md").write_text(body, encoding="utf-8")
    return tmp_path / "templates"


def test_template_in_an_endless_loop_stops_at_the_time_limit(tmp_path, small, capsys):
    loops = "{% for a in range(99999) %}{% for b in range(99999) %}{{ a }}{% endfor %}{% endfor %}"
    templates = _outline_template(tmp_path, "# 标题\n\n" + loops)
    start = time.monotonic()
    code, _, err = run(["build", str(small), "--to", "slides", "-o", str(tmp_path / "o"),
                        "--templates", str(templates), "--timeout", "1"], capsys)
    assert time.monotonic() - start < 30
    assert code == EXIT_TEMPLATE
    line = errors(err)[0]
    assert "templates/slides/outline.md:3: took longer than 1 s" in line


@pytest.mark.parametrize("expr", ["'x' * 10**10", "[0] * 10**9", "9 ** 100000000"])
def test_template_that_would_allocate_gigabytes(tmp_path, small, capsys, expr):
    templates = _outline_template(tmp_path, "# 标题\n\n{{ " + expr + " }}")
    code, _, err = run(["build", str(small), "--to", "slides", "-o", str(tmp_path / "o"),
                        "--templates", str(templates)], capsys)
    assert code == EXIT_TEMPLATE
    assert "templates/slides/outline.md:3: not allowed in a template" in errors(err)[0]


def test_out_of_memory_under_the_limit_is_one_line(monkeypatch):
    from pipeline import limits

    monkeypatch.setattr(limits, "MEMORY_MIB", 64)
    code = ("from pipeline import limits; limits.MEMORY_MIB = 64\n"
            "with limits.output_limits(5):\n"
            "    try:\n"
            "        b = bytearray(512 * 1024 * 1024)\n"
            "    except MemoryError as e:\n"
            "        print(limits.describe(e))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         timeout=60)
    assert out.stdout.strip().startswith("needed more memory than the limit"), out


def test_timeout_option_and_setting(tmp_path, capsys):
    from pipeline.config import config_from_dict

    assert config_from_dict({"timeout": 30}).timeout == 30
    with pytest.raises(InputError, match="timeout: expected a number of seconds"):
        config_from_dict({"timeout": "soon"})
    code, _, err = run(["build", "x.txt", "--timeout", "-1"], capsys)
    assert code == 2 and "--timeout" in err


# --- 11. messages ------------------------------------------------------------------------

def test_bad_utf8_byte_offset_and_replace(tmp_path, capsys):
    text = "关于学习的通知\n\n" + "第一段正文内容。" * 300
    data = text.encode() + b"\xff" + "第二段。\n".encode()
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    code, _, err = run(["check", str(path)], capsys)
    assert code == EXIT_INPUT
    assert f"byte {len(text.encode())} (0xFF) is not UTF-8" in errors(err)[0]
    assert "--encoding-errors replace" in errors(err)[0]
    code, out, err = run(["check", str(path), "--encoding-errors", "replace"], capsys)
    assert code == 0
    assert "1 byte could not be read as utf-8 and was replaced" in out
    assert "1 byte could not be read" in err
    doc = read(path, encoding_errors="replace")
    assert "第二段" in doc.to_json()  # the rest of the file is read
    assert "\ufffd" in doc.to_json()  # the replacement is kept (in the text or discarded)


def test_bom_error_offset_counts_the_bom(tmp_path, capsys):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + "正文。".encode() + b"\xff")
    code, _, err = run(["check", str(path)], capsys)
    assert code == EXIT_INPUT and "byte 12 (0xFF)" in errors(err)[0]


def test_compile_without_pdf_is_an_error(tmp_path, small, capsys):
    code, _, err = run(["build", str(small), "--compile", "--to", "docx",
                        "-o", str(tmp_path / "o")], capsys)
    assert code == 2 and "--compile makes one booklet" in err


@pytest.mark.parametrize("data", [
    lambda: _docx(b"<w:document><w:body><w:p>"),  # XML cut off
    lambda: _without("word/document.xml"),
])
def test_docx_messages_name_no_python_exceptions(tmp_path, capsys, data):
    path = tmp_path / "a.docx"
    path.write_bytes(data())
    code, _, err = run(["check", str(path)], capsys)
    assert code == EXIT_INPUT
    line = errors(err)[0]
    for word in ("KeyError", "XMLSyntaxError", "BytesIO", "Exception"):
        assert word not in line, line


def _without(member: str) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(_docx(b"<w:document/>")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for info in src.infolist():
            if info.filename != member:
                zf.writestr(info.filename, src.read(info))
    return out.getvalue()


@pytest.mark.parametrize("own_templates", [False, True])
def test_weasyprint_giving_up_is_not_an_internal_error(tmp_path, monkeypatch, own_templates):
    from pipeline.writers.booklet import typeset

    class Fake:
        class HTML:
            def __init__(self, **kwargs):
                pass

            def render(self, **kwargs):
                raise AssertionError  # as WeasyPrint did on a space before U+2029

    monkeypatch.setattr(typeset, "load_weasyprint", lambda: Fake)
    dirs = []
    if own_templates:
        (tmp_path / "templates" / "booklet").mkdir(parents=True)
        (tmp_path / "templates" / "booklet" / "booklet.css").write_text("p { }", encoding="utf-8")
        dirs = [tmp_path / "templates"]
    with pytest.raises(TemplateError if own_templates else InputError,
                       match="WeasyPrint could not lay out the booklet"):
        typeset.layout("<p>x</p>", BuildOptions(template_dirs=dirs))


HOSTILE = st.text(alphabet=st.sampled_from(list("“”‘’「」『』《》（）【】。！？，、；：…—\n\n #一二三、（）1.①学习党的他指出说")
                                           + ["\u2028", "\u2029", "\x0b", "\ufeff", "\u3000"]),
                  max_size=4000)


@settings(max_examples=80, deadline=None)
@given(HOSTILE, st.sampled_from(["a.txt", "a.md"]))
def test_fuzzed_text_gives_a_model_of_linear_size_or_a_clear_error(text, name):
    """The fuzzing of issue 11 as a property: no internal error, and a model that does not
    grow faster than its text (the stray-quote model was quadratic)."""
    from pipeline.parser import parse
    from pipeline.report import render_check

    try:
        doc = parse(read_source(text.encode(), name))
    except InputError as err:
        assert "\n" not in str(err)
        return
    size = len(doc.to_json())
    assert size <= 40 * len(text) + 20_000, (size, len(text))
    assert render_check(doc)
