"""The sum-of-costs method: labour → input → output → GFCF for each data asset.

For asset *j*, bound *b*, industry *i*, sector *s* and year *t* (methodology.md §4.2;
2008 SNA §6.125; StatCan 2019; CBS 2020 ch. 4.1; Wang et al. 2024 §3.3.1)::

    labour    L  = Σ_o E_{o,i,t} · w_{o,i,t} · s_{o,j,b}
    capital   K  = κ_K · L          intermediate  IC = κ_IC · L      other  O = κ_O · L
    taxes     T  = κ_T · L          other taxes less subsidies on production (0 when not given)
    mark-up   M  = μ · (L + K + IC + O)   (method.markup_base = "costs"; taxes are no base
                                           of the return to capital)
                 = μ · L                  (method.markup_base = "labour")
                 = 0 for non-market producers (2008 SNA §6.125 ff.)
    output    P1 = L + K + IC + O + T + M    (2008 SNA §6.125: output for own final use at cost)
    GFCF      P51G = P1 · (a + (1 − a) · c)

with κ the cost ratios of ``cost_ratios.csv`` (an industry's own row, else ``_T``), μ
the mark-up, *a* the own-account share and *c* the share of the sold output that
domestic buyers capitalise (package.toml ``[capitalisation]``).

Everything here is a pure function over DataFrames: no file access.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from compiler import codes
from compiler import table as tbl
from compiler.inputs import Inputs

DETAIL = ["year", "industry", "sector", "producer"]
COMPONENTS = ("labour", "capital", "intermediate", "other", "taxes", "markup", "output", "gfcf")
TAX_RATIO = "tax_ratio"


def wage_bill(employment: pd.DataFrame) -> pd.DataFrame:
    """Cost stage: employment and labour cost (E · w) of data occupations by industry × sector × year."""
    return wage_bill_all(stacked([employment])).drop(columns=PACKAGE)


def time_shares(occupations: pd.DataFrame) -> pd.DataFrame:
    """Occupations' time shares in long form: occupation, asset, bound, share."""
    columns = [f"{a}_{b}" for a in codes.ASSET_TYPES for b in ("low", "high")]
    long = occupations.melt(id_vars="occupation", value_vars=columns, var_name="asset_bound", value_name="share")
    split = long["asset_bound"].str.rsplit("_", n=1, expand=True)
    return long.assign(asset=split[0], bound=split[1]).drop(columns="asset_bound")


def labour_input(employment: pd.DataFrame, occupations: pd.DataFrame) -> pd.DataFrame:
    """L = Σ_o E · w · s by industry × sector × year × asset × bound."""
    return labour_input_all(stacked([employment]), stacked([occupations])).drop(columns=PACKAGE)


def cost_ratios_by_industry(ratios: pd.DataFrame, industries: pd.Series) -> pd.DataFrame:
    """Ratios for every (year, industry): the industry's own row, else the ``_T`` row."""
    columns = ["capital_ratio", "intermediate_ratio", "other_ratio", "markup", TAX_RATIO]
    ratios = ratios if TAX_RATIO in ratios.columns else ratios.assign(**{TAX_RATIO: np.nan})
    own = ratios.loc[ratios["industry"] != codes.TOTAL_ACTIVITY, ["year", "industry", *columns]]
    total = ratios.loc[ratios["industry"] == codes.TOTAL_ACTIVITY, ["year", *columns]]
    grid = pd.MultiIndex.from_product([sorted(ratios["year"].unique()), sorted(industries.unique())], names=["year", "industry"]).to_frame(index=False)
    grid["year"] = grid["year"].astype(ratios["year"].dtype)
    merged = grid.merge(own, on=["year", "industry"], how="left").merge(total, on="year", how="left", suffixes=("", "_total"))
    has_own = merged["capital_ratio"].notna()
    for column in columns:
        merged[column] = merged[column].where(has_own, merged[f"{column}_total"])
    return merged[["year", "industry", *columns]].rename(columns={"markup": "markup_rate"})


def sum_of_costs(inputs: Inputs) -> pd.DataFrame:
    """Every cost component, output and GFCF by industry × sector × year × asset × bound.

    Returns a wide frame with one column per component of :data:`COMPONENTS` in
    currency units (not yet scaled by the unit multiplier).
    """
    return sum_of_costs_all([inputs], stacked([inputs.employment])).drop(columns=PACKAGE)


# --- the stage over many packages at once (issue 15): one pass, keyed by package --------------------
#: the package a row belongs to (its position in the list of packages), the first key of every group
PACKAGE = "package"
#: labour input columns in the order of a sorted groupby on (asset, bound): "high" sorts before "low"
ASSET_BOUNDS: tuple[tuple[str, str], ...] = tuple(sorted((a, b) for a in codes.ASSET_TYPES for b in ("low", "high")))


def stacked(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The frames one under the other, each row with its frame's position in :data:`PACKAGE`."""
    return pd.concat([f.assign(**{PACKAGE: i}) for i, f in enumerate(frames)], ignore_index=True)


def wage_bill_all(employment: pd.DataFrame) -> pd.DataFrame:
    """:func:`wage_bill` of every package of the stacked ``employment`` (groups sorted, package first).

    Each package's sums are those of its own ``groupby(...).sum()`` (:func:`package_sums`).
    """
    frame = employment.assign(wage_bill=employment["employment"] * employment["compensation"])
    keys, ids = _groups(frame, [PACKAGE, *DETAIL])
    package = frame[PACKAGE].to_numpy()
    for column in ("employment", "wage_bill"):
        keys[column] = package_sums(frame[column].to_numpy(dtype=float), ids, package, len(keys))
    return keys


def _groups(frame: pd.DataFrame, columns: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """The distinct values of ``columns`` (sorted) and each row's group number among them."""
    ids = frame.groupby(columns, sort=True).ngroup().to_numpy()
    _, first = np.unique(ids, return_index=True)
    return frame[columns].iloc[first].reset_index(drop=True), ids


def package_sums(values: np.ndarray, ids: np.ndarray, package: np.ndarray, ngroups: int) -> np.ndarray:
    """Group sums as each package's own pandas ``groupby(...).sum()`` gives them (pandas 3.1).

    pandas adds a group's rows with ``np.add.reduceat`` when the group numbers are sorted
    and no value is NaN, else with Kahan's compensation (``pandas/core/groupby/ops.py``);
    the two differ in the last bit. The choice is made per package here, as a package
    compiled alone makes it (groups never span packages; ``ids`` sorted by package first).
    """
    n_packages = int(package.max()) + 1 if len(package) else 0
    unsorted = np.bincount(package[1:][np.diff(ids) < 0], minlength=n_packages) > 0
    has_nan = np.bincount(package[np.isnan(values)], minlength=n_packages) > 0
    fast = (~unsorted & ~has_nan)[package]
    out = np.zeros(ngroups)
    if fast.any():
        rows = np.flatnonzero(fast)
        starts = np.flatnonzero(np.diff(ids[rows], prepend=-1) != 0)
        out[ids[rows[starts]]] = np.add.reduceat(values[rows], starts)
    if not fast.all():
        rows = np.flatnonzero(~fast)
        groups, local = np.unique(ids[rows], return_inverse=True)
        out[groups] = tbl.kahan_group_sum(values[rows], local.reshape(-1), len(groups))
    return out


def labour_input_all(employment: pd.DataFrame, occupations: pd.DataFrame) -> pd.DataFrame:
    """:func:`labour_input` of every package at once: L = Σ_o E · w · s.

    The six shares (asset × bound) of each row's occupation are looked up by (package,
    occupation) and the six products summed in one groupby: the same summands in the same
    order as the long merge of :func:`labour_input` (an inner merge keeps the employment
    rows' order), so the same sums; rows of unknown occupations are left out, as there.
    """
    share_columns = [f"{a}_{b}" for a, b in ASSET_BOUNDS]
    known = pd.MultiIndex.from_frame(occupations[[PACKAGE, "occupation"]])
    where = known.get_indexer(pd.MultiIndex.from_frame(employment[[PACKAGE, "occupation"]]))
    if (where < 0).any():
        employment, where = employment.loc[where >= 0], where[where >= 0]
    wage = (employment["employment"] * employment["compensation"]).to_numpy(dtype=float)
    labour = wage[:, None] * occupations[share_columns].to_numpy(dtype=float)[where]
    keys, ids = _groups(employment.reset_index(drop=True), [PACKAGE, *DETAIL])
    # the long frame of labour_input interleaves the six groups of a row: pandas sums with Kahan
    sums = tbl.kahan_group_sum(labour, ids, len(keys))
    n, k = len(keys), len(ASSET_BOUNDS)
    long = keys.iloc[np.repeat(np.arange(n), k)].reset_index(drop=True)
    long["asset"] = np.tile([a for a, _ in ASSET_BOUNDS], n)
    long["bound"] = np.tile([b for _, b in ASSET_BOUNDS], n)
    long["labour"] = sums.reshape(-1)
    return long


def sum_of_costs_all(inputs: list[Inputs], employment: pd.DataFrame) -> pd.DataFrame:
    """:func:`sum_of_costs` of every package at once (``employment`` stacked, :func:`stacked`)."""
    labour = labour_input_all(employment, stacked([i.occupations for i in inputs]))
    ratios = stacked([cost_ratios_by_industry(i.cost_ratios, i.industries["industry"]) for i in inputs])
    keys = [PACKAGE, "year", "industry"]
    where = pd.MultiIndex.from_frame(ratios[keys]).get_indexer(pd.MultiIndex.from_frame(labour[keys]))
    frame = labour.assign(**{c: _take(ratios[c].to_numpy(dtype=float), where) for c in (*RATIOS, "markup_rate")})
    frame["capital"] = frame["labour"] * frame["capital_ratio"]
    frame["intermediate"] = frame["labour"] * frame["intermediate_ratio"]
    frame["other"] = frame["labour"] * frame["other_ratio"]
    frame["taxes"] = frame["labour"] * frame[TAX_RATIO].fillna(0.0)
    costs = frame["labour"] + frame["capital"] + frame["intermediate"] + frame["other"]
    package = frame[PACKAGE].to_numpy()
    on_costs = np.array([i.manifest.markup_base == "costs" for i in inputs])[package]
    base = costs.where(on_costs, frame["labour"])
    market = (frame["producer"] == codes.MARKET).to_numpy()
    frame["markup"] = np.where(market, base * frame["markup_rate"], 0.0)
    frame["output"] = costs + frame["taxes"] + frame["markup"]
    frame["gfcf"] = frame["output"] * _capitalised(inputs, package, frame["asset"])
    return frame[[PACKAGE, *DETAIL, "asset", "bound", *COMPONENTS]]


RATIOS = ("capital_ratio", "intermediate_ratio", "other_ratio", TAX_RATIO)


def _take(values: np.ndarray, where: np.ndarray) -> np.ndarray:
    """``values[where]``, NaN where ``where`` is -1 (no row: a left merge's missing values)."""
    out = values[np.maximum(where, 0)] if len(values) else np.full(len(where), np.nan)
    return np.where(where >= 0, out, np.nan)


def _capitalised(inputs: list[Inputs], package: np.ndarray, asset: pd.Series) -> np.ndarray:
    """a + (1 − a) · c of each row's package and asset (package.toml ``[capitalisation]``)."""
    assets = list(codes.ASSET_TYPES)
    table = np.array([[_share(i, a) for a in assets] for i in inputs], dtype=float).reshape(len(inputs), len(assets))
    column = pd.Index(assets).get_indexer(asset)
    return np.where(column >= 0, table[package, np.maximum(column, 0)], np.nan)


def _share(inputs: Inputs, asset: str) -> float:
    c = inputs.manifest.capitalisation.get(asset)
    return np.nan if c is None else c.own_account_share + (1 - c.own_account_share) * c.purchased_capitalised_share
