"""`studykit serve` end to end in a real headless browser (Debian's chromium + chromedriver).

The server runs as the real command (``python -m pipeline serve``) on a free
loopback port; Selenium drives /usr/bin/chromium through /usr/bin/chromedriver,
so nothing is downloaded.  Set STUDYKIT_SCREENSHOTS=/some/dir to keep
screenshots of the page: empty, with an outline, after a build, with an error.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow

if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    pytest.skip("chromium/chromedriver not installed (scripts/install-system-packages installs "
                "them)", allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium not installed (dev extra)")

from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    """Until /healthz says the writers are loaded (or the server died)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {proc.stdout.read() if proc.stdout else ''}")
        try:
            with urllib.request.urlopen(url + "healthz", timeout=2) as r:
                if b'"warm":true' in r.read():
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError("server did not become ready")


@contextlib.contextmanager
def running_server(cwd: Path, *options: str):
    """``studykit serve`` on a free port in ``cwd``: (url, process) once it answers; stopped after."""
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", "--port", str(port),
                             *options], cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_ready(url, proc)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    # not a workspace: the built-in templates
    with running_server(tmp_path_factory.mktemp("serve-cwd"), "--no-browser") as (url, _proc):
        yield url


@pytest.fixture(scope="module")
def downloads(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(tmp_path_factory, downloads):
    profile = tmp_path_factory.mktemp("chromium-profile")
    opts = Options()
    opts.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", f"--user-data-dir={profile}",
                 "--window-size=1280,1400", "--lang=zh-CN"):
        opts.add_argument(flag)
    opts.add_experimental_option("prefs", {
        "download.default_directory": str(downloads),
        "download.prompt_for_download": False,
        "safebrowsing.enabled": False,
    })
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=opts)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                           {"behavior": "allow", "downloadPath": str(downloads)})
    try:
        yield driver
    finally:
        driver.quit()


def shot(driver, name: str) -> None:
    folder = os.environ.get("STUDYKIT_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        driver.execute_script("window.scrollTo(0, 0)")
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(1280, max(900, min(int(height) + 40, 4000)))
        driver.save_screenshot(str(Path(folder) / f"{name}.png"))
        driver.set_window_size(1280, 1400)


def wait_download(folder: Path, suffix: str, timeout: float = 60) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [p for p in folder.iterdir() if p.name.endswith(suffix)]
        if done and not any(p.suffix == ".crdownload" for p in folder.iterdir()):
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"no {suffix} downloaded; folder has {sorted(os.listdir(folder))}")


def fresh(driver, url: str) -> None:
    """The page as a first visit sees it: nothing kept from an earlier test."""
    driver.get(url)
    driver.execute_script("localStorage.clear(); sessionStorage.clear();"
                          "indexedDB.deleteDatabase('studykit');")
    driver.get(url)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_page_upload_build_download_and_error(server, browser, downloads, corpus, tmp_path):
    from pipeline.model import section_name
    from pipeline.readers import read

    seed = corpus / "seed_shiyishi.txt"
    headings = [section_name(s) for s in read(seed).sections]
    assert len(headings) == 4
    wait = WebDriverWait(browser, 120)

    fresh(browser, server)
    assert "学习材料生成" in browser.find_element(By.TAG_NAME, "h1").text
    assert not browser.find_element(By.ID, "build").is_enabled()
    shot(browser, "1-empty")

    # Upload the seed: its fields and outline show, with the four headings; the full
    # check report is one click away.
    browser.find_element(By.ID, "file-input").send_keys(str(seed))
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#sources li.source.ok pre.tree")))
    rows = [r.text for r in browser.find_elements(By.CSS_SELECTOR, ".outline-edit .orow .otext")]
    assert [r[:20] for r in rows if r[:2] in ("一、", "二、", "三、", "四、")] == \
        [h[:20] for h in headings]
    title = browser.find_element(By.CSS_SELECTOR, "#sources li input[data-field=title]")
    assert title.get_attribute("value") == read(seed).meta.title
    browser.find_element(By.CSS_SELECTOR, "#sources li details.outline summary").click()
    tree = browser.find_element(By.CSS_SELECTOR, "#sources li.source.ok pre.tree").text
    for heading in headings:
        assert heading[:20] in tree, heading
    assert heading.startswith("四、")
    assert "结构：" in tree and "警告" in tree
    shot(browser, "2-outline")

    # Build with an organisation name; the page lists the files and shows previews.
    browser.find_element(By.NAME, "org").send_keys("十一师党委组织部")
    browser.find_element(By.ID, "build").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "status"), "已生成"))
    links = {a.get_attribute("data-kind"): a
             for a in browser.find_elements(By.CSS_SELECTOR, "#downloads a.download")}
    assert {"handout", "booklet", "print", "outline", "slides"} <= set(links)
    wait.until(lambda d: d.execute_script(
        "const imgs = [...document.querySelectorAll('#previews img')];"
        "return imgs.length > 0 && imgs.every(i => i.complete && i.naturalWidth > 300);"))
    shot(browser, "3-built")

    # Download the handout and the reading booklet through the browser, check their text.
    links["handout"].click()
    docx_path = wait_download(downloads, ".docx")
    links["booklet"].click()
    pdf_path = wait_download(downloads, ".booklet.pdf")

    import docx
    from pypdf import PdfReader

    word = docx.Document(str(docx_path))
    word_text = squeeze("\n".join(p.text for p in word.paragraphs))
    pdf_text = squeeze("\n".join(page.extract_text() or "" for page in PdfReader(pdf_path).pages))
    for heading in headings:
        title = squeeze(heading.split("、", 1)[1])[:12]
        assert title in word_text, title
        assert title in pdf_text, title
    assert "十一师党委组织部" in word_text

    # Reload: the article, the organisation and the last build's downloads are still there.
    browser.refresh()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#sources li.source.ok")))
    assert len(browser.find_elements(By.CSS_SELECTOR, "#sources li.source")) == 1
    assert browser.find_element(By.NAME, "org").get_attribute("value") == "十一师党委组织部"
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#downloads a.download")) == 5)
    assert "还可以下载" in browser.find_element(By.ID, "status").text

    # A build the server refuses: the Chinese message beside the button, no success status.
    browser.execute_script("document.querySelector('input[name=org]').value = '单'.repeat(150)")
    browser.find_element(By.ID, "build").click()
    message = browser.find_element(By.ID, "build-msg")
    wait.until(EC.visibility_of(message))
    assert "100" in message.text and re.search(r"[\u4e00-\u9fff]{4}", message.text), message.text
    assert browser.find_element(By.ID, "status").text == "生成失败"
    assert message.get_attribute("role") == "alert"
    # next to the button: directly below the build row, in step 3
    assert message.find_element(By.XPATH, "ancestor::section").get_attribute("id") == "step-build"
    shot(browser, "4-build-failed")
    browser.find_element(By.NAME, "org").clear()

    # A binary file named .txt: the CLI's one-line message, on the file's row.
    bad = tmp_path / "坏文件.txt"
    bad.write_bytes(bytes(range(256)) * 40)
    browser.find_element(By.ID, "file-input").send_keys(str(bad))
    error = wait.until(EC.visibility_of_element_located(
        (By.CSS_SELECTOR, "#sources li.source.bad .bad-note")))
    cli = subprocess.run([sys.executable, "-m", "pipeline", "--lang", "zh", "check", bad.name],
                         cwd=tmp_path, capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=str(ROOT)))
    cli_message = cli.stderr.strip().removeprefix("studykit: 错误：")
    assert cli_message.startswith("坏文件.txt：不是文本文件（二进制数据）")  # the page is Chinese
    assert cli_message in error.text
    assert browser.find_elements(By.CSS_SELECTOR, "#sources li.source.bad")
    # A file of spaces (full-width ones too) and the same article twice: flagged on their rows.
    blank = tmp_path / "空白.txt"
    blank.write_text("　　 \n\n　　\n", encoding="utf-8")
    browser.find_element(By.ID, "file-input").send_keys(str(blank))
    browser.find_element(By.ID, "file-input").send_keys(str(seed))
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#sources li.source.flagged")) == 3)
    notes = [n.text for n in browser.find_elements(By.CSS_SELECTOR, "#sources li .bad-note")]
    assert any("没有正文" in n for n in notes) and any("与第 1 篇内容完全相同" in n for n in notes)
    shot(browser, "5-error")

    # Building asks first: the three are left out only when the user agrees.
    browser.find_element(By.ID, "build").click()
    consent = browser.find_element(By.ID, "consent")
    wait.until(EC.visibility_of(consent))
    assert "有 3 篇文章不能生成" in consent.text and "坏文件.txt" in consent.text
    browser.find_element(By.ID, "consent-no").click()
    assert not consent.is_displayed()
    browser.find_element(By.ID, "build").click()
    browser.find_element(By.ID, "consent-yes").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "status"), "已生成"))
    assert browser.switch_to.active_element.get_attribute("id") == "results-title"

    # The server is still there.
    with urllib.request.urlopen(server + "healthz", timeout=5) as r:
        assert r.status == 200
    shutil.rmtree(downloads, ignore_errors=True)


def test_paste_reorder_and_compile(server, browser, corpus):
    """Pasted text and a file, put in another order, built into one 学习汇编."""
    from pipeline.readers import read

    tiny = corpus / "pd_tiny_wangjiarui.txt"
    tiny_title = read(tiny).meta.title
    wait = WebDriverWait(browser, 120)
    fresh(browser, server)

    browser.find_element(By.CSS_SELECTOR, "#paste-box summary").click()
    browser.find_element(By.ID, "paste").send_keys(
        "学习材料甲\n\n一、第一部分\n\n这是第一部分的正文，讲学习的意义。\n\n"
        "二、第二部分\n\n这是第二部分的正文，讲学习的方法。\n")
    browser.find_element(By.ID, "paste-add").click()
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#sources li.source.ok")) == 1)
    browser.find_element(By.ID, "file-input").send_keys(str(tiny))
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#sources li.source.ok")) == 2)

    def titles() -> list[str]:
        return [t.text for t in browser.find_elements(By.CSS_SELECTOR, "#sources li .title")]

    assert titles() == ["学习材料甲", tiny_title]
    first = browser.find_elements(By.CSS_SELECTOR, "#sources li")[0]
    first.find_element(By.CSS_SELECTOR, "button[title='下移']").click()
    assert titles() == [tiny_title, "学习材料甲"]
    # the focus stays on the button pressed, now in the second row; it names the article
    focused = browser.switch_to.active_element
    assert focused.get_attribute("aria-label") == "下移：学习材料甲"
    assert browser.find_elements(By.CSS_SELECTOR, "#sources > li")[1].find_element(
        By.CSS_SELECTOR, "button[title='下移']") == focused

    assert browser.find_element(By.ID, "compile-box").is_displayed()
    browser.find_element(By.NAME, "compile").click()
    browser.find_element(By.NAME, "title").send_keys("测试学习汇编")
    for box in browser.find_elements(By.NAME, "outputs"):
        if box.get_attribute("value") != "booklet":
            box.click()
    browser.find_element(By.ID, "build").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "status"), "已生成"))
    links = browser.find_elements(By.CSS_SELECTOR, "#downloads a.download")
    assert [a.get_attribute("download") for a in links] == ["测试学习汇编.booklet.pdf"]

    import io

    from pypdf import PdfReader

    with urllib.request.urlopen(links[0].get_attribute("href"), timeout=30) as r:
        pdf = PdfReader(io.BytesIO(r.read()))
    text = squeeze("".join(page.extract_text() or "" for page in pdf.pages))
    assert "测试学习汇编" in text
    # the articles in the order chosen on the page (in the 目录 and the chapters)
    assert squeeze(tiny_title) in text and "学习材料甲" in text
    assert text.index(squeeze(tiny_title)) < text.index("学习材料甲")
    assert text.rindex(squeeze(tiny_title)) < text.rindex("学习材料甲")


# A WeChat copy as people paste it (account line, 听全文, a part heading 引言, a credit at
# the end), its title line carrying the date of the list it was copied from: the review
# flags the title.
WECHAT_COPY = (
    "2024年3月5日 谱写中朝友谊新篇，维护半岛和平稳定\n原创 组工学习 某某县委组织部 2024年03月05日 08:30 浙江\n\n"
    "听全文\n\n引言\n\n"
    "近日，某某县委组织部组织全体党员干部开展专题学习，深入学习贯彻党的二十大精神，进一步提高政治站位。"
    "大家一致认为，要把学习成果转化为推动工作的强大动力。\n\n"
    "一、提高政治站位\n\n"
    "要坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神，切实增强“四个意识”、"
    "坚定“四个自信”、做到“两个维护”。\n\n"
    "二、狠抓工作落实\n\n"
    "要以钉钉子精神抓好各项工作落实，确保各项部署落地见效。\n\n"
    "结束语\n\n全体党员干部要以此次学习为契机，真抓实干。\n\n（王小明）\n")
RIGHT_TITLE = "谱写中朝友谊新篇，维护半岛和平稳定"


def test_correct_a_wechat_copy_then_build(server, browser):
    """Paste a copy whose title swallowed the account line, see the warning, correct the
    title and demote a heading, build: the handout and booklet carry the corrections, and
    the corrections come back when the same text is added again after a reload."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.keys import Keys

    # The list is drawn again after each correction: an element may go stale under a wait.
    wait = WebDriverWait(browser, 120, ignored_exceptions=[StaleElementReferenceException])
    fresh(browser, server)
    browser.find_element(By.CSS_SELECTOR, "#paste-box summary").click()
    browser.find_element(By.ID, "paste").send_keys(WECHAT_COPY)
    browser.find_element(By.ID, "paste-add").click()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#sources li.source.ok .review")))
    item = browser.find_element(By.CSS_SELECTOR, "#sources li.source.ok")
    title_row = item.find_element(By.CSS_SELECTOR, ".meta-row.flagged input[data-field=title]")
    assert title_row.get_attribute("value") != RIGHT_TITLE  # read wrong: the premise
    assert item.find_element(By.CSS_SELECTOR, ".meta-row.flagged .issue").text
    shot(browser, "5-wechat-before")

    # Correct the title (typed over the old one) and demote 二、 under 一、.
    title_row.send_keys(Keys.CONTROL, "a")
    title_row.send_keys(RIGHT_TITLE)
    wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, ".meta-row.flagged input[data-field=title]"))
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".meta-row .badge"))

    def outline_row(text: str):
        return next(r for r in browser.find_elements(By.CSS_SELECTOR, ".outline-edit .orow")
                    if text in r.find_element(By.CSS_SELECTOR, ".otext").text)

    outline_row("二、狠抓工作落实").find_element(By.XPATH, ".//button[text()='降级']").click()
    wait.until(lambda d: outline_row("二、狠抓工作落实").find_element(
        By.CSS_SELECTOR, ".olevel").text == "2 级")
    assert "lvl-2" in outline_row("二、狠抓工作落实").get_attribute("class")
    assert "├─ L2 二、狠抓工作落实" in browser.find_element(
        By.CSS_SELECTOR, "#sources li .tree").get_attribute("textContent")
    assert browser.find_element(By.CSS_SELECTOR, "#sources li .title").text == RIGHT_TITLE

    # The credit line dropped by the parser goes back into the text; 结束语 is made text and
    # back into a heading.
    browser.find_element(By.CSS_SELECTOR, "details.dropped summary").click()
    row = next(li for li in browser.find_elements(By.CSS_SELECTOR, "details.dropped li")
               if li.find_element(By.CSS_SELECTOR, ".ltext").text == "（王小明）")
    row.find_element(By.XPATH, ".//button[text()='恢复到正文']").click()
    wait.until(lambda d: not [li for li in d.find_elements(By.CSS_SELECTOR, "details.dropped li")
                              if li.find_element(By.CSS_SELECTOR, ".ltext").text == "（王小明）"])
    outline_row("结束语").find_element(By.XPATH, ".//button[text()='改为正文']").click()
    wait.until(lambda d: outline_row("结束语").find_element(By.CSS_SELECTOR, ".olevel").text == "正文")
    outline_row("结束语").find_element(By.XPATH, ".//button[text()='恢复为标题']").click()
    wait.until(lambda d: outline_row("结束语").find_element(By.CSS_SELECTOR, ".olevel").text == "1 级")
    authors = browser.find_element(By.CSS_SELECTOR, "input[data-field=authors]")
    authors.send_keys(Keys.CONTROL, "a")
    authors.send_keys("某某县委组织部")
    wait.until(lambda d: not d.find_elements(By.CSS_SELECTOR, ".meta-row.flagged input[data-field=authors]"))
    shot(browser, "6-wechat-corrected")

    # Build the handout and the booklet only; both carry the corrected title.
    for box in browser.find_elements(By.NAME, "outputs"):
        if box.get_attribute("value") not in ("handout", "booklet") and box.is_selected():
            box.click()
    browser.find_element(By.ID, "build").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "status"), "已生成"))
    links = {a.get_attribute("data-kind"): a.get_attribute("href")
             for a in browser.find_elements(By.CSS_SELECTOR, "#downloads a.download")}
    assert set(links) == {"handout", "booklet"}
    assert all(RIGHT_TITLE in urllib.request.unquote(href) for href in links.values())

    import io

    import docx
    from pypdf import PdfReader

    with urllib.request.urlopen(links["handout"], timeout=30) as r:
        word = docx.Document(io.BytesIO(r.read()))
    paragraphs = [p for p in word.paragraphs if p.text.strip()]
    word_text = squeeze("\n".join(p.text for p in paragraphs))
    assert squeeze(RIGHT_TITLE) in word_text and "08:30" not in word_text
    assert "某某县委组织部" in word_text
    style = {p.text.strip(): p.style.name for p in paragraphs}
    assert style["一、提高政治站位"] != style["二、狠抓工作落实"]  # now a second-level heading
    assert style["结束语"] == style["一、提高政治站位"]  # a heading again
    assert "（王小明）" in word_text  # put back
    with urllib.request.urlopen(links["booklet"], timeout=30) as r:
        pdf = PdfReader(io.BytesIO(r.read()))
    pdf_text = squeeze("".join(page.extract_text() or "" for page in pdf.pages))
    assert squeeze(RIGHT_TITLE) in pdf_text and "08:30" not in pdf_text
    shot(browser, "7-wechat-built")

    # The corrections live with this tab: after a reload, the same text gets them back.
    browser.refresh()
    browser.find_element(By.CSS_SELECTOR, "#paste-box summary").click()
    browser.find_element(By.ID, "paste").send_keys(WECHAT_COPY)
    browser.find_element(By.ID, "paste-add").click()
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#sources li.source.ok .review")))
    again = browser.find_element(By.CSS_SELECTOR, "#sources li.source.ok")
    assert again.find_element(By.CSS_SELECTOR, "input[data-field=title]").get_attribute("value") == RIGHT_TITLE
    assert outline_row("二、狠抓工作落实").find_element(By.CSS_SELECTOR, ".olevel").text == "2 级"


def queue_builds(url: str, files: list[Path], headers: dict | None = None) -> list[str]:
    """Builds asked for by others (through the API): the page's build waits behind them."""
    import httpx

    ids = []
    with httpx.Client(base_url=url, headers={"X-Studykit": "1", **(headers or {})},
                      timeout=60) as client:
        for path in files:
            r = client.post("/api/jobs", files=[("files", (path.name, path.read_bytes()))],
                            data={"outputs": ["booklet", "print", "slides"], "variant": "large-print"})
            assert r.status_code == 202, r.text
            ids.append(r.json()["id"])
    return ids


def cancel_builds(url: str, ids: list[str], headers: dict | None = None) -> None:
    import httpx

    with httpx.Client(base_url=url, headers={"X-Studykit": "1", **(headers or {})}) as client:
        for job in ids:
            client.post(f"/api/jobs/{job}/cancel")


def test_queue_position_stages_and_cancel(server, browser, corpus):
    """With builds waiting, the page says where its build is in the queue, then its
    stages; 取消生成 stops it."""
    from selenium.common.exceptions import StaleElementReferenceException

    wait = WebDriverWait(browser, 180, poll_frequency=0.2,
                         ignored_exceptions=[StaleElementReferenceException])
    fresh(browser, server)
    browser.find_element(By.ID, "file-input").send_keys(str(corpus / "pd_tiny_wangjiarui.txt"))
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#sources li.source.ok")))
    others = sorted(p for p in corpus.glob("*.txt") if p.stat().st_size > 3000)[:5]
    ids = queue_builds(server, others)
    try:
        browser.find_element(By.ID, "build").click()
        wait.until(EC.text_to_be_present_in_element((By.ID, "status"), "排队中，前面还有"))
        ahead = int(re.search(r"前面还有 (\d+) 个", browser.find_element(By.ID, "status").text)[1])
        assert 1 <= ahead <= len(others)
        stages = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#stages li")]
        assert [t.split()[0] for t in stages] == ["解析", "讲义", "手册", "幻灯片"]
        assert browser.find_element(By.ID, "cancel").is_displayed()
        shot(browser, "8-queue")
        # cancelled while waiting: it never runs
        browser.find_element(By.ID, "cancel").click()
        wait.until(EC.text_to_be_present_in_element((By.ID, "status"), "已取消"))
        assert not browser.find_element(By.ID, "cancel").is_displayed()
        # the others cancelled (those waiting never start, those running stop at their next
        # stage), asked again, it goes through its stages to the end
        cancel_builds(server, ids)
        browser.find_element(By.ID, "build").click()
        wait.until(EC.text_to_be_present_in_element((By.ID, "status"), "已生成"))
        stages = browser.find_elements(By.CSS_SELECTOR, "#stages li")
        assert [li.get_attribute("class") for li in stages] == ["done"] * 4
        assert all(li.text.endswith("✓") for li in stages)
    finally:
        cancel_builds(server, ids)


LAN_CODE = "TEST-CODE-2026"


@pytest.fixture(scope="module")
def lan_server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("serve-lan"), "--lan", "--access-code",
                        LAN_CODE) as served:
        yield served


def test_lan_mode_needs_the_code_and_keeps_sessions_apart(lan_server, browser, corpus):
    import httpx

    url, proc = lan_server
    wait = WebDriverWait(browser, 120)
    browser.delete_all_cookies()
    browser.get(url)
    # no code: the page asks for it; the API refuses
    assert browser.current_url.endswith("/login")
    assert "输入访问码" in browser.page_source
    shot(browser, "9-lan-code")
    assert httpx.get(url + "healthz").status_code == 200
    assert httpx.post(url + "api/jobs", headers={"X-Studykit": "1"}).status_code == 401
    browser.find_element(By.ID, "code").send_keys("WRONG-CODE")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    assert "访问码不对" in browser.find_element(By.ID, "login-error").text
    # the code (any case, without the dash) opens the page
    browser.find_element(By.ID, "code").send_keys(LAN_CODE.lower().replace("-", ""))
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(EC.presence_of_element_located((By.ID, "build")))
    cookie = browser.get_cookie("studykit_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    fresh(browser, url)
    browser.find_element(By.ID, "file-input").send_keys(str(corpus / "pd_tiny_wangjiarui.txt"))
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#sources li.source.ok")))
    for box in browser.find_elements(By.NAME, "outputs"):
        if box.get_attribute("value") != "handout":
            box.click()
    browser.find_element(By.ID, "build").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "status"), "已生成"))
    link = browser.find_element(By.CSS_SELECTOR, "#downloads a.download").get_attribute("href")
    mine = {"studykit_session": cookie["value"]}
    assert httpx.get(link, cookies=mine).status_code == 200
    # a script with the code as a Bearer token is another session: not its file
    bearer = {"Authorization": f"Bearer {LAN_CODE}"}
    assert httpx.get(url, headers=bearer).status_code == 200
    assert httpx.get(link, headers=bearer).status_code == 404

    # A second person logs in: the first one's file is not theirs to download.
    browser.delete_all_cookies()
    browser.get(url)
    browser.find_element(By.ID, "code").send_keys(LAN_CODE)
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(EC.presence_of_element_located((By.ID, "build")))
    browser.get(link)
    assert "这个下载链接已经失效" in browser.find_element(By.TAG_NAME, "h2").text
    other = {"studykit_session": browser.get_cookie("studykit_session")["value"]}
    assert other != mine and httpx.get(link, cookies=other).status_code == 404
    # the access log names who built which file, without the text
    proc.terminate()
    out = proc.communicate(timeout=30)[0]
    assert "pd_tiny_wangjiarui.txt" in out and "handout" in out and LAN_CODE in out
