"""docs/model.md is generated from pipeline/model.py and must not drift from it."""

from __future__ import annotations

import json
import re
from pathlib import Path

from pipeline.model import Document
from tests.helpers import load_script

ROOT = Path(__file__).resolve().parent.parent


def _generator():
    return load_script("gen_model_docs")


def test_model_doc_is_up_to_date():
    expected = _generator().render()
    current = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    assert current == expected, (
        "docs/model.md is out of date with pipeline/model.py: "
        "run `python scripts/gen_model_docs.py` and commit the result")


def test_model_doc_lists_every_field():
    import dataclasses

    import pipeline.model as model

    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    for obj in vars(model).values():
        if isinstance(obj, type) and dataclasses.is_dataclass(obj) \
                and obj.__module__ == model.__name__:
            assert f"### {obj.__name__}\n" in text
            for f in dataclasses.fields(obj):
                assert f"| `{f.name}` |" in text, f"{obj.__name__}.{f.name} is not documented"


def test_model_doc_example_is_valid_json_of_the_model():
    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```json\n(.*?)\n```", text, re.S)
    assert blocks, "docs/model.md has no JSON example"
    doc = Document.from_json(blocks[0])
    assert doc.to_json() == blocks[0]
    assert list(json.loads(blocks[0])) == list(Document().to_dict())
