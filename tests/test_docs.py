"""docs/inputs.md is generated from the schemas and must be current."""

from pathlib import Path

from compiler.inputs.docs import render


def test_inputs_doc_is_current():
    committed = (Path(__file__).resolve().parents[1] / "docs" / "inputs.md").read_text(encoding="utf-8")
    assert committed == render(), "run: python -m compiler.inputs.docs > docs/inputs.md"


def test_every_package_toml_key_is_documented():
    """docs/inputs.md describes exactly the keys the parsers accept, section by section."""
    from dataclasses import fields

    from compiler.inputs.manifest import Capitalisation, section_keys
    from compiler.inputs.toml_schema import SECTIONS
    from compiler.accounts.pim import PimParameters

    documented = {s.name.split(".")[0]: {k.name for k in s.keys} for s in SECTIONS}
    declared = section_keys()
    assert set(documented) == set(declared), "a section is missing from compiler/inputs/toml_schema.py"
    for section, keys in declared.items():
        if section == "capitalisation":
            assert documented[section] == {f.name for f in fields(Capitalisation)}
        elif section == "pim":  # sub-tables by asset; their keys: PimParameters fields + the keys read by compiler.inputs.pim_settings
            assert documented[section] == {f.name for f in fields(PimParameters)} | {"declining_balance", "price_index", "other_costs_index", "opening_stock"}
        elif keys is not None:
            assert documented[section] == set(keys), section
