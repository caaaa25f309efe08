"""The change in the national accounts due to capitalising data assets (docs/method.md §4).

For asset *j*, producing institutional sector *s*, year and bound, with *a* the
own-account share, *c* the purchased-capitalised share (of sold output), *m* the
imported-capitalised share, ``ov`` the overlap with the published accounts
(``[accounts.overlap]``) and ``sw`` the share of the sector's output of *j* made by
occupations already counted in own-account software (occupations.csv
``counted_in_software``)::

    g      = (1 − ov) · (1 − sw)           the part not yet in the published accounts
    O      = g · a · P1_s                  new own-account output (P12)
    C      = g · φ · P51C_s                CFC of the new own-account assets, φ = a / (a + (1 − a) c)
                                           (the PIM is linear and the sector's P51G is (a + (1 − a) c) · P1_s)

    market producer s      ΔP1 = ΔP51G = ΔB1G = ΔB1GQ = O;  ΔP51C = C;  ΔB2A3N = O − C
    non-market producer s  ΔP1 = ΔB1G = ΔB1GQ = ΔP51C = C;  ΔP51G = O;  ΔP3 = C − O;  ΔB2A3N = 0
                           (output at cost: P12 leaves final consumption for GFCF and only the
                           CFC of the new assets is a new cost; 2008 SNA §6.130, §9.98, §10.35)
    buyers (S1N)           K = (1 − ov) · c · Σ_s (1 − sw_s)(1 − a) P1_s + (1 − ov) · m · P7
                           ΔP51G = ΔB1G = ΔB1GQ = K;  ΔP2 = −K;
                           ΔP51C = (1 − ov) [Σ_s (1 − sw_s)(1 − φ) P51C_s + CFC of the imports (the asset's PIM)];
                           ΔB2A3N = K − ΔP51C  (buyers' sectors are not given: REF_SECTOR S1N,
                           "not sectorised", and they are taken as market producers)

Changes not listed are 0 by the rule and are not stored. Rows are STO ``<STO>_DCAP``
(project codes, codelists/CL_NA_STO_DATA.csv), INSTR_ASSET the asset, REF_SECTOR the
producing sector (S1N for the buyers) and S1 = their sum, ACTIVITY ``_T``; ΔP2 of the
buyers is also given by buying industry where the package has a baseline use table
(each industry's share of baseline intermediate consumption, as in :mod:`compiler.accounts.supply_use`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from compiler import codes
from compiler.accounts import costs
from compiler import table as tbl
from compiler.accounts.settings import CHANGE_SUFFIX, AccountsSettings, key_columns
from compiler.accounts.classification import AssetClassification
from compiler.accounts.stage_rows import with_sto_columns
from compiler.inputs import Inputs
from compiler.inputs import tables as t

NOT_SECTORISED = "S1N"  # ESTAT:CL_SECTOR "Not sectorised": the buyers of purchased and imported data
CHANGE_STO = ("P1", "P2", "B1G", "P51C", "B2A3N", "P51G", "P3", "B1GQ")
SOFTWARE_FLAG = "counted_in_software"
INDEX = ["INSTR_ASSET", "REF_SECTOR", tbl.TIME, tbl.BOUND]


def change_code(sto: str) -> str:
    """The project STO code of a change due to capitalisation, e.g. ``B1GQ_DCAP``."""
    return sto + CHANGE_SUFFIX


# --------------------------------------------------------------------------- inputs of the rule


def _sector_rows(table: pd.DataFrame, sto: str, ref_area: str, assets: tuple[str, ...], by_activity: bool = False) -> pd.DataFrame:
    """Rows of ``sto`` by producing sector (not S1), current prices, XDC; at ACTIVITY ``_T``
    unless ``by_activity`` (then by industry)."""
    rows = tbl.select(table, STO=sto, REF_AREA=ref_area, INSTR_ASSET=assets, PRICES=codes.CURRENT_PRICES, UNIT_MEASURE=codes.DOMESTIC_CURRENCY)
    rows = rows.loc[rows["REF_SECTOR"] != codes.TOTAL_ECONOMY]
    at_total = rows["ACTIVITY"] == codes.TOTAL_ACTIVITY
    return rows.loc[~at_total if by_activity else at_total]


def software_shares(inputs: Inputs, table: pd.DataFrame, assets: tuple[str, ...], classification: AssetClassification) -> pd.Series:
    """Share of each sector's output of an asset made by occupations already counted in
    own-account software, by (INSTR_ASSET, REF_SECTOR, TIME_PERIOD, BOUND); empty when
    no occupation is flagged. Within an industry every cost is proportional to labour
    input (docs/method.md §1), so an industry's output splits like its labour input."""
    flagged = _flagged(inputs)
    if not flagged:
        return pd.Series(dtype=float)
    labour = costs.labour_input(inputs.employment, inputs.occupations)
    mine = costs.labour_input(inputs.employment, inputs.occupations.loc[inputs.occupations["occupation"].isin(flagged)])
    key = ["year", "industry", "sector", "asset", "bound"]
    share = labour.merge(mine, on=key, how="left", suffixes=("", "_sw")).fillna({"labour_sw": 0.0})
    share["lambda"] = np.where(share["labour"] > 0, share["labour_sw"] / share["labour"].where(share["labour"] > 0, 1.0), 0.0)
    share = share.assign(
        INSTR_ASSET=share["asset"].map(lambda a: classification.code(a)), ACTIVITY=share["industry"], REF_SECTOR=share["sector"],
        **{tbl.TIME: share["year"].astype(str), tbl.BOUND: share["bound"]},
    )
    output = _sector_rows(table, codes.OUTPUT, inputs.manifest.ref_area, assets, by_activity=True)
    merged = output.merge(share[["INSTR_ASSET", "ACTIVITY", "REF_SECTOR", tbl.TIME, tbl.BOUND, "lambda"]], how="left").fillna({"lambda": 0.0})
    merged["software"] = merged[tbl.VALUE] * merged["lambda"]
    sums = merged.groupby(INDEX)[[tbl.VALUE, "software"]].sum()
    return (sums["software"] / sums[tbl.VALUE].where(sums[tbl.VALUE] != 0, np.nan)).fillna(0.0).rename("sw")


def _flagged(inputs: Inputs) -> list[str]:
    occupations = inputs.occupations
    if SOFTWARE_FLAG not in occupations.columns:
        return []
    return occupations.loc[occupations[SOFTWARE_FLAG].astype(str).str.lower() == "yes", "occupation"].tolist()


def software_labour_share(inputs: Inputs) -> list[dict[str, object]] | None:
    """Share of labour input from occupations counted in own-account software, by year
    and bound, for all data assets and by asset type (report.json); ``None`` when
    occupations.csv has no ``counted_in_software`` column (not given)."""
    if SOFTWARE_FLAG not in inputs.occupations.columns or (inputs.occupations[SOFTWARE_FLAG].astype(str) == "").all():
        return None
    flagged = _flagged(inputs)
    labour = costs.labour_input(inputs.employment, inputs.occupations)
    mine = costs.labour_input(inputs.employment, inputs.occupations.loc[inputs.occupations["occupation"].isin(flagged)])
    total = labour.groupby(["year", "bound", "asset"])["labour"].sum()
    part = mine.groupby(["year", "bound", "asset"])["labour"].sum().reindex(total.index).fillna(0.0)
    records = []
    for (year, bound), group in total.groupby(level=["year", "bound"]):
        all_total = float(group.sum())
        all_part = float(part.loc[group.index].sum())
        by_asset = {str(a): (float(part.loc[(year, bound, a)]) / float(v) if v else 0.0) for (_, _, a), v in group.items()}
        records.append({"year": int(year), "bound": str(bound), "share": all_part / all_total if all_total else 0.0, "by_asset": by_asset})
    return records


def sector_frame(inputs: Inputs, table: pd.DataFrame, classification: AssetClassification, settings: AccountsSettings) -> pd.DataFrame:
    """One row per (asset, producing sector, year, bound): P1, P51C and the shares of the rule."""
    ref_area = inputs.manifest.ref_area
    assets = tuple(classification.code(a) for a in codes.ASSET_TYPES)
    # P1 and P51C by producing sector at _T, selected once (the same rows, in the same order, as one select each)
    flows = tbl.select(table, STO=(codes.OUTPUT, codes.CFC), ACTIVITY=codes.TOTAL_ACTIVITY, REF_AREA=ref_area, INSTR_ASSET=assets,
                       PRICES=codes.CURRENT_PRICES, UNIT_MEASURE=codes.DOMESTIC_CURRENCY)
    flows = flows.loc[flows["REF_SECTOR"].to_numpy() != codes.TOTAL_ECONOMY]
    is_output = flows["STO"].to_numpy() == codes.OUTPUT
    output = flows.loc[is_output].groupby(INDEX)[tbl.VALUE].sum().rename("P1")
    cfc = flows.loc[~is_output].groupby(INDEX)[tbl.VALUE].sum().rename("CFC")
    frame = pd.concat([output, cfc], axis=1)
    frame["P1"] = frame["P1"].fillna(0.0)
    frame["sw"] = software_shares(inputs, table, assets, classification).reindex(frame.index).fillna(0.0)
    frame = frame.reset_index()
    asset_type = frame["INSTR_ASSET"].map(classification.asset_of)
    cap = inputs.manifest.capitalisation
    frame["a"] = asset_type.map(lambda x: cap[x].own_account_share)
    frame["c"] = asset_type.map(lambda x: cap[x].purchased_capitalised_share)
    frame["ov"] = asset_type.map(settings.overlap_share)
    frame["market"] = ~frame["REF_SECTOR"].isin(inputs.manifest.non_market_sectors)
    return frame


# --------------------------------------------------------------------------- the rule


def producer_changes(frame: pd.DataFrame) -> pd.DataFrame:
    """Changes of the producers' own-account data (module docstring), wide by STO.

    ``frame`` from :func:`sector_frame` with CFC filled (0 where the sector has no stock).
    """
    g = (1.0 - frame["ov"]) * (1.0 - frame["sw"])
    capitalised = frame["a"] + (1.0 - frame["a"]) * frame["c"]
    phi = np.where(capitalised > 0, frame["a"] / capitalised.where(capitalised > 0, 1.0), 0.0)
    own = g * frame["a"] * frame["P1"]
    cfc = g * phi * frame["CFC"]
    market = frame["market"].to_numpy()
    out = frame[INDEX].copy()
    out["P1"] = np.where(market, own, cfc)
    out["P51G"] = own
    out["B1G"] = out["P1"]
    out["B1GQ"] = out["P1"]
    out["P51C"] = cfc
    out["B2A3N"] = np.where(market, own - cfc, np.nan)  # non-market: 0 by the rule, not stored
    out["P3"] = np.where(market, np.nan, cfc - own)  # market: 0 by the rule, not stored
    return out


def buyer_changes(frame: pd.DataFrame, imports: pd.DataFrame) -> pd.DataFrame:
    """Changes of the buyers of purchased and imported data (REF_SECTOR S1N), wide by STO.

    ``imports``: INSTR_ASSET, TIME_PERIOD, BOUND, M (imports capitalised = m · P7) and CM
    (their CFC, :func:`imported_cfc`), canonical units, before the overlap.
    """
    keep = (1.0 - frame["sw"])
    capitalised = frame["a"] + (1.0 - frame["a"]) * frame["c"]
    phi = np.where(capitalised > 0, frame["a"] / capitalised.where(capitalised > 0, 1.0), 0.0)
    parts = frame[["INSTR_ASSET", tbl.TIME, tbl.BOUND, "ov"]].assign(
        K=keep * frame["c"] * (1.0 - frame["a"]) * frame["P1"], C=keep * (1.0 - phi) * frame["CFC"]
    )
    index = ["INSTR_ASSET", tbl.TIME, tbl.BOUND]
    sums = parts.groupby(index).agg(K=("K", "sum"), C=("C", "sum"), ov=("ov", "first"))
    sums = sums.join(imports.set_index(index)[["M", "CM"]], how="left").fillna({"M": 0.0, "CM": 0.0})
    new = 1.0 - sums["ov"]
    out = pd.DataFrame(index=sums.index)
    out["P51G"] = new * (sums["K"] + sums["M"])
    out["P2"] = 0.0 - out["P51G"]  # not -x: no negative zeros
    out["B1G"] = out["P51G"]
    out["B1GQ"] = out["P51G"]
    out["P51C"] = new * (sums["C"] + sums["CM"])
    out["B2A3N"] = out["B1G"] - out["P51C"]
    out = out.reset_index()
    out["REF_SECTOR"] = NOT_SECTORISED
    return out


def capitalised_imports(inputs: Inputs, classification: AssetClassification, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """M = imported_capitalised_share × imports.csv and its CFC (CM), by asset, year and
    bound (canonical units), and notes."""
    keys = frame[["INSTR_ASSET", tbl.TIME, tbl.BOUND]].drop_duplicates()
    imports = inputs.optional.get(t.IMPORTS.name)
    if imports is None or not len(imports):
        return keys.assign(M=0.0, CM=0.0), []
    share = imports["asset"].map(lambda a: inputs.manifest.capitalisation[a].imported_capitalised_share)
    given = pd.DataFrame({
        "INSTR_ASSET": imports["asset"].map(classification.code), tbl.TIME: imports["year"].astype(int).astype(str),
        "M": share * imports["value"] / inputs.manifest.unit_factor,
    })
    out = keys.merge(given, how="left").fillna({"M": 0.0})
    cfc, notes = imported_cfc(inputs, classification, out)
    return out.merge(cfc, how="left").fillna({"CM": 0.0}), notes


def imported_cfc(inputs: Inputs, classification: AssetClassification, imports: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """CFC at current prices of the imported assets capitalised (column CM), from the
    package's perpetual inventory of the asset run on the imports (docs/method.md §3, §4.3).

    Assets whose PIM takes a given opening stock are left out (no opening stock of
    imported assets is given): a note says so and their CFC is not computed."""
    from compiler.accounts.pim import run_pim
    from compiler.inputs.pim_settings import pim_settings
    from compiler.accounts.prices import investment_prices, series_prices

    years = [str(y) for y in inputs.manifest.years]
    wide = imports.pivot_table(index=["INSTR_ASSET", tbl.BOUND], columns=tbl.TIME, values="M", aggfunc="sum").reindex(columns=years).fillna(0.0)
    wide = wide.loc[(wide != 0).any(axis=1)]
    if wide.empty:
        return pd.DataFrame(columns=["INSTR_ASSET", tbl.TIME, tbl.BOUND, "CM"]), []
    settings = pim_settings(inputs)
    assets = [classification.asset_of(c) for c in wide.index.get_level_values("INSTR_ASSET")]
    given = [a for a in assets if settings.params[a].initial_stock == "given"]
    notes = []
    if given:
        notes.append(f"CFC of capitalised imports not computed for {', '.join(sorted(set(given)))}: its PIM needs a given opening stock, "
                     "and none is given for imported assets")
        keep = [a not in given for a in assets]
        wide, assets = wide.loc[keep], [a for a in assets if a not in given]
        if wide.empty:
            return pd.DataFrame(columns=["INSTR_ASSET", tbl.TIME, tbl.BOUND, "CM"]), notes
    prices = investment_prices(inputs)
    average, end, _ = series_prices(inputs, prices, settings.input_cost, assets)
    result = run_pim(wide.to_numpy(), average, [settings.params[a] for a in assets], base_position=prices.base_position, end_price_index=end)
    cfc = pd.DataFrame(result.cfc_cp, index=wide.index, columns=wide.columns).stack().rename("CM").reset_index()
    return cfc, notes


def long_changes(wide: pd.DataFrame) -> pd.DataFrame:
    """Wide changes (one column per STO) to long rows, dropping the 0-by-rule (NaN) cells."""
    present = [s for s in CHANGE_STO if s in wide.columns]
    long = wide.melt(id_vars=INDEX, value_vars=present, var_name="STO", value_name=tbl.VALUE)
    return long.dropna(subset=[tbl.VALUE])


def with_totals(long: pd.DataFrame, aggregate: str) -> pd.DataFrame:
    """Add S1 (sum over sectors incl. S1N) and the all-data aggregate at every sector."""
    keys = ["INSTR_ASSET", "STO", tbl.TIME, tbl.BOUND]
    s1 = long.groupby(keys, as_index=False)[tbl.VALUE].sum().assign(REF_SECTOR=codes.TOTAL_ECONOMY)
    levels = pd.concat([long, s1], ignore_index=True)
    agg = levels.groupby(["REF_SECTOR", "STO", tbl.TIME, tbl.BOUND], as_index=False)[tbl.VALUE].sum().assign(INSTR_ASSET=aggregate)
    return pd.concat([levels, agg], ignore_index=True)


def buyer_industry_rows(buyers: pd.DataFrame, weights: dict[str, pd.Series]) -> pd.DataFrame:
    """ΔP2 of the buyers by buying industry, in the years with a baseline use table:
    ``weights[year]`` = each industry's share of baseline intermediate consumption.
    Long rows at REF_SECTOR S1N and the same at S1 (the buyers are the only ΔP2)."""
    p2 = buyers.loc[(buyers["STO"] == "P2") & buyers[tbl.TIME].isin(list(weights))]
    if p2.empty:
        return p2.assign(ACTIVITY=codes.TOTAL_ACTIVITY)
    # each P2 row times its year's industries, in row order (as an inner merge on the year gives them)
    years = list(weights)
    sizes = np.array([len(weights[y]) for y in years])
    starts = np.cumsum(sizes) - sizes
    year = pd.Index(years).get_indexer(p2[tbl.TIME].to_numpy(dtype=object))
    count = sizes[year]
    row = np.repeat(np.arange(len(p2)), count)
    at = starts[year][row] + np.arange(len(row)) - np.repeat(np.cumsum(count) - count, count)
    share = np.concatenate([weights[y].to_numpy(dtype=np.float64) for y in years])[at]
    industry = np.concatenate([np.asarray(weights[y].index, dtype=object) for y in years])[at]
    split = p2.drop(columns="ACTIVITY", errors="ignore").iloc[row].reset_index(drop=True)
    split = split.assign(ACTIVITY=industry, **{tbl.VALUE: split[tbl.VALUE].to_numpy() * share})
    return pd.concat([split, split.assign(REF_SECTOR=codes.TOTAL_ECONOMY)], ignore_index=True)


NOTES = {
    "P1": "change in output: market producers' new own-account output; non-market producers' CFC of the new assets (output at cost)",
    "P2": "change in intermediate consumption: purchases and imports of data now capitalised leave the buyers' intermediate consumption",
    "B1G": "change in gross value added = dP1 - dP2",
    "P51C": "change in consumption of fixed capital: CFC of the new data assets (stocks stage, by producing sector)",
    "B2A3N": "change in net operating surplus = dB1G - dP51C (0 for non-market producers, not stored)",
    "P51G": "change in GFCF: the capitalised data not yet in the published accounts (overlap and software occupations excluded)",
    "P3": "change in final consumption of non-market producers = CFC of the new assets - own-account output now GFCF",
    "B1GQ": "change in GDP = dB1G (taxes on products unchanged) = dP51G + dP3",
}


def change_rows(inputs: Inputs, long: pd.DataFrame, gdp: pd.Series) -> pd.DataFrame:
    """Canonical rows ``<STO>_DCAP`` of the long changes, and ΔB1GQ in percent of GDP (S1).

    The changes are one :func:`compiler.table.make_rows` with the STO row by row, ordered
    by STO (stable), as a make_rows per STO concatenated in sorted order would be."""
    m = inputs.manifest
    common = {"REF_AREA": m.ref_area, "UNIT_MULT": m.unit_mult, "DECIMALS": m.decimals}
    if "ACTIVITY" not in long.columns:
        long = long.assign(ACTIVITY=codes.TOTAL_ACTIVITY)
    long = long.fillna({"ACTIVITY": codes.TOTAL_ACTIVITY})
    ordered = long.iloc[np.argsort(long["STO"].to_numpy(dtype=object), kind="stable")]
    code, present = pd.factorize(ordered["STO"].to_numpy(dtype=object))
    prefix = np.asarray([f"{NOTES[str(s)]}; after minus before (compiler.gdp_effect); " for s in present], dtype=object)[code]
    changes = tbl.make_rows(
        with_sto_columns(ordered.drop(columns="STO"), np.asarray([change_code(str(s)) for s in present], dtype=object)[code]), **common,
        COMMENT_OBS=prefix + ordered["INSTR_ASSET"] + ", " + ordered[tbl.BOUND] + " bound",
    )
    total = long.loc[(long["STO"] == "B1GQ") & (long["REF_SECTOR"] == codes.TOTAL_ECONOMY) & (long["ACTIVITY"] == codes.TOTAL_ACTIVITY)]
    denominator = gdp.reindex(list(zip(total[tbl.TIME], total[tbl.BOUND]))).to_numpy()
    share = total.drop(columns="STO").assign(OBS_VALUE=total[tbl.VALUE].to_numpy() / denominator * 100)
    percent = tbl.make_rows(
        share, **{**common, "UNIT_MULT": 0, "DECIMALS": 2}, **key_columns(change_code("B1GQ")), UNIT_MEASURE=codes.RATIO_TO_GDP,
        COMMENT_OBS="change in GDP due to capitalising data, percent of GDP before capitalisation (macro.csv); " + share["INSTR_ASSET"],
    )
    return pd.concat([changes, percent], ignore_index=True)


# --------------------------------------------------------------------------- report


def gdp_effect_records(table: pd.DataFrame, inputs: Inputs, classification: AssetClassification) -> list[dict[str, object]]:
    """report.json ``gdp_effect``: per year and bound, GDP before and after, the change, by
    producer type and by asset, in national currency units (unit multiplier applied).

    Read from the table's own rows: B1GQ (``_Z``, macro.csv) and ``B1GQ_DCAP`` (XDC, _T)."""
    m = inputs.manifest
    factor = m.unit_factor
    rows = tbl.select(table, STO=change_code("B1GQ"), REF_AREA=m.ref_area, ACTIVITY=codes.TOTAL_ACTIVITY, UNIT_MEASURE=codes.DOMESTIC_CURRENCY)
    if rows.empty:
        return []
    before = tbl.select(table, STO="B1GQ", REF_AREA=m.ref_area, INSTR_ASSET=codes.NOT_APPLICABLE, UNIT_MEASURE=codes.DOMESTIC_CURRENCY, PRICES=codes.CURRENT_PRICES)
    before = before.set_index([tbl.TIME, tbl.BOUND])[tbl.VALUE]
    components = [classification.code(a) for a in codes.ASSET_TYPES]
    total = classification.code("all_data")
    detail = rows.loc[rows["INSTR_ASSET"] == total]
    s1 = detail.loc[detail["REF_SECTOR"] == codes.TOTAL_ECONOMY].set_index([tbl.TIME, tbl.BOUND])[tbl.VALUE]
    non_market = detail.loc[detail["REF_SECTOR"].isin(m.non_market_sectors)].groupby([tbl.TIME, tbl.BOUND])[tbl.VALUE].sum()
    by_asset = rows.loc[(rows["REF_SECTOR"] == codes.TOTAL_ECONOMY) & rows["INSTR_ASSET"].isin(components)]
    by_asset = by_asset.set_index([tbl.TIME, tbl.BOUND, "INSTR_ASSET"])[tbl.VALUE]
    records = []
    for year, bound in sorted(s1.index, key=lambda k: (k[0], tbl.BOUNDS.index(k[1]))):
        delta = float(s1[(year, bound)]) * factor
        nm = float(non_market.get((year, bound), 0.0)) * factor
        gdp = float(before[(year, bound)]) * factor
        records.append({
            "year": int(year), "bound": bound, "gdp_before": gdp, "gdp_after": gdp + delta, "delta": delta,
            "delta_market": delta - nm, "delta_non_market": nm,
            "delta_by_asset": {c: float(by_asset.get((year, bound, c), 0.0)) * factor for c in components},
        })
    return records
