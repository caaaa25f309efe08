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
from compiler.inputs import Inputs

DETAIL = ["year", "industry", "sector", "producer"]
COMPONENTS = ("labour", "capital", "intermediate", "other", "taxes", "markup", "output", "gfcf")
TAX_RATIO = "tax_ratio"


def wage_bill(employment: pd.DataFrame) -> pd.DataFrame:
    """Cost stage: employment and labour cost (E · w) of data occupations by industry × sector × year."""
    frame = employment.assign(wage_bill=employment["employment"] * employment["compensation"])
    return frame.groupby(DETAIL, as_index=False, sort=True)[["employment", "wage_bill"]].sum()


def time_shares(occupations: pd.DataFrame) -> pd.DataFrame:
    """Occupations' time shares in long form: occupation, asset, bound, share."""
    columns = [f"{a}_{b}" for a in codes.ASSET_TYPES for b in ("low", "high")]
    long = occupations.melt(id_vars="occupation", value_vars=columns, var_name="asset_bound", value_name="share")
    split = long["asset_bound"].str.rsplit("_", n=1, expand=True)
    return long.assign(asset=split[0], bound=split[1]).drop(columns="asset_bound")


def labour_input(employment: pd.DataFrame, occupations: pd.DataFrame) -> pd.DataFrame:
    """L = Σ_o E · w · s by industry × sector × year × asset × bound."""
    shares = time_shares(occupations)
    frame = employment[[*DETAIL, "occupation", "employment", "compensation"]].merge(shares, on="occupation", how="inner")
    frame["labour"] = frame["employment"] * frame["compensation"] * frame["share"]
    return frame.groupby([*DETAIL, "asset", "bound"], as_index=False, sort=True)["labour"].sum()


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
    labour = labour_input(inputs.employment, inputs.occupations)
    ratios = cost_ratios_by_industry(inputs.cost_ratios, inputs.industries["industry"])
    frame = labour.merge(ratios, on=["year", "industry"], how="left", validate="many_to_one")
    frame["capital"] = frame["labour"] * frame["capital_ratio"]
    frame["intermediate"] = frame["labour"] * frame["intermediate_ratio"]
    frame["other"] = frame["labour"] * frame["other_ratio"]
    frame["taxes"] = frame["labour"] * frame[TAX_RATIO].fillna(0.0)
    costs = frame["labour"] + frame["capital"] + frame["intermediate"] + frame["other"]
    base = costs if inputs.manifest.markup_base == "costs" else frame["labour"]
    market = (frame["producer"] == codes.MARKET).to_numpy()
    frame["markup"] = np.where(market, base * frame["markup_rate"], 0.0)
    frame["output"] = costs + frame["taxes"] + frame["markup"]
    capitalised = frame["asset"].map(
        {a: c.own_account_share + (1 - c.own_account_share) * c.purchased_capitalised_share for a, c in inputs.manifest.capitalisation.items()}
    )
    frame["gfcf"] = frame["output"] * capitalised
    return frame[[*DETAIL, "asset", "bound", *COMPONENTS]]
