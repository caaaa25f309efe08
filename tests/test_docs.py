"""docs/inputs.md is generated from the schemas and must be current."""

from pathlib import Path

from compiler.package.docs import render


def test_inputs_doc_is_current():
    committed = (Path(__file__).resolve().parents[1] / "docs" / "inputs.md").read_text(encoding="utf-8")
    assert committed == render(), "run: python -m compiler.package.docs > docs/inputs.md"
