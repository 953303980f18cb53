"""docs/templates.md is generated from the writers and the model, and must not drift from them."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from pipeline.templates_info import FILTERS, VARIABLES, contexts

ROOT = Path(__file__).resolve().parent.parent


def _generator():
    spec = importlib.util.spec_from_file_location("gen_template_docs",
                                                  ROOT / "scripts" / "gen_template_docs.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_template_doc_is_up_to_date():
    expected = _generator().render()
    current = (ROOT / "docs" / "templates.md").read_text(encoding="utf-8")
    assert current == expected, (
        "docs/templates.md is out of date with the writers or the model: "
        "run `python scripts/gen_template_docs.py` (make docs) and commit the result")


def test_every_variable_and_filter_is_described():
    used: set[str] = set()
    filters: set[str] = set()
    for ctx, fs in contexts().values():
        used |= set(ctx)
        filters |= set(fs)
    assert not used - set(VARIABLES), \
        f"describe these in pipeline/templates_info.py VARIABLES: {sorted(used - set(VARIABLES))}"
    assert not set(VARIABLES) - used, f"no writer passes these: {sorted(set(VARIABLES) - used)}"
    assert not filters - set(FILTERS), f"describe these filters: {sorted(filters - set(FILTERS))}"


def test_the_example_renders_as_shown():
    text = (ROOT / "docs" / "templates.md").read_text(encoding="utf-8")
    assert "以党的二十大精神引领基层组织建设" in text.split("renders as:")[1]
    assert "'sectoins' is undefined" in text
