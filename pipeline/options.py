"""Options a build is run with: set by the CLI (or a config file), read by enrich and writers."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.corrections import Corrections

FORMATS = ("docx", "pdf", "slides")
VARIANTS = ("official", "large-print", "plain")


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
    variant: str = "official"
    aids: AidOptions = field(default_factory=AidOptions)
    # Template folders searched before the built-in ones (a workspace's
    # templates/); each holds the same sub-folders as the built-ins.
    template_dirs: list[Path] = field(default_factory=list)
    paper: str = "A5"  # booklet page size: A5, A4, B5
    print_sheet: str = "A4"  # imposed sheet: A4 (for A5 pages) or A3 (for A4 pages)
    slides_template: Path | None = None  # a user's .pptx
    compile_title: str = ""  # --compile --title
    # The user's corrections by source (as given to build): -M, studykit.toml, the page.
    # Not an option of every output: each source's part goes into that source's cache key.
    corrections: dict[str, Corrections] = field(default_factory=dict)
