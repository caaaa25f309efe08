"""[provenance]: each input declared published, calibrated or illustrative."""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler.inputs import InputErrors, load_package
from compiler.inputs.provenance import Provenance, parse_provenance
from compiler.resources import fixtures_dir

TABLES = {"macro": ("year", "gdp", "ppp"), "employment": ("year", "employment", "compensation")}


def test_column_overrides_table_and_undeclared_is_none() -> None:
    p = Provenance({"macro": "published", "macro.ppp": "illustrative", "employment.compensation": "calibrated"})
    assert p.status("macro") == "published"
    assert p.status("macro", "gdp") == "published"  # from the table
    assert p.status("macro", "ppp") == "illustrative"  # its own declaration
    # employment is not declared as a whole: as certain as its least certain declared column
    assert p.status("employment") == "calibrated"
    assert p.status("employment", "employment") is None  # not declared: never "published"
    assert p.status("occupations") is None


def test_weakest_of_several_inputs() -> None:
    p = Provenance({"macro.gdp": "published", "employment": "calibrated", "occupations": "illustrative"})
    assert p.weakest(["macro.gdp"]) == "published"
    assert p.weakest(["macro.gdp", "employment"]) == "calibrated"
    assert p.weakest(["macro.gdp", "employment", "occupations"]) == "illustrative"
    assert p.weakest(["cost_ratios"]) is None  # nothing declared
    assert p.illustrative() == ("occupations",)


def test_bad_keys_and_values_are_errors_naming_the_key() -> None:
    raw = {"macro.gdp": "published", "macro.nope": "published", "employment": "guessed", "package.pim": "illustrative", "package.nope": "published"}
    provenance, errors = parse_provenance(raw, TABLES)
    assert provenance.entries == {"macro.gdp": "published", "package.pim": "illustrative"}
    assert sorted(e.column for e in errors) == ["provenance.employment", "provenance.macro.nope", "provenance.package.nope"]
    assert any("illustrative" in e.expected for e in errors if e.column == "provenance.employment")


def test_bad_provenance_in_a_package_is_an_input_error(synthetic: Path) -> None:
    manifest = synthetic / "package.toml"
    manifest.write_text(manifest.read_text() + '\n[provenance]\nmacro = "probably"\n')
    with pytest.raises(InputErrors) as info:
        load_package(synthetic)
    assert "provenance.macro" in str(info.value)


@pytest.mark.parametrize("name", ["CN", "CA", "NL"])
def test_fixtures_declare_their_inputs(name: str) -> None:
    provenance = load_package(fixtures_dir() / name).manifest.provenance
    assert provenance.status("macro", "gdp") == "published"  # WDI GDP in every fixture
    assert provenance.status("national_accounts") == "illustrative"
    assert provenance.status("occupations") in ("illustrative", "calibrated")


def test_published_accounts_built_from_illustrative_inputs_are_estimated(fixture_table, synthetic_result) -> None:
    """ESTAT:CL_OBS_STATUS: ``A`` is a normal (measured) value, ``E`` an estimated one. The
    fixtures' national_accounts.csv are round shares of published GDP (illustrative), so
    their baseline rows are ``E``; the synthetic package declares nothing, so ``A``."""
    table = fixture_table("CN")
    baseline = table[(table["STO"] == "P1") & (table["INSTR_ASSET"] == "_Z") & (table["ACTIVITY"] == "_T")]
    assert len(baseline) and set(baseline["OBS_STATUS"]) == {"E"}
    synthetic = synthetic_result.table
    p1 = synthetic[(synthetic["STO"] == "P1") & (synthetic["INSTR_ASSET"] == "_Z")]
    assert len(p1) and set(p1["OBS_STATUS"]) == {"A"}
