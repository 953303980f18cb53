"""Options a build is run with: set by the CLI (or a config file), read by enrich and writers."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.corrections import Corrections

FORMATS = ("docx", "pdf", "slides")
VARIANTS = ("official", "large-print", "plain")
SHEETS = ("auto", "A4", "A3", "B4")
# A roster row's session details, printed on the 学习记录 page (BuildOptions.row).
RECORD_FIELDS = ("session_time", "place", "host", "recorder", "attendees")


@dataclass
class AidOptions:
    """Which study aids to make; each can be switched off."""

    excerpts: bool = True  # 重点摘编
    glossary: bool = True  # 名词解释
    questions: bool = True  # 思考讨论题
    quiz: bool = True  # 学习测试
    notes: bool = True  # 学习笔记
    glossary_files: list[Path] = field(default_factory=list)  # user glossaries, TOML

    @classmethod
    def none(cls) -> AidOptions:
        return cls(excerpts=False, glossary=False, questions=False, quiz=False, notes=False)


@dataclass
class BuildOptions:
    out_dir: Path = Path("output")
    org: str = ""  # 十一师党委组织部
    session_date: str | None = None  # ISO date of the study session
    # A roster row's values by column (pipeline.roster): ``row.<name>`` in the templates and
    # the 学习记录 page's fields; empty outside a ``--for`` build.
    row: dict[str, str] = field(default_factory=dict)
    variant: str = "official"
    aids: AidOptions = field(default_factory=AidOptions)
    # Template folders searched before the built-in ones (a workspace's
    # templates/); each holds the same sub-folders as the built-ins.
    template_dirs: list[Path] = field(default_factory=list)
    paper: str = "A5"  # booklet page size: A5, A4, B5
    # imposed sheet: "auto" (the one holding two pages at 100 %: A5 → A4, B5 → B4, A4 → A3),
    # or A4, A3, B4 (a smaller one scales the pages down, with a warning)
    print_sheet: str = "auto"
    creep_mm: float = 0.0  # creep compensation: the innermost sheet's shift toward the fold
    crop_marks: bool = False  # trim marks on the print PDF (where the sheet has room)
    slides_template: Path | None = None  # a user's .pptx
    compile_title: str = ""  # --compile --title
    # The user's corrections by source (as given to build): -M, studykit.toml, the page.
    # Not an option of every output: each source's part goes into that source's cache key.
    corrections: dict[str, Corrections] = field(default_factory=dict)
    bold_headings: bool = False  # handout heading levels 2–4 in bold (local practice)
    # The outputs' name when it is not the title: set by the build for one source of
    # several that share a title (see pipeline.names).
    output_stem: str = ""
    ocr: bool = False  # read scanned PDF pages with Tesseract (--ocr)
    # Seconds each output may take (--timeout, studykit.toml ``timeout``); 0: no limit.
    # Not part of what an output depends on: the build cache ignores it.
    timeout: float = 120.0
    # "strict": a source with bytes no encoding reads is an error; "replace": they become U+FFFD.
    encoding_errors: str = "strict"
