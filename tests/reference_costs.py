"""The per-package pandas cost stage as it was before issue 15: the reference the columnar
cost stage (compiler.accounts.cost_table.cost_observations_all) is tested against.

Frozen copy of compiler/accounts/costs.py and cost_table.py at release 352196e (functions
wage_bill, labour_input, sum_of_costs, cost_stage_rows, component_rows, cost_observations),
kept here, not in compiler/: the compiler has one cost stage, this is its reference.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from compiler import codes
from compiler import table as tbl
from compiler.accounts.classification import AssetClassification, add_totals
from compiler.accounts.cost_table import STO_OF, _both_bounds, _common, _scaled, gdp_rows, tax_ratio_given
from compiler.accounts.costs import COMPONENTS, DETAIL, TAX_RATIO, cost_ratios_by_industry, time_shares
from compiler.accounts.ratios import gdp_of, percent_of_gdp
from compiler.inputs import Inputs


def wage_bill(employment: pd.DataFrame) -> pd.DataFrame:
    """Cost stage: employment and labour cost (E · w) of data occupations by industry × sector × year."""
    frame = employment.assign(wage_bill=employment["employment"] * employment["compensation"])
    return frame.groupby(DETAIL, as_index=False, sort=True)[["employment", "wage_bill"]].sum()


def labour_input(employment: pd.DataFrame, occupations: pd.DataFrame) -> pd.DataFrame:
    """L = Σ_o E · w · s by industry × sector × year × asset × bound."""
    shares = time_shares(occupations)
    frame = employment[[*DETAIL, "occupation", "employment", "compensation"]].merge(shares, on="occupation", how="inner")
    frame["labour"] = frame["employment"] * frame["compensation"] * frame["share"]
    return frame.groupby([*DETAIL, "asset", "bound"], as_index=False, sort=True)["labour"].sum()


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


def cost_stage_rows(inputs: Inputs, wage_bill: pd.DataFrame) -> pd.DataFrame:
    """Employment (EMP, persons) and labour cost before time shares (D1) of data occupations."""
    base = wage_bill.rename(columns={"year": tbl.TIME, "industry": "ACTIVITY", "sector": "REF_SECTOR"})
    base[tbl.TIME] = base[tbl.TIME].astype(str)
    base = _both_bounds(base)
    common = _common(inputs)
    employment = tbl.make_rows(
        base.assign(OBS_VALUE=base["employment"]),
        **{**common, "UNIT_MULT": 0, "DECIMALS": 0},
        STO=codes.EMPLOYMENT,
        ACCOUNTING_ENTRY=codes.NOT_APPLICABLE,
        UNIT_MEASURE=codes.PERSONS,
        PRICES="_Z",  # persons: no price basis (ESTAT:CL_NA_PRICES _Z, not applicable)
        COMMENT_OBS="persons in data occupations (employment; same in both bounds)",
    )
    compensation = tbl.make_rows(
        base.assign(OBS_VALUE=_scaled(base["wage_bill"], inputs)),
        **common,
        STO=codes.COMPENSATION,
        COMMENT_OBS="labour cost of data occupations = sum of employment x compensation, before time shares (employment; same in both bounds)",
    )
    return pd.concat([employment, compensation], ignore_index=True)


def component_rows(inputs: Inputs, components: pd.DataFrame, classification: AssetClassification) -> pd.DataFrame:
    """One canonical row per component, asset, industry, sector, year and bound."""
    frame = components.rename(columns={"year": tbl.TIME, "industry": "ACTIVITY", "sector": "REF_SECTOR", "bound": tbl.BOUND})
    frame[tbl.TIME] = frame[tbl.TIME].astype(str)
    frame["INSTR_ASSET"] = frame["asset"].map(lambda a: classification.code(a, "G"))
    common = _common(inputs)
    parts = []
    taxes_given = tax_ratio_given(inputs)
    for component, (sto, entry, counterpart, note) in STO_OF.items():
        if component == "taxes" and not taxes_given:
            continue  # not given: no P5OA4 rows (the sum of costs counts them as 0)
        note = note.format(base="(labour + other costs)" if inputs.manifest.markup_base == "costs" else "labour input")
        parts.append(
            tbl.make_rows(
                frame.assign(OBS_VALUE=_scaled(frame[component], inputs)),
                **common,
                STO=sto,
                ACCOUNTING_ENTRY=entry,
                COUNTERPART_AREA=counterpart,
                COMMENT_OBS=f"{note}; " + frame["asset"] + ", " + frame[tbl.BOUND] + " bound",
            )
        )
    return pd.concat(parts, ignore_index=True)


def cost_observations(inputs: Inputs, wage_bill: pd.DataFrame, components: pd.DataFrame, classification: AssetClassification) -> pd.DataFrame:
    """All canonical rows of the cost stages, with totals and shares of GDP."""
    detail = tbl.concat([cost_stage_rows(inputs, wage_bill), component_rows(inputs, components, classification)])
    with_totals = add_totals(detail, classification)
    gdp = gdp_rows(inputs)
    flows = tbl.select(with_totals, STO=(codes.OUTPUT, codes.GFCF), ACTIVITY=codes.TOTAL_ACTIVITY, REF_SECTOR=codes.TOTAL_ECONOMY, PRICES=codes.CURRENT_PRICES, UNIT_MEASURE=codes.DOMESTIC_CURRENCY)
    shares = percent_of_gdp(flows, gdp_of(gdp), "STO")
    shares["COMMENT_OBS"] = "percent of GDP: " + flows["STO"] + " / B1GQ x 100 (macro.csv gdp)"
    return tbl.concat([with_totals, gdp, shares])
