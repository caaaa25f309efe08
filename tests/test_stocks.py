"""Stocks, CFC and the accumulation account on the synthetic package, by hand.

Synthetic [pim.default]: geometric δ = 0.2, no retirement, no initial stock, so at
constant prices W(t) = 0.8 W(t-1) + I(t) and CFC(t) = 0.2 W(t-1). The price index
100, 102, 105 is rebased to 2021 = 1: P = 100/102, 1, 105/102. macro.csv gives no
end-of-year index, so stocks are valued at the approximation (docs/method.md §3)
PE(t) = sqrt(P(t) P(t+1)), PE(2022) = P(2022) sqrt(P(2022)/P(2021)).
Data, low bound: GFCF 2020 = 1677 (test_costs.py); 2021: J62 (1000 + 50 + 50) x 1.5 x 1.03
= 1699.5 plus O84 750 = 2449.5.
"""

from __future__ import annotations

import math

import pytest

from compiler import table as tbl
from compiler.inputs import InputErrors
from compiler.pipeline import compile_package

TOL = 1e-9
P2020, P2021 = 100 / 102, 1.0
PE2020, PE2021 = math.sqrt(100 * 102) / 102, math.sqrt(102 * 105) / 102
I2020 = 1677 / P2020


def stock(table, sto, code, year, prices="V", bound="low", sector="S1"):
    rows = tbl.select(table, STO=sto, INSTR_ASSET=code, TIME_PERIOD=str(year), PRICES=prices, BOUND=bound, ACTIVITY="_T", REF_SECTOR=sector, UNIT_MEASURE="XDC")
    assert len(rows) == 1, rows
    return float(rows[tbl.VALUE].iloc[0])


def test_net_stock_by_hand(synthetic_result):
    t = synthetic_result.table
    assert stock(t, "LE", "N11733N", 2020, "Q") == pytest.approx(I2020, rel=TOL)
    # LE at end-of-year prices: 1677 x 1.02 x sqrt(10200)/102 = 1693.686978
    assert stock(t, "LE", "N11733N", 2020, "V") == pytest.approx(I2020 * PE2020, rel=TOL)
    assert stock(t, "LE", "N11733N", 2020, "V") == pytest.approx(1693.686978, rel=1e-9)
    w2021 = 0.8 * I2020 + 2449.5 / P2021
    assert stock(t, "LE", "N11733N", 2021, "Q") == pytest.approx(w2021, rel=TOL)
    assert stock(t, "P51C", "N11733G", 2021, "Q") == pytest.approx(0.2 * I2020, rel=TOL)
    assert stock(t, "P51C", "N11733G", 2021, "V") == pytest.approx(0.2 * I2020 * P2021, rel=TOL)  # flows at average prices
    # K7 first year: no opening stock; GFCF 1677 at average prices, W2020 = I2020 at end prices: 1677 (PE/P - 1)
    assert stock(t, "K7", "N11733N", 2020) == pytest.approx(I2020 * (PE2020 - P2020), rel=TOL)
    # K7 = W(t-1)(PE(t) - PE(t-1)) + (I(t) - D(t))(PE(t) - P(t))
    k7 = I2020 * (PE2021 - PE2020) + (2449.5 - 0.2 * I2020) * (PE2021 - P2021)
    assert stock(t, "K7", "N11733N", 2021) == pytest.approx(k7, rel=TOL)
    assert stock(t, "LE", "N11733N", 2019, "V") == 0.0  # no initial stock
    # the end-year index used is a row of its own: LE V / LE Q
    for year, pe in ((2020, PE2020), (2021, PE2021)):
        rows = tbl.select(t, STO="LE", INSTR_ASSET="N11733N", TIME_PERIOD=str(year), PRICES="DR", BOUND="low", UNIT_MEASURE="IX")
        assert float(rows[tbl.VALUE].iloc[0]) == pytest.approx(pe, rel=TOL)
        assert stock(t, "LE", "N11733N", year, "V") / stock(t, "LE", "N11733N", year, "Q") == pytest.approx(pe, rel=TOL)


def test_given_end_year_index_and_year_before_value_the_opening_stock(synthetic):
    """macro.csv gives investment_price_index_end and a 2019 row (the year before the
    first). Averages 100, 102, 105 (rebased by 102); end of year 99 (2019), 101, 103.5,
    106. Opening stock (initial_stock "opening", g = 0.1, δ = 0.2): W2019 = I2020 / 0.3
    with I2020 = 1677 x 1.02 = 1710.54 (data, low, S1; linear in I, so S11 + S13).
    LE2019 = W2019 x 99/102; LE2020 = (0.8 W2019 + I2020) x 101/102;
    K7(2020) = W2019 (101 - 99)/102 + (I2020 - 0.2 W2019)(101 - 100)/102."""
    (synthetic / "macro.csv").write_text(
        "year,gdp,investment_price_index,investment_price_index_end,usd_exchange_rate,ppp,population\n"
        "2019,100000,98,99,2,1.5,1000\n2020,100000,100,101,2,1.5,1000\n2021,100000,102,103.5,2,1.5,1000\n2022,100000,105,106,2,1.5,1000\n")
    path = synthetic / "package.toml"
    path.write_text(path.read_text().replace('initial_stock = "none"', 'initial_stock = "opening"\ngrowth_rate = 0.1'))
    t = compile_package(synthetic).table
    w2019 = I2020 / 0.3
    assert stock(t, "LE", "N11733N", 2019, "Q") == pytest.approx(w2019, rel=TOL)
    assert stock(t, "LE", "N11733N", 2019) == pytest.approx(w2019 * 99 / 102, rel=TOL)
    assert stock(t, "LE", "N11733N", 2020) == pytest.approx((0.8 * w2019 + I2020) * 101 / 102, rel=TOL)
    k7 = w2019 * 2 / 102 + (I2020 - 0.2 * w2019) * 1 / 102
    assert stock(t, "K7", "N11733N", 2020) == pytest.approx(k7, rel=TOL)
    assert stock(t, "K7", "N11733N", 2020) != 0.0
    assert synthetic.name and not (t[tbl.TIME] == "2019").loc[t["STO"] == "B1GQ"].any()  # the 2019 row values only the opening stock


def test_stocks_by_producing_sector_by_hand(synthetic_result):
    """Convention 3 (issue 10 item 1): the PIM runs per institutional sector of the
    producers. Data, low bound, GFCF (test_costs.py): J62 (S11, market) 927 in 2020 and
    1699.5 in 2021; O84 (S13, non-market) 750 in both years. At 2021 prices
    (P2020 = 100/102): I2020 = 927 x 1.02 = 945.54 (S11), 750 x 1.02 = 765 (S13).
    W2021 = 0.8 W2020 + I2021: S11 756.432 + 1699.5 = 2455.932; S13 612 + 750 = 1362.
    CFC2021 = 0.2 W2020: S11 189.108, S13 153. S1 is their sum."""
    t = synthetic_result.table
    assert stock(t, "LE", "N11733N", 2020, "Q", sector="S11") == pytest.approx(945.54, rel=TOL)
    assert stock(t, "LE", "N11733N", 2020, "Q", sector="S13") == pytest.approx(765.0, rel=TOL)
    assert stock(t, "LE", "N11733N", 2021, "Q", sector="S11") == pytest.approx(2455.932, rel=TOL)
    assert stock(t, "LE", "N11733N", 2021, "Q", sector="S13") == pytest.approx(1362.0, rel=TOL)
    assert stock(t, "P51C", "N11733G", 2021, "Q", sector="S11") == pytest.approx(189.108, rel=TOL)
    assert stock(t, "P51C", "N11733G", 2021, "Q", sector="S13") == pytest.approx(153.0, rel=TOL)
    assert stock(t, "P51C", "N11733G", 2021, "V", sector="S13") == pytest.approx(153.0, rel=TOL)  # average P2021 = 1
    for sto, code, prices in (("LE", "N117DN", "V"), ("P51C", "N117DG", "V"), ("K7", "N117DN", "V"), ("LE", "N11732G", "Q")):
        for year in (2020, 2021, 2022):
            parts = stock(t, sto, code, year, prices, sector="S11") + stock(t, sto, code, year, prices, sector="S13")
            assert stock(t, sto, code, year, prices) == pytest.approx(parts, rel=1e-12)


def test_accumulation_identity_per_sector(synthetic_result):
    t = synthetic_result.table
    for sector in ("S11", "S13"):
        for year in (2021, 2022):
            opening = stock(t, "LE", "N117DN", year - 1, sector=sector)
            flows = stock(t, "P51G", "N117DG", year, sector=sector) - stock(t, "P51C", "N117DG", year, sector=sector) + stock(t, "K7", "N117DN", year, sector=sector)
            assert opening + flows == pytest.approx(stock(t, "LE", "N117DN", year, sector=sector), rel=1e-12)


def test_historical_cost_net_stock_by_hand(synthetic_result):
    """LE_HC (project code, PRICES _Z): nominal GFCF through the value profile. Data, low,
    S1: 1677 in 2020; 0.8 x 1677 + 2449.5 = 3791.1 in 2021 (no initial stock: 2019 is 0)."""
    t = synthetic_result.table
    assert stock(t, "LE_HC", "N11733N", 2020, "_Z") == pytest.approx(1677.0, rel=TOL)
    assert stock(t, "LE_HC", "N11733N", 2021, "_Z") == pytest.approx(3791.1, rel=TOL)
    assert stock(t, "LE_HC", "N11733N", 2019, "_Z") == 0.0
    assert stock(t, "LE_HC", "N117DN", 2021, "_Z", sector="S13") == pytest.approx(
        sum(stock(t, "LE_HC", c, 2021, "_Z", sector="S13") for c in ("N11733N", "N11732N", "N11711N")), rel=1e-12)


def test_gross_stock_without_retirement_is_cumulative_real_gfcf(synthetic_result):
    t = synthetic_result.table
    assert stock(t, "LE", "N11733G", 2021, "Q") == pytest.approx(I2020 + 2449.5, rel=TOL)


def test_cfc_is_gfcf_less_change_in_net_stock_at_constant_prices(synthetic_result):
    t = synthetic_result.table
    for code in ("N11733", "N11732", "N11711", "N117D"):
        for year in (2021, 2022):
            gfcf = stock(t, "P51G", code + "G", year, "Q")
            change = stock(t, "LE", code + "N", year, "Q") - stock(t, "LE", code + "N", year - 1, "Q")
            assert stock(t, "P51C", code + "G", year, "Q") == pytest.approx(gfcf - change, rel=TOL)


def test_accumulation_identity_from_the_rows(synthetic_result):
    t = synthetic_result.table
    for code in ("N11733", "N11732", "N11711", "N117D"):
        for bound in ("low", "high"):
            for year in (2020, 2021, 2022):
                opening = stock(t, "LE", code + "N", year - 1, bound=bound)
                closing = stock(t, "LE", code + "N", year, bound=bound)
                flows = stock(t, "P51G", code + "G", year, bound=bound) - stock(t, "P51C", code + "G", year, bound=bound) + stock(t, "K7", code + "N", year, bound=bound)
                assert opening + flows == pytest.approx(closing, rel=1e-12)
    (check,) = [c for c in synthetic_result.checks if c.name.startswith("accumulation")]
    assert check.passed and check.max_deviation <= 1e-12


def test_accumulation_check_finds_a_broken_identity(synthetic_result):
    """K7 of one asset-sector-bound-year raised by 1,000: the check fails with the
    deviation 1000 / |LE| of that year, on the same count of asset-sector-bound-years."""
    from compiler.accounts.stocks import accumulation_check

    t = synthetic_result.table
    (passed,) = [c for c in synthetic_result.checks if c.name.startswith("accumulation")]
    hit = (t["STO"] == "K7") & (t["INSTR_ASSET"] == "N11733N") & (t[tbl.TIME] == "2021") & (t[tbl.BOUND] == "low") & (t["REF_SECTOR"] == "S1") & (t["PRICES"] == "V")
    assert hit.sum() == 1
    broken = t.assign(**{tbl.VALUE: t[tbl.VALUE].where(~hit, t[tbl.VALUE] + 1000.0)})
    check = accumulation_check(broken)
    assert not check.passed
    assert check.observations == passed.observations
    assert check.max_deviation == pytest.approx(1000 / abs(stock(t, "LE", "N11733N", 2021)), rel=1e-9)


def test_other_volume_changes_enter_the_account(synthetic):
    (synthetic / "other_volume_changes.csv").write_text("year,asset,sto,value,sector\n2021,data,K3,-100,S13\n")
    t = compile_package(synthetic).table
    assert stock(t, "K3", "N11733N", 2021) == -100
    assert stock(t, "K3", "N11733N", 2021, sector="S13") == -100
    # at P2021 = 1 the loss of 100 is a vintage of -100 in S13: W2021 = 1362 - 100 (hand value above)
    assert stock(t, "LE", "N11733N", 2021, "Q", sector="S13") == pytest.approx(1262.0, rel=TOL)
    opening, closing = stock(t, "LE", "N11733N", 2020), stock(t, "LE", "N11733N", 2021)
    flows = stock(t, "P51G", "N11733G", 2021) - stock(t, "P51C", "N11733G", 2021) + stock(t, "K7", "N11733N", 2021) - 100
    assert opening + flows == pytest.approx(closing, rel=1e-12)


def test_other_volume_change_without_sector_is_an_input_error(synthetic):
    """Two producing sectors (S11, S13): an unallocated K3 row names its row and column."""
    (synthetic / "other_volume_changes.csv").write_text("year,asset,sto,value\n2021,data,K3,-100\n")
    with pytest.raises(InputErrors) as info:
        compile_package(synthetic)
    (error,) = info.value.errors
    assert error.file == "synthetic/other_volume_changes.csv" and error.row == 2 and error.column == "sector"
    assert "S11, S13" in str(error)


def test_bad_pim_parameters_are_input_errors(synthetic):
    path = synthetic / "package.toml"
    path.write_text(path.read_text().replace("depreciation_rate = 0.2", "depreciation_rate = 1.5\nmean_life = -3"))
    with pytest.raises(InputErrors) as info:
        compile_package(synthetic)
    text = str(info.value)
    assert "depreciation_rate" in text and "1.5" in text


def test_missing_price_index_year(synthetic):
    (synthetic / "macro.csv").write_text("year,gdp,investment_price_index\n2020,100000,100\n2021,100000,102\n2022,100000,\n")
    with pytest.raises(InputErrors) as info:
        compile_package(synthetic)
    e = info.value.errors[0]
    assert e.file == "synthetic/macro.csv" and e.row == 4 and e.column == "investment_price_index"


def test_stocks_convert_at_end_of_year_rates_flows_at_averages(synthetic):
    """OECD (2009), docs/method.md §3: stocks in US dollars at end-of-period rates.
    Average rates 2, 2.42, 2.9282 (x 1.21 a year), no usd_exchange_rate_end: the end of
    2020 is sqrt(2 x 2.42) = 2.2, of 2021 sqrt(2.42 x 2.9282) = 2.662, of 2022
    2.9282 x sqrt(1.21) = 3.22102, of 2019 2 / sqrt(1.21) = 2/1.1."""
    (synthetic / "macro.csv").write_text("year,gdp,investment_price_index,usd_exchange_rate,ppp,population\n"
                                         "2020,100000,100,2,1.5,1000\n2021,100000,102,2.42,1.5,1000\n2022,100000,105,2.9282,1.5,1000\n")
    t = compile_package(synthetic).table

    def usd(sto, code, year):
        rows = tbl.select(t, STO=sto, INSTR_ASSET=code, TIME_PERIOD=str(year), BOUND="low", REF_SECTOR="S1", ACTIVITY="_T", UNIT_MEASURE="USD")
        return float(rows[tbl.VALUE].iloc[0])

    for year, end, average in ((2020, 2.2, 2.0), (2021, 2.662, 2.42), (2022, 3.22102, 2.9282)):
        assert usd("LE", "N117DN", year) == pytest.approx(stock(t, "LE", "N117DN", year) / end / 1e6, rel=TOL)
        assert usd("P51G", "N117DG", year) == pytest.approx(stock(t, "P51G", "N117DG", year) / average / 1e6, rel=TOL)
    assert usd("LE", "N117DN", 2019) == pytest.approx(stock(t, "LE", "N117DN", 2019) / (2 / 1.1) / 1e6, abs=1e-12)


def test_package_options_survival_file_linear_and_given_stock(synthetic):
    """package.toml: data has a survival table from a CSV file of the package, databases
    delayed-linear retirement, data R&D a given opening stock.
    Data R&D, geometric δ = 0.2, no retirement, opening_stock {low = 600, high = 900}
    (2021 prices) allocated to S11 and S13 by first-year real GFCF; data R&D GFCF of
    S13 is 0 (T04 has no data R&D time), so S11 takes it all:
    K(2020) = 0.8 x 600 + I(2020), I(2020) = GFCF(2020) x 1.02 (P2020 = 100/102)."""
    (synthetic / "survival_data.csv").write_text("age,survival\n0,1\n1,0.75\n2,0.5\n3,0.25\n4,0\n")
    path = synthetic / "package.toml"
    path.write_text(path.read_text().replace("depreciation_rate = 0.2\n", "") + """
[pim.data]
retirement = "table"
survival = "survival_data.csv"
value_profile = "linear"
combination = "weighted_average"
value_offset = 1.0

[pim.databases]
retirement = "linear"
min_life = 2
max_life = 4
depreciation_rate = 0.1

[pim.data_rd]
depreciation_rate = 0.2
initial_stock = "given"
opening_stock = {low = 600, high = 900}
""")
    result = compile_package(synthetic)
    t = result.table
    gfcf = stock(t, "P51G", "N11711G", 2020, sector="S11")
    assert stock(t, "P51G", "N11711G", 2020, sector="S13") == 0.0
    assert stock(t, "LE", "N11711N", 2019, "Q", sector="S11") == pytest.approx(600.0, rel=TOL)
    assert stock(t, "LE", "N11711N", 2020, "Q", sector="S11") == pytest.approx(480.0 + gfcf * 1.02, rel=TOL)
    # data: pimir method 1 profile p(0) = 163/240 (tests/test_pim.py); W(2020) = I(2020) p(0)
    assert stock(t, "LE", "N11733N", 2020, "Q") == pytest.approx(I2020 * 163 / 240, rel=TOL)
    # databases: S = 1, 1, 0.75, 0.25, 0; W(2020) = I(2020) (no retirement in year 0)
    assert stock(t, "LE", "N11732N", 2020, "Q") == pytest.approx(stock(t, "P51G", "N11732G", 2020, "Q"), rel=TOL)
    from compiler.outputs.report import package_report
    assets = package_report(result)["stocks"]["assets"]
    assert assets["data"]["mean_service_life"] == pytest.approx(2.5) and assets["databases"]["mean_service_life"] == pytest.approx(3.0)
    # data: 1/Σp = 1/(288/240 + 0.05) = 1/1.25 = 0.8; data R&D geometric: δ = 0.2
    assert assets["data"]["effective_depreciation_rate"] == pytest.approx(0.8, rel=1e-6)
    assert assets["data_rd"]["effective_depreciation_rate"] == pytest.approx(0.2, rel=1e-6)


def test_given_stock_and_survival_errors_name_the_key(synthetic):
    path = synthetic / "package.toml"
    path.write_text(path.read_text() + """
[pim.data]
retirement = "table"
survival = "missing.csv"

[pim.data_rd]
initial_stock = "given"
opening_stock = {low = -1, high = 2}

[pim.databases]
opening_stock = {low = 1, high = 2}
""")
    with pytest.raises(InputErrors) as info:
        compile_package(synthetic)
    text = str(info.value)
    errors = {(e.file, e.column, e.value) for e in info.value.errors}
    assert ("synthetic/package.toml", "pim.data.survival", "missing.csv") in errors
    assert ("synthetic/package.toml", "pim.data_rd.opening_stock", "{'low': -1, 'high': 2}") in errors
    assert ("synthetic/package.toml", "pim.databases.opening_stock", "{'low': 1, 'high': 2}") in errors
    assert "no opening_stock without initial_stock 'given'" in text


def test_input_cost_price_index_by_hand(synthetic):
    """[pim.data] price_index = "input_cost" (docs/method.md §3). Data, mean time shares
    (low + high)/2: T01 0.625, T02 0.075, T03 0.075, T04 0.625 (occupations.csv).
    Labour price = Σ E w s / Σ E s: 2020 (10x100x.625 + 5x200x.075 + 2x500x.075 + 4x250x.625)
    / (6.25 + .375 + .15 + 2.5) = 1400 / 9.275; 2021 and 2022 (T01 20 persons) 2025 / 15.525.
    Cost shares: other costs = 0.5 x labour in every industry and year, so σ = 2/3.
    Other costs priced by investment_price_index 100, 102, 105.
    Links: 2021 2/3 x (2025/15.525)/(1400/9.275) + 1/3 x 1.02 = 0.916087;
    2022 2/3 + 1/3 x 105/102 = 1.009804. Rebased 2021 = 1: 1/0.916087, 1, 1.009804."""
    path = synthetic / "package.toml"
    path.write_text(path.read_text() + '\n[pim.data]\nprice_index = "input_cost"\nother_costs_index = "investment_price_index"\n')
    result = compile_package(synthetic)
    t = result.table
    link_2021 = 2 / 3 * (2025 / 15.525) / (1400 / 9.275) + 1 / 3 * 1.02
    assert link_2021 == pytest.approx(0.916087, abs=1e-6)
    expected = {2020: 1 / link_2021, 2021: 1.0, 2022: 2 / 3 + 1 / 3 * 105 / 102}

    def deflator(code, year):
        rows = tbl.select(t, STO="P51G", INSTR_ASSET=code, TIME_PERIOD=str(year), PRICES="DR", BOUND="low", UNIT_MEASURE="IX")
        return float(rows[tbl.VALUE].iloc[0])

    for year, value in expected.items():
        assert deflator("N11733G", year) == pytest.approx(value, rel=TOL)
    assert deflator("N11732G", 2020) == pytest.approx(P2020, rel=TOL)  # databases keep macro.csv's index
    assert stock(t, "LE", "N11733N", 2020, "Q") == pytest.approx(1677 * link_2021, rel=TOL)
    from compiler.outputs.report import package_report
    used = package_report(result)["stocks"]["assets"]
    assert used["data"]["price_index"].startswith("input-cost index") and used["databases"]["price_index"].startswith("investment_price_index")


def test_input_cost_needs_a_known_other_costs_index(synthetic):
    path = synthetic / "package.toml"
    path.write_text(path.read_text() + '\n[pim.data]\nprice_index = "input_cost"\nother_costs_index = "cpi"\n')
    with pytest.raises(InputErrors) as info:
        compile_package(synthetic)
    (error,) = info.value.errors
    assert (error.file, error.column, error.value) == ("synthetic/package.toml", "pim.data.other_costs_index", "cpi")
    assert "gdp_deflator" in error.expected
