"""Perpetual inventory method (PIM): GFCF → gross, net and productive stocks and CFC.

Method: OECD, *Measuring Capital — OECD Manual*, 2nd ed., 2009 (Parts I–II); the
discretisation of retirement distributions and the cohort combinations follow the
ONS ``pimir`` code; CFC is the decline in the value of the stock (2008 SNA §6.240).
Section numbers below refer to docs/method.md §3, which gives every formula.

Timing convention (one convention everywhere)
---------------------------------------------
* Years are columns ``t = 0 .. n−1``. Real GFCF of year ``t`` is vintage ``t`` and
  has **age a = 0 in its investment year**; all stocks are end-of-year stocks.
* Survival ``S(a)`` is the share of a vintage still in use at the end of the year in
  which it has age ``a``: pimir discretisation ``S(a) = 1 − F(a + o)`` with the
  timing offset ``o`` (default **0.5**: retirements at mid-year, so that
  ``Σ_a S(a)`` is the midpoint-rule integral of the survival curve ≈ mean life).
* The cohort value profile ``p(a)`` has ``p(0) = S(0)·d(θ)`` where ``θ =
  value_offset`` is the fraction of a period of decline a vintage has undergone at
  the end of its investment year: **0 (default)** gives ``W_t = (1−δ)W_{t−1} + I_t``
  and ``D_t = δW_{t−1}`` for geometric depreciation with no retirement (convention
  (a) of §3.7); 1 is the pimir reading (one full period of decline in period 1).
* Stocks (constant prices) are convolutions of real flows with the profiles (§3.5)::

      G_t = Σ_a X_{t−a} S(a),  W_t = Σ_a X_{t−a} p(a),  K^P_t = Σ_a X_{t−a} e(a),
      D_t = Σ_a X_{t−a} [p(a−1) − p(a)],  R_t = Σ_a X_{t−a} [S(a−1) − S(a)],

  with ``p(−1) = S(−1) = 1`` and ``X = I + OCV/P`` (other volume changes, K1–K6,
  enter at constant prices as an extra vintage of their year and age through the
  same cohort profile). Hence ``D_t = X_t + W_{t−1} − W_t`` exactly.
* Valuation (2008 SNA §13.16–13.25; OECD *Measuring Capital* 2009; docs/method.md
  §3): flows (GFCF, CFC, other volume changes) are valued at the **annual-average**
  investment price index ``P̄_t``; stocks (net and gross, and the opening stock) at
  the **end-of-year** index ``Pᵉ_t`` (``Pᵉ_{−1}``: end of the year before the
  first)::

      W^cp_t = W_t Pᵉ_t,  G^cp_t = G_t Pᵉ_t,  D^cp_t = D_t P̄_t,  GFCF_t = I_t P̄_t,
      K7_t = W^cp_t − W^cp_{t−1} − GFCF_t + D^cp_t − OCV_t
           = W_{t−1}(Pᵉ_t − Pᵉ_{t−1}) + (X_t − D_t)(Pᵉ_t − P̄_t),

  so opening + GFCF − CFC + OCV + K7 = closing holds exactly and K7 is non-zero
  in the first year whenever prices moved. Where no end-of-year index is given it
  is approximated by :func:`end_year_prices`: ``Pᵉ_t = √(P̄_t P̄_{t+1})``, for the
  last year ``P̄_T √(P̄_T / P̄_{T−1})`` (the last year's growth extended half a
  year) and for the year before the first ``√(P̄_{−1} P̄_0)`` if the index has a
  leading year, else ``P̄_0 √(P̄_0 / P̄_1)``. Both indices are rebased by the
  average of the base year (constant prices = average prices of the base year).

Vectorisation and memory
------------------------
Series are grouped by equal :class:`PimParameters`; per group the profiles are
built once (and cached) and all stocks and flows come from one product of the
(n_series, n) flows with a stacked (n, 5n) Toeplitz matrix of the profiles. The
Python loops are over the distinct parameter sets and over chunks of series:
:func:`iter_pim` checks the whole panel, then runs chunks whose arrays fit a memory
budget (:func:`chunk_size`), so 1 M series × 60 years need the inputs plus about
256 MiB. Every matrix product runs in blocks of 8 rows, which makes each series'
results the same bits whatever the chunk (BLAS results depend on a product's shape
and a row's place in it).

Initial stock (§3.7)
-------------------------
The level follows the Harberger steady state ``I_0/(g + δ)`` where ``I_0`` is the
first year's real GFCF and ``g`` the compound average growth of real GFCF over the
first ``growth_years`` years (or ``growth_rate``). For a pure geometric profile
``δ`` is the geometric rate; otherwise ``δ̄ = 1 / Σ_a p(a)``: the rate that gives the
profile's own zero-growth steady state ``W = I·Σ_a p(a)`` (equal to δ for a pure
geometric profile). The *vintage composition* of the initial stock (needed for its
ageing, gross and productive stock and retirements) is a synthetic past investment
``I_{−k} = I_0 (1+g)^{−k}`` run through the cohort profile ("backcast"); "opening"
and "closing" scale it so that the opening stock (``W_{−1}``, convention (a)) or the
first year's closing stock (``W_0``, convention (b)) equals ``I_0/(g + δ̄)``. For a
pure geometric profile "opening" and "backcast" coincide. With retirement "none"
the pre-sample gross stock is unbounded and is not estimated (gross stock and
retirements then cover in-sample vintages only).
"""

from __future__ import annotations

import itertools
import math
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any

import numpy as np
from scipy import special, stats

__all__ = [
    "PimParameterError",
    "PimInputError",
    "PimParameters",
    "PimResult",
    "survival",
    "value_profile",
    "efficiency_profile",
    "harberger_rate",
    "mean_service_life",
    "run_pim",
    "iter_pim",
    "chunk_size",
    "DEFAULT_MEMORY_BUDGET",
    "end_year_prices",
    "accumulation_residual",
]

RETIREMENTS = ("normal", "gamma", "lognormal", "weibull", "linear", "simultaneous", "table", "none")
VALUE_PROFILES = ("geometric", "linear", "hyperbolic")
EFFICIENCY_PROFILES = ("geometric", "linear", "hyperbolic", "one_hoss_shay")
COMBINATIONS = ("product", "weighted_average", "weighted_average_at_exit", "fixed")
TRUNCATIONS = ("left", "both")
INITIAL_STOCKS = ("none", "opening", "closing", "backcast", "given")
_DISTRIBUTIONS = ("normal", "gamma", "lognormal", "weibull", "linear")
#: Retirements whose mean life follows from other keys (linear: (min + max)/2; table: Σ_a S(a)).
_DERIVED_LIFE = ("linear", "table")
#: [pim] keys read by compiler.inputs.pim_settings before from_mapping (named in unknown-key messages).
PACKAGE_KEYS = ("opening_stock", "price_index", "other_costs_index")
#: Smallest share of a vintage still in use at the end of its year of acquisition
#: (a fixed asset is used in production for more than one year: 2008 SNA §10.33).
MIN_FIRST_YEAR_SURVIVAL = 0.99
_WITH_COV = ("normal", "gamma", "lognormal")
#: Upper tail left out by the default ``max_life`` of gamma, lognormal and Weibull.
DEFAULT_TAIL = 1e-4
DEFAULT_OFFSET = 0.5
DEFAULT_BETA = 0.5  # BLS equipment (§3.4), assumption to verify
DEFAULT_REAL_RATE = 0.04  # not yet known: configurable
DEFAULT_GROWTH_YEARS = 5


class PimParameterError(ValueError):
    """Every problem found in one PIM parameter set, raised together."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class PimInputError(ValueError):
    """Bad numeric input to :func:`run_pim` (NaN, missing year, bad shape)."""


# --------------------------------------------------------------------------- #
# Parameters
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class PimParameters:
    """One PIM parameter set (see the module docstring for the conventions).

    ``min_life``/``max_life`` of ``None`` take the defaults of :meth:`life_bounds`.
    ``depreciation_rate`` is δ (``from_mapping`` also accepts ``declining_balance``
    R and sets δ = R / mean_life, §3.4). Construction validates and raises
    :class:`PimParameterError`.
    """

    retirement: str
    value_profile: str = "geometric"
    mean_life: float | None = None
    cov: float | None = None
    min_life: float | None = None
    max_life: float | None = None
    truncation: str = "both"
    offset: float = DEFAULT_OFFSET
    weibull_shape: float | None = None
    depreciation_rate: float | None = None
    beta: float = DEFAULT_BETA
    real_rate: float = DEFAULT_REAL_RATE
    combination: str = "product"
    efficiency_profile: str | None = None
    value_offset: float = 0.0
    initial_stock: str = "none"
    growth_years: int = DEFAULT_GROWTH_YEARS
    growth_rate: float | None = None
    survival: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        if isinstance(self.survival, list):
            object.__setattr__(self, "survival", tuple(self.survival))
        problems = _check_values(_explicit(self), "PimParameters")
        if problems:
            raise PimParameterError(problems)
        if self.retirement in _DERIVED_LIFE and self.mean_life is None:
            object.__setattr__(self, "mean_life", self.derived_mean_life())
        problems = _plausibility(self, "PimParameters")
        if problems:
            raise PimParameterError(problems)

    def derived_mean_life(self) -> float:
        """Mean service life implied by a linear retirement ((min + max)/2) or a table (Σ_a S(a))."""
        if self.retirement == "linear":
            return (float(self.min_life) + float(self.max_life)) / 2  # type: ignore[arg-type]
        return float(sum(self.survival or ()))

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any], where: str) -> PimParameters:
        """Build from a TOML table, reporting every problem at once.

        Keys are the field names plus ``declining_balance`` (R, exclusive with
        ``depreciation_rate``). ``where`` (e.g. ``"package.toml [pim.data]"``) is
        named in each message.
        """
        values = dict(mapping)
        problems: list[str] = []
        known = {f.name for f in fields(cls)} | {"declining_balance"}
        for key in sorted(set(values) - known, key=str):
            problems.append(_msg(where, key, values[key], f"one of the keys {sorted(known | set(PACKAGE_KEYS))}"))
            del values[key]
        if "retirement" not in values:
            problems.append(f"{where}: key 'retirement' is missing: expected one of {list(RETIREMENTS)}")
        if "declining_balance" in values:
            if "depreciation_rate" in values:
                problems.append(
                    _msg(where, "declining_balance", values["declining_balance"],
                         "either 'declining_balance' or 'depreciation_rate', not both")
                )
            elif _is_number(values["declining_balance"]) and values["declining_balance"] > 0:
                life = values.get("mean_life")
                if not (_is_number(life) and life > 0):
                    problems.append(
                        _msg(where, "declining_balance", values["declining_balance"],
                             "a positive 'mean_life' to give δ = R / mean_life")
                    )
                else:
                    rate = values["declining_balance"] / life
                    if 0 < rate < 1:
                        values["depreciation_rate"] = rate
                    else:
                        problems.append(
                            _msg(where, "declining_balance", values["declining_balance"],
                                 f"R / mean_life in (0, 1); got δ = {rate:g}")
                        )
            else:
                problems.append(_msg(where, "declining_balance", values["declining_balance"], "a number > 0"))
            del values["declining_balance"]
        alias = {}
        if "declining_balance" in mapping:
            alias["depreciation_rate"] = ("declining_balance", mapping["declining_balance"])
        problems.extend(_check_values(values, where, alias))
        if problems:
            raise PimParameterError(problems)
        try:
            return cls(**values)
        except PimParameterError as exc:  # plausibility: name the package's section
            raise PimParameterError([p.replace("PimParameters", where, 1) for p in exc.problems]) from None

    def life_bounds(self) -> tuple[float, float]:
        """(T_min, T_max) of the retirement distribution, defaults applied.

        Normal: T̄(1 ∓ 2·CoV) (T̄ ± 2σ), floored at 0. Gamma, lognormal, Weibull:
        0 and the ``1 − DEFAULT_TAIL`` quantile. Simultaneous: (T̄, T̄).
        """
        if self.retirement == "simultaneous":
            return float(self.mean_life), float(self.mean_life)  # type: ignore[arg-type]
        if self.retirement == "none":
            return math.inf, math.inf
        if self.retirement == "table":
            table = np.asarray(self.survival, dtype=float)
            return float(np.argmax(table < 1)) if (table < 1).any() else float(table.size), float(table.size)
        if self.retirement == "normal":
            lo = max(0.0, self.mean_life * (1 - 2 * self.cov))  # type: ignore[operator]
            hi = self.mean_life * (1 + 2 * self.cov)  # type: ignore[operator]
        else:
            lo, hi = 0.0, float(_distribution(self).ppf(1 - DEFAULT_TAIL))
        return (
            float(self.min_life) if self.min_life is not None else lo,
            float(self.max_life) if self.max_life is not None else hi,
        )

    @property
    def resolved_efficiency(self) -> str:
        """Efficiency profile: as given, else geometric for a geometric value
        profile, hyperbolic(β) otherwise."""
        if self.efficiency_profile is not None:
            return self.efficiency_profile
        return "geometric" if self.value_profile == "geometric" else "hyperbolic"


def _msg(where: str, key: str, value: Any, expected: str) -> str:
    return f"{where}: key {key!r}, value {value!r}: expected {expected}"


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _explicit(params: PimParameters) -> dict[str, Any]:
    """Fields that differ from their defaults (i.e. were set explicitly)."""
    return {
        f.name: getattr(params, f.name)
        for f in fields(params)
        if f.name == "retirement" or getattr(params, f.name) != f.default
    }


_NUMBER_RULES: dict[str, tuple[Any, str]] = {
    "mean_life": (lambda v: v > 0, "a number > 0 (years)"),
    "cov": (lambda v: v > 0, "a number > 0 (coefficient of variation)"),
    "min_life": (lambda v: v >= 0, "a number >= 0 (years)"),
    "max_life": (lambda v: v > 0, "a number > 0 (years)"),
    "offset": (lambda v: 0 <= v <= 1, "a number in [0, 1] (timing offset o)"),
    "weibull_shape": (lambda v: v > 0, "a number > 0"),
    "depreciation_rate": (lambda v: 0 < v < 1, "a number in (0, 1) (δ)"),
    "beta": (lambda v: 0 <= v < 1, "a number in [0, 1) (hyperbolic β)"),
    "real_rate": (lambda v: v > -1, "a number > -1 (real rate of return)"),
    "value_offset": (lambda v: 0 <= v <= 1, "a number in [0, 1]"),
    "growth_rate": (lambda v: v > -1, "a number > -1"),
}
_CHOICE_RULES: dict[str, tuple[str, ...]] = {
    "retirement": RETIREMENTS,
    "value_profile": VALUE_PROFILES,
    "combination": COMBINATIONS,
    "truncation": TRUNCATIONS,
    "efficiency_profile": EFFICIENCY_PROFILES,
    "initial_stock": INITIAL_STOCKS,
}


def _check_values(v: Mapping[str, Any], where: str, alias: Mapping[str, tuple[str, Any]] | None = None) -> list[str]:
    """All problems of the (explicitly given) values ``v``."""
    problems: list[str] = []
    ok: dict[str, Any] = {}
    for key, value in v.items():
        if key in _NUMBER_RULES:
            test, expected = _NUMBER_RULES[key]
            if value is None:
                continue
            if not _is_number(value) or not test(value):
                problems.append(_msg(where, key, value, expected))
                continue
        elif key in _CHOICE_RULES:
            if value is None and key == "efficiency_profile":
                continue
            if value not in _CHOICE_RULES[key]:
                problems.append(_msg(where, key, value, f"one of {list(_CHOICE_RULES[key])}"))
                continue
        elif key == "survival":
            if value is None:
                continue
            problem = _survival_problem(value)
            if problem:
                problems.append(_msg(where, key, value if not isinstance(value, (list, tuple)) or len(value) <= 12 else f"{list(value)[:12]}…", problem))
                continue
        elif key == "growth_years":
            if not (isinstance(value, int) and not isinstance(value, bool) and value >= 2):
                problems.append(_msg(where, key, value, "an integer >= 2 (years)"))
                continue
        ok[key] = value
    if ok.get("min_life") is not None and ok.get("max_life") is not None and ok["min_life"] > ok["max_life"]:
        problems.append(
            _msg(where, "min_life", ok["min_life"], f"min_life <= max_life; got max_life = {ok['max_life']!r}")
        )
    if "retirement" not in ok or ("value_profile" in v and "value_profile" not in ok):
        return problems  # the remaining checks depend on these names
    problems.extend(_check_consistency(v, ok, where, alias or {}))
    return problems


def _survival_problem(value: Any) -> str | None:
    """Why ``value`` is not a survival table S(0), S(1), … (None if it is one)."""
    expected = "a list S(0), S(1), … of shares in [0, 1], non-increasing, ending with 0"
    if not isinstance(value, (list, tuple)) or not value or not all(_is_number(x) for x in value):
        return expected
    table = np.asarray(value, dtype=float)
    if (table < 0).any() or (table > 1).any():
        return expected + f"; a share outside [0, 1] at age {int(np.flatnonzero((table < 0) | (table > 1))[0])}"
    if (np.diff(table) > 0).any():
        return expected + f"; it rises at age {int(np.flatnonzero(np.diff(table) > 0)[0]) + 1}"
    if table[-1] != 0:
        return expected + f"; the last share is {table[-1]:g}, not 0 (state when the last assets retire)"
    return None


def _plausibility(params: PimParameters, where: str) -> list[str]:
    """S(0) >= MIN_FIRST_YEAR_SURVIVAL: a fixed asset is used for more than one year."""
    s0 = float(survival(params, 1)[0])
    if s0 >= MIN_FIRST_YEAR_SURVIVAL:
        return []
    keys = {"table": "survival", "linear": "min_life", "simultaneous": "mean_life"}.get(params.retirement, "mean_life, cov, min_life")
    return [
        f"{where}: retirement profile of keys {keys}: expected S(0) >= {MIN_FIRST_YEAR_SURVIVAL}, since a fixed asset is used in "
        f"production for more than one year (2008 SNA §10.33); this profile retires {1 - s0:.1%} of each year's assets in their "
        f"year of acquisition (S(0) = {s0:.4f}): raise min_life (e.g. min_life = 1) or the mean life"
    ]


def _check_consistency(
    v: Mapping[str, Any], ok: Mapping[str, Any], where: str, alias: Mapping[str, tuple[str, Any]]
) -> list[str]:
    """Cross-key rules: required and inapplicable keys, min <= max."""
    problems: list[str] = []
    ret = ok["retirement"]
    vp = ok.get("value_profile", "geometric")
    comb = ok.get("combination", "product")
    eff = ok.get("efficiency_profile") or ("geometric" if vp == "geometric" else "hyperbolic")

    def require(key: str, why: str) -> None:
        if v.get(key) is None and key not in alias:  # an alias's own problem is reported already
            problems.append(f"{where}: key {key!r} is missing: expected it {why}")

    def forbid(key: str, why: str) -> None:
        if v.get(key) is not None:
            name, value = alias.get(key, (key, v[key]))
            problems.append(_msg(where, name, value, f"no {name!r} {why}"))

    if ret in _DERIVED_LIFE:
        problems.extend(_derived_life_problems(v, ok, where))
    elif ret != "none":
        require("mean_life", f"for retirement {ret!r}")
    elif vp != "geometric" or eff in ("linear", "hyperbolic"):
        require("mean_life", "for a linear or hyperbolic profile (asset life T)")
    if ret == "table":
        require("survival", "for retirement 'table' (S(0), S(1), … by age)")
    else:
        forbid("survival", f"for retirement {ret!r} (only for 'table')")
    if ret == "linear":
        require("min_life", "for retirement 'linear' (retirements spread evenly from min_life to max_life)")
        require("max_life", "for retirement 'linear' (retirements spread evenly from min_life to max_life)")
    if ret in _WITH_COV:
        require("cov", f"for retirement {ret!r}")
    else:
        forbid("cov", f"for retirement {ret!r}")
    if ret == "weibull":
        require("weibull_shape", "for retirement 'weibull'")
    else:
        forbid("weibull_shape", f"for retirement {ret!r}")
    if ret not in _DISTRIBUTIONS:
        for key in ("min_life", "max_life", "truncation", "offset"):
            if key in v and v[key] != _default(key):
                forbid(key, f"for retirement {ret!r}")
    if vp == "geometric" or eff == "geometric":
        require("depreciation_rate", "(δ, or 'declining_balance' R) for a geometric profile")
    else:
        forbid("depreciation_rate", "without a geometric value or efficiency profile")
    if ret == "none" and comb != "product":
        problems.append(_msg(where, "combination", comb, "'product' when retirement is 'none'"))
    if ret == "none" and eff == "one_hoss_shay":
        problems.append(_msg(where, "efficiency_profile", eff, "a retirement distribution other than 'none'"))
    if v.get("growth_rate") is not None and v.get("growth_years", _default("growth_years")) != _default("growth_years"):
        problems.append(
            _msg(where, "growth_rate", v["growth_rate"], "either 'growth_rate' or 'growth_years', not both")
        )
    one_bound_given = (ok.get("min_life") is None) != (ok.get("max_life") is None)
    if ret in _DISTRIBUTIONS and one_bound_given and ok.get("mean_life") is not None:
        problems.extend(_check_bounds(ok, where))
    return problems


def _derived_life_problems(v: Mapping[str, Any], ok: Mapping[str, Any], where: str) -> list[str]:
    """A mean_life given with retirement 'linear' or 'table' must equal the one they imply."""
    if ok.get("mean_life") is None:
        return []
    if ok["retirement"] == "linear" and ok.get("min_life") is not None and ok.get("max_life") is not None:
        implied = (ok["min_life"] + ok["max_life"]) / 2
    elif ok["retirement"] == "table" and ok.get("survival") is not None:
        implied = float(sum(ok["survival"]))
    else:
        return []
    if abs(ok["mean_life"] - implied) <= 1e-9 * max(1.0, implied):
        return []
    return [_msg(where, "mean_life", v["mean_life"], f"no 'mean_life' for retirement {ok['retirement']!r}: it is implied ({implied:g})")]


def _default(key: str) -> Any:
    return {f.name: f.default for f in fields(PimParameters)}[key]


def _check_bounds(ok: Mapping[str, Any], where: str) -> list[str]:
    """min_life <= max_life once the defaults are applied."""
    if ok["retirement"] in _WITH_COV and "cov" not in ok:
        return []
    if ok["retirement"] == "weibull" and "weibull_shape" not in ok:
        return []
    probe = object.__new__(PimParameters)  # unvalidated, only to reuse life_bounds
    for f in fields(PimParameters):
        object.__setattr__(probe, f.name, ok.get(f.name, f.default))
    lo, hi = probe.life_bounds()
    if lo > hi:
        key = "min_life" if ok.get("min_life") is not None else "max_life"
        return [_msg(where, key, ok.get(key), f"min_life <= max_life; got min_life = {lo:g} > max_life = {hi:g}")]
    return []


# --------------------------------------------------------------------------- #
# Profiles
# --------------------------------------------------------------------------- #


def _distribution(params: PimParameters) -> Any:
    """Frozen scipy distribution of the service life (§3.3 parameter maps)."""
    mean, cov = params.mean_life, params.cov
    if params.retirement == "normal":
        return stats.norm(loc=mean, scale=mean * cov)
    if params.retirement == "gamma":
        return stats.gamma(a=1 / cov**2, scale=mean * cov**2)
    if params.retirement == "lognormal":
        s2 = math.log(cov**2 + 1)
        return stats.lognorm(s=math.sqrt(s2), scale=math.exp(math.log(mean) - s2 / 2))
    if params.retirement == "weibull":
        k = params.weibull_shape
        return stats.weibull_min(c=k, scale=mean / special.gamma(1 + 1 / k))
    if params.retirement == "linear":  # retirements spread evenly over [min_life, max_life]
        lo, hi = float(params.min_life), float(params.max_life)  # type: ignore[arg-type]
        return stats.uniform(loc=lo, scale=hi - lo) if hi > lo else stats.randint(int(lo), int(lo) + 1)
    raise ValueError(f"no distribution for retirement {params.retirement!r}")


def _horizon(params: PimParameters) -> int:
    """Number of ages after which every finite-support profile is zero."""
    lives = [x for x in (params.mean_life, params.life_bounds()[1]) if x is not None and math.isfinite(x)]
    return int(math.ceil(max(lives, default=0.0))) + 2


def survival(params: PimParameters, n_ages: int) -> np.ndarray:
    """Survival S(a), a = 0..n_ages−1 (pimir discretisation, §3.3).

    S = 1 for a < T_min; for T_min <= a <= T_max, ``(F(T_max) − F(a+o)) /
    (F(T_max) − F(T_min))`` (truncation "both") or ``(1 − F(a+o)) / (1 −
    F(T_min))`` ("left"); 0 for a > T_max; clipped to [0, 1]. Simultaneous exit:
    S = 1 for a < T̄; "none": S = 1.
    """
    ages = np.arange(n_ages, dtype=float)
    if params.retirement == "none":
        return np.ones(n_ages)
    if params.retirement == "simultaneous":
        return (ages < params.mean_life).astype(float)
    if params.retirement == "table":
        table = np.asarray(params.survival, dtype=float)[:n_ages]
        return np.concatenate([table, np.zeros(n_ages - table.size)])
    lo, hi = params.life_bounds()
    dist = _distribution(params)
    f_lo, f_hi = dist.cdf(lo), dist.cdf(hi)
    top = f_hi if params.truncation == "both" else 1.0
    denom = top - f_lo
    inside = (ages >= lo) & (ages <= hi)
    if denom > 0:
        s = np.where(inside, (top - dist.cdf(ages + params.offset)) / denom, 0.0)
    else:  # all mass in [T_min, T_max] is ~0 (e.g. T_min = T_max): exit at T_min
        s = np.zeros(n_ages)
    s = np.where(ages < lo, 1.0, s)
    return np.clip(s, 0.0, 1.0)


def _single_asset(kind: str, params: PimParameters, ages: np.ndarray, life: np.ndarray | float) -> np.ndarray:
    """Single-asset profile at ``ages`` for an asset of ``life`` years (§3.4).

    geometric (1−δ)^a; linear max(0, 1 − a/T); hyperbolic (T − a)/(T − βa) on
    a < T; one-hoss-shay 1 on a < T.
    """
    life = np.asarray(life, dtype=float)
    if kind == "geometric":
        return np.broadcast_to((1 - params.depreciation_rate) ** ages, np.broadcast_shapes(ages.shape, life.shape))
    alive = ages < life
    if kind == "linear":
        return np.where(alive, np.clip(1 - ages / np.where(life > 0, life, 1), 0, 1), 0.0)
    if kind == "hyperbolic":
        with np.errstate(divide="ignore", invalid="ignore"):
            h = (life - ages) / (life - params.beta * ages)
        return np.where(alive, np.clip(h, 0, 1), 0.0)
    return alive.astype(float)  # one_hoss_shay


def _combine(kind: str, params: PimParameters, s: np.ndarray, shift: float) -> np.ndarray:
    """Cohort profile of a single-asset profile ``kind`` combined with survival
    ``s`` (§3.4), the single-asset profile evaluated at ages a + shift.

    In pimir's 1-based periods n = a + 1 and s_k = S(k − 1) (so ``shift`` = 1 is
    pimir's timing):

    * "weighted_average" (ONS combination method 1, as pimir): p_n = Σ_{T > n} m_T
      d(n; T) with m_T = s_{T−1} − s_T, i.e. in ages m_T = S(T−2) − S(T−1)
      (S(−1) = 1) and an asset of life T counted while a + 1 < T;
    * "weighted_average_at_exit" (datasat's earlier convention): m_T = S(T−1) − S(T),
      counted while a + shift < T, so each asset's value reaches 0 when it leaves the
      stock (pimir's assets leave with 1/T of their value, under linear d);
    * "fixed" (ONS method 2, as pimir): p_n = d(n; T_max) s_n, T_max = first k with
      s_k = 0, i.e. (first age with S = 0) + 1.
    """
    n = s.size
    ages = np.arange(n) + shift
    if kind == "geometric" or params.combination == "product":
        life = params.mean_life if params.mean_life is not None else math.inf
        return s * _single_asset(kind, params, ages, life)
    if params.combination == "fixed":
        t_max = (int(np.argmax(s == 0)) if (s == 0).any() else n) + 1
        return s * _single_asset(kind, params, ages, t_max)
    if params.combination == "weighted_average":
        extended = np.concatenate([[1.0], s, [0.0]])  # S(−1) = 1, S(0..n−1), S(n) = 0
        m = extended[:-1] - extended[1:]  # m_T, T = 1..n+1
        lives = np.arange(1, n + 2)
        alive = np.arange(n)[:, None] + 1 < lives[None, :]
    else:  # weighted_average_at_exit
        m = s - np.append(s[1:], 0.0)  # m_T = S(T−1) − S(T), T = 1..n
        lives = np.arange(1, n + 1)
        alive = np.ones((n, n), dtype=bool)
    table = np.where(alive, _single_asset(kind, params, ages[:, None], lives[None, :]), 0.0)  # (age, life)
    return table @ m


def efficiency_profile(params: PimParameters, n_ages: int) -> np.ndarray:
    """Cohort age-efficiency profile e(a) (efficiency × survival, combined as
    ``params.combination``), so the productive stock is Σ_a I_{t−a} e(a)."""
    n = max(n_ages, _horizon(params))
    return _combine(params.resolved_efficiency, params, survival(params, n), 0.0)[:n_ages]


def value_profile(params: PimParameters, n_ages: int) -> np.ndarray:
    """Cohort age-price profile p(a), a = 0..n_ages−1 (§3.4), at end-of-year ages
    a + value_offset.

    Geometric and linear apply ``params.combination`` to d(a) (for "product" a
    linear d uses T = mean_life, so survivors beyond T̄ carry no value: prefer
    "weighted_average" or "fixed" there; for geometric the three coincide).
    Hyperbolic is an
    age-efficiency profile (§3.4): p is derived from the cohort efficiency profile
    by the discounting formula of §3.4 with ``real_rate``, times S(0) (as in the
    product model, retirements of age 0 leave the stock at once: p(0) = S(0));
    a fractional ``value_offset`` is applied by linear interpolation between ages.
    """
    n = max(n_ages, _horizon(params)) + 1
    s = survival(params, n)
    if params.value_profile != "hyperbolic":
        return _combine(params.value_profile, params, s, params.value_offset)[:n_ages]
    e = _combine("hyperbolic", params, s, 0.0)
    disc = (1 + params.real_rate) ** -np.arange(1.0, n + 1)  # (1+r)^−(i+1)
    # d(a) = Σ_{i≥a} e(i)(1+r)^−(i−a+1) / Σ_{i≥0} e(i)(1+r)^−(i+1)
    tail = np.cumsum((e * disc)[::-1])[::-1]
    d = s[0] * (tail / disc) / (tail[0] / disc[0])  # d(0) = S(0) exactly
    theta = params.value_offset
    shifted = (1 - theta) * d + theta * np.append(d[1:], 0.0)
    return shifted[:n_ages]


def _geometric_tail(params: PimParameters, kind: str, shift: float) -> tuple[float, float] | None:
    """(c, ρ) if the cohort profile is c·ρ^a at every age, with unbounded support
    (geometric profile, retirement "none"), else None (finite support)."""
    if params.retirement != "none" or kind != "geometric":
        return None
    rho = 1 - params.depreciation_rate
    return rho**shift, rho


def harberger_rate(params: PimParameters) -> float:
    """δ of the Harberger initial stock I/(g + δ): δ for a pure geometric profile,
    else δ̄ = 1 / Σ_a p(a) (the profile's own zero-growth steady state)."""
    tail = _geometric_tail(params, params.value_profile, params.value_offset)
    if tail is not None:
        c, rho = tail
        return (1 - rho) / c
    total = float(value_profile(params, _horizon(params) + 1).sum())
    return 1 / total if total > 0 else math.inf


def mean_service_life(params: PimParameters) -> float:
    """Σ_a S(a): the mean service life under mid-year retirements (∞ for "none")."""
    if params.retirement == "none":
        return math.inf
    return float(survival(params, _horizon(params) + 1).sum())


# --------------------------------------------------------------------------- #
# Engine
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class PimResult:
    """PIM outputs, each (n_series, n_years) float64.

    Constant prices (base year of the price index): ``gross_stock``,
    ``net_stock``, ``productive_stock``, ``cfc``, ``retirements``,
    ``opening_net_stock`` (W_{t−1}), ``real_gfcf``, ``real_ocv``. Current prices:
    ``net_stock_cp``, ``gross_stock_cp``, ``cfc_cp``, ``revaluation_cp`` (K7),
    ``opening_net_stock_cp``. ``net_stock_hc``: the net stock at historical cost
    (each vintage at the average price of its year of acquisition; the initial
    stock at the end-of-year price of the year before the first). ``price_index``
    is the rebased average index
    (flows), ``end_price_index`` the end-of-year index of each year (stocks) and
    ``opening_price_index`` that of the year before (the opening stock); per series
    ``growth_rate`` and ``harberger_rate`` used for the initial stock (NaN when
    there is none). With retirement "none" and an initial stock, ``gross_stock``
    and ``retirements`` cover in-sample vintages only (see module docstring).
    """

    gross_stock: np.ndarray
    net_stock: np.ndarray
    productive_stock: np.ndarray
    cfc: np.ndarray
    retirements: np.ndarray
    opening_net_stock: np.ndarray
    real_gfcf: np.ndarray
    real_ocv: np.ndarray
    net_stock_cp: np.ndarray
    gross_stock_cp: np.ndarray
    cfc_cp: np.ndarray
    revaluation_cp: np.ndarray
    opening_net_stock_cp: np.ndarray
    net_stock_hc: np.ndarray
    price_index: np.ndarray
    end_price_index: np.ndarray
    opening_price_index: np.ndarray
    growth_rate: np.ndarray
    harberger_rate: np.ndarray


def _check_finite(name: str, array: np.ndarray) -> None:
    if np.isfinite(array).all():
        return
    bad = np.argwhere(~np.isfinite(array))
    shown = ", ".join(f"(series {s}, year position {t})" for s, t in bad[:10])
    more = f" and {len(bad) - 10} more" if len(bad) > 10 else ""
    raise PimInputError(f"{name}: missing or non-finite value at {shown}{more}: expected a finite number")


def end_year_prices(average: np.ndarray, leading: bool = False) -> np.ndarray:
    """Approximate end-of-year prices from annual averages (module docstring).

    ``average`` is (n_series, n_years), with one extra leading column (the year
    before the first) if ``leading``. Returns (n_series, n_years + 1): column 0 the
    end of the year before the first, column t + 1 the end of year t.
    """
    lead, avg = (average[:, :1], average[:, 1:]) if leading else (None, average)
    if avg.shape[1] == 1:
        return np.concatenate([lead if lead is not None else avg, avg], axis=1)
    inner = np.sqrt(avg[:, :-1] * avg[:, 1:])
    last = avg[:, -1:] * np.sqrt(avg[:, -1:] / avg[:, -2:-1])
    first = np.sqrt(lead * avg[:, :1]) if lead is not None else avg[:, :1] * np.sqrt(avg[:, :1] / avg[:, 1:2])
    return np.concatenate([first, inner, last], axis=1)


def _as_rows(name: str, values: np.ndarray, n_series: int, widths: tuple[int, ...], expected: str) -> np.ndarray:
    """``values`` as (n_series, width), width one of ``widths``; checked finite and > 0."""
    p = np.asarray(values, dtype=float)
    p = p.reshape(1, -1) if p.ndim == 1 else p
    if p.ndim != 2 or p.shape[1] not in widths or p.shape[0] not in (1, n_series):
        raise PimInputError(f"{name}: shape {np.shape(values)}: expected {expected}; a price-index year is missing or extra")
    p = np.broadcast_to(p, (n_series, p.shape[1]))
    _check_finite(name, p)
    if not (p > 0).all():
        s, t = np.argwhere(p <= 0)[0]
        raise PimInputError(f"{name}: value {float(p[s, t])!r} at (series {s}, column {t}): expected a number > 0")
    return p


# --------------------------------------------------------------------------- #
# Chunked engine: inputs checked once, then series in chunks of bounded memory
# --------------------------------------------------------------------------- #

#: Rows per block of every matrix product. BLAS gives a row a result that depends
#: on the shape of the product and the row's place in it; products of blocks of a
#: fixed shape (the last one padded with zeros) give each series the same bits
#: however many series run together, so chunked runs equal one call bit for bit.
_BLOCK = 8
#: Default working memory of one chunk of series (results and temporaries).
DEFAULT_MEMORY_BUDGET = 256 * 2**20
#: float64 (n_years)-rows alive per series while a chunk runs: the 19 results, the
#: (5 n)-wide product of the stocks and the temporaries (measured, rounded up).
_ROWS_PER_SERIES = 48


def chunk_size(n_years: int, memory_budget: int = DEFAULT_MEMORY_BUDGET) -> int:
    """Series per chunk so that a chunk's arrays fit ``memory_budget`` bytes (a
    multiple of the product block, at least one block)."""
    per_series = _ROWS_PER_SERIES * 8 * max(int(n_years), 1)
    return max(_BLOCK, int(memory_budget) // per_series // _BLOCK * _BLOCK)


@dataclass(frozen=True)
class _Panel:
    """Checked inputs of :func:`iter_pim` (prices as (n_series, width) views)."""

    gfcf: np.ndarray
    ocv: np.ndarray | None
    price: np.ndarray
    end: np.ndarray | None
    base_position: int | None
    given: np.ndarray | None
    codes: np.ndarray  # parameter set of each series (position in psets)
    psets: tuple[PimParameters, ...]


def _check_panel(
    gfcf: np.ndarray, price_index: np.ndarray, params: PimParameters | Sequence[PimParameters], base_position: int | None,
    other_volume_changes: np.ndarray | None, end_price_index: np.ndarray | None, opening_stock: np.ndarray | None,
) -> _Panel:
    """Every check of :func:`run_pim` on the whole panel, before any chunk runs."""
    gfcf = np.atleast_2d(np.asarray(gfcf, dtype=float))
    if gfcf.ndim != 2:
        raise PimInputError(f"gfcf: shape {gfcf.shape}: expected (n_series, n_years)")
    _check_finite("gfcf", gfcf)
    ocv = None
    if other_volume_changes is not None:
        ocv = np.atleast_2d(np.asarray(other_volume_changes, dtype=float))
        if ocv.shape != gfcf.shape:
            raise PimInputError(f"other_volume_changes: shape {ocv.shape}: expected {gfcf.shape} (as gfcf)")
        _check_finite("other_volume_changes", ocv)
    (n_series, n_years) = gfcf.shape
    want = f"(n_series or 1, n_years or n_years + 1) = ({n_series} or 1, {n_years} or {n_years + 1})"
    price = _as_rows("price_index", price_index, n_series, (n_years, n_years + 1), want)
    end = None if end_price_index is None else _as_rows("end_price_index", end_price_index, n_series, (n_years, n_years + 1), want)
    if base_position is not None and not (isinstance(base_position, (int, np.integer)) and 0 <= base_position < n_years):
        raise PimInputError(f"base_position: value {base_position!r}: expected a year position in [0, {n_years})")
    codes, psets = _group(params, n_series)
    given = _given_stock(opening_stock, n_series)
    for code, pset in enumerate(psets):
        if pset.initial_stock != "given":
            continue
        index = np.flatnonzero(codes == code)
        if given is None or not np.isfinite(given[index]).all():
            raise PimInputError(f"opening_stock: missing for series {index.tolist()[:10]} with initial_stock 'given': expected a finite number per series")
    return _Panel(gfcf, ocv, price, end, base_position, given, codes, psets)


def _group(params: PimParameters | Sequence[PimParameters], n_series: int) -> tuple[np.ndarray, tuple[PimParameters, ...]]:
    """(code of each series, distinct parameter sets): equal sets share a code.
    Series are told apart by object identity first (a panel repeats a few objects)."""
    if isinstance(params, PimParameters):
        return np.zeros(n_series, dtype=np.intp), (params,)
    if len(params) != n_series:
        raise PimInputError(f"params: {len(params)} parameter sets: expected 1 or one per series ({n_series})")
    ids = np.fromiter(map(id, params), dtype=np.int64, count=n_series)
    objects, first, by_object = np.unique(ids, return_index=True, return_inverse=True)
    codes: dict[PimParameters, int] = {}
    object_code = np.fromiter((codes.setdefault(params[i], len(codes)) for i in np.sort(first)), dtype=np.intp, count=len(first))
    order = np.argsort(first)  # object codes in order of first appearance
    remap = np.empty(len(objects), dtype=np.intp)
    remap[order] = object_code
    return remap[by_object.reshape(-1)], tuple(codes)


def _chunk_prices(panel: _Panel, rows: slice) -> tuple[np.ndarray, np.ndarray]:
    """(P̄, Pᵉ) of the series ``rows``: average (rows, n_years) and end-of-year
    (rows, n_years + 1, column 0 = end of the year before the first), both divided
    by P̄ of ``base_position``.

    The average index may have one extra leading column (the year before the first).
    The end-of-year index may have n_years + 1 columns (leading: end of the year
    before the first) or n_years (that one is then approximated from the averages);
    without it, every end-of-year price is approximated (:func:`end_year_prices`).
    """
    n_years = panel.gfcf.shape[1]
    p = panel.price[rows]
    lead = p.shape[1] == n_years + 1
    average = p[:, 1:] if lead else p
    approx = end_year_prices(p, leading=lead)
    if panel.end is None:
        end = approx
    else:
        e = panel.end[rows]
        end = e if e.shape[1] == n_years + 1 else np.concatenate([approx[:, :1], e], axis=1)
    if panel.base_position is not None:
        base = average[:, panel.base_position : panel.base_position + 1]
        average, end = average / base, end / base
    return np.ascontiguousarray(average), np.ascontiguousarray(end)


def _blocked_matmul(x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """``x @ m`` computed in blocks of ``_BLOCK`` rows (see ``_BLOCK``)."""
    rows, width = x.shape
    pad = -rows % _BLOCK
    if pad:
        x = np.concatenate([x, np.zeros((pad, width))])
    return np.matmul(x.reshape(-1, _BLOCK, width), m).reshape(-1, m.shape[1])[:rows]


def _toeplitz_stack(profiles: np.ndarray, n_years: int) -> np.ndarray:
    """(n_years, k·n_years) matrix M with (X @ M)[:, j·n + t] = Σ_v X_v prof_j[t − v]."""
    lag = np.arange(n_years)[None, :] - np.arange(n_years)[:, None]
    mats = np.where(lag[None] >= 0, profiles[:, np.clip(lag, 0, None)], 0.0)  # (k, n, n)
    return np.concatenate(list(mats), axis=1)


@dataclass(frozen=True)
class _Kernels:
    """Profiles of one parameter set over ``n_years`` and their Toeplitz matrices."""

    s: np.ndarray
    p: np.ndarray
    e: np.ndarray
    stocks: np.ndarray  # (n, 5n): survival, value, efficiency, depreciation, retirement
    value: np.ndarray  # (n, n): value profile only (historical cost)


@lru_cache(maxsize=64)
def _kernels(params: PimParameters, n: int) -> _Kernels:
    """Profiles S, p, e over n + horizon + 2 ages and the Toeplitz matrices (§3.5)."""
    n_ages = n + _horizon(params) + 2
    s, p, e = survival(params, n_ages), value_profile(params, n_ages), efficiency_profile(params, n_ages)
    dep = np.append(1.0, p[:-1]) - p  # p(a−1) − p(a), p(−1) = 1
    ret = np.append(1.0, s[:-1]) - s
    stocks = _toeplitz_stack(np.stack([s[:n], p[:n], e[:n], dep[:n], ret[:n]]), n)
    for array in (s, p, e, stocks):
        array.flags.writeable = False
    return _Kernels(s, p, e, stocks, stocks[:, n : 2 * n].copy())


def _growth(params: PimParameters, real: np.ndarray, index: np.ndarray) -> np.ndarray:
    """Per-series g: ``growth_rate`` or compound growth over the first years."""
    if params.growth_rate is not None:
        return np.full(real.shape[0], params.growth_rate)
    m = min(params.growth_years, real.shape[1])
    if m < 2:
        raise PimInputError("initial stock: at least 2 years of GFCF are needed to estimate g; set 'growth_rate'")
    first, last = real[:, 0], real[:, m - 1]
    bad = (first < 0) | ((first > 0) & (last <= 0))
    if bad.any():
        raise PimInputError(
            f"initial stock: real GFCF of year positions 0 and {m - 1} must be positive to estimate g; "
            f"not so for series {index[bad][:10].tolist()}; set 'growth_rate' explicitly"
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.where(first > 0, (last / np.where(first > 0, first, 1)) ** (1 / (m - 1)) - 1, 0.0)
    return g


def _legacy_weights(
    profile: np.ndarray, tail: tuple[float, float] | None, g: np.ndarray, n_years: int, discount: np.ndarray
) -> np.ndarray:
    """w[s, j+1] = Σ_{k≥1} (1+g_s)^−k prof(j + k) for j = −1..n_years−1: the
    contribution at year j of a synthetic past I_{−k} = (1+g)^−k per unit of I_0;
    ``discount`` is (1+g_s)^−k, k = 1..horizon."""
    if tail is not None:
        c, rho = tail
        q = rho / (1 + g)
        return (c * q / (1 - q))[:, None] * rho ** np.arange(-1.0, n_years)[None, :]
    k = np.arange(1, discount.shape[1] + 1)
    hankel = profile[np.arange(-1, n_years)[None, :] + k[:, None]]  # (horizon, n+1)
    return _blocked_matmul(discount, hankel)


def _in_sample(flows: np.ndarray, kernels: _Kernels) -> dict[str, np.ndarray]:
    """Convolutions of real flows with the cohort profiles (one matrix product)."""
    n = flows.shape[1]
    stacked = _blocked_matmul(flows, kernels.stocks)
    g, w, k, d, r = (stacked[:, j * n : (j + 1) * n] for j in range(5))
    return {"gross_stock": g, "net_stock": w, "productive_stock": k, "cfc": d, "retirements": r}


def _initial_stock(
    params: PimParameters, real_gfcf: np.ndarray, index: np.ndarray, kernels: _Kernels, given: np.ndarray | None = None,
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray, np.ndarray]:
    """Contribution of the initial stock: stocks at years 0..n−1 and the opening
    net stock W_{−1}; also g and δ̄ per series (§3.7, module docstring). "given":
    the backcast vintage composition scaled so that W_{−1} = ``given``."""
    n_s, n = real_gfcf.shape
    s, p, e = kernels.s, kernels.p, kernels.e
    g = _growth(params, real_gfcf, index)
    rate = harberger_rate(params)
    horizon = p.size - n - 1
    tails = _geometric_tail(params, params.value_profile, params.value_offset), _geometric_tail(params, params.resolved_efficiency, 0.0)
    discount = np.empty((n_s, 0))  # (1+g)^−k, computed once for the three profiles that need it
    if None in tails or params.retirement != "none":
        discount = (1 + g[:, None]) ** -np.arange(1, horizon + 1)[None, :].astype(float)
    i0 = real_gfcf[:, 0]
    w_net = _legacy_weights(p, tails[0], g, n, discount)
    w_prod = _legacy_weights(e, tails[1], g, n, discount)
    if params.retirement == "none":  # pre-sample gross stock unbounded: not estimated
        w_gross = np.zeros((n_s, n + 1))
    else:
        w_gross = _legacy_weights(s, None, g, n, discount)
    # an unbounded geometric profile needs (1 − δ)/(1 + g) < 1, i.e. g + δ > 0
    valid = np.all(np.isfinite(w_net) & (w_net >= 0) & np.isfinite(w_prod) & (w_prod >= 0), axis=1)
    if params.initial_stock not in ("backcast", "given"):
        valid &= g + rate > 0
    if not valid.all():
        raise PimInputError(
            f"initial stock {params.initial_stock!r}: g + δ = g + {rate:g} <= 0 for series "
            f"{index[~valid][:10].tolist()} (g = {g[~valid][:10].round(4).tolist()}): expected g + δ > 0; "
            "set 'growth_rate'" + ("" if params.initial_stock == "backcast" else " or use initial_stock 'backcast'")
        )
    factor = _legacy_factor(params, i0, g, rate, w_net, p[0], index, given)
    net, gross = factor * w_net, factor * w_gross
    legacy = {
        "gross_stock": gross[:, 1:],
        "net_stock": net[:, 1:],
        "productive_stock": (factor * w_prod)[:, 1:],
        "cfc": net[:, :-1] - net[:, 1:],
        "retirements": gross[:, :-1] - gross[:, 1:],
    }
    return legacy, net[:, 0], g, np.full(n_s, rate)


def _legacy_factor(
    params: PimParameters, i0: np.ndarray, g: np.ndarray, rate: float, w_net: np.ndarray, p0: float, index: np.ndarray,
    given: np.ndarray | None,
) -> np.ndarray:
    """(n_s, 1) scale of the backcast vintages per series: I_0 for "backcast"; so that
    W_{−1} ("opening") or W_0 ("closing") = I_0/(g + δ̄); so that W_{−1} = given."""
    scale = np.ones(len(i0))  # backcast
    target = 1 / (g + rate)  # Harberger stock per unit of I_0
    with np.errstate(divide="ignore", invalid="ignore"):
        if params.initial_stock == "opening":
            scale = np.where(w_net[:, 0] > 0, target / w_net[:, 0], 0.0)
        elif params.initial_stock == "closing":  # W_0 = legacy_0 + I_0 p(0) = I_0/(g + δ), legacy >= 0
            scale = np.where(w_net[:, 1] > 0, np.maximum(target - p0, 0) / w_net[:, 1], 0.0)
    factor = (i0 * scale)[:, None]
    if params.initial_stock == "given":  # weights are per unit of I_0: scale them to W_{−1} = given
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = np.where(w_net[:, 0] > 0, given / w_net[:, 0], 0.0)[:, None]
        if ((given != 0) & ~(w_net[:, 0] > 0)).any():
            raise PimInputError(f"initial stock 'given': no vintage profile for series {index[(given != 0) & ~(w_net[:, 0] > 0)][:10].tolist()}")
    return factor


def _given_stock(opening_stock: np.ndarray | None, n_series: int) -> np.ndarray | None:
    if opening_stock is None:
        return None
    given = np.asarray(opening_stock, dtype=float).reshape(-1)
    if given.size not in (1, n_series):
        raise PimInputError(f"opening_stock: {given.size} values: expected 1 or one per series ({n_series})")
    return np.broadcast_to(given, (n_series,))


def _constant_prices(
    params: PimParameters, real_gfcf: np.ndarray, real_ocv: np.ndarray, index: np.ndarray, given: np.ndarray | None = None,
    price: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Constant-price results for the series ``index`` sharing ``params``; also the
    in-sample historical-cost net stock Σ_a (I + OCV)_{t−a} P̄_{t−a} p(a) and the
    initial stock's contribution at constant prices (``legacy_net``)."""
    n_s, n = real_gfcf.shape
    kernels = _kernels(params, n)
    flows = real_gfcf + real_ocv
    out = _in_sample(flows, kernels)
    if price is not None:
        flows *= price  # nominal flows
    hc_in_sample = _blocked_matmul(flows, kernels.value)
    legacy_net = np.zeros((n_s, n))
    opening = np.zeros(n_s)
    g = np.full(n_s, np.nan)
    rate = np.full(n_s, np.nan)
    if params.initial_stock != "none":
        legacy, opening, g, rate = _initial_stock(params, real_gfcf, index, kernels, given)
        for key, value in out.items():
            value += legacy[key]  # in place: views of the one product
        legacy_net = legacy["net_stock"]
    out["opening_net_stock"] = np.concatenate([opening[:, None], out["net_stock"][:, :-1]], axis=1)
    out["growth_rate"], out["harberger_rate"] = g, rate
    out["hc_in_sample"], out["legacy_net"] = hc_in_sample, legacy_net
    return out


def iter_pim(
    gfcf: np.ndarray,
    price_index: np.ndarray,
    params: PimParameters | Sequence[PimParameters],
    *,
    base_position: int | None = None,
    other_volume_changes: np.ndarray | None = None,
    end_price_index: np.ndarray | None = None,
    opening_stock: np.ndarray | None = None,
    chunk: int | None = None,
    memory_budget: int = DEFAULT_MEMORY_BUDGET,
    workers: int = 1,
) -> Iterator[tuple[slice, PimResult]]:
    """:func:`run_pim` in chunks of consecutive series: yields (series slice, its
    results) in series order. Arguments as :func:`run_pim`; ``chunk`` series per
    chunk, default :func:`chunk_size` of ``memory_budget / workers`` bytes;
    ``workers`` chunks run at once in threads (numpy and BLAS release the GIL).
    All inputs are checked before the first chunk; a chunk's results are
    bit-identical to those rows of one call."""
    panel = _check_panel(gfcf, price_index, params, base_position, other_volume_changes, end_price_index, opening_stock)
    n_series, n_years = panel.gfcf.shape
    workers = max(1, int(workers))
    step = max(1, int(chunk) if chunk is not None else chunk_size(n_years, memory_budget // workers))
    chunks = [slice(start, min(start + step, n_series)) for start in range(0, max(n_series, 1), step)]
    if workers == 1 or len(chunks) == 1:
        yield from ((rows, _run_chunk(panel, rows)) for rows in chunks)
        return
    with ThreadPoolExecutor(workers) as pool:
        pending: deque[tuple[slice, Future[PimResult]]] = deque()
        for rows in chunks:
            pending.append((rows, pool.submit(_run_chunk, panel, rows)))
            if len(pending) == workers:  # at most `workers` chunks in memory
                done, future = pending.popleft()
                yield done, future.result()
        yield from ((rows, future.result()) for rows, future in pending)


def _run_chunk(panel: _Panel, rows: slice) -> PimResult:
    """Results of the series ``rows``, each parameter set's series together."""
    gfcf = panel.gfcf[rows]
    price, end = _chunk_prices(panel, rows)
    real_gfcf = gfcf / price
    real_ocv = np.zeros_like(gfcf) if panel.ocv is None else panel.ocv[rows] / price
    codes = panel.codes[rows]
    present = np.unique(codes)
    if len(present) == 1:  # one parameter set: no gather, no scatter
        index = np.arange(rows.start, rows.start + len(gfcf))
        given = None if panel.given is None else panel.given[rows]
        out = _constant_prices(panel.psets[present[0]], real_gfcf, real_ocv, index, given, price)
        return _with_current_prices(out, real_gfcf, real_ocv, price, end)
    out = {key: np.empty_like(gfcf) for key in ("gross_stock", "net_stock", "productive_stock", "cfc", "retirements", "opening_net_stock", "hc_in_sample", "legacy_net")}
    out["growth_rate"], out["harberger_rate"] = np.empty(len(gfcf)), np.empty(len(gfcf))
    for code in present:
        local = np.flatnonzero(codes == code)
        index = local + rows.start
        given = None if panel.given is None else panel.given[index]
        part = _constant_prices(panel.psets[code], real_gfcf[local], real_ocv[local], index, given, price[local])
        for key, value in part.items():
            out[key][local] = value
    return _with_current_prices(out, real_gfcf, real_ocv, price, end)


def run_pim(
    gfcf: np.ndarray,
    price_index: np.ndarray,
    params: PimParameters | Sequence[PimParameters],
    *,
    base_position: int | None = None,
    other_volume_changes: np.ndarray | None = None,
    end_price_index: np.ndarray | None = None,
    opening_stock: np.ndarray | None = None,
    chunk: int | None = None,
    memory_budget: int = DEFAULT_MEMORY_BUDGET,
    workers: int = 1,
) -> PimResult:
    """Run the PIM on ``n_series`` GFCF series at current prices.

    Args:
        gfcf: (n_series, n_years) GFCF at current prices (1-D: one series).
        price_index: investment price index (annual average), broadcastable to
            (n_series, n_years), optionally with one extra leading year (P̄_{−1}).
        end_price_index: end-of-year investment price index, on the same
            reference as ``price_index``, (n_series or 1, n_years + 1) with the
            end of the year before the first in column 0, or (…, n_years); ``None``:
            approximated from the averages (:func:`end_year_prices`).
        opening_stock: (n_series,) net stock at the end of the year before the
            first, at constant prices (base year), for the series whose parameters
            say ``initial_stock = "given"`` (other entries are ignored).
        params: one parameter set for all series, or one per series. Series with
            equal sets are computed together (one matrix product per set).
        base_position: year position (0-based, of the GFCF years) where the index
            is rebased to 1; ``None`` if the index is already rebased.
        other_volume_changes: K1–K6 at current prices, same shape as ``gfcf``.
        chunk, memory_budget, workers: series computed together and chunks at
            once (:func:`iter_pim`); the
            results are the same bits whatever the chunk. The whole result is kept:
            for panels whose results do not fit in memory, use :func:`iter_pim`.

    Raises:
        PimInputError: NaN/inf values (naming series and year position), bad
            shapes, missing price-index years, non-positive prices.
    """
    parts = iter_pim(gfcf, price_index, params, base_position=base_position, other_volume_changes=other_volume_changes,
                     end_price_index=end_price_index, opening_stock=opening_stock, chunk=chunk, memory_budget=memory_budget,
                     workers=workers)
    rows, first = next(parts)
    n_series = np.atleast_2d(np.asarray(gfcf)).shape[0]
    if rows.stop >= n_series:
        return first
    out = {f.name: np.empty((n_series, *getattr(first, f.name).shape[1:])) for f in fields(PimResult)}
    for rows, part in itertools.chain([(rows, first)], parts):
        for name, array in out.items():
            array[rows] = getattr(part, name)
    return PimResult(**out)


def _with_current_prices(
    const: dict[str, np.ndarray], real_gfcf: np.ndarray, real_ocv: np.ndarray, price: np.ndarray, end: np.ndarray
) -> PimResult:
    """Stocks at end-of-year prices, flows at average prices, K7 the closure (§3.6,
    module docstring); products in place where the operands allow (same bits)."""
    const = dict(const)
    hc_in_sample, legacy_net = const.pop("hc_in_sample"), const.pop("legacy_net")
    opening, closing_end, opening_end = const["opening_net_stock"], end[:, 1:], end[:, :-1]
    net_change = real_gfcf + real_ocv  # W_t − W_{t−1} = X_t − D_t
    net_change -= const["cfc"]
    revaluation = closing_end - opening_end
    revaluation *= opening
    net_change *= closing_end - price
    revaluation += net_change
    historical = legacy_net * end[:, :1]
    historical += hc_in_sample
    return PimResult(
        **const,
        net_stock_hc=historical,
        real_gfcf=real_gfcf,
        real_ocv=real_ocv,
        net_stock_cp=const["net_stock"] * closing_end,
        gross_stock_cp=const["gross_stock"] * closing_end,
        cfc_cp=const["cfc"] * price,
        revaluation_cp=revaluation,
        opening_net_stock_cp=opening * opening_end,
        price_index=price,
        end_price_index=np.ascontiguousarray(closing_end),
        opening_price_index=np.ascontiguousarray(opening_end),
    )


def accumulation_residual(result: PimResult, gfcf: np.ndarray, ocv: np.ndarray | None = None) -> np.ndarray:
    """opening + GFCF − CFC + OCV + K7 − closing at current prices (absolute;
    zero up to rounding). Divide by ``result.net_stock_cp`` for a relative check."""
    gfcf = np.atleast_2d(np.asarray(gfcf, dtype=float))
    ocv = np.zeros_like(gfcf) if ocv is None else np.atleast_2d(np.asarray(ocv, dtype=float))
    return (
        result.opening_net_stock_cp + gfcf - result.cfc_cp + ocv + result.revaluation_cp - result.net_stock_cp
    )
