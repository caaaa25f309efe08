"""The bundled fixtures reproduce their published targets."""

from __future__ import annotations

import pytest

from compiler import table as tbl
from canonical_values import total


@pytest.fixture(scope="module")
def cn(fixture_table):
    return fixture_table("CN")


@pytest.mark.parametrize(("bound", "target"), [("low", 17_600), ("high", 19_700)])
def test_cn_2020_gfcf_in_all_data_assets(cn, bound, target):
    """Seed paper: RMB 1.76-1.97 trillion in 2020 (units: RMB 100 million), within 2 %."""
    assert total(cn, "P51G", "N117DG", 2020, bound) == pytest.approx(target, rel=0.02)


@pytest.mark.parametrize(("bound", "target"), [("low", 1.74), ("high", 1.95)])
def test_cn_2020_gfcf_share_of_gdp(cn, bound, target):
    assert total(cn, "P51G", "N117DG", 2020, bound, unit="XDC_R_B1GQ") == pytest.approx(target, abs=0.02)


@pytest.mark.parametrize(("year", "bound", "target"), [(2020, "low", 29_100), (2020, "high", 32_700), (2022, "low", 46_500), (2022, "high", 52_400)])
def test_cn_net_stock_at_2015_prices(cn, year, bound, target):
    """Seed paper: RMB 2.91-3.27 trn (2020) and 4.65-5.24 trn (2022) at 2015 prices, within 10 %."""
    assert total(cn, "LE", "N117DN", year, bound, prices="Q") == pytest.approx(target, rel=0.10)


def test_cn_constant_price_rows_carry_the_base_year(cn):
    constant = tbl.select(cn, PRICES="Q")
    assert set(constant["REF_YEAR_PRICE"]) == {"2015"}
