"""Canonical rows of the cost → input → output → GFCF stages (Wang et al. 2024, tables 8 and 9).

Each component is its own observation, keyed by asset (INSTR_ASSET, gross code),
industry (ACTIVITY) and institutional sector (REF_SECTOR); totals over industries,
sectors and the data-asset aggregate come from :func:`compiler.accounts.classification.add_totals`.
Shares of GDP are observations too (UNIT_MEASURE ``PT_B1GQ``, percent of GDP: a project code).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from compiler import codes
from compiler import table as tbl
from compiler.accounts.classification import AssetClassification, add_totals
from compiler.accounts import costs
from compiler.accounts.costs import TAX_RATIO
from compiler.inputs import Inputs
from compiler.accounts.ratios import gdp_of, percent_of_gdp

#: component -> (STO, ACCOUNTING_ENTRY, COUNTERPART_AREA, provenance)
STO_OF: dict[str, tuple[str, str, str, str]] = {
    "labour": (codes.LABOUR, codes.USES, "W0", "labour input = sum over occupations of employment x compensation x time share (employment, occupations)"),
    "capital": (codes.CAPITAL, codes.USES, "W0", "capital input = labour input x capital_ratio (cost_ratios)"),
    "intermediate": (codes.INTERMEDIATE, codes.USES, "W0", "intermediate consumption = labour input x intermediate_ratio (cost_ratios)"),
    "other": (codes.OTHER_COSTS, codes.USES, "W0", "other costs = labour input x other_ratio (cost_ratios)"),
    "taxes": (codes.TAXES, codes.USES, "W0", "other taxes less subsidies on production = labour input x tax_ratio, SNA 2008 6.125 (cost_ratios)"),
    "markup": (codes.MARKUP, codes.BALANCE, "W2", "mark-up = markup x {base}, market producers only, SNA 2008 6.125 (cost_ratios, industries)"),
    "output": (codes.OUTPUT, codes.RESOURCES, "W0", "output = labour + capital + intermediate + other + taxes + mark-up (sum of costs, SNA 2008 6.125)"),
    "gfcf": (codes.GFCF, codes.USES, "W0", "GFCF = output x (own-account share + sold share x purchased-capitalised share) (package.toml capitalisation)"),
}


def _scaled(values: pd.Series, inputs: Inputs) -> pd.Series:
    return values / inputs.manifest.unit_factor


def _common(inputs: Inputs) -> dict[str, object]:
    m = inputs.manifest
    return {"REF_AREA": m.ref_area, "UNIT_MULT": m.unit_mult, "DECIMALS": m.decimals}


def _both_bounds(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([frame.assign(BOUND=b) for b in tbl.BOUNDS], ignore_index=True)


def tax_ratio_given(inputs: Inputs) -> bool:
    """Whether cost_ratios.csv gives taxes less subsidies on production (a tax_ratio in any row)."""
    ratios = inputs.cost_ratios
    return TAX_RATIO in ratios.columns and bool(pd.to_numeric(ratios[TAX_RATIO], errors="coerce").notna().any())


def gdp_rows(inputs: Inputs) -> pd.DataFrame:
    """GDP at current prices (B1GQ) from macro.csv, the denominator of every share of GDP."""
    macro = inputs.macro.rename(columns={"year": tbl.TIME})
    macro[tbl.TIME] = macro[tbl.TIME].astype(str)
    macro = _both_bounds(macro)
    return tbl.make_rows(
        macro.assign(OBS_VALUE=_scaled(macro["gdp"], inputs)),
        **_common(inputs),
        STO="B1GQ",
        ACCOUNTING_ENTRY=codes.BALANCE,
        COUNTERPART_AREA="W2",
        COMMENT_OBS="GDP at current prices before capitalisation of data (macro.csv)",
    )


def cost_observations(inputs: Inputs, classification: AssetClassification) -> pd.DataFrame:
    """All canonical rows of the cost stages of one package, with totals and shares of GDP."""
    return cost_observations_all([inputs], [classification])[0]


def cost_observations_all(inputs: list[Inputs], classifications: list[AssetClassification], encoded: bool = False) -> list[pd.DataFrame]:
    """The cost stage of every package, computed together (columnar); one table per package.

    Employment and labour cost (EMP, D1), then each component (labour, capital, intermediate,
    other, taxes where given, mark-up, output, GFCF) by asset × industry × sector × year ×
    bound, the totals (:func:`add_totals`), GDP (B1GQ) and output and GFCF as % of GDP.
    Packages are taken in batches of distinct REF_AREA (the key that keeps their rows
    apart); each package's rows come back in the order the per-package pandas stage gave
    them (tests/reference_costs.py), so the later stages see the same table. ``encoded``:
    each table stays dictionary-encoded (:func:`compiler.table.decode` gives the same rows),
    so that a batch's tables take ~45 instead of ~321 bytes a row until each is used.
    """
    out: list[pd.DataFrame | None] = [None] * len(inputs)
    for batch in _distinct_areas(inputs, classifications):
        tables = _cost_batch([inputs[i] for i in batch], [classifications[i] for i in batch], encoded)
        for i, table in zip(batch, tables):
            out[i] = table
    return out  # type: ignore[return-value]


def _distinct_areas(inputs: list[Inputs], classifications: list[AssetClassification]) -> list[list[int]]:
    """Positions of the packages in batches of one asset classification in which no REF_AREA
    repeats (one batch as a rule)."""
    batches: list[tuple[tuple, set[str], list[int]]] = []
    for i, (item, classification) in enumerate(zip(inputs, classifications)):
        area, stems = item.manifest.ref_area, tuple(sorted(classification.stems.items()))
        batch = next((b for b in batches if b[0] == stems and area not in b[1]), None)
        if batch is None:
            batch = (stems, set(), [])
            batches.append(batch)
        batch[1].add(area)
        batch[2].append(i)
    return [positions for _, _, positions in batches]


def _cost_batch(inputs: list[Inputs], classifications: list[AssetClassification], encoded: bool = False) -> list[pd.DataFrame]:
    """The cost stage of packages with distinct REF_AREA: blocks of all packages, then split."""
    employment = costs.stacked([i.employment for i in inputs])
    wage_bill = costs.wage_bill_all(employment)
    components = costs.sum_of_costs_all(inputs, employment)
    detail = tbl.concat_encoded([*_cost_stage_rows_all(inputs, wage_bill), *_component_rows_all(inputs, components, classifications)])
    with_totals = add_totals(detail, classifications[0])
    gdp = pd.concat([gdp_rows(i) for i in inputs], ignore_index=True)
    flows = tbl.decode(tbl.select(with_totals, STO=(codes.OUTPUT, codes.GFCF), ACTIVITY=codes.TOTAL_ACTIVITY, REF_SECTOR=codes.TOTAL_ECONOMY,
                                  PRICES=codes.CURRENT_PRICES, UNIT_MEASURE=codes.DOMESTIC_CURRENCY))
    shares = percent_of_gdp(flows, gdp_of(gdp), "STO")
    shares["COMMENT_OBS"] = "percent of GDP: " + flows["STO"] + " / B1GQ x 100 (macro.csv gdp)"
    table = tbl.concat_encoded([with_totals, tbl.encode(gdp), tbl.encode(shares)])
    tbl.check_unique(table)
    return _split(table, [i.manifest.ref_area for i in inputs], encoded)


def _split(table: pd.DataFrame, areas: list[str], encoded: bool = False) -> list[pd.DataFrame]:
    """The rows of each REF_AREA of ``areas``, in their order in ``table`` (encoded), decoded
    unless ``encoded``."""
    column = table["REF_AREA"].cat
    area = pd.Index(areas).get_indexer(column.categories)[column.codes.to_numpy()]
    order = np.argsort(area, kind="stable")
    bounds = np.searchsorted(area[order], np.arange(len(areas) + 1))
    parts = [table.iloc[order[bounds[i]:bounds[i + 1]]] for i in range(len(areas))]
    return parts if encoded else [tbl.decode(part) for part in parts]


def _per_package(inputs: list[Inputs], package: np.ndarray, **values) -> dict[str, np.ndarray]:
    """Columns of each row's package: ``name=function(inputs)`` → array."""
    return {name: np.array([f(i) for i in inputs])[package] for name, f in values.items()}


def _package_columns(inputs: list[Inputs], frame: pd.DataFrame) -> pd.DataFrame:
    """REF_AREA, UNIT_MULT, DECIMALS and the unit factor of each row's package."""
    package = frame[costs.PACKAGE].to_numpy()
    return frame.assign(**_per_package(inputs, package, REF_AREA=lambda i: i.manifest.ref_area, UNIT_MULT=lambda i: i.manifest.unit_mult,
                                       DECIMALS=lambda i: i.manifest.decimals, unit_factor=lambda i: i.manifest.unit_factor))


def _cost_stage_rows_all(inputs: list[Inputs], wage_bill: pd.DataFrame) -> list[pd.DataFrame]:
    """Employment (EMP, persons) and labour cost before time shares (D1) of every package: the EMP block, then the D1 block."""
    base = _package_columns(inputs, wage_bill).rename(columns={"year": tbl.TIME, "industry": "ACTIVITY", "sector": "REF_SECTOR"})
    base[tbl.TIME] = _years(base[tbl.TIME])
    base = _both_bounds(base)
    employment = tbl.encoded_rows(
        base.assign(OBS_VALUE=base["employment"], UNIT_MULT=0, DECIMALS=0),
        STO=codes.EMPLOYMENT, ACCOUNTING_ENTRY=codes.NOT_APPLICABLE, UNIT_MEASURE=codes.PERSONS, PRICES="_Z",
        COMMENT_OBS="persons in data occupations (employment; same in both bounds)",
    )
    compensation = tbl.encoded_rows(
        base.assign(OBS_VALUE=base["wage_bill"] / base["unit_factor"]),
        STO=codes.COMPENSATION,
        COMMENT_OBS="labour cost of data occupations = sum of employment x compensation, before time shares (employment; same in both bounds)",
    )
    return [employment, compensation]


def _component_rows_all(inputs: list[Inputs], components: pd.DataFrame, classifications: list[AssetClassification]) -> list[pd.DataFrame]:
    """One canonical row per component, asset, industry, sector, year and bound of every package: a block a component (P5OA4 only where tax ratios are given)."""
    frame = _package_columns(inputs, components).rename(columns={"year": tbl.TIME, "industry": "ACTIVITY", "sector": "REF_SECTOR", "bound": tbl.BOUND})
    frame[tbl.TIME] = _years(frame[tbl.TIME])
    package = frame[costs.PACKAGE].to_numpy()
    assets = list(codes.ASSET_TYPES)
    asset = pd.Index(assets).get_indexer(frame["asset"])
    gross = np.array([[c.code(a, "G") for a in assets] for c in classifications], dtype=object)
    frame["INSTR_ASSET"] = pd.Categorical(gross[package, asset])
    bound = pd.Index(tbl.BOUNDS).get_indexer(frame[tbl.BOUND])
    # the comment of a row: its package's note (by mark-up base), its asset and bound
    variant = (np.array([i.manifest.markup_base == "costs" for i in inputs])[package] * len(assets) + asset) * len(tbl.BOUNDS) + bound
    taxes_given = np.array([tax_ratio_given(i) for i in inputs])[package]
    parts = []
    for component, (sto, entry, counterpart, note) in STO_OF.items():
        texts = [f"{note.format(base=base)}; {a}, {b} bound" for base in ("labour input", "(labour + other costs)") for a in assets for b in tbl.BOUNDS]
        distinct = pd.Index(texts, dtype="str").unique()
        comment = pd.Categorical.from_codes(distinct.get_indexer(texts)[variant], categories=distinct)
        rows = frame.assign(COMMENT_OBS=comment)
        rows = rows if component != "taxes" else rows.loc[taxes_given]
        parts.append(tbl.encoded_rows(rows.assign(OBS_VALUE=rows[component] / rows["unit_factor"]), STO=sto, ACCOUNTING_ENTRY=entry,
                                      COUNTERPART_AREA=counterpart))
    return parts


def _years(years: pd.Series) -> pd.Categorical:
    """Years as TIME_PERIOD texts, encoded (one text per distinct year)."""
    encoded = pd.Categorical(years)
    return encoded.rename_categories(pd.Index([str(y) for y in encoded.categories], dtype="str"))
