"""OBS_VALUE text: Python ``repr`` layout, bit-exact round trip, xs:double specials."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from compiler import table as canon
from compiler.sdmx import prepare

XS_DOUBLE = re.compile(r"(\+|-)?([0-9]+(\.[0-9]*)?|\.[0-9]+)([Ee](\+|-)?[0-9]+)?|(\+|-)?INF|NaN\Z")


def _samples() -> np.ndarray:
    rng = np.random.default_rng(20240501)
    bits = rng.integers(0, 2**64, 400_000, dtype=np.uint64, endpoint=False).view(np.float64)
    decimals = np.round(rng.uniform(-1e6, 1e6, 100_000) * 10.0 ** rng.integers(0, 8, 100_000)) / 10.0 ** rng.integers(0, 8, 100_000)
    special = np.array([0.0, -0.0, np.nan, np.inf, -np.inf, 5e-324, -5e-324, 2.2250738585072014e-308,
                        2.225073858507201e-308, 1.7976931348623157e308, -1.7976931348623157e308, 1e-4, 9.999999999999999e-05,
                        1e16, 9999999999999998.0, 1234567890123456.0, 1e15, 1e21, 1e22, 0.1, 1 / 3, 7.0, -7.0, 2.5e16,
                        123456789.123456789, 0.30000000000000004, 1e-300, 1.5e-7, 1e-5, 4.35e-5])
    ints = rng.integers(-10**15, 10**15, 50_000).astype(np.float64)
    powers = np.concatenate([10.0 ** np.arange(-330, 310, dtype=np.float64), -(10.0 ** np.arange(-20, 20, dtype=np.float64)), 2.0 ** np.arange(-1074, 1024, dtype=np.float64)])
    lognormal = rng.lognormal(8, 4, 100_000)
    return np.concatenate([bits, decimals, special, ints, powers, lognormal])


def test_values_are_repr_and_round_trip_bit_exact():
    values = _samples()
    text = prepare.format_values_arrow(values).to_pylist()
    expected = [("NaN" if x != x else "INF" if x == np.inf else "-INF" if x == -np.inf else repr(x)) for x in values.tolist()]
    assert text == expected
    back = np.array([float(t.replace("INF", "inf")) for t in text])
    finite = ~np.isnan(values)
    assert (back[finite].view(np.uint64) == values[finite].view(np.uint64)).all()
    assert np.isnan(back[~finite]).all()
    assert all(XS_DOUBLE.fullmatch(t) for t in text)
    assert list(prepare.format_values(values[:100])) == expected[:100]


def test_sort_matches_canonical_sort(table):
    rng = np.random.default_rng(3)
    shuffled = table.iloc[rng.permutation(len(table))].reset_index(drop=True)
    for data in prepare.by_bound(shuffled):
        expected = canon.sort(table)
        expected = expected[expected[canon.BOUND] == data.bound].reset_index(drop=True)
        pd.testing.assert_frame_equal(data.frame, expected)
        assert list(data.starts) == list(prepare.series_starts(expected))
