"""Tests of compiler.accounts.pim against hand-computed values (methodology.md §7, §10)."""

from __future__ import annotations

import numpy as np
import pytest

from compiler.accounts.pim import (
    PimInputError,
    PimParameterError,
    PimParameters,
    accumulation_residual,
    efficiency_profile,
    end_year_prices,
    harberger_rate,
    run_pim,
    survival,
    value_profile,
)

WHERE = "package.toml [pim.data]"
GEOMETRIC = PimParameters(retirement="none", depreciation_rate=0.2)
# §10 synthetic T04: normal T̄ = 10, CoV 0.25, [5, 15] × geometric (δ = 0.2 here)
T04 = PimParameters(retirement="normal", mean_life=10, cov=0.25, depreciation_rate=0.2)
EXAMPLE_I = np.array([[100.0, 110.0, 121.0, 133.1, 146.41]])  # §7.10, g = 10 %


def ones(n: int) -> np.ndarray:
    return np.ones(n)


# --------------------------------------------------------------------------- #
# Survival profiles
# --------------------------------------------------------------------------- #

# Σ_a S(a) with offset 0.5 is the midpoint rule for ∫ S = mean life. Tolerances:
# "both" truncation of a symmetric normal is exact up to rounding; left truncation
# of the normal shifts the mean by +0.047σ (= 0.12 years for T̄ = 10, CoV 0.25), so
# 2 %; gamma/lognormal/Weibull lose the 1e-4 tail above the default max_life and
# carry midpoint error, so 0.1 %.
SURVIVAL_CASES = [
    (dict(retirement="normal", cov=0.25, truncation="both"), 1e-9),
    (dict(retirement="normal", cov=0.25, truncation="left"), 0.02),
    (dict(retirement="normal", cov=0.4, truncation="both"), 1e-9),
    (dict(retirement="gamma", cov=0.25), 1e-3),
    (dict(retirement="gamma", cov=0.5, truncation="left"), 1e-3),
    (dict(retirement="lognormal", cov=0.25), 1e-3),
    (dict(retirement="lognormal", cov=0.5), 1e-3),
    (dict(retirement="weibull", weibull_shape=2.0), 1e-3),
    (dict(retirement="weibull", weibull_shape=3.5), 1e-3),
]


@pytest.mark.parametrize("mean_life", [10.0, 25.0])
@pytest.mark.parametrize("kwargs,rel_tol", SURVIVAL_CASES)
def test_survival_sums_to_mean_life(kwargs: dict, rel_tol: float, mean_life: float) -> None:
    params = PimParameters(mean_life=mean_life, depreciation_rate=0.1, **kwargs)
    s = survival(params, 200)
    assert s[0] > 0.99 and s[-1] == 0.0  # S(0) = 1 − F(0.5) < 1 when F has mass near 0
    assert np.all(np.diff(s) <= 0) and np.all((s >= 0) & (s <= 1))
    assert s.sum() == pytest.approx(mean_life, rel=rel_tol)


def test_normal_survival_pimir_values() -> None:
    # T̄ = 10, σ = 2.5, [5, 15], o = 0.5: S(a) = (Φ(2) − Φ((a + 0.5 − 10)/2.5)) / (Φ(2) − Φ(−2))
    from scipy.stats import norm

    s = survival(T04, 20)
    assert T04.life_bounds() == (5.0, 15.0)
    assert np.all(s[:5] == 1.0)
    expected_7 = (norm.cdf(2) - norm.cdf((7.5 - 10) / 2.5)) / (norm.cdf(2) - norm.cdf(-2))
    assert s[7] == pytest.approx(expected_7, rel=1e-12)
    assert s[15] == 0.0  # negative before clipping (§7.2 pitfall)
    assert np.all(s[16:] == 0.0)
    left = survival(PimParameters(retirement="normal", mean_life=10, cov=0.25, depreciation_rate=0.2, truncation="left"), 20)
    assert left[7] == pytest.approx((1 - norm.cdf(-1.0)) / (1 - norm.cdf(-2.0)), rel=1e-12)
    assert left[15] > 0 and left[16] == 0.0


def test_simultaneous_exit_and_none() -> None:
    s = survival(PimParameters(retirement="simultaneous", mean_life=7, depreciation_rate=0.1), 12)
    np.testing.assert_array_equal(s, [1] * 7 + [0] * 5)
    np.testing.assert_array_equal(survival(GEOMETRIC, 30), np.ones(30))


def test_offset_changes_survival() -> None:
    mid = survival(T04, 20)
    start = survival(PimParameters(retirement="normal", mean_life=10, cov=0.25, depreciation_rate=0.2, offset=0.0), 20)
    assert start[7] > mid[7]
    assert start.sum() == pytest.approx(10.5, abs=1e-9)  # left Riemann sum = T̄ + 0.5


# --------------------------------------------------------------------------- #
# Value and efficiency profiles
# --------------------------------------------------------------------------- #


def test_geometric_combinations_coincide() -> None:
    # For geometric d the three §7.6 combinations all give S(a)(1 − δ)^a.
    expected = survival(T04, 30) * 0.8 ** np.arange(30)
    for combination in ("product", "weighted_average", "fixed"):
        params = PimParameters(retirement="normal", mean_life=10, cov=0.25, depreciation_rate=0.2, combination=combination)
        np.testing.assert_allclose(value_profile(params, 30), expected, rtol=1e-12, atol=1e-15)


def test_linear_profiles_simultaneous_exit() -> None:
    """One asset life: S = 1, 1, 1, 1, 0 (simultaneous exit at T̄ = 4; age 0 = investment year).

    product (T = mean_life 4) and weighted_average_at_exit (life T = 4 has weight
    S(3) − S(4) = 1): the straight line (4 − a)/4 = 1, 3/4, 1/2, 1/4, 0.
    pimir's method 1 (methodology §7.6): s_k = S(k − 1), so s_5 = S(4) = 0 and
    m_5 = s_4 − s_5 = 1: life T = 5, counted while a + 1 < 5: (5 − a)/5 = 1, .8, .6,
    .4, then 0. pimir's method 2: T_max = first k with s_k = 0 = 5, the same here.
    """
    expected = {"product": [1, 0.75, 0.5, 0.25, 0, 0, 0], "weighted_average_at_exit": [1, 0.75, 0.5, 0.25, 0, 0, 0],
                "weighted_average": [1, 0.8, 0.6, 0.4, 0, 0, 0], "fixed": [1, 0.8, 0.6, 0.4, 0, 0, 0]}
    for combination, values in expected.items():
        params = PimParameters(retirement="simultaneous", mean_life=4, value_profile="linear", combination=combination)
        np.testing.assert_allclose(value_profile(params, 7), values, atol=1e-15, err_msg=combination)
    # value_offset 1 (pimir: one period of decline in the first period)
    params = PimParameters(retirement="simultaneous", mean_life=4, value_profile="linear", value_offset=1.0)
    np.testing.assert_allclose(value_profile(params, 5), [0.75, 0.5, 0.25, 0, 0], atol=1e-15)
    # pimir p_n = (5 − n)/5, n = 1..4
    params = PimParameters(retirement="simultaneous", mean_life=4, value_profile="linear", value_offset=1.0, combination="weighted_average")
    np.testing.assert_allclose(value_profile(params, 5), [0.8, 0.6, 0.4, 0.2, 0], atol=1e-15)


def test_linear_weighted_average_two_lives() -> None:
    # S = 1, 1, 0.5, 0: half the assets are in use for 2 years, half for 3.
    common = dict(retirement="normal", mean_life=2.5, cov=0.1, min_life=2, max_life=3, value_profile="linear")
    params = PimParameters(**common, combination="weighted_average_at_exit")
    s = survival(params, 6)
    np.testing.assert_allclose(s, [1, 1, 0.5, 0, 0, 0], atol=1e-12)
    # at exit: lives 2 and 3 with weights S(1) − S(2) = 0.5 and S(2) − S(3) = 0.5, p(a) = Σ m_T (T − a)/T on a < T
    expected = [1.0, 0.5 * 0.5 + 0.5 * 2 / 3, 0.5 * 1 / 3, 0, 0, 0]
    np.testing.assert_allclose(value_profile(params, 6), expected, atol=1e-12)
    # pimir method 1: m_T = S(T − 2) − S(T − 1): m_3 = 0.5, m_4 = 0.5, counted while a + 1 < T:
    # p(0) = 0.5 + 0.5 = 1; p(1) = 0.5 x 2/3 + 0.5 x 3/4 = 0.708333; p(2) = 0.5 x 2/4 = 0.25
    params = PimParameters(**common, combination="weighted_average")
    np.testing.assert_allclose(value_profile(params, 6), [1.0, 0.5 * 2 / 3 + 0.5 * 0.75, 0.25, 0, 0, 0], atol=1e-12)


def test_pimir_method_1_survival_table_net_stock_by_hand() -> None:
    """Issue 11's case: survival table S = (1, 0.75, 0.5, 0.25, 0), linear d, pimir timing.

    pimir (methodology §7.6): s_1..s_5 = 1, .75, .5, .25, 0; T_min = 2, T_max = 5;
    m_T = s_{T−1} − s_T = 0.25 for T = 2..5; p_n = Σ_{T > n} m_T (T − n)/T:
    p_1 = .25 (1/2 + 2/3 + 3/4 + 4/5) = 163/240 = 0.679167
    p_2 = .25 (1/3 + 2/4 + 3/5) = 43/120 = 0.358333
    p_3 = .25 (1/4 + 2/5) = 13/80 = 0.1625
    p_4 = .25 (1/5) = 0.05,  p_5 = 0.
    Real GFCF 100 a year (P = 1): W_0 = 67.9167, W_1 = 100 (p_1 + p_2) = 103.75,
    W_2 = 100 (p_1 + p_2 + p_3) = 120; CFC = I + W_{t−1} − W_t = 32.0833, 64.1667,
    83.75; gross stock Σ S(a) I = 100, 175, 225.
    The earlier convention (weighted_average_at_exit, weights S(T−1) − S(T) on lives
    1..4) gives p_1 = .25 (0 + 1/2 + 2/3 + 3/4) = 0.479167: 0.2 lower.
    """
    params = PimParameters(retirement="table", survival=(1, 0.75, 0.5, 0.25, 0), value_profile="linear",
                           combination="weighted_average", value_offset=1)
    np.testing.assert_allclose(value_profile(params, 6), [163 / 240, 43 / 120, 13 / 80, 0.05, 0, 0], rtol=1e-12, atol=1e-15)
    r = run_pim(np.full((1, 3), 100.0), ones(3), params)
    np.testing.assert_allclose(r.net_stock[0], [67.916666666666667, 103.75, 120.0], rtol=1e-12)
    np.testing.assert_allclose(r.cfc[0], [32.083333333333333, 64.166666666666667, 83.75], rtol=1e-12)
    np.testing.assert_allclose(r.gross_stock[0], [100.0, 175.0, 225.0], rtol=1e-12)
    assert params.mean_life == pytest.approx(2.5)  # Σ S(a), derived
    old = PimParameters(retirement="table", survival=(1, 0.75, 0.5, 0.25, 0), value_profile="linear",
                        combination="weighted_average_at_exit", value_offset=1)
    assert value_profile(old, 1)[0] == pytest.approx(0.25 * (0.5 + 2 / 3 + 0.75), rel=1e-12)


def test_linear_retirement_by_hand() -> None:
    """Delayed linear retirement from min_life 2 to max_life 4 (methodology §7.2), offset 0.5:
    F uniform on [2, 4]; S(a) = 1 − F(a + 0.5): 1, 1, 0.75, 0.25, 0 (Σ S = 3 = (2 + 4)/2).
    Geometric δ = 0.1 (product): p = S(a) 0.9^a. Real GFCF 100 a year for 3 years:
    W_2 = 100 (1 + 0.9 + 0.75 x 0.81) = 250.75; G_2 = 100 (1 + 1 + 0.75) = 275;
    retirements in year 2 = 100 (S(1) − S(2)) = 25."""
    params = PimParameters(retirement="linear", min_life=2, max_life=4, depreciation_rate=0.1)
    np.testing.assert_allclose(survival(params, 6), [1, 1, 0.75, 0.25, 0, 0], atol=1e-12)
    assert params.mean_life == 3.0
    r = run_pim(np.full((1, 3), 100.0), ones(3), params)
    assert r.net_stock[0, 2] == pytest.approx(250.75, rel=1e-12)
    assert r.gross_stock[0, 2] == pytest.approx(275.0, rel=1e-12)
    assert r.retirements[0, 2] == pytest.approx(25.0, rel=1e-12)


def test_given_opening_stock_geometric_recursion_by_hand() -> None:
    """initial_stock "given": K_t = (1 − δ) K_{t−1} + I_t / P_t from the given K_{−1}.
    δ = 0.2, K_{−1} = 400 (constant prices), GFCF 100, 121, 150 at P = 1, 1.1, 1.2:
    real 100, 110, 125. K = 420, 446, 481.8; CFC = δ K_{t−1} = 80, 84, 89.2."""
    params = PimParameters(retirement="none", depreciation_rate=0.2, initial_stock="given")
    r = run_pim(np.array([[100.0, 121.0, 150.0]]), np.array([1.0, 1.1, 1.2]), params, opening_stock=np.array([400.0]))
    assert r.opening_net_stock[0, 0] == pytest.approx(400.0, rel=1e-12)
    np.testing.assert_allclose(r.net_stock[0], [420.0, 446.0, 481.8], rtol=1e-12)
    np.testing.assert_allclose(r.cfc[0], [80.0, 84.0, 89.2], rtol=1e-12)
    with pytest.raises(PimInputError, match="opening_stock"):
        run_pim(np.array([[100.0, 121.0, 150.0]]), np.array([1.0, 1.1, 1.2]), params)


def test_retiring_in_the_year_of_acquisition_is_implausible() -> None:
    """A fixed asset is used for more than one year (2008 SNA §10.33): S(0) >= 0.99.
    The CN fixture's former parameters, normal life 2.5, CoV 0.5, truncated at T̄ ± 2σ = [0, 5],
    offset 0.5: S(0) = (Φ(2) − Φ(−1.6)) / (Φ(2) − Φ(−2)) = (0.97725 − 0.05480)/0.95450 = 0.96643."""
    with pytest.raises(PimParameterError, match=r"package.toml \[pim.data\].*more than one year.*S\(0\) = 0\.9664"):
        PimParameters.from_mapping({"retirement": "normal", "mean_life": 2.5, "cov": 0.5, "depreciation_rate": 0.15}, WHERE)
    with pytest.raises(PimParameterError, match="survival"):
        PimParameters(retirement="table", survival=(0.9, 0.5, 0), depreciation_rate=0.2)
    with pytest.raises(PimParameterError, match="min_life"):
        PimParameters(retirement="linear", min_life=0, max_life=5, depreciation_rate=0.2)  # S(0) = 0.9
    # min_life 1 keeps every asset through its first year
    assert survival(PimParameters(retirement="normal", mean_life=2.5, cov=0.5, min_life=1, depreciation_rate=0.15), 1)[0] == 1.0


@pytest.mark.parametrize(("survival_table", "fragment"), [
    ((1, 0.5, 0.7, 0), "rises at age 2"), ((1, 0.5), "not 0"), ((1, 1.5, 0), "outside"), ("x", "a list"), ((), "a list")])
def test_bad_survival_tables(survival_table, fragment: str) -> None:
    with pytest.raises(PimParameterError, match=fragment):
        PimParameters.from_mapping({"retirement": "table", "survival": survival_table, "depreciation_rate": 0.1}, WHERE)
    with pytest.raises(PimParameterError, match="survival"):
        PimParameters.from_mapping({"retirement": "normal", "mean_life": 5, "cov": 0.2, "survival": [1, 0],
                                    "depreciation_rate": 0.1}, WHERE)


def test_hyperbolic_efficiency_and_value() -> None:
    params = PimParameters(retirement="simultaneous", mean_life=4, value_profile="hyperbolic", beta=0.5, real_rate=0.0)
    h = [(4 - a) / (4 - 0.5 * a) for a in range(4)] + [0.0]
    np.testing.assert_allclose(efficiency_profile(params, 5), h, rtol=1e-12)
    # r = 0: d(a) = Σ_{i≥a} h(i) / Σ_i h(i)
    total = sum(h)
    np.testing.assert_allclose(value_profile(params, 5), [sum(h[a:]) / total for a in range(5)], rtol=1e-12)


def test_harberger_rate() -> None:
    assert harberger_rate(GEOMETRIC) == pytest.approx(0.2, rel=1e-15)
    # simultaneous exit, linear over 4 years: Σ p = 1 + .75 + .5 + .25 = 2.5
    linear = PimParameters(retirement="simultaneous", mean_life=4, value_profile="linear")
    assert harberger_rate(linear) == pytest.approx(1 / 2.5, rel=1e-12)


# --------------------------------------------------------------------------- #
# Engine: constant prices
# --------------------------------------------------------------------------- #


def test_geometric_no_retirement_recursion() -> None:
    rng = np.random.default_rng(1)
    gfcf = rng.uniform(50, 150, size=(2, 12))
    r = run_pim(gfcf, ones(12), GEOMETRIC)
    w = np.zeros(2)
    for t in range(12):  # W_t = (1 − δ)W_{t−1} + I_t; D_t = δ W_{t−1}
        np.testing.assert_allclose(r.cfc[:, t], 0.2 * w, rtol=1e-12, atol=1e-12)
        w = 0.8 * w + gfcf[:, t]
        np.testing.assert_allclose(r.net_stock[:, t], w, rtol=1e-12)
    np.testing.assert_allclose(r.productive_stock, r.net_stock, rtol=1e-12)


def test_steady_state_constant_investment() -> None:
    # With p(0) = 1 (age 0 in the investment year), W_t = I Σ_{a<=t} 0.8^a → I/δ = 500.
    r = run_pim(np.full((1, 200), 100.0), ones(200), GEOMETRIC)
    assert r.net_stock[0, -1] == pytest.approx(100 / 0.2, rel=1e-12)
    assert r.cfc[0, -1] == pytest.approx(100, rel=1e-12)  # CFC = I in the steady state
    # Backcast/opening start the series at the steady state at once.
    for start in ("opening", "backcast"):
        p = PimParameters(retirement="none", depreciation_rate=0.2, initial_stock=start, growth_rate=0.0)
        r = run_pim(np.full((1, 5), 100.0), ones(5), p)
        np.testing.assert_allclose(r.net_stock, 500.0, rtol=1e-12)


def test_steady_state_non_geometric_backcast() -> None:
    # T04 profile with constant investment: W = I Σ_a p(a), G = I Σ_a S(a) = 10 I.
    p = PimParameters(retirement="normal", mean_life=10, cov=0.25, depreciation_rate=0.2,
                      initial_stock="backcast", growth_rate=0.0)
    r = run_pim(np.full((1, 8), 100.0), ones(8), p)
    np.testing.assert_allclose(r.net_stock, 100 * value_profile(p, 40).sum(), rtol=1e-12)
    np.testing.assert_allclose(r.gross_stock, 100 * survival(p, 40).sum(), rtol=1e-12)
    np.testing.assert_allclose(r.gross_stock, 1000.0, rtol=1e-9)
    np.testing.assert_allclose(r.cfc, 100.0, rtol=1e-12)
    np.testing.assert_allclose(r.retirements, 100.0, rtol=1e-12)
    # opening with δ̄ = 1/Σp gives the same at g = 0
    q = PimParameters(retirement="normal", mean_life=10, cov=0.25, depreciation_rate=0.2,
                      initial_stock="opening", growth_rate=0.0)
    np.testing.assert_allclose(run_pim(np.full((1, 8), 100.0), ones(8), q).net_stock, r.net_stock, rtol=1e-12)


@pytest.mark.parametrize("params", [GEOMETRIC, T04,
                                    PimParameters(retirement="gamma", mean_life=6, cov=0.3, value_profile="linear",
                                                  combination="weighted_average", initial_stock="backcast")])
@pytest.mark.parametrize("with_ocv", [False, True])
def test_cfc_equals_gfcf_minus_change_in_stock(params: PimParameters, with_ocv: bool) -> None:
    rng = np.random.default_rng(2)
    gfcf = rng.uniform(10, 100, size=(3, 15))
    ocv = rng.normal(0, 5, size=(3, 15)) if with_ocv else None
    r = run_pim(gfcf, ones(15), params, other_volume_changes=ocv)
    x = gfcf + (0 if ocv is None else ocv)
    np.testing.assert_allclose(r.cfc, x + r.opening_net_stock - r.net_stock, rtol=1e-10, atol=1e-9)
    np.testing.assert_allclose(r.retirements[:, 1:], x[:, 1:] + r.gross_stock[:, :-1] - r.gross_stock[:, 1:],
                               rtol=1e-10, atol=1e-9)


def test_gross_stock_without_retirement_is_cumulative_gfcf() -> None:
    gfcf = np.array([[10.0, 20.0, 30.0, 40.0], [5.0, 5.0, 5.0, 5.0]])
    price = np.array([1.0, 2.0, 2.5, 4.0])
    r = run_pim(gfcf, price, GEOMETRIC, base_position=0)
    np.testing.assert_allclose(r.gross_stock, np.cumsum(gfcf / price, axis=1), rtol=1e-14)
    np.testing.assert_allclose(r.retirements, 0.0, atol=1e-14)


# --------------------------------------------------------------------------- #
# Worked example 2 (§7.10)
# --------------------------------------------------------------------------- #


def test_worked_example_2_convention_a() -> None:
    p = PimParameters(retirement="none", depreciation_rate=0.2, initial_stock="opening")  # g from 5 years
    r = run_pim(EXAMPLE_I, ones(5), p)
    assert r.growth_rate[0] == pytest.approx(0.10, rel=1e-12)
    assert r.opening_net_stock[0, 0] == pytest.approx(333.3333, abs=1e-4)
    np.testing.assert_allclose(r.net_stock[0], [366.6667, 403.3333, 443.6667, 488.0333, 536.8367], atol=1e-4)
    np.testing.assert_allclose(r.cfc[0], [66.6667, 73.3333, 80.6667, 88.7333, 97.6067], atol=1e-4)
    np.testing.assert_allclose(r.net_stock[0] / EXAMPLE_I[0], 3.666667, atol=1e-6)  # (1+g)/(g+δ)
    # "backcast" is the same for a pure geometric profile
    b = run_pim(EXAMPLE_I, ones(5), PimParameters(retirement="none", depreciation_rate=0.2, initial_stock="backcast"))
    np.testing.assert_allclose(b.net_stock, r.net_stock, rtol=1e-12)


def test_worked_example_2_convention_b() -> None:
    p = PimParameters.from_mapping(
        {"retirement": "none", "value_profile": "geometric", "depreciation_rate": 0.2, "initial_stock": "closing"}, WHERE
    )
    r = run_pim(EXAMPLE_I, ones(5), p)
    np.testing.assert_allclose(r.net_stock[0], [333.3333, 376.6667, 422.3333, 470.9667, 523.1833], atol=1e-4)
    # CFC = δ K_{t−1}; K_0 = (333.3333 − 100)/0.8 = 291.6667
    np.testing.assert_allclose(r.cfc[0], [58.3333, 66.6667, 75.3333, 84.4667, 94.1933], atol=1e-4)


# --------------------------------------------------------------------------- #
# Current prices
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize("params", [T04, PimParameters(retirement="lognormal", mean_life=8, cov=0.3,
                                                       value_profile="hyperbolic", initial_stock="opening")])
@pytest.mark.parametrize("leading_year", [False, True])
def test_accumulation_identity_current_prices(params: PimParameters, leading_year: bool) -> None:
    rng = np.random.default_rng(3)
    n_series, n_years = 4, 20
    gfcf = rng.uniform(10, 100, size=(n_series, n_years))
    ocv = rng.normal(0, 3, size=(n_series, n_years))
    width = n_years + 1 if leading_year else n_years
    price = 80 * np.cumprod(1 + rng.normal(0.03, 0.05, size=(n_series, width)), axis=1)
    r = run_pim(gfcf, price, params, base_position=10, other_volume_changes=ocv)
    assert np.allclose(r.price_index[:, 10], 1.0)
    rel = np.abs(accumulation_residual(r, gfcf, ocv)) / np.abs(r.net_stock_cp)
    assert rel.max() < 1e-9
    # opening = previous closing; stocks at end-year prices, flows at average prices
    np.testing.assert_allclose(r.opening_net_stock_cp[:, 1:], r.net_stock_cp[:, :-1], rtol=1e-15)
    np.testing.assert_allclose(r.net_stock_cp, r.net_stock * r.end_price_index, rtol=1e-15)
    np.testing.assert_allclose(r.cfc_cp, r.cfc * r.price_index, rtol=1e-15)
    np.testing.assert_allclose(r.opening_price_index[:, 1:], r.end_price_index[:, :-1], rtol=1e-15)


def test_end_year_valuation_and_k7_three_years_by_hand() -> None:
    """2008 SNA §13.16-13.25 and OECD (2009): stocks at end-of-year prices, flows at
    average prices, K7 the closure (docs/method.md §3).

    Geometric δ = 0.2, opening stock I_0/(g + δ) with g = 0.1. Average prices P̄ =
    1, 1.1, 1.21 and GFCF 100, 110, 121: real I = 100 each year. Given end-of-year
    prices Pᵉ = 0.95 (end of the year before), 1.05, 1.15, 1.26.
    W_{-1} = 100/0.3 = 1000/3; W_t = 0.8 W_{t-1} + 100: 1100/3, 1180/3, 1244/3;
    D_t = 0.2 W_{t-1}: 200/3, 220/3, 236/3.
    LE = W Pᵉ: 1100/3 x 1.05 = 385, 1180/3 x 1.15 = 452.3333, 1244/3 x 1.26 = 522.48;
    opening LE = 1000/3 x 0.95 = 316.6667. CFC = D P̄: 66.6667, 80.6667, 95.186667.
    K7 = LE_t - LE_{t-1} - GFCF + CFC: 385 - 316.6667 - 100 + 66.6667 = 35 (first year);
    452.3333 - 385 - 110 + 80.6667 = 38; 522.48 - 452.3333 - 121 + 95.186667 = 44.3333.
    """
    p = PimParameters(retirement="none", depreciation_rate=0.2, initial_stock="opening", growth_rate=0.1)
    gfcf = np.array([[100.0, 110.0, 121.0]])
    r = run_pim(gfcf, np.array([1.0, 1.1, 1.21]), p, end_price_index=np.array([0.95, 1.05, 1.15, 1.26]))
    np.testing.assert_allclose(r.net_stock[0], [1100 / 3, 1180 / 3, 1244 / 3], rtol=1e-12)
    np.testing.assert_allclose(r.net_stock_cp[0], [385.0, 1180 / 3 * 1.15, 522.48], rtol=1e-12)
    assert r.opening_net_stock_cp[0, 0] == pytest.approx(1000 / 3 * 0.95, rel=1e-12)
    np.testing.assert_allclose(r.cfc_cp[0], [200 / 3, 220 / 3 * 1.1, 236 / 3 * 1.21], rtol=1e-12)
    np.testing.assert_allclose(r.revaluation_cp[0], [35.0, 38.0, 133 / 3], rtol=1e-12)
    assert np.abs(accumulation_residual(r, gfcf)).max() < 1e-12
    # LE at current prices / LE at constant prices = the end-year price
    np.testing.assert_allclose(r.net_stock_cp / r.net_stock, [[1.05, 1.15, 1.26]], rtol=1e-12)
    # Historical cost (BEA): each vintage at its own year's average price, the initial stock at
    # the end-of-year price of the year before: in-sample 100; 0.8 x 100 + 110 = 190;
    # 0.64 x 100 + 0.8 x 110 + 121 = 273; initial stock (1000/3) 0.8^(t+1) x 0.95 = 253.3333,
    # 202.6667, 162.1333. Total 353.3333, 392.6667, 435.1333.
    np.testing.assert_allclose(r.net_stock_hc[0], [100 + 800 / 3 * 0.95, 190 + 640 / 3 * 0.95, 273 + 512 / 3 * 0.95], rtol=1e-12)


def test_end_year_prices_approximation_by_hand() -> None:
    """Pᵉ_t = √(P̄_t P̄_{t+1}); last year P̄_T √(P̄_T/P̄_{T-1}); year before the first
    P̄_0 √(P̄_0/P̄_1). P̄ = 1, 1.21, 1.4641 (10 % a half-year): Pᵉ = 1/1.1, 1.1, 1.331, 1.61051."""
    approx = end_year_prices(np.array([[1.0, 1.21, 1.4641]]))
    np.testing.assert_allclose(approx, [[1 / 1.1, 1.1, 1.331, 1.61051]], rtol=1e-12)
    # with the year before the first given (P̄_{-1} = 1/1.21): Pᵉ_{-1} = √(P̄_{-1} P̄_0) = 1/1.1
    lead = end_year_prices(np.array([[1 / 1.21, 1.0, 1.21, 1.4641]]), leading=True)
    np.testing.assert_allclose(lead, approx, rtol=1e-12)
    # run_pim uses the approximation when no end-year index is given; base year = position 1
    p = PimParameters(retirement="none", depreciation_rate=0.2)
    r = run_pim(np.array([[100.0, 121.0, 146.41]]), np.array([100.0, 121.0, 146.41]), p, base_position=1)
    np.testing.assert_allclose(r.end_price_index[0], [1.1 / 1.21, 1.331 / 1.21, 1.61051 / 1.21], rtol=1e-12)
    # rebased P̄_0 = 1/1.21: I_0 = 100 x 1.21 = 121 = W_0; LE_0 = 121 x 1.1/1.21 = 110
    assert r.net_stock_cp[0, 0] == pytest.approx(110.0, rel=1e-12)


# --------------------------------------------------------------------------- #
# Vectorisation
# --------------------------------------------------------------------------- #


def test_series_together_equal_one_at_a_time() -> None:
    rng = np.random.default_rng(4)
    gfcf = rng.uniform(10, 100, size=(3, 25))
    ocv = rng.normal(0, 2, size=(3, 25))
    price = np.cumprod(1 + rng.normal(0.02, 0.03, size=(3, 25)), axis=1)
    sets = [T04, PimParameters(retirement="weibull", mean_life=12, weibull_shape=2.5, value_profile="linear",
                               combination="fixed", initial_stock="backcast"), T04]
    together = run_pim(gfcf, price, sets, base_position=0, other_volume_changes=ocv)
    for i in range(3):
        alone = run_pim(gfcf[i], price[i], sets[i], base_position=0, other_volume_changes=ocv[i])
        for name in ("gross_stock", "net_stock", "productive_stock", "cfc", "retirements",
                     "net_stock_cp", "cfc_cp", "revaluation_cp", "opening_net_stock_cp"):
            np.testing.assert_allclose(getattr(together, name)[i], getattr(alone, name)[0], rtol=1e-12, atol=1e-12,
                                       err_msg=name)


# --------------------------------------------------------------------------- #
# Bad parameters and inputs
# --------------------------------------------------------------------------- #

BASE = {"retirement": "normal", "mean_life": 10, "cov": 0.25, "value_profile": "geometric", "depreciation_rate": 0.1}


@pytest.mark.parametrize(
    "change,key,value",
    [
        ({"mean_life": -3}, "mean_life", "-3"),
        ({"mean_life": 0}, "mean_life", "0"),
        ({"cov": 0}, "cov", "0"),
        ({"cov": -0.1}, "cov", "-0.1"),
        ({"min_life": 12, "max_life": 8}, "min_life", "12"),
        ({"min_life": 30}, "min_life", "30"),  # > default max 15
        ({"retirement": "normall"}, "retirement", "'normall'"),
        ({"value_profile": "sum-of-digits"}, "value_profile", "'sum-of-digits'"),
        ({"depreciation_rate": 1.2}, "depreciation_rate", "1.2"),
        ({"depreciation_rate": 0}, "depreciation_rate", "0"),
        ({"truncation": "right"}, "truncation", "'right'"),
        ({"offset": 1.5}, "offset", "1.5"),
        ({"mean_life": "ten"}, "mean_life", "'ten'"),
        ({"lifetime": 10}, "lifetime", "10"),
        ({"initial_stock": "steady"}, "initial_stock", "'steady'"),
        ({"growth_years": 1}, "growth_years", "1"),
        ({"beta": 1.0, "value_profile": "hyperbolic", "depreciation_rate": None}, "beta", "1.0"),
        ({"declining_balance": 20}, "declining_balance", "20"),
    ],
)
def test_bad_parameters(change: dict, key: str, value: str) -> None:
    mapping = {k: v for k, v in {**BASE, **change}.items() if v is not None}
    with pytest.raises(PimParameterError) as info:
        PimParameters.from_mapping(mapping, WHERE)
    message = str(info.value)
    assert WHERE in message and repr(key) in message and value in message


def test_all_problems_reported_at_once() -> None:
    bad = {"retirement": "normal", "mean_life": -1, "cov": 0, "min_life": 20, "max_life": 10,
           "depreciation_rate": 2, "colour": "red"}
    with pytest.raises(PimParameterError) as info:
        PimParameters.from_mapping(bad, WHERE)
    keys = ["'mean_life'", "'cov'", "'min_life'", "'depreciation_rate'", "'colour'"]
    assert len(info.value.problems) == len(keys)
    for key in keys:
        assert any(key in problem and WHERE in problem for problem in info.value.problems)


def test_missing_and_inapplicable_keys() -> None:
    with pytest.raises(PimParameterError, match="'cov' is missing"):
        PimParameters.from_mapping({"retirement": "gamma", "mean_life": 5, "depreciation_rate": 0.3}, WHERE)
    with pytest.raises(PimParameterError, match="'weibull_shape'"):
        PimParameters.from_mapping({"retirement": "normal", "mean_life": 5, "cov": 0.2, "weibull_shape": 2,
                                    "depreciation_rate": 0.3}, WHERE)
    with pytest.raises(PimParameterError, match="'retirement' is missing"):
        PimParameters.from_mapping({"depreciation_rate": 0.3}, WHERE)
    with pytest.raises(PimParameterError, match="'combination'"):
        PimParameters(retirement="none", depreciation_rate=0.1, combination="fixed")


def test_declining_balance_gives_rate() -> None:
    p = PimParameters.from_mapping({"retirement": "normal", "mean_life": 15, "cov": 0.25, "declining_balance": 1.65}, WHERE)
    assert p.depreciation_rate == pytest.approx(0.11)  # §7.5 BEA equipment
    assert p.life_bounds() == (7.5, 22.5)


def test_nan_inputs_name_series_and_year() -> None:
    gfcf = np.ones((3, 6))
    gfcf[2, 4] = np.nan
    with pytest.raises(PimInputError, match=r"gfcf.*series 2, year position 4"):
        run_pim(gfcf, ones(6), GEOMETRIC)
    price = np.ones((3, 6))
    price[1, 3] = np.nan
    with pytest.raises(PimInputError, match=r"price_index.*series 1, year position 3"):
        run_pim(np.ones((3, 6)), price, GEOMETRIC)
    ocv = np.zeros((3, 6))
    ocv[0, 0] = np.inf
    with pytest.raises(PimInputError, match=r"other_volume_changes.*series 0, year position 0"):
        run_pim(np.ones((3, 6)), ones(6), GEOMETRIC, other_volume_changes=ocv)


def test_missing_price_index_year_and_bad_prices() -> None:
    with pytest.raises(PimInputError, match=r"price_index.*\(5,\).*year is missing"):
        run_pim(np.ones((2, 6)), ones(5), GEOMETRIC)
    with pytest.raises(PimInputError, match=r"value 0\.0.*> 0"):
        run_pim(np.ones((2, 3)), np.array([1.0, 0.0, 1.0]), GEOMETRIC)
    with pytest.raises(PimInputError, match="base_position"):
        run_pim(np.ones((2, 3)), ones(3), GEOMETRIC, base_position=3)
    with pytest.raises(PimInputError, match="one per series"):
        run_pim(np.ones((2, 3)), ones(3), [GEOMETRIC])


def test_growth_estimation_needs_positive_gfcf() -> None:
    p = PimParameters(retirement="none", depreciation_rate=0.2, initial_stock="opening")
    gfcf = np.array([[100.0, 90, 80, 70, 0.0], [100, 100, 100, 100, 100]])
    with pytest.raises(PimInputError, match=r"series \[0\]"):
        run_pim(gfcf, ones(5), p)
    q = PimParameters(retirement="none", depreciation_rate=0.2, initial_stock="opening", growth_rate=-0.3)
    with pytest.raises(PimInputError, match="g \\+ δ"):
        run_pim(gfcf[1:], ones(5), q)


# --------------------------------------------------------------------------- #
# Identities over a grid of configurations
# --------------------------------------------------------------------------- #

GRID = [
    dict(retirement="none", depreciation_rate=0.1, value_offset=1.0),
    dict(retirement="none", mean_life=8, value_profile="linear"),
    dict(retirement="none", mean_life=8, value_profile="hyperbolic", beta=0.75),
    dict(retirement="simultaneous", mean_life=6.5, value_profile="linear", combination="fixed"),
    dict(retirement="normal", mean_life=12, cov=0.3, truncation="left", depreciation_rate=0.15, value_offset=0.5),
    dict(retirement="gamma", mean_life=7, cov=0.4, value_profile="hyperbolic", combination="weighted_average"),
    dict(retirement="lognormal", mean_life=9, cov=0.35, value_profile="linear", combination="fixed",
         efficiency_profile="one_hoss_shay"),
    dict(retirement="weibull", mean_life=5, weibull_shape=1.5, min_life=1, depreciation_rate=0.3, combination="weighted_average"),
    dict(retirement="linear", min_life=2, max_life=9, value_profile="linear", combination="weighted_average", value_offset=1.0),
    dict(retirement="table", survival=(1, 0.9, 0.6, 0.3, 0.1, 0), value_profile="linear", combination="weighted_average_at_exit"),
    dict(retirement="table", survival=(1, 1, 0.5, 0), depreciation_rate=0.25),
]


@pytest.mark.parametrize("initial_stock", ["none", "opening", "closing", "backcast"])
@pytest.mark.parametrize("kwargs", GRID)
def test_identities_over_configurations(kwargs: dict, initial_stock: str) -> None:
    params = PimParameters(initial_stock=initial_stock, **kwargs)
    rng = np.random.default_rng(5)
    gfcf = 100 * np.cumprod(1 + rng.uniform(0.0, 0.1, size=(3, 30)), axis=1)
    ocv = rng.normal(0, 1, size=(3, 30))
    price = np.cumprod(1 + rng.normal(0.02, 0.04, size=(3, 31)), axis=1)
    r = run_pim(gfcf, price, params, base_position=5, other_volume_changes=ocv)
    x = r.real_gfcf + r.real_ocv
    np.testing.assert_allclose(r.cfc, x + r.opening_net_stock - r.net_stock, rtol=1e-10, atol=1e-8)
    assert (np.abs(accumulation_residual(r, gfcf, ocv)) / np.abs(r.net_stock_cp)).max() < 1e-9
    p = value_profile(params, 60)
    assert p.max() <= 1 + 1e-12 and np.all(np.diff(p) <= 1e-12) and np.all(p >= 0)
    assert np.all(r.net_stock > 0) and np.all(r.cfc[:, 1:] > 0) and np.all(r.cfc >= 0)
    if params.retirement != "none" or initial_stock == "none":  # else the pre-sample gross stock is not estimated
        assert np.all(r.gross_stock >= r.net_stock - 1e-9)
        assert np.all(r.gross_stock >= r.productive_stock - 1e-9)
    if initial_stock == "none":
        np.testing.assert_array_equal(r.opening_net_stock[:, 0], 0.0)
    else:
        assert np.all(r.opening_net_stock[:, 0] > 0) and np.all(np.isfinite(r.growth_rate))


def test_other_volume_changes_flow_through_profile() -> None:
    gfcf = np.array([[100.0, 100.0, 100.0]])
    ocv = np.array([[0.0, -20.0, 10.0]])
    r = run_pim(gfcf, ones(3), GEOMETRIC, other_volume_changes=ocv)
    np.testing.assert_allclose(r.net_stock[0], [100, 80 + 80, 128 + 110], rtol=1e-14)
    np.testing.assert_allclose(r.cfc[0], [0, 20, 32], rtol=1e-14, atol=1e-12)


def test_declining_balance_problem_reported_once() -> None:
    with pytest.raises(PimParameterError) as info:
        PimParameters.from_mapping({"retirement": "normal", "mean_life": 5, "cov": 0.25, "declining_balance": 10}, WHERE)
    assert len(info.value.problems) == 1 and "'declining_balance', value 10" in info.value.problems[0]
    with pytest.raises(PimParameterError, match="no 'declining_balance'"):
        PimParameters.from_mapping({"retirement": "normal", "mean_life": 5, "cov": 0.25, "value_profile": "linear",
                                    "declining_balance": 2}, WHERE)


def test_backcast_geometric_needs_g_above_minus_delta() -> None:
    p = PimParameters(retirement="none", depreciation_rate=0.1, initial_stock="backcast", growth_rate=-0.2)
    with pytest.raises(PimInputError, match=r"series \[0\]"):
        run_pim(np.full((1, 4), 100.0), ones(4), p)
