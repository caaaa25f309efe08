"""The bundled CA and NL fixtures reproduce their published targets (StatCan 2019, CBS 2020).

Units: both fixtures have unit_mult = 6, so money in the canonical table is in millions of
CAD or EUR. Tests that compare the fixtures with the published reference series need
``../shared/reference/macro`` beside the project root and are skipped without it.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from compiler import table as tbl
from compiler.accounts.gdp import after_capitalisation
from compiler.resources import fixtures_dir
from canonical_values import total

ROOT = Path(__file__).resolve().parents[1]
MACRO = ROOT.parent / "shared" / "reference" / "macro"


@pytest.fixture(scope="module")
def ca(fixture_table):
    return fixture_table("CA")


@pytest.fixture(scope="module")
def nl(fixture_table):
    return fixture_table("NL")


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def reference(name: str) -> dict[int, float]:
    if not MACRO.is_dir():
        pytest.skip(f"reference series not available ({MACRO})")
    return {int(r["year"]): float(r["value"]) for r in read_csv(MACRO / f"{name}.csv")}


# --- calibration targets ------------------------------------------------------------------------


@pytest.mark.parametrize(("bound", "target"), [("low", 29_455), ("high", 40_025)])
def test_ca_2018_gfcf_in_all_data_assets(ca, bound, target):
    """StatCan 2019: CA$29.455-40.025 bn in 2018 (units: CAD million), within 2 %."""
    assert total(ca, "P51G", "N117DG", 2018, bound) == pytest.approx(target, rel=0.02)


@pytest.mark.parametrize(("bound", "target"), [("low", 157_000), ("high", 218_000)])
def test_ca_2018_net_stock(ca, bound, target):
    """StatCan 2019: net stock CA$157-218 bn in 2018, current prices (CAD million), within 10 %."""
    assert total(ca, "LE", "N117DN", 2018, bound) == pytest.approx(target, rel=0.10)


@pytest.mark.parametrize(("bound", "target"), [("low", 15_600), ("high", 20_000)])
def test_nl_2017_gfcf_in_all_data_assets(nl, bound, target):
    """CBS 2020: EUR 15.6-20 bn in 2017 (units: EUR million), within 2 %."""
    assert total(nl, "P51G", "N117DG", 2017, bound) == pytest.approx(target, rel=0.02)


@pytest.mark.parametrize(("fixture", "year"), [("ca", 2018), ("nl", 2017)])
def test_gdp_share_in_published_range(request, fixture, year):
    """The shares of GDP implied by the published levels and the WDI GDP (CA about 1.3-1.8 %, NL 2.0-2.7 %)."""
    table = request.getfixturevalue(fixture)
    low = total(table, "P51G", "N117DG", year, "low", unit="PT_B1GQ")
    high = total(table, "P51G", "N117DG", year, "high", unit="PT_B1GQ")
    expected = {"ca": (1.32, 1.79), "nl": (2.08, 2.66)}[fixture]
    assert (low, high) == pytest.approx(expected, abs=0.02)


@pytest.mark.parametrize("fixture", ["ca", "nl"])
def test_constant_price_rows_carry_the_base_year(request, fixture):
    constant = tbl.select(request.getfixturevalue(fixture), PRICES="Q")
    assert len(constant) and set(constant["REF_YEAR_PRICE"]) == {"2015"}


@pytest.mark.parametrize(("fixture", "code"), [("ca", "CA"), ("nl", "NL")])
def test_gdp_by_three_approaches(request, fixture, code):
    """national_accounts.csv is read: before and after capitalisation, production = income =
    expenditure = B1GQ in every year and bound, and GDP rises (tests/test_gdp_fixtures.py checks by how much)."""
    after = after_capitalisation(request.getfixturevalue(fixture), code)
    years = {int(r["year"]) for r in read_csv(fixtures_dir() / code / "macro.csv")}
    assert set(after[tbl.TIME].astype(int)) == years
    for column in ("before", "after"):
        wide = after.pivot_table(index=[tbl.TIME, tbl.BOUND], columns="STO", values=column, aggfunc="first")
        production = wide["P1"] - wide["P2"] + wide["D21X31"]
        income = wide["D1"] + wide["D29X39"] + wide["P51C"] + wide["B2A3N"] + wide["D21X31"]
        expenditure = wide["P3"] + wide["P51G"] + wide["P52"] + wide["P6"] - wide["P7"]
        for approach in (production, income, expenditure):
            assert (approach / wide["B1GQ"] - 1).abs().max() < 1e-9
    change = after.pivot_table(index=[tbl.TIME, tbl.BOUND], columns="STO", values="change", aggfunc="first")
    assert (change["B1GQ"] - change["P51G"] - change["P3"]).abs().max() < 1e-9 * change["B1GQ"].abs().max()
    assert (change["B1GQ"] > 0).all()


# --- published series ---------------------------------------------------------------------------

MACRO_COLUMNS = {
    "gdp": "gdp_nominal_lcu",
    "investment_price_index": "gdp_deflator_computed",  # the stated substitute
    "usd_exchange_rate": "fx_{cur}_per_usd",
    "ppp": "ppp_gdp",
}


@pytest.mark.parametrize(("code", "currency"), [("CA", "cad"), ("NL", "eur")])
@pytest.mark.parametrize("column", list(MACRO_COLUMNS))
def test_macro_equals_published_series(code, currency, column):
    series = reference(f"{code}_{MACRO_COLUMNS[column].format(cur=currency)}")
    rows = read_csv(fixtures_dir() / code / "macro.csv")
    assert rows
    for row in rows:
        year = int(row["year"])
        assert float(row[column]) == series[year], (code, column, year)


def test_macro_has_no_invented_population():
    """No published population series is in the reference folder: the column is left out."""
    for code in ("CA", "NL"):
        assert "population" not in read_csv(fixtures_dir() / code / "macro.csv")[0]


def test_ca_published_employment_anchor():
    """NOC 1422 (COPS grouping with 1423) in 2016 sums over industries to the published count."""
    published = reference("CA_employment_noc1422_1423_data_entry_desktop_publishing")[2016]
    rows = [r for r in read_csv(fixtures_dir() / "CA" / "employment.csv") if r["year"] == "2016" and r["occupation"] == "1422"]
    assert sum(float(r["employment"]) for r in rows) == pytest.approx(published, abs=len(rows))


@pytest.mark.parametrize(("code", "script"), [("CA", "build_ca_fixture.py"), ("NL", "build_nl_fixture.py")])
def test_build_script_regenerates_the_fixture(tmp_path, code, script):
    """The committed CSVs are exactly what the build script writes from the reference series."""
    if not MACRO.is_dir():
        pytest.skip(f"reference series not available ({MACRO})")
    subprocess.run([sys.executable, str(ROOT / "scripts" / script), str(MACRO), str(tmp_path)], check=True, capture_output=True)
    written = sorted(p.name for p in tmp_path.glob("*.csv"))
    assert written == sorted(p.name for p in (fixtures_dir() / code).glob("*.csv"))
    for name in written:
        assert (tmp_path / name).read_bytes() == (fixtures_dir() / code / name).read_bytes(), name


@pytest.mark.parametrize("fixture", ["CA", "CN", "NL"])
def test_no_fixture_retires_assets_in_their_year_of_acquisition(fixture):
    """Issue 11: a fixed asset is used for more than one year (2008 SNA §10.33): S(0) >= 0.99 for every asset."""
    from pathlib import Path

    from compiler.inputs import load_package
    from compiler.accounts.stocks import stock_report

    assets = stock_report(load_package(Path(__file__).resolve().parents[1] / "fixtures" / fixture))["assets"]
    assert {a: v["first_year_survival"] >= 0.99 for a, v in assets.items()} == {a: True for a in assets}


@pytest.mark.parametrize(("fixture", "first", "last"), [("CA", 2005, 2018), ("CN", 2010, 2022), ("NL", 2001, 2017)])
def test_fixture_stocks_at_end_year_prices_and_first_year_revaluation(fixture_table, fixture, first, last):
    """Issue 11: LE at current prices / LE at constant prices = the published end-year index (LE, DR) in every
    year; K7 is not 0 in the first year (the opening stock is revalued from the end of the year before)."""
    table = fixture_table(fixture)
    for year in range(first - 1, last + 1):
        end = total(table, "LE", "N11733N", year, "low", unit="IX", prices="DR")
        ratio = total(table, "LE", "N11733N", year, "low") / total(table, "LE", "N11733N", year, "low", prices="Q")
        assert ratio == pytest.approx(end, rel=1e-9)
    for bound in ("low", "high"):
        assert abs(total(table, "K7", "N117DN", first, bound)) > 0
