"""Sum of costs on the synthetic package, against figures computed by hand.

Hand computation for 2020, asset data, low bound (occupations.csv, employment.csv):
  J62 (market, S11): T01 10 x 100 x 0.50 = 500; T02 5 x 200 x 0.05 = 50; T03 2 x 500 x 0.05 = 50
      labour 600; capital 0.3 x 600 = 180; intermediate 0.2 x 600 = 120; mark-up 0.03 x 900 = 27
      output 927
  O84 (non-market, S13): T04 4 x 250 x 0.50 = 500; capital 150; intermediate 100; no mark-up; output 750
  total 1677. High bound: J62 (750 + 100 + 100) x 1.5 x 1.03 = 1467.75; O84 750 x 1.5 = 1125; total 2592.75.
2022, J62 uses its own cost-ratio row (other_ratio 0.5, no capital or intermediate ratio).
Databases: own-account share 0.8, of the sold 0.2 half is capitalised: GFCF = 0.9 x output.
"""

from __future__ import annotations

import pytest

from compiler import table as tbl

TOL = 1e-9


def value(table, **criteria) -> float:
    rows = tbl.select(table, **criteria)
    assert len(rows) == 1, f"{len(rows)} rows for {criteria}"
    return float(rows[tbl.VALUE].iloc[0])


def flow(table, sto, asset, year, bound, activity="_T", sector="S1", unit="XDC"):
    return value(table, STO=sto, INSTR_ASSET=asset, TIME_PERIOD=str(year), BOUND=bound, ACTIVITY=activity, REF_SECTOR=sector, UNIT_MEASURE=unit, PRICES="V")


@pytest.mark.parametrize(
    ("sto", "activity", "sector", "bound", "expected"),
    [
        ("P5OA1", "J62", "S11", "low", 600.0),
        ("P5OA3", "J62", "S11", "low", 180.0),
        ("P5OA2", "J62", "S11", "low", 120.0),
        ("P5OAX", "J62", "S11", "low", 0.0),
        ("B2N", "J62", "S11", "low", 27.0),
        ("P1", "J62", "S11", "low", 927.0),
        ("P5OA1", "O84", "S13", "low", 500.0),
        ("B2N", "O84", "S13", "low", 0.0),
        ("P1", "O84", "S13", "low", 750.0),
        ("P1", "_T", "S1", "low", 1677.0),
        ("P1", "_T", "S1", "high", 2592.75),
        ("P51G", "_T", "S1", "high", 2592.75),
        ("P1", "J62", "S1", "high", 1467.75),
        ("P1", "_T", "S13", "high", 1125.0),
    ],
)
def test_data_2020_by_hand(synthetic_result, sto, activity, sector, bound, expected):
    assert flow(synthetic_result.table, sto, "N11733G", 2020, bound, activity, sector) == pytest.approx(expected, rel=TOL)


def test_industry_row_overrides_total_ratios(synthetic_result):
    # 2022 J62 data low: T01 20 x 100 x 0.5 = 1000 + 50 + 50 = 1100 labour; other costs 550; mark-up 0.03 x 1650
    t = synthetic_result.table
    assert flow(t, "P5OAX", "N11733G", 2022, "low", "J62", "S11") == pytest.approx(550.0, rel=TOL)
    assert flow(t, "P5OA3", "N11733G", 2022, "low", "J62", "S11") == pytest.approx(0.0, abs=TOL)
    assert flow(t, "P1", "N11733G", 2022, "low", "J62", "S11") == pytest.approx(1650 * 1.03, rel=TOL)
    # O84 keeps the _T ratios in 2022
    assert flow(t, "P5OA3", "N11733G", 2022, "low", "O84", "S13") == pytest.approx(150.0, rel=TOL)


def test_databases_gfcf_uses_capitalisation_shares(synthetic_result):
    # databases low 2020: J62 (5 x 200 x 0.5 + 2 x 500 x 0.05) x 1.5 x 1.03 = 849.75; O84 4 x 250 x 0.1 x 1.5 = 150
    t = synthetic_result.table
    assert flow(t, "P1", "N11732G", 2020, "low") == pytest.approx(999.75, rel=TOL)
    assert flow(t, "P51G", "N11732G", 2020, "low") == pytest.approx(999.75 * (0.8 + 0.2 * 0.5), rel=TOL)


def test_data_rd_and_all_data_aggregate(synthetic_result):
    t = synthetic_result.table
    # data R&D high 2020: J62 (5 x 200 x 0.05 + 2 x 500 x 0.75) x 1.5 x 1.03 = 1236; O84 has no data R&D time
    assert flow(t, "P1", "N11711G", 2020, "high") == pytest.approx(1236.0, rel=TOL)
    total = sum(flow(t, "P51G", a, 2020, "low") for a in ("N11733G", "N11732G", "N11711G"))
    assert flow(t, "P51G", "N117DG", 2020, "low") == pytest.approx(total, rel=TOL)
    assert total == pytest.approx(1677 + 999.75 * 0.9 + 772.5, rel=TOL)


def test_cost_stage_employment_and_wage_bill(synthetic_result):
    t = synthetic_result.table
    emp = value(t, STO="EMP_DOCC", PRICES="_Z", ACTIVITY="J62", REF_SECTOR="S11", TIME_PERIOD="2021", BOUND="low")
    assert emp == 27  # 20 + 5 + 2 persons
    d1 = value(t, STO="D1_DOCC", ACTIVITY="_T", REF_SECTOR="S1", TIME_PERIOD="2020", BOUND="high", COUNTERPART_AREA="W0")
    assert d1 == pytest.approx(10 * 100 + 5 * 200 + 2 * 500 + 4 * 250, rel=TOL)


def test_share_of_gdp(synthetic_result):
    t = synthetic_result.table
    assert flow(t, "P51G", "N11733G", 2020, "low", unit="PT_B1GQ") == pytest.approx(1677 / 100000 * 100, rel=TOL)


def test_invariants(synthetic_result):
    t = synthetic_result.table
    assert all(c.passed for c in synthetic_result.checks), [c for c in synthetic_result.checks if not c.passed]
    levels = tbl.select(t, UNIT_MEASURE="XDC", PRICES=("V", "Q"))
    levels = levels.loc[~levels["STO"].str.endswith("_DCAP")]  # changes (e.g. dP3 of non-market producers) may fall as output rises
    wide = levels.pivot_table(index=[*tbl.DIMENSIONS, tbl.TIME], columns=tbl.BOUND, values=tbl.VALUE)
    assert (wide["high"] >= wide["low"] - 1e-9).all()
    assert (tbl.select(t, STO="B2N", REF_SECTOR="S13")[tbl.VALUE] == 0).all()
    assert not t.duplicated(list(tbl.KEY)).any()


def test_every_total_equals_sum_of_children(synthetic_result):
    t = tbl.select(synthetic_result.table, UNIT_MEASURE="XDC", STO=("EMP_DOCC", "D1_DOCC", "P5OA1", "P5OA2", "P5OA3", "P5OAX", "B2N", "P1", "P51G"), PRICES=("V", "_Z"))
    key = [*tbl.DIMENSIONS, tbl.TIME, tbl.BOUND]
    indexed = t.set_index(key)[tbl.VALUE]
    for column, total in (("ACTIVITY", "_T"), ("REF_SECTOR", "S1")):
        sums = t.loc[t[column] != total].assign(**{column: total}).groupby(key)[tbl.VALUE].sum()
        assert indexed.loc[sums.index].to_numpy() == pytest.approx(sums.to_numpy(), rel=TOL)


def test_markup_base_labour(synthetic):
    text = (synthetic / "package.toml").read_text().replace('markup_base = "costs"', 'markup_base = "labour"')
    (synthetic / "package.toml").write_text(text)
    from compiler.pipeline import compile_package

    t = compile_package(synthetic).table
    assert flow(t, "B2N", "N11733G", 2020, "low", "J62", "S11") == pytest.approx(0.03 * 600, rel=TOL)


def test_provisional_codes_are_configurable(synthetic):
    with open(synthetic / "package.toml", "a") as f:
        f.write('\n[classification]\ndata = "N11734"\nall_data = "N117X"\n')
    from compiler.pipeline import compile_package

    t = compile_package(synthetic).table
    assert flow(t, "P1", "N11734G", 2020, "low") == pytest.approx(1677.0, rel=TOL)
    assert "N11733G" not in set(t["INSTR_ASSET"])
    assert flow(t, "P1", "N117XG", 2020, "low") == pytest.approx(1677 + 999.75 + 772.5, rel=TOL)
