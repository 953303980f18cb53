"""Messages in the user's language: the locale or --lang picks Chinese or English, for our
messages, Click's and the help; the catalogs are complete and compiled."""

from __future__ import annotations

import ast
import gettext
import os
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.i18n import (
    LOCALE_DIR,
    _,
    from_accept_language,
    language_from_environment,
    normalize,
    use_language,
)
from tests.helpers import load_script

ROOT = Path(__file__).resolve().parent.parent
MISSING = "没有这个文件.txt"


def studykit(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``studykit ARGS`` in a new process with exactly the locale variables given."""
    base = {k: v for k, v in os.environ.items()
            if k not in ("LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "STUDYKIT_LANG")}
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True,
                          text=True, env={**base, **(env or {})}, cwd=ROOT, timeout=60)


# --- the switch -----------------------------------------------------------------------------

def test_the_same_bad_input_in_chinese_and_in_english():
    """A missing source: one line, exit 2, in the locale's language; --lang overrides it."""
    zh = studykit("build", MISSING, env={"LANG": "zh_CN.UTF-8"})
    en = studykit("build", MISSING, env={"LANG": "en_US.UTF-8"})
    assert zh.returncode == en.returncode == 2
    assert zh.stderr == f"studykit: 错误：{MISSING}：没有这个文件（请核对文件名和文件夹）\n"
    assert en.stderr == f"studykit: error: {MISSING}: no such file (check the name and the folder)\n"
    assert studykit("--lang", "zh", "build", MISSING, env={"LANG": "C.UTF-8"}).stderr == zh.stderr
    assert studykit("build", MISSING, "--lang", "en", env={"LC_ALL": "zh_CN.UTF-8"}).stderr == \
        en.stderr


def test_clicks_own_errors_speak_the_language_in_one_style():
    zh = studykit("build", "--to", "docx", "--bogus", env={"LANG": "zh_CN.UTF-8"})
    en = studykit("build", "--to", "docx", "--bogus", env={"LANG": "C"})
    assert zh.returncode == en.returncode == 2
    assert zh.stderr.startswith("studykit: 错误：没有选项 '--bogus'") and zh.stderr.count("\n") == 1
    assert "请看 'studykit build -h'" in zh.stderr
    assert en.stderr.startswith("studykit: error: No such option '--bogus'")
    assert "see 'studykit build -h'" in en.stderr and en.stderr.count("\n") == 1
    bad = studykit("build", "x.txt", "--paper", "A9", env={"LANG": "zh_CN.UTF-8"})
    assert bad.returncode == 2 and "'--paper' 的值无效" in bad.stderr and "Invalid" not in bad.stderr


def test_a_language_studykit_does_not_speak_is_an_error():
    r = studykit("--lang", "fr", "build", "x.txt")
    assert r.returncode == 2 and r.stderr.startswith("studykit: error: --lang: 'fr'")


def test_help_is_translated_and_build_help_is_grouped():
    zh = studykit("build", "-h", env={"LANG": "zh_CN.UTF-8"}).stdout
    en = studykit("build", "-h", env={"LANG": "C.UTF-8"}).stdout
    for heading in ("输入：", "输出：", "版式：", "学习辅导：", "性能：", "信息："):
        assert f"\n{heading}\n" in zh, heading
    for heading in ("Input:", "Outputs:", "Look:", "Study aids:", "Performance:", "Messages:"):
        assert f"\n{heading}\n" in en, heading
    assert zh.startswith("用法：") and "根据 SOURCES 生成讲义" in zh and "显示此帮助并退出" in zh
    assert "Build handouts (docx)" in en and "Show this message and exit." in en
    # --compile sits under outputs, --jobs under performance.
    outputs = en.split("\nOutputs:\n")[1].split("\n\n")[0]
    assert "--compile" in outputs and "--jobs" not in outputs
    # Chinese help is wrapped at the terminal's width, by display width.
    from pipeline.cli_help import width

    assert max(width(line) for line in zh.splitlines()) <= 80


def test_init_help_lists_only_what_init_does():
    out = studykit("init", "-h").stdout
    assert "List each file written" in out and "Nothing on standard error but errors" in out
    assert "progress bar" not in out and "built or skipped" not in out


def test_wrapping_never_starts_a_line_with_closing_punctuation():
    from pipeline.cli_help import width, wrap

    text = "信息和帮助的语言：zh（中文）或 en（英文）；也可以写在命令之后［默认：语言环境为中文时用 zh，否则用 en］。" * 3
    for columns in range(20, 60, 3):
        lines = wrap(text, columns).splitlines()
        assert all(width(line) <= columns for line in lines)
        assert not any(line[0] in "，。、；：）］”" for line in lines[1:]), lines
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_wrapping_keeps_an_opening_bracket_before_what_follows_it():
    from pipeline.cli_help import wrap

    assert wrap("名单（.csv 或 .xlsx）：每行一份", 80) == "名单（.csv 或 .xlsx）：每行一份"


def test_environment_decides_the_language():
    assert language_from_environment({"LANG": "zh_CN.UTF-8"}) == "zh"
    assert language_from_environment({"LANG": "zh_TW.UTF-8"}) == "zh"
    assert language_from_environment({"LANG": "en_US.UTF-8"}) == "en"
    assert language_from_environment({"LC_ALL": "zh_CN.UTF-8", "LANG": "C"}) == "zh"
    assert language_from_environment({"LANGUAGE": "en:zh", "LANG": "zh_CN.UTF-8"}) == "en"
    assert language_from_environment({"STUDYKIT_LANG": "zh", "LANG": "C"}) == "zh"
    assert language_from_environment({}) == "en"
    assert normalize("zh-Hans") == "zh" and normalize("fr_FR") is None


def test_accept_language_and_the_request_scope():
    assert from_accept_language("zh-CN,zh;q=0.9,en;q=0.8") == "zh"
    assert from_accept_language("en-US,en;q=0.9,zh-CN;q=0.8") == "en"
    assert from_accept_language("fr-FR, zh;q=0.5") == "zh"
    assert from_accept_language("fr-FR") is None and from_accept_language(None) is None
    assert from_accept_language("zh;q=0, en;q=0.1") == "en"
    message = "no date found"
    with use_language("zh"):
        assert _(message) == "没有找到日期"
        with use_language("en"):
            assert _(message) == message
        assert _(message) == "没有找到日期"
    assert _(message) == message


def test_the_page_answers_in_the_requests_language(tmp_path):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from pipeline.serve.app import Settings, create_app

    app = create_app(Settings(root=tmp_path, warm_up=False))
    with TestClient(app, base_url="http://127.0.0.1") as client:
        def error(**headers) -> str:
            r = client.post("/api/build", data={"outputs": "handout"},
                            headers={"x-studykit": "1", **headers})
            assert r.status_code == 400
            return r.json()["error"]

        assert error(**{"Accept-Language": "zh-CN,zh;q=0.9"}) == "没有源文件：请先粘贴文字或添加文件"
        assert error(**{"Accept-Language": "en-GB"}) == "no source: paste some text or add a file first"
        assert error() == "no source: paste some text or add a file first"  # the server's own
        client.cookies.set("lang", "zh")
        assert error(**{"Accept-Language": "en"}).startswith("没有源文件")
        r = client.post("/api/build", headers={"Accept-Language": "zh"})  # no page header
        assert r.status_code == 403 and r.json()["error"] == "请求必须来自 studykit 页面"


def test_check_report_in_both_languages(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("学习材料\n\n一、第一部分\n\n正文。\n\n三、第三部分\n\n正文。\n", encoding="utf-8")
    zh = studykit("check", str(src), env={"LANG": "zh_CN.UTF-8"}).stdout
    en = studykit("check", str(src), env={"LANG": "C.UTF-8"}).stdout
    assert zh.startswith(f"文件：{src}（纯文本，utf-8）") and "结构：" in zh and "没有找到日期" in zh
    assert en.startswith(f"File: {src} (plain text, utf-8)") and "Outline:" in en
    assert "no date found" in en and "numbering in the text jumps from 一、 to 三、" in en
    assert not re.search(r"[\u4e00-\u9fff]+：", en.replace(src.read_text(encoding="utf-8"), ""))


# --- the catalogs ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def catalogs():
    messages = load_script("messages")
    return messages, messages.template()


def test_every_message_has_a_chinese_translation(catalogs):
    messages, pot = catalogs
    missing = messages.missing(messages.read("zh_CN"), pot)
    assert not missing, (f"{len(missing)} messages without a translation: run `make messages`, "
                         f"translate them in pipeline/locale/zh_CN/LC_MESSAGES/studykit.po: "
                         f"{missing[:5]}")


def _fields(text: str) -> set[str]:
    named = {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}
    return named | set(re.findall(r"%\((\w+)\)s", text))


def test_translations_keep_the_placeholders(catalogs):
    messages, _pot = catalogs
    for msg in messages.read("zh_CN"):
        if not msg.id or not msg.string:
            continue
        if isinstance(msg.id, str):
            assert _fields(msg.string) == _fields(msg.id), msg.id
        else:  # one Chinese form for every number: it may use the fields of either
            allowed = _fields(msg.id[0]) | _fields(msg.id[1])
            assert _fields(msg.string[0]) <= allowed, msg.id


def test_compiled_catalog_is_up_to_date(catalogs):
    messages, _pot = catalogs
    po = messages.read("zh_CN")
    mo_path = LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "studykit.mo"
    with mo_path.open("rb") as f:
        compiled = gettext.GNUTranslations(f)._catalog
    expected = {}
    for msg in po:
        if not msg.id or msg.fuzzy or not msg.string:
            continue
        if isinstance(msg.id, str):
            expected[msg.id] = msg.string
        else:
            expected.update({(msg.id[0], i): s for i, s in enumerate(msg.string)})
    compiled = {k: v for k, v in compiled.items() if k != ""}
    assert compiled == expected, "pipeline/locale/*/studykit.mo is stale: run `make messages`"


_ERRORS = {"InputError", "OutputError", "TemplateError", "EnvironmentProblem", "StudykitError",
           "UsageProblem", "Busy", "Warning"}


def test_no_error_or_warning_is_left_untranslated():
    """Every message given to an error or a warning goes through _(): a literal there (with
    words in it) would reach the user in one language only."""
    found = []
    for path in sorted((ROOT / "pipeline").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in _ERRORS and node.args):
                continue
            arg = node.args[1] if node.func.id == "Warning" and len(node.args) > 1 else node.args[0]
            if node.func.id == "Warning" and len(node.args) < 2:
                continue
            literal = ""
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                literal = arg.value
            elif isinstance(arg, ast.JoinedStr):
                literal = "".join(v.value for v in arg.values if isinstance(v, ast.Constant))
            if re.search(r"[A-Za-z\u4e00-\u9fff]{2}", literal):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {literal[:50]!r}")
    assert not found, "\n".join(found)


def test_the_page_says_its_own_language(tmp_path):
    """The page's script sends the language the page is in: its API errors match it."""
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from pipeline.serve.app import Settings, create_app

    script = (ROOT / "pipeline" / "serve" / "static" / "app.js").read_text(encoding="utf-8")
    assert 'const HEADERS = { "X-Studykit": "1", "X-Studykit-Lang": document.documentElement.lang };' \
        in script
    calls = script.split("fetch(")[1:]
    assert calls and all("HEADERS" in call[:200] for call in calls)  # every request sends them
    app = create_app(Settings(root=tmp_path, warm_up=False))
    with TestClient(app, base_url="http://127.0.0.1") as client:
        r = client.post("/api/build", data={"outputs": "handout"},
                        headers={"x-studykit": "1", "x-studykit-lang": "zh-CN",
                                 "Accept-Language": "en-US"})
        assert r.json()["error"] == "没有源文件：请先粘贴文字或添加文件"
