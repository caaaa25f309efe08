"""OBS_VALUE text: Python ``repr`` layout, bit-exact round trip, xs:double specials."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from compiler import table as canon
from compiler.outputs.sdmx import decimals as decimals_mod
from compiler.outputs.sdmx import prepare

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


def _python_format(values: np.ndarray, decimals: np.ndarray) -> list[str]:
    out = []
    for x, d in zip(values.tolist(), decimals.tolist(), strict=True):
        if x != x:
            out.append("NaN")
        elif x in (np.inf, -np.inf):
            out.append("INF" if x > 0 else "-INF")
        else:
            text = format(x, f".{d}f")
            out.append(text[1:] if text.startswith("-") and float(text) == 0 else text)  # no "-0.0"
    return out


def test_values_at_decimals_match_pythons_correct_rounding():
    """decimal_text == format(x, ".{d}f") (correctly rounded, half to even on the exact
    binary value), on random values, exact binary ties and values just off them."""
    rng = np.random.default_rng(12)
    ties = np.arange(-4000, 4000) / 8.0  # x.125, x.375 …: exact ties at 2 decimals, half-even decides
    near = np.array([2.675, 1.005, 0.045, 1.0000000000000002, 0.9999999999999999, 290.24952986892464, 4.35, 0.5, 1.5, 2.5])
    values = np.concatenate([rng.lognormal(8, 4, 200_000) * rng.choice([-1, 1], 200_000), ties, near, -near,
                             [0.0, -0.0, -0.001, np.nan, np.inf, -np.inf, 1e300, 2.5e16, 5e-324]])
    for d in (0, 1, 2, 3, 5):
        decimals = np.full(len(values), d)
        assert decimals_mod.decimal_text(values, decimals).to_pylist() == _python_format(values, decimals), d
    mixed = rng.integers(0, 4, len(values))
    assert decimals_mod.decimal_text(values, mixed).to_pylist() == _python_format(values, mixed)


def test_hand_computed_rounding_and_exact_rescaling():
    """By hand: 2.675 is 2.67499999999999982236431605997495353221893310546875 in binary,
    so 2 decimals give 2.67; 0.125 is an exact tie and half-to-even gives 0.12; 290.2495…
    at 1 decimal is 290.2 (the 19-character repr of issue 12 becomes 5 characters).
    Rescaling UNIT_MULT 8 -> 6 (shift 2): 17.35 hundred millions at DECIMALS 1 is first
    rounded to 17.4 (binary 17.35 is just above), then 17.4 x 100 = 1740 millions with
    DECIMALS 0, no float multiplication; 12.3456 at DECIMALS 3 is 12.346 -> 1234.6."""
    text = decimals_mod.decimal_text(np.array([2.675, 0.125, 290.24952986892464]), np.array([2, 2, 1])).to_pylist()
    assert text == ["2.67", "0.12", "290.2"]
    rescaled = decimals_mod.decimal_text(np.array([17.35, 12.3456]), np.array([1, 3]), np.array([2, 2])).to_pylist()
    assert rescaled == ["1740", "1234.6"]
    r, digits = decimals_mod.rescale(np.array([174, 12346]), np.array([1, 3]), np.array([2, 2]))
    assert r.tolist() == [1740, 12346] and digits.tolist() == [0, 1]
