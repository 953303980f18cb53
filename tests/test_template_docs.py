"""docs/templates.md is generated from the writers and the model, and must not drift from them."""

from __future__ import annotations

from pathlib import Path

from pipeline.templates_info import FILTERS, VARIABLES, contexts
from tests.helpers import load_script

ROOT = Path(__file__).resolve().parent.parent


def _generator():
    return load_script("gen_template_docs")


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
