"""The Marp outline (``outline.md``): the slide plan through a sandboxed Jinja template."""

from __future__ import annotations

import json
import re
from typing import Any

from pipeline.model import Document
from pipeline.options import BuildOptions
from pipeline.templating import make_env, render
from pipeline.writers.context import template_context
from pipeline.writers.slides.plan import Slide

OUTLINE_TEMPLATE = "outline.md"


def render_outline(doc: Document, opts: BuildOptions, plan: list[Slide]) -> str:
    """outline.md through the (possibly user-overridden) sandboxed Jinja template."""
    env = make_env("slides", opts.template_dirs)
    env.filters.update(md=md_inline, note=note_safe, yaml=yaml_str)
    context: dict[str, Any] = template_context(doc, opts)
    context["slides"] = plan
    return render(env, OUTLINE_TEMPLATE, context)


_MD_SPECIAL = re.compile(r"([\\`*_<>\[\]#|])")


def md_inline(text: str) -> str:
    """Escape what Markdown would read as markup; Chinese text rarely has any."""
    text = _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))
    return re.sub(r"^(\d+)([.)])", r"\1\\\2", text)


def note_safe(text: str) -> str:
    """Text that cannot close the HTML comment it sits in."""
    return str(text).replace("--", "‐‐")


def yaml_str(text: str) -> str:
    """A YAML scalar: JSON strings are valid YAML."""
    return json.dumps(str(text), ensure_ascii=False)
