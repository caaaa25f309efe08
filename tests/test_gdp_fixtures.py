"""The effect on GDP of the bundled fixtures (issue 10, "done when"; docs/method.md §4).

For each fixture year and bound, report.json's ``gdp_effect`` delta must equal, from the
table's own rows, Σ over assets of (1 − overlap) × [market producers' P51G + non-market
producers' CFC of the new assets] (2008 SNA §6.125, §6.130: non-market output at cost),
to 1e-9 relative. The fixtures have no purchases, imports or software occupations, and
every output is own-account (own_account_share 1), so no other term enters. Overlaps
(package.toml [accounts.overlap]): CA and NL databases and data R&D fully in the published
accounts, so only data changes GDP; CN data R&D in, databases not (Wang et al. 2024, §1,
§5.1.4), so data and databases change GDP.
"""

from __future__ import annotations

import pytest

from compiler import table as tbl
from compiler.accounts.classification import load_classification
from compiler.accounts.gdp_effect import gdp_effect_records
from compiler.inputs import load_package
from compiler.resources import fixtures_dir

CLS = load_classification()
ASSETS = {"data": "N11733G", "databases": "N11732G", "data_rd": "N11711G"}
OVERLAP = {"CA": {"data": 0.0, "databases": 1.0, "data_rd": 1.0}, "NL": {"data": 0.0, "databases": 1.0, "data_rd": 1.0},
           "CN": {"data": 0.0, "databases": 0.0, "data_rd": 1.0}}
YEAR = {"CA": 2018, "NL": 2017, "CN": 2020}


def _sum(table, sto, asset, sectors, year, bound):
    rows = tbl.select(table, STO=sto, INSTR_ASSET=asset, REF_SECTOR=sectors, ACTIVITY="_T", PRICES="V", UNIT_MEASURE="XDC", TIME_PERIOD=str(year), BOUND=bound)
    return float(rows[tbl.VALUE].sum())


@pytest.fixture(scope="module")
def effects(fixture_table):
    out = {}
    for code in YEAR:
        table = fixture_table(code)
        inputs = load_package(fixtures_dir() / code)
        out[code] = (table, inputs, {(r["year"], r["bound"]): r for r in gdp_effect_records(table, inputs, CLS)})
    return out


@pytest.mark.parametrize("code", list(YEAR))
@pytest.mark.parametrize("bound", ["low", "high"])
def test_delta_is_new_market_gfcf_plus_non_market_cfc(effects, code, bound):
    table, inputs, records = effects[code]
    year = YEAR[code]
    sectors = sorted(set(tbl.select(table, STO="P51G", PRICES="V", ACTIVITY="_T")["REF_SECTOR"]) - {"S1"})
    market = tuple(s for s in sectors if s not in inputs.manifest.non_market_sectors)
    non_market = tuple(s for s in sectors if s in inputs.manifest.non_market_sectors)
    expected = 0.0
    by_asset = {}
    for asset, code_ in ASSETS.items():
        new = (1 - OVERLAP[code][asset]) * (_sum(table, "P51G", code_, market, year, bound) + _sum(table, "P51C", code_, non_market, year, bound))
        by_asset[code_] = new * inputs.manifest.unit_factor
        expected += new
    record = records[(year, bound)]
    expected *= inputs.manifest.unit_factor
    assert record["delta"] == pytest.approx(expected, rel=1e-9)
    assert record["gdp_after"] - record["gdp_before"] == pytest.approx(record["delta"], rel=1e-12)
    assert record["delta_market"] + record["delta_non_market"] == pytest.approx(record["delta"], rel=1e-12)
    assert sum(record["delta_by_asset"].values()) == pytest.approx(record["delta"], rel=1e-12)
    for asset_code, value in by_asset.items():
        assert record["delta_by_asset"][asset_code] == pytest.approx(value, rel=1e-9, abs=1e-6)
    # which assets change GDP: CA, NL data only; CN data and databases, not data R&D
    assert record["delta_by_asset"]["N11711G"] == 0
    assert (record["delta_by_asset"]["N11732G"] == 0) == (code != "CN")
    assert record["delta_by_asset"]["N11733G"] > 0
    # the satellite itself stays whole: its GFCF in data R&D is still there
    assert _sum(table, "P51G", "N11711G", ("S1",), year, bound) > 0


@pytest.mark.parametrize("code", list(YEAR))
def test_record_fields(effects, code):
    _, inputs, records = effects[code]
    assert len(records) == 2 * len(inputs.manifest.years)
    record = records[(YEAR[code], "low")]
    assert set(record) == {"year", "bound", "gdp_before", "gdp_after", "delta", "delta_market", "delta_non_market", "delta_by_asset"}
    assert set(record["delta_by_asset"]) == set(ASSETS.values())
    gdp = inputs.macro.set_index("year")["gdp"]
    assert record["gdp_before"] == pytest.approx(float(gdp[YEAR[code]]), rel=1e-12)  # absolute currency units
