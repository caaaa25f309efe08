"""Issue 13: finite, plausible numbers; unknown package.toml keys; validate = compile on inputs.

Each case is one of the issue's reproductions: the expected message is written out, with
the file, line, column, value and range the input documentation (docs/inputs.md) gives.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from compiler.accounts import checks as chk
from compiler.cli.main import main
from compiler.inputs import InputErrors, load_package

from test_inputs import errors_of, only, replace

SYNTHETIC = Path(__file__).resolve().parent / "packages" / "synthetic"
# synthetic/macro.csv, line 3: "2021,100000,102,2,1.5,1000"
# (year, gdp, investment_price_index, usd_exchange_rate, ppp, population)
LINE_2021 = "2021,100000,102,2,1.5,1000"


@pytest.mark.parametrize(
    ("row", "column", "value", "expected"),
    [
        ("2021,0,102,2,1.5,1000", "gdp", "0", "a number from 1 to 1e+20 currency units"),
        ("2021,1e-300,102,2,1.5,1000", "gdp", "1e-300", "a number from 1 to 1e+20 currency units"),
        ("2021,1e999,102,2,1.5,1000", "gdp", "1e999", "a finite number in currency units"),  # parses as +inf
        ("2021,1e308,102,2,1.5,1000", "gdp", "1e308", "a number from 1 to 1e+20 currency units"),
        ("2021,100000,0,2,1.5,1000", "investment_price_index", "0", "a number from 1e-06 to 1e+09 index"),
        ("2021,100000,102,0,1.5,1000", "usd_exchange_rate", "0", "a number from 1e-06 to 1e+09 currency per USD"),
        ("2021,100000,102,2,0,1000", "ppp", "0", "a number from 1e-06 to 1e+09 currency per int. $"),
        ("2021,100000,102,2,1.5,0", "population", "0", "a number from 1 to 1e+10 persons"),
        ("2021,100000,102,2,1.5,nan", "population", "nan", "a finite number in persons"),
        ("2021,100000,102,2,1.5,-inf", "population", "-inf", "a finite number in persons"),
        ("2021.5,100000,102,2,1.5,1000", "year", "2021.5", "a whole-number year"),
    ],
)
def test_degenerate_macro_cell_is_an_input_error(synthetic, row, column, value, expected):
    replace(synthetic / "macro.csv", LINE_2021, row)
    errors = errors_of(synthetic)
    only(errors, file="synthetic/macro.csv", row=3, column=column, value=value, expected=expected)


def test_employment_beyond_the_world_population(synthetic):
    replace(synthetic / "employment.csv", "2020,T01,J62,10,100", "2020,T01,J62,2e10,100")
    only(errors_of(synthetic), file="synthetic/employment.csv", row=2, column="employment", value="2e10", expected="a number from 0 to 1e+10 persons")


def test_cost_ratio_beyond_ten_times_labour(synthetic):
    text = (synthetic / "cost_ratios.csv").read_text().splitlines()
    header, first = text[0].split(","), text[1].split(",")
    first[header.index("other_ratio")] = "50"  # a percentage typed for a fraction (0.5)
    text[1] = ",".join(first)
    (synthetic / "cost_ratios.csv").write_text("\n".join(text) + "\n")
    only(errors_of(synthetic), file="synthetic/cost_ratios.csv", row=2, column="other_ratio", value="50", expected="a number from 0 to 10 ratio")


@pytest.mark.parametrize("case", ["gdp 0", "year 2020.5"])
def test_degenerate_input_exits_2_without_traceback(synthetic, tmp_path, capsys, case):
    row = "2021,0,102,2,1.5,1000" if case == "gdp 0" else "2020.5,100000,102,2,1.5,1000"
    replace(synthetic / "macro.csv", LINE_2021, row)
    for command in (["validate", str(synthetic)], ["compile", str(synthetic), "-o", str(tmp_path / "o"), "-q"]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert "synthetic/macro.csv:3" in err and "Traceback" not in err


def test_no_output_row_is_non_finite():
    """The internal check: a table with one inf and one NaN fails, naming both rows."""
    from compiler.pipeline import compile_package

    table = compile_package(SYNTHETIC).table.head(3).copy()
    assert chk.values_finite(table).passed
    table["OBS_VALUE"] = [1.0, np.inf, np.nan]
    check = chk.values_finite(table)
    assert not check.passed and check.detail.startswith("2 of 3 observations are not finite: ")
    assert " = inf" in check.detail and " = nan" in check.detail


def test_non_finite_toml_number(synthetic):
    replace(synthetic / "package.toml", "depreciation_rate = 0.2", "depreciation_rate = nan")
    only(errors_of(synthetic), file="synthetic/package.toml", column="pim.default.depreciation_rate", value="nan", expected="a finite number")


@pytest.mark.parametrize(
    ("section", "typo", "expected"),
    [
        ("[accounts.overlap]", "[accounts]\nbaseline_tolerence = 1e-6\n[accounts.overlap]", "(did you mean 'baseline_tolerance'?)"),
        ("[method]", "[method]\nmarkup_bse = \"costs\"", "(did you mean 'markup_base'?)"),
        ("[package]", "[package]\nunit_mul = 0", "(did you mean 'unit_mult'?)"),
    ],
)
def test_unknown_key_in_any_section_is_an_error(synthetic, section, typo, expected):
    replace(synthetic / "package.toml", section, typo)
    key = typo.split("\n")[1].split(" =")[0]
    table = typo.split("\n")[0].strip("[]")
    e = only(errors_of(synthetic), file="synthetic/package.toml", column=f"{table}.{key}", value=key)
    assert e.expected.endswith(expected)


def test_unknown_sdmx_key_found_by_validate(synthetic, capsys):
    """Issue 13: validate missed [sdmx] errors that compile reported."""
    (synthetic / "package.toml").write_text((synthetic / "package.toml").read_text() + '\n[sdmx]\nagencyy = "X"\n')
    assert main(["validate", str(synthetic)]) == 2
    assert "synthetic/package.toml, key 'sdmx.agencyy', value 'agencyy': expected keys agency, dataflow_id, dsd_id, receiver, sender, version only (did you mean 'agency'?)" in capsys.readouterr().err


def test_invalid_sdmx_value_found_by_validate(synthetic, capsys):
    (synthetic / "package.toml").write_text((synthetic / "package.toml").read_text() + '\n[sdmx]\nversion = "one"\n')
    assert main(["validate", str(synthetic)]) == 2
    assert "version 'one' is not a valid SDMX version" in capsys.readouterr().err


def test_duplicate_ref_area_found_by_validate_and_compile(tmp_path, capsys):
    """Issue 13: two packages for one REF_AREA passed validate and crashed compile."""
    first, second = tmp_path / "a" / "pkg", tmp_path / "b" / "pkg"
    shutil.copytree(SYNTHETIC, first)
    shutil.copytree(SYNTHETIC, second)
    for command in (["validate", str(first), str(second)], ["compile", str(first), str(second), "-o", str(tmp_path / "o"), "-q"]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert f"{first}/package.toml, key 'package.ref_area', value '_X': expected a REF_AREA no other package of this run has (also in {second})" in err
        assert "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_validate_passes_the_bundled_synthetic_package():
    assert main(["validate", str(SYNTHETIC)]) == 0


def test_load_rejects_year_without_crashing(synthetic):
    """2020.5 used to crash the Int64 cast of the year column (a traceback)."""
    replace(synthetic / "employment.csv", "2020,T01,J62,10,100", "2020.5,T01,J62,10,100")
    with pytest.raises(InputErrors) as info:
        load_package(synthetic)
    only(info.value.errors, file="synthetic/employment.csv", row=2, column="year", value="2020.5", expected="a whole-number year")
