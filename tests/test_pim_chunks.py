"""The PIM in chunks (compiler.accounts.pim.iter_pim): the same bits as one call.

Equality tests against the one-call path are the right test here: chunking is a
memory and speed device that must not change a single result (issue 15 item 3).
"""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pytest

from compiler.accounts.pim import PimInputError, PimParameters, PimResult, chunk_size, iter_pim, run_pim

SETS = (
    PimParameters(retirement="normal", mean_life=10, cov=0.25, depreciation_rate=0.2, initial_stock="opening"),
    PimParameters(retirement="gamma", mean_life=25, cov=0.3, value_profile="linear", combination="weighted_average", initial_stock="backcast"),
    PimParameters(retirement="none", depreciation_rate=0.15, initial_stock="closing"),
    PimParameters(retirement="linear", min_life=3, max_life=9, value_profile="hyperbolic", initial_stock="given"),
)


def panel(n_series: int = 23, n_years: int = 12, seed: int = 7) -> dict[str, object]:
    """A small random panel with the four parameter sets in random order."""
    rng = np.random.default_rng(seed)
    gfcf = 100 * rng.uniform(0.5, 2.0, (n_series, 1)) * np.cumprod(1 + rng.normal(0.04, 0.05, (n_series, n_years)), axis=1)
    return {
        "gfcf": gfcf,
        "price_index": np.cumprod(1 + rng.normal(0.02, 0.03, (n_series, n_years + 1)), axis=1),
        "params": [SETS[i] for i in rng.integers(0, len(SETS), n_series)],
        "base_position": 3,
        "other_volume_changes": rng.normal(0, 1, (n_series, n_years)),
        "end_price_index": np.cumprod(1 + rng.normal(0.02, 0.03, (n_series, n_years)), axis=1),
        "opening_stock": rng.uniform(50, 500, n_series),
    }


def assert_same_bits(a: PimResult, b: PimResult) -> None:
    for f in fields(PimResult):
        x, y = getattr(a, f.name), getattr(b, f.name)
        assert x.shape == y.shape, f.name
        assert np.array_equal(x.view(np.int64), y.view(np.int64)), f.name  # bit for bit, NaN included


@pytest.mark.parametrize("chunk", [1, 7, 23])
def test_chunked_equals_one_call_bit_for_bit(chunk: int) -> None:
    inputs = panel()
    one = run_pim(**inputs, chunk=10**6)
    assert_same_bits(run_pim(**inputs, chunk=chunk), one)


def test_threads_give_the_same_bits_in_series_order() -> None:
    inputs = panel(n_series=40)
    parts = list(iter_pim(**inputs, chunk=6, workers=2))
    assert [rows.start for rows, _ in parts] == list(range(0, 40, 6))
    assert_same_bits(run_pim(**inputs, chunk=6, workers=2), run_pim(**inputs))


def test_a_chunk_holds_the_rows_of_one_call() -> None:
    inputs = panel()
    one = run_pim(**inputs)
    for rows, part in iter_pim(**inputs, chunk=5):
        assert np.array_equal(part.net_stock_cp, one.net_stock_cp[rows])
        assert np.array_equal(part.growth_rate, one.growth_rate[rows], equal_nan=True)


def test_chunk_size_follows_the_memory_budget() -> None:
    # 48 rows of 60 float64 per series: 23,040 bytes; 256 MiB hold 11,650, rounded down to a multiple of 8
    assert chunk_size(60, 256 * 2**20) == 11_648
    assert chunk_size(60, 1) == 8  # at least one block


def test_an_error_names_the_series_of_the_whole_panel() -> None:
    inputs = panel()
    inputs["gfcf"][17, 4] = np.nan
    with pytest.raises(PimInputError, match=r"\(series 17, year position 4\)"):
        next(iter_pim(**inputs, chunk=5))
