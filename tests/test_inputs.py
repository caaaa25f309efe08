"""Bad input: every case gives an error naming file, line, column, value and what was expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from compiler.inputs import InputErrors, load_package


def errors_of(folder: Path) -> list:
    with pytest.raises(InputErrors) as info:
        load_package(folder)
    return info.value.errors


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def only(errors, **fields):
    matching = [e for e in errors if all(getattr(e, k) == v for k, v in fields.items())]
    assert matching, f"no error with {fields} among:\n" + "\n".join(map(str, errors))
    return matching[0]


def test_the_synthetic_package_is_valid(synthetic):
    assert load_package(synthetic).manifest.ref_area == "_X"


def test_missing_column(synthetic):
    replace(synthetic / "employment.csv", "year,occupation,industry,employment,compensation", "year,occupation,industry,employment,pay")
    errors = errors_of(synthetic)
    only(errors, file="synthetic/employment.csv", row=1, column="pay", value="pay")
    e = only(errors, file="synthetic/employment.csv", row=1, column="compensation")
    assert "compensation of employees per person" in e.expected


def test_missing_year(synthetic):
    path = synthetic / "employment.csv"
    path.write_text("\n".join(line for line in path.read_text().splitlines() if not line.startswith("2021,T02")) + "\n")
    e = only(errors_of(synthetic), file="synthetic/employment.csv", column="year", value="2021")
    assert "occupation=T02, industry=J62" in e.expected


def test_negative_employment_and_pay(synthetic):
    replace(synthetic / "employment.csv", "2020,T01,J62,10,100", "2020,T01,J62,-10,-100")
    errors = errors_of(synthetic)
    only(errors, file="synthetic/employment.csv", row=2, column="employment", value="-10")
    e = only(errors, file="synthetic/employment.csv", row=2, column="compensation", value="-100")
    assert e.expected == "a number from 0 to 1e+15 currency units"


def test_time_share_outside_unit_interval(synthetic):
    replace(synthetic / "occupations.csv", "T01,data-entry occupation,0.50,0.75", "T01,data-entry occupation,0.50,1.75")
    e = only(errors_of(synthetic), file="synthetic/occupations.csv", row=2, column="data_high", value="1.75")
    assert "from 0 to 1" in e.expected


def test_time_share_low_above_high(synthetic):
    replace(synthetic / "occupations.csv", "T01,data-entry occupation,0.50,0.75", "T01,data-entry occupation,0.80,0.75")
    e = only(errors_of(synthetic), file="synthetic/occupations.csv", row=2, column="data_low", value="0.8")
    assert "data_low <= data_high" in e.expected


def test_time_shares_summing_above_one(synthetic):
    replace(synthetic / "occupations.csv", "T02,database administrator,0.05,0.10,0.50,0.75,0.00,0.05", "T02,database administrator,0.05,0.40,0.50,0.75,0.00,0.05")
    e = only(errors_of(synthetic), file="synthetic/occupations.csv", row=3, column="data_high+databases_high+data_rd_high")
    assert e.value == "1.2" and "at most 1" in e.expected


def test_unknown_codes(synthetic):
    replace(synthetic / "employment.csv", "2020,T01,J62", "2020,T99,J62")
    replace(synthetic / "industries.csv", "O84,Public", "Q99,Public")
    errors = errors_of(synthetic)
    only(errors, file="synthetic/employment.csv", row=2, column="occupation", value="T99")
    e = only(errors, file="synthetic/industries.csv", row=3, column="industry", value="Q99")
    assert "CL_ACTIVITY" in e.expected


def test_non_numeric_cells(synthetic):
    replace(synthetic / "employment.csv", "2020,T02,J62,5,200", "2020,T02,J62,five,nan")
    errors = errors_of(synthetic)
    only(errors, file="synthetic/employment.csv", row=3, column="employment", value="five")
    only(errors, file="synthetic/employment.csv", row=3, column="compensation", value="nan")


def test_duplicate_rows(synthetic):
    path = synthetic / "employment.csv"
    path.write_text(path.read_text() + "2020,T01,J62,11,100\n")
    e = only(errors_of(synthetic), file="synthetic/employment.csv", row=14, column="year,occupation,industry")
    assert "repeats line 2" in e.expected


def test_empty_file(synthetic):
    (synthetic / "macro.csv").write_text("")
    e = only(errors_of(synthetic), file="synthetic/macro.csv")
    assert "empty" in e.expected


def test_header_only_file(synthetic):
    (synthetic / "macro.csv").write_text("year,gdp\n")
    e = only(errors_of(synthetic), file="synthetic/macro.csv")
    assert "at least one data row" in e.expected


def test_byte_order_mark(synthetic):
    path = synthetic / "industries.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    e = only(errors_of(synthetic), file="synthetic/industries.csv", row=1)
    assert "without a byte-order mark" in e.expected


def test_wrong_encoding(synthetic):
    path = synthetic / "occupations.csv"
    path.write_bytes(path.read_bytes().replace(b"statistician", "statisticien\u00e9".encode("latin-1")))
    e = only(errors_of(synthetic), file="synthetic/occupations.csv", row=4)
    assert "UTF-8" in e.expected


def test_missing_table(synthetic):
    (synthetic / "cost_ratios.csv").unlink()
    e = only(errors_of(synthetic), file="synthetic/cost_ratios.csv")
    assert "missing" in e.expected


def test_malformed_package_toml(synthetic):
    replace(synthetic / "package.toml", 'name = "Synthetica"', 'name = "Synthetica')
    e = only(errors_of(synthetic), file="synthetic/package.toml")
    assert e.row == 5 and "valid TOML" in e.expected


def test_bad_package_toml_values(synthetic):
    replace(synthetic / "package.toml", 'ref_area = "_X"', 'ref_area = "Atlantis"')
    replace(synthetic / "package.toml", "base_year = 2021", "base_year = 1999")
    replace(synthetic / "package.toml", "own_account_share = 0.8", "own_account_share = 1.8")
    errors = errors_of(synthetic)
    only(errors, column="package.ref_area", value="Atlantis")
    only(errors, column="package.base_year", value="1999")
    only(errors, column="capitalisation.databases.own_account_share", value="1.8")


def test_ragged_row(synthetic):
    replace(synthetic / "industries.csv", "O84,Public administration (official statistics),S13", "O84,Public administration,S13,extra,more")
    e = only(errors_of(synthetic), file="synthetic/industries.csv", row=3)
    assert "fields" in e.expected


def test_year_outside_package_years(synthetic):
    path = synthetic / "macro.csv"
    path.write_text(path.read_text() + "2030,1,1,1,1,1\n")
    only(errors_of(synthetic), file="synthetic/macro.csv", row=5, column="year", value="2030")


def test_all_errors_at_once_across_files(synthetic):
    replace(synthetic / "employment.csv", "2020,T01,J62,10,100", "2020,T01,J62,-10,abc")
    replace(synthetic / "occupations.csv", "T01,data-entry occupation,0.50,0.75", "T01,data-entry occupation,0.90,0.75")
    (synthetic / "macro.csv").write_text("")
    files = {e.file for e in errors_of(synthetic)}
    assert {"synthetic/employment.csv", "synthetic/occupations.csv", "synthetic/macro.csv"} <= files


def test_error_text_names_every_part(synthetic):
    replace(synthetic / "employment.csv", "2020,T01,J62,10,100", "2020,T01,J62,-10,100")
    text = str(errors_of(synthetic)[0])
    assert text.startswith("synthetic/employment.csv:2, column 'employment', value '-10': expected")
