"""`build --scheduler`: the jobs on a Dask cluster (`local:2` here), with the same results.

A roster of five good rows and one bad one is built once on a local cluster and once
with this machine's process pool; the tests read those builds.  Dask runs in processes
of their own (a Dask client leaves threads behind, and later tests fork).
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from buildutil import run

from pipeline.roster import MANIFEST_NAME
from pipeline.scale import parse_address

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
SEED = "seed_shiyishi.txt"
TITLE = "踔厉奋发勇毅前行 以党的二十大精神为指引书写新时代新答卷"
ROSTER = [
    ["单位", "日期", "时间", "地点", "主持人", "参加人员"],
    ["第一党支部", "2026-12-01", "下午3:00", "党员活动室", "张明", "李华、王芳、赵强"],
    ["第二党支部", "2026-12-02", "", "村委会会议室", "王建国", "全体党员"],
    ["第三党支部", "2026年12月3日", "", "", "", ""],
    ["机关/第四支部", "2026-12-04", "", "党群服务中心", "李卫东", ""],
    ["第五党支部", "2026-13-05", "", "", "", ""],  # no such date: reported, left out
    ["离退休干部党支部", "2026-12-06", "上午9:00", "老干部活动中心", "周明", "全体离退休党员"],
]
GOOD = {"第一党支部": "2026年12月1日", "第二党支部": "2026年12月2日", "第三党支部": "2026年12月3日",
        "机关_第四支部": "2026年12月4日", "离退休干部党支部": "2026年12月6日"}


def studykit(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("STUDYKIT_SCHEDULER", None)
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def builds(tmp_path_factory, corpus):
    pytest.importorskip("distributed")
    tmp = tmp_path_factory.mktemp("scale")
    seed = Path(shutil.copy(corpus / SEED, tmp / SEED))
    with open(tmp / "roster.csv", "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(ROSTER)
    common = ["build", str(seed), "--for", "roster.csv", "--to", "docx,pdf,slides"]
    dask = studykit(*common, "-o", "dask", "--scheduler", "local:2", cwd=tmp)
    manifest = read_manifest(tmp / "dask")
    pool = studykit(*common, "-o", "pool", "-j", "2", cwd=tmp)
    # Nothing to build: the scheduler (nobody listens there) is never contacted.
    rerun = studykit(*common, "-o", "dask", "--scheduler", "tcp://127.0.0.1:9", "-v", cwd=tmp)
    return SimpleNamespace(tmp=tmp, dask=dask, pool=pool, rerun=rerun, manifest=manifest)


def read_manifest(out: Path) -> list[dict]:
    with open(out / MANIFEST_NAME, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def page_text(pdf: Path, index: int) -> str:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        return doc[index].get_textpage().get_text_range()
    finally:
        doc.close()


def docx_text(path: Path) -> str:
    import re

    with zipfile.ZipFile(path) as z:
        return "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>",
                                  z.read("word/document.xml").decode()))


def test_five_folders_with_each_rows_names_on_covers_and_handouts(builds):
    out = builds.tmp / "dask"
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == sorted(GOOD)
    for folder, date in GOOD.items():
        article = out / folder / TITLE
        names = sorted(p.name.removeprefix(TITLE) for p in article.iterdir())
        assert names == [".booklet.pdf", ".handout.docx", ".outline.md", ".print.pdf",
                         ".slides.pptx"]
        org = folder.replace("_", "/")
        cover = page_text(article / f"{TITLE}.booklet.pdf", 0).replace("\r\n", "\n")
        assert org in cover and date in cover
        handout = docx_text(article / f"{TITLE}.handout.docx")
        assert handout.startswith(org) and f"学习时间：{date}" in handout
        assert "学习记录" in handout
    record = docx_text(out / "第一党支部" / TITLE / f"{TITLE}.handout.docx")
    for piece in ("2026年12月1日\u3000下午3:00", "党员活动室", "张明", "李华、王芳、赵强"):
        assert piece in record


def test_a_bad_row_is_reported_and_the_rest_built(builds):
    assert builds.dask.returncode == 2, builds.dask.stderr
    err = builds.dask.stderr
    assert ("studykit: error: roster.csv: row 6: session_date: '2026-13-05' is not a date"
            in err)
    assert "roster.csv: 5 of 6 rows built or up to date, 1 failed" in err
    assert "Traceback" not in err and "distributed" not in err
    manifest = builds.manifest
    assert [(m["row"], m["status"]) for m in manifest] == [
        ("2", "built"), ("3", "built"), ("4", "built"), ("5", "built"), ("6", "failed"),
        ("7", "built")]
    assert all(len(m["files"].split(";")) == 5 for m in manifest if m["status"] == "built")
    assert len([line for line in builds.dask.stdout.splitlines() if line]) == 25


def test_an_unchanged_rerun_builds_nothing(builds):
    err = builds.rerun.stderr
    assert "15 of 15 outputs up to date, building 0" in err
    assert "cannot reach" not in err and builds.rerun.returncode == 2  # row 6 is still bad
    assert {m["status"] for m in read_manifest(builds.tmp / "dask")} == {"up to date", "failed"}


def test_the_same_outputs_as_without_dask(builds):
    """PDFs and Markdown byte for byte; Word and PowerPoint files part for part (a zip
    records when each part was written)."""
    assert builds.pool.returncode == 2, builds.pool.stderr
    a, b = builds.tmp / "pool", builds.tmp / "dask"
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file()
                   and not p.name.startswith("."))
    assert files == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file()
                           and not p.name.startswith("."))
    assert len(files) == 26
    for rel in files:
        if rel.name == MANIFEST_NAME:  # the rerun rewrote Dask's: compare its first one
            assert read_manifest(a) == builds.manifest
        elif rel.suffix in (".docx", ".pptx"):
            with zipfile.ZipFile(a / rel) as za, zipfile.ZipFile(b / rel) as zb:
                assert za.namelist() == zb.namelist()
                for name in za.namelist():
                    assert za.read(name) == zb.read(name), (rel, name)
        else:
            assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_worker_deaths_are_retried_once_then_reported_and_ctrl_c_cancels(tmp_path, corpus):
    pytest.importorskip("distributed")
    proc = subprocess.run([sys.executable, str(ROOT / "tests" / "scale_probe.py"),
                           str(corpus / SEED), str(tmp_path / "out"), str(tmp_path / "mark")],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    found = json.loads(proc.stdout)
    [(status, error, outputs)] = found["once"]  # its worker died; the second try built it
    assert status == "built" and (tmp_path / "mark").exists() and Path(outputs[0]).is_file()
    [(status, error, code)] = found["always"]
    assert status == "failed" and code == 70
    assert error.startswith("internal error: the Dask worker running it died, 2 times")
    assert found["interrupted"] and found["finished"] == 1
    assert found["left"] == 0  # every other job cancelled
    assert len(found["written"]) < 8


# --- addresses and errors -------------------------------------------------------------

@pytest.mark.parametrize(("given", "meant"), [
    ("local:2", "local:2"), ("tcp://10.0.0.5:8786", "tcp://10.0.0.5:8786"),
    ("10.0.0.5:8786", "tcp://10.0.0.5:8786"), ("tls://sched.example:8786", "tls://sched.example:8786"),
])
def test_scheduler_addresses(given, meant):
    assert parse_address(given) == meant


@pytest.mark.parametrize(("given", "message"), [
    ("local:0", "from 1 to 512"), ("local:x", "expected local:N"),
    ("tcp://a b:1", "expected tcp://HOST:PORT or local:N"),
])
def test_bad_scheduler_addresses_are_one_line(tmp_path, corpus, capsys, given, message):
    pytest.importorskip("distributed")
    seed = shutil.copy(corpus / SEED, tmp_path / SEED)
    code, _, err = run(["build", str(seed), "--scheduler", given, "-o", str(tmp_path / "o")],
                       capsys)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()


def test_without_dask_the_error_names_the_extra(tmp_path, corpus, capsys, monkeypatch):
    from pipeline.extras import EXTRAS

    monkeypatch.setitem(EXTRAS, "dask", ("studykit-no-such-part",))
    monkeypatch.setenv("STUDYKIT_SCHEDULER", "local:2")
    seed = shutil.copy(corpus / SEED, tmp_path / SEED)
    code, _, err = run(["build", str(seed), "-o", str(tmp_path / "o")], capsys)
    assert code == 5
    assert err == ("studykit: error: --scheduler needs Dask (studykit-no-such-part), which is "
                   "not installed: pip install 'studykit[dask]'\n")
    assert not (tmp_path / "o").exists()
    code, _, err = run(["--lang", "zh", "build", str(seed), "-o", str(tmp_path / "o")], capsys)
    assert code == 5 and err == ("studykit: 错误：--scheduler 需要 Dask（studykit-no-such-part），"
                                 "但没有安装：pip install 'studykit[dask]'\n")


def test_an_unreachable_scheduler_is_one_line(tmp_path, corpus):
    pytest.importorskip("distributed")
    seed = shutil.copy(corpus / SEED, tmp_path / SEED)
    code = ("import sys; import pipeline.scale as s; s.CONNECT_TIMEOUT = 2; "
            "from pipeline.cli import main; main(sys.argv[1:])")
    proc = subprocess.run([sys.executable, "-c", code, "build", str(seed), "--to", "docx",
                           "--scheduler", "tcp://127.0.0.1:9", "-o", str(tmp_path / "o")],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 5, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "studykit: error: --scheduler tcp://127.0.0.1:9: cannot reach the Dask scheduler")
    assert not list((tmp_path / "o").rglob("*.docx"))


# --- a job is a pure function of what it is sent (no cluster needed to see it) ---------

def test_a_shipped_job_builds_from_its_inputs_alone(tmp_path, corpus):
    """run_shipped in this process: the source, templates and glossary arrive as bytes,
    the outputs leave as bytes, the same as a build here, and errors name the user's files."""
    from pipeline.build import plan_jobs, run_job
    from pipeline.cache import code_fingerprint
    from pipeline.corrections import Corrections
    from pipeline.errors import EXIT_ENVIRONMENT
    from pipeline.options import AidOptions, BuildOptions
    from pipeline.scale import gather_inputs, run_shipped
    from pipeline.templating import builtin_templates_dir

    seed = str(shutil.copy(corpus / SEED, tmp_path / SEED))
    glossary = tmp_path / "mine.toml"
    glossary.write_text('["四个意识"]\ndefinition = "本地释义：政治意识、大局意识、核心意识、看齐意识。"\n'
                        'source = "某某县委组织部"\n', encoding="utf-8")
    mine = tmp_path / "templates" / "handout"
    mine.mkdir(parents=True)
    shutil.copy(builtin_templates_dir() / "handout" / "handout.docx", mine / "handout.docx")
    opts = BuildOptions(out_dir=tmp_path / "here", template_dirs=[tmp_path / "templates"],
                        aids=AidOptions(glossary_files=[glossary]), row={"org": "一支部"},
                        corrections={seed: Corrections(title="新的标题")})
    [job] = plan_jobs([seed], ["docx"], False)
    inputs = gather_inputs([job], opts)
    shipped = run_shipped(job, opts, code_fingerprint(), *inputs.for_job(job, opts))
    assert shipped.status == "built", shipped.error
    assert list(shipped.files) == ["新的标题/新的标题.handout.docx"]
    local = run_job(job, opts)
    with zipfile.ZipFile(local.outputs[0]) as z:
        here = {n: z.read(n) for n in z.namelist()}
    with zipfile.ZipFile(io.BytesIO(shipped.files["新的标题/新的标题.handout.docx"])) as z:
        assert {n: z.read(n) for n in z.namelist()} == here
    assert "本地释义" in here["word/document.xml"].decode()

    glossary.write_text("not = [toml", encoding="utf-8")
    broken = run_shipped(job, opts, code_fingerprint(), *gather_inputs([job], opts).for_job(job, opts))
    assert broken.status == "failed" and broken.error.startswith(f"{glossary}: not a valid TOML")
    assert "studykit-job-" not in broken.error

    other = run_shipped(job, opts, "another studykit",
                        *inputs.for_job(job, opts))
    assert other.status == "failed" and other.exit_code == EXIT_ENVIRONMENT
    assert "runs another studykit" in other.error and "install the same one" in other.error
