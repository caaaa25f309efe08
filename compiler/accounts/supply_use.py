"""Supply and use of the data products (data, databases, data R&D), with an optional
GRAS rebalancing of a baseline use table.

Identity, for each data product *j*, year and bound (all at basic prices)::

    supply = P1_j + P7_j  =  P2_j + P3_j + P51G_j + P6_j  = use

with, for own-account share *a*, purchased-capitalised share *c*, export share *e*
(package.toml ``[capitalisation.<asset>]``; *c* and *e* are shares of the sold output,
*c* + *e* ≤ 1) and final-consumption share *f* (``[accounts] final_consumption_share``,
default 0)::

    sold   = (1 − a) · P1_j                 output sold (P1_j: cost-stage rows)
    P7_j   = imports.csv (default 0)
    P6_j   = e · sold                       exports (imports are not re-exported)
    P51G_j = the cost-stage P51G rows       = a · P1_j + c · sold (domestic output only)
    D_j    = (1 − e − c) · sold + P7_j      domestic use neither exported nor capitalised;
                                            imports are used at home like this part of the
                                            sold output: none is capitalised, since GFCF in
                                            data is measured from domestic output
    P3_j   = f · D_j                        final consumption
    P2_j   = D_j − P3_j                     intermediate use

Without a baseline supply and use table, P2_j is one row at ACTIVITY ``_T`` (not
allocated to industries; COMMENT_OBS says so).

GRAS rebalancing (``use_table.csv`` + ``supply_table.csv``, years they cover)
-------------------------------------------------------------------------------
Assumption (to verify): before capitalisation the data bought by others, and imported,
were recorded *inside other products*; so the data products are inserted as new rows
and those products shrink, and an industry's total intermediate consumption is
unchanged except that its purchases of data now capitalised move to GFCF. The
allocation key across industries is each industry's share *w_i* of total baseline
intermediate consumption. For each year and bound, with ``U⁰`` the baseline use
matrix (products × [industries, P3, P51G, P52, P6]) and ``S⁰_p`` the supply of product
*p* (supply table)::

    H      = Σ_j (sold_j + P7_j)                  data hidden in other products' supply
    K      = Σ_j c_j · sold_j                     purchases moved from IC to GFCF
    rows   u_p = S⁰_p − H · S⁰_p / Σ_q S⁰_q       q, p ∈ accounts.sut_data_hidden_in
                                                  (default: all products; others keep S⁰_p)
           u_j = P1_j + P7_j                      data products
    columns v_i = Σ_p U⁰_pi − K · w_i             industries
           v_P51G = Σ_p U⁰_p,P51G + Σ_j P51G_j;   v_P3, v_P52, v_P6 as in the baseline
    start  X⁰ = U⁰ with data rows: P2_j · w_i in the industry columns; P51G_j, P6_j, P3_j
           (fixed cells) and P52 = 0

``compiler.accounts.balance.gras`` then scales the free cells (zero cells stay zero, signs are
kept, fixed cells are unchanged) to the targets; the data rows' industry cells give
the canonical P2 rows by ACTIVITY (rescaled to sum exactly to P2_j, a change below the
GRAS tolerance). Infeasible targets are input errors naming the products and users.

Canonical rows (INSTR_ASSET = the product's gross asset code, and the aggregate)
--------------------------------------------------------------------------------
P7 (``C``, ``W1``), P6 (``D``, ``W1``), P3 (``D``, ``W0``, EXPENDITURE ``_T``), P2
(``D``, ``W0``) at ACTIVITY ``_T`` and, where balanced, by using industry; all at
REF_SECTOR ``S1``. P1 and P51G are the cost-stage rows (not repeated).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from compiler import codes
from compiler import table as tbl
from compiler.accounts.settings import AccountsSettings, accounts_settings
from compiler.accounts.balance import GrasConvergenceError, GrasResult, InfeasibleTargetsError, gras
from compiler.accounts.checks import RELATIVE_TOLERANCE, Check
from compiler.accounts.classification import AssetClassification
from compiler.accounts.stage_rows import with_sto_columns
from compiler.inputs import InputError, InputErrors, Inputs
from compiler.inputs import tables as t

FINAL = t.FINAL_USE_COLUMNS
PRODUCT_STO = ("P7", "P6", "P3", "P2")


@dataclass
class BalancedUse:
    """One balanced use table: start ``x0``, result ``balanced``, the fixed cells and targets."""

    year: int
    bound: str
    x0: pd.DataFrame
    balanced: pd.DataFrame
    fixed: pd.DataFrame
    row_targets: pd.Series
    col_targets: pd.Series
    result: GrasResult
    data_rows: list[str] = field(default_factory=list)

    def report(self, k: int = 10) -> dict[str, Any]:
        moves = [
            {"product": str(self.x0.index[m.row]), "user": str(self.x0.columns[m.col]), "before": m.before, "after": m.after, "change": m.change}
            for m in self.result.largest_moves(k)
        ]
        return {"iterations": self.result.iterations, "max_residual": self.result.max_residual, "largest_moves": moves}


def product_flows(inputs: Inputs, table: pd.DataFrame, classification: AssetClassification, settings: AccountsSettings, found: pd.DataFrame | None = None) -> pd.DataFrame:
    """The supply and use of each data product by year and bound (module docstring), in canonical units.

    Columns: asset, TIME_PERIOD, BOUND, P1, P7, sold, P6, P51G, P3, P2, K (capitalised purchases), H (hidden).
    ``found``: the rows :func:`_product_rows` selects from ``table``, if already selected.
    """
    frames = []
    imports = inputs.optional.get(t.IMPORTS.name)
    scale = inputs.manifest.unit_factor
    found = _product_rows(inputs, table, classification) if found is None else found
    sto, asset_code = found["STO"].to_numpy(dtype=object), found["INSTR_ASSET"].to_numpy(dtype=object)
    for asset in codes.ASSET_TYPES:
        code = classification.code(asset)
        cap = inputs.manifest.capitalisation[asset]
        frame = _output_and_gfcf(found.loc[(sto == codes.OUTPUT) & (asset_code == code)], found.loc[(sto == codes.GFCF) & (asset_code == code)])
        if imports is not None:
            mine = imports.loc[imports["asset"] == asset]
            by_year = pd.Series(mine["value"].to_numpy() / scale, index=mine["year"].astype(int).astype(str))
            frame["P7"] = frame[tbl.TIME].map(by_year).fillna(0.0)
        else:
            frame["P7"] = 0.0
        frame["sold"] = (1 - cap.own_account_share) * frame["P1"]
        frame["P6"] = cap.export_share * frame["sold"]
        domestic = (1 - cap.export_share - cap.purchased_capitalised_share) * frame["sold"] + frame["P7"]
        frame["P3"] = settings.final_consumption(asset) * domestic
        frame["P2"] = domestic - frame["P3"]
        frame["K"] = cap.purchased_capitalised_share * frame["sold"]
        frame["H"] = frame["sold"] + frame["P7"]
        frame["asset"] = asset
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def _output_and_gfcf(output: pd.DataFrame, gfcf: pd.DataFrame) -> pd.DataFrame:
    """TIME_PERIOD, BOUND, P1, P51G of one product: the two series side by side (0 where one
    lacks a year-bound), as ``pd.DataFrame({"P1": .., "P51G": ..}).fillna(0.0).reset_index()``
    aligns them on (TIME_PERIOD, BOUND); without the index when both hold the same keys in
    the same order (the cost stage writes them so)."""
    keys = [tbl.TIME, tbl.BOUND]
    if len(output) == len(gfcf) and all((output[k].to_numpy(dtype=object) == gfcf[k].to_numpy(dtype=object)).all() for k in keys):
        values = {"P1": output[tbl.VALUE].to_numpy(dtype=np.float64), "P51G": gfcf[tbl.VALUE].to_numpy(dtype=np.float64)}
        return pd.DataFrame({**{k: output[k].to_numpy(dtype=object) for k in keys}, **{c: np.where(np.isnan(v), 0.0, v) for c, v in values.items()}})
    rows = {"P1": output.set_index(keys)[tbl.VALUE], "P51G": gfcf.set_index(keys)[tbl.VALUE]}
    return pd.DataFrame(rows).fillna(0.0).reset_index()


def _product_rows(inputs: Inputs, table: pd.DataFrame, classification: AssetClassification) -> pd.DataFrame:
    """The rows of ``table`` this stage reads, selected once, in the table's order: the
    supply and use STOs of the data products and their aggregate at _T, S1, current
    prices, XDC (P1 and P51G for :func:`product_flows`; all for :func:`identity_check`)."""
    products = tuple(classification.code(a) for a in (*codes.ASSET_TYPES, "all_data"))
    return tbl.select(
        table, STO=("P1", "P7", "P2", "P3", "P51G", "P6"), INSTR_ASSET=products, ACTIVITY=codes.TOTAL_ACTIVITY, REF_SECTOR=codes.TOTAL_ECONOMY,
        PRICES=codes.CURRENT_PRICES, UNIT_MEASURE=codes.DOMESTIC_CURRENCY, REF_AREA=inputs.manifest.ref_area,
    )


# --------------------------------------------------------------------------- GRAS


def baseline_tables(inputs: Inputs, settings: AccountsSettings) -> dict[int, tuple[pd.DataFrame, pd.Series]]:
    """Baseline use matrices (products × users, currency units / 10^unit_mult) and supply
    totals by year; checks supply = use per product and the product codes."""
    use, supply = inputs.optional.get(t.USE_TABLE.name), inputs.optional.get(t.SUPPLY_TABLE.name)
    prefix = inputs.folder.name + "/"
    if use is None and supply is None:
        return {}
    if use is None or supply is None:
        missing = t.USE_TABLE.name if use is None else t.SUPPLY_TABLE.name
        raise InputErrors([InputError(prefix + missing, None, None, None, f"{t.USE_TABLE.name} and {t.SUPPLY_TABLE.name} together (one is missing)")])
    errors = []
    for frame, name in ((use, t.USE_TABLE.name), (supply, t.SUPPLY_TABLE.name)):
        for _, row in frame.loc[frame["product"].isin(codes.ASSET_TYPES)].iterrows():
            errors.append(InputError(prefix + name, int(row["_line"]), "product", row["product"], "a baseline product, not a data asset type (datasat inserts the data products)"))
    out = _baseline_matrices(use, supply, inputs.manifest.unit_factor)
    for year, (matrix, totals) in out.items():
        errors += _baseline_errors(year, matrix, totals, settings, prefix, inputs.manifest.unit_factor)
    if errors:
        raise InputErrors(errors)
    return out


def _baseline_matrices(use: pd.DataFrame, supply: pd.DataFrame, scale: float) -> dict[int, tuple[pd.DataFrame, pd.Series]]:
    """Each year's use matrix (products of that year's use and supply, sorted; that year's
    industries sorted, then the final uses) and supply totals, from one grouped sum of
    each file (the sums of ``pivot_table(aggfunc="sum")`` per year, over all years at once)."""
    cells = use["value"].astype("float64").groupby([use["year"].astype(int).rename("year"), use["product"], use["user"]], sort=True).sum()
    given = supply["value"].astype("float64").groupby([supply["year"].astype(int).rename("year"), supply["product"]], sort=True).sum()
    cell_year = cells.index.get_level_values(0).to_numpy()
    total_year = given.index.get_level_values(0).to_numpy()
    out = {}
    for year in sorted(set(cell_year) | set(total_year)):  # benchmark years: a few; the work in each is on arrays
        mine = slice(*np.searchsorted(cell_year, [year, year + 1]))
        theirs = slice(*np.searchsorted(total_year, [year, year + 1]))
        products_used = cells.index.get_level_values(1)[mine].to_numpy(dtype=object)
        users = cells.index.get_level_values(2)[mine].to_numpy(dtype=object)
        supplied = pd.Series(given.to_numpy()[theirs] / scale, index=pd.Index(given.index.get_level_values(1)[theirs], name="product"), name="value")
        products = sorted(set(products_used) | set(supplied.index))
        columns = [*sorted({u for u in users if u not in FINAL}), *FINAL]
        values = np.zeros((len(products), len(columns)))
        row = pd.Index(products).get_indexer(products_used)
        col = pd.Index(columns).get_indexer(users)
        values[row, col] = cells.to_numpy()[mine] / scale
        # copy=False keeps the array's C order, the layout pivot_table gives: sums over either axis add in the same order
        matrix = pd.DataFrame(values, index=pd.Index(products, name="product"), columns=pd.Index(columns, name="user"), copy=False)
        out[int(year)] = (matrix, supplied.reindex(products, fill_value=0.0))
    return out


def _baseline_errors(year: int, matrix: pd.DataFrame, totals: pd.Series, settings: AccountsSettings, prefix: str, scale: float) -> list[InputError]:
    """Products whose use differs from their supply, and hidden-in products the year lacks."""
    errors = []
    used = matrix.sum(axis=1)
    bad = (used - totals).abs() > settings.baseline_tolerance * np.maximum(1.0, totals.abs())
    for product in totals.index[bad]:
        errors.append(
            InputError(prefix + t.USE_TABLE.name, None, "product", f"{year} {product}: use {used[product] * scale:.10g}",
                       f"total use = total supply {totals[product] * scale:.10g} ({t.SUPPLY_TABLE.name}; tolerance {settings.baseline_tolerance:g})")
        )
    for product in settings.sut_data_hidden_in:
        if product not in totals.index:
            errors.append(InputError("package.toml", None, "accounts.sut_data_hidden_in", product, f"a product of {t.SUPPLY_TABLE.name} in {year}"))
    return errors


@dataclass
class UseBase:
    """The parts of the GRAS set-up of one baseline year that do not depend on the bound:
    the allocation key (industries' shares of intermediate consumption), the baseline
    column targets and the products that hold the hidden data (module docstring)."""

    matrix: pd.DataFrame
    supply: pd.Series
    industries: list[str]
    weights: np.ndarray
    col_totals: np.ndarray
    chosen: list[str]
    base: np.ndarray
    weight_sum: float

    @classmethod
    def of(cls, matrix: pd.DataFrame, supply: pd.Series, hidden_in: tuple[str, ...] = ()) -> UseBase:
        """Sums as pandas takes them on these frames (same order, so the same floats):
        ``matrix[industries].sum(axis=0)``, ``matrix.sum(axis=0)``, ``supply.loc[chosen].sum()``."""
        industries = [c for c in matrix.columns if c not in FINAL]
        values = matrix.to_numpy(dtype=np.float64)
        ic = np.ascontiguousarray(values[:, matrix.columns.get_indexer(industries)]).sum(axis=0)
        total_ic = float(ic.sum())
        weights = ic / total_ic if total_ic != 0 else np.full(len(industries), 1.0 / max(len(industries), 1))
        chosen = list(hidden_in) if hidden_in else list(supply.index)
        base = supply.to_numpy(dtype=np.float64)[supply.index.get_indexer(chosen)]
        return cls(matrix, supply, industries, weights, np.ascontiguousarray(values).sum(axis=0), chosen, base, float(base.sum()))


def industry_weights(baselines: dict[int, tuple[pd.DataFrame, pd.Series]]) -> dict[str, pd.Series]:
    """Each industry's share of baseline intermediate consumption, by year (TIME_PERIOD);
    years whose industries use nothing are left out. Summed as :class:`UseBase` does."""
    out = {}
    for year, (matrix, _) in baselines.items():
        industries = [c for c in matrix.columns if c not in FINAL]
        ic = np.ascontiguousarray(matrix.to_numpy(dtype=np.float64)[:, matrix.columns.get_indexer(industries)]).sum(axis=0)
        total = ic.sum()
        if total != 0:
            out[str(year)] = pd.Series(ic / total, index=pd.Index(industries, name="user"))
    return out


def balance_use_table(
    matrix: pd.DataFrame, supply: pd.Series, flows: pd.DataFrame, hidden_in: tuple[str, ...] = (), *, year: int = 0, bound: str = "", label: str = "use_table.csv"
) -> BalancedUse:
    """Insert the data products into one baseline use matrix and rebalance it by GRAS.

    ``flows`` holds one row per data product (``asset``, P1, P7, P6, P51G, P3, P2, K, H)
    for this year and bound. Targets and start as in the module docstring. Infeasible
    targets raise :class:`InputErrors` naming the products and users.
    """
    return balance_on(UseBase.of(matrix, supply, hidden_in), flows, year=year, bound=bound, label=label)


def balance_on(setup: UseBase, flows: pd.DataFrame, *, year: int = 0, bound: str = "", label: str = "use_table.csv") -> BalancedUse:
    """:func:`balance_use_table` on a year's :class:`UseBase` (arrays throughout)."""
    matrix, supply = setup.matrix, setup.supply
    column = {c: i for i, c in enumerate(matrix.columns)}
    hidden, moved = float(flows["H"].sum()), float(flows["K"].sum())
    cut = np.zeros(len(supply))
    if hidden:
        if setup.weight_sum <= 0:
            raise InputErrors([InputError(label, None, "product", ", ".join(setup.chosen), f"{year}: products with positive supply to hold the {hidden:.10g} of data sold before capitalisation")])
        cut[supply.index.get_indexer(setup.chosen)] = hidden * setup.base / setup.weight_sum
    data_labels = list(flows["asset"])
    cells = np.zeros((len(flows), len(matrix.columns)))
    cells[:, [column[c] for c in setup.industries]] = np.outer(flows["P2"].to_numpy(dtype=float), setup.weights)
    for name in ("P51G", "P6", "P3"):
        cells[:, column[name]] = flows[name].to_numpy(dtype=float)
    x0 = np.asfortranarray(np.vstack([matrix.to_numpy(dtype=np.float64), cells]))  # the layout of pd.concat([matrix, rows]).to_numpy()
    fixed = np.zeros(x0.shape, dtype=bool)
    fixed[len(matrix):, [column[c] for c in FINAL]] = True
    u = np.concatenate([supply.to_numpy(dtype=np.float64) - cut, (flows["P1"] + flows["P7"]).to_numpy(dtype=np.float64)])
    v = setup.col_totals.copy()
    v[[column[c] for c in setup.industries]] = v[[column[c] for c in setup.industries]] - moved * setup.weights
    v[column["P51G"]] = v[column["P51G"]] + float(flows["P51G"].sum())
    rows = pd.Index([*matrix.index, *data_labels], name="product")
    result = _gras(x0, u, v, fixed, rows, matrix.columns, year, bound, label)
    frame = lambda values: pd.DataFrame(values, index=rows, columns=matrix.columns, copy=False)  # noqa: E731
    return BalancedUse(year, bound, frame(x0), pd.DataFrame(result.matrix, index=rows, columns=matrix.columns), frame(fixed),
                       pd.Series(u, index=rows), pd.Series(v, index=matrix.columns), result, data_labels)


def _gras(x0: np.ndarray, u: np.ndarray, v: np.ndarray, fixed: np.ndarray, rows: pd.Index, columns: pd.Index, year: int, bound: str, label: str) -> GrasResult:
    """:func:`compiler.accounts.balance.gras` (tolerance 1e-10), its failures as input errors."""
    try:
        return gras(x0, u, v, fixed, tol=1e-10, row_labels=list(rows), col_labels=list(columns), row_name="product", col_name="user")
    except InfeasibleTargetsError as exc:
        errors = [
            InputError(label, None, None if p.axis is None else ("product" if p.axis == "row" else "user"), None if p.label is None else str(p.label),
                       f"{year} {bound} bound: targets that GRAS can meet after inserting the data products ({p.message})")
            for p in exc.problems
        ]
        raise InputErrors(errors) from exc
    except GrasConvergenceError as exc:
        raise InputErrors([InputError(label, None, None, None, f"{year} {bound} bound: a use table GRAS can balance after inserting the data products ({exc})")]) from exc


# --------------------------------------------------------------------------- stage


def _common(inputs: Inputs) -> dict[str, object]:
    m = inputs.manifest
    return {"REF_AREA": m.ref_area, "UNIT_MULT": m.unit_mult, "DECIMALS": m.decimals}


def supply_use_rows(inputs: Inputs, table: pd.DataFrame, classification: AssetClassification) -> tuple[pd.DataFrame, list[Check], dict[str, Any]]:
    """Canonical rows of the supply and use of data products, the checks, and a report dict.

    Rows: P7, P6, P3, P2 (ACTIVITY ``_T`` and, in balanced years, by using industry) for
    each data product and the aggregate; no key of ``table`` is repeated.
    """
    settings = accounts_settings(inputs.manifest)
    found = _product_rows(inputs, table, classification)
    flows = product_flows(inputs, table, classification, settings, found)
    baselines = baseline_tables(inputs, settings)
    prefix = inputs.folder.name + "/"
    flows["INSTR_ASSET"] = flows["asset"].map(classification.code)
    aggregate = flows.groupby([tbl.TIME, tbl.BOUND], as_index=False)[["P1", "P7", "sold", "P6", "P51G", "P3", "P2", "K", "H"]].sum()
    aggregate["asset"], aggregate["INSTR_ASSET"] = "all_data", classification.code("all_data")
    every = pd.concat([flows, aggregate], ignore_index=True)
    balanced_years = sorted(y for y in baselines if str(y) in set(flows[tbl.TIME]))
    report: dict[str, Any] = {
        "allocation": "GRAS on use_table.csv" if balanced_years else "none: no baseline use table, intermediate use at ACTIVITY _T only",
        "balanced_years": balanced_years,
        "gras": {},
    }
    by_industry = _balanced_detail(flows, baselines, balanced_years, settings.sut_data_hidden_in, prefix + t.USE_TABLE.name, report["gras"])
    new = _product_table_rows(inputs, every, balanced_years, by_industry, classification)
    # identity_check reads only the table's rows of _product_rows (and the new ones): the same result on fewer rows
    read = pd.concat([found, new], ignore_index=True)
    checks = [identity_check(read, inputs.manifest.ref_area, tuple(every["INSTR_ASSET"].unique()))]
    if balanced_years:
        worst = max(r["max_residual"] for y in report["gras"].values() for r in y.values())
        checks.append(Check("GRAS: balanced use tables meet their targets", worst <= RELATIVE_TOLERANCE, f"{len(balanced_years)} year(s) x 2 bounds, largest residual {worst:.3g}", worst, 2 * len(balanced_years)))
    return new, checks, report


def _product_table_rows(inputs: Inputs, every: pd.DataFrame, balanced_years: list[int], detail: pd.DataFrame | None, classification: AssetClassification) -> pd.DataFrame:
    """The stage's canonical rows in one make_rows: P7, P6, P3 and P2 of each product and the
    aggregate at _T, then P2 by using industry (``detail``) and its aggregate."""
    notes = {
        "P7": "imports of the data product (imports.csv" + ("" if t.IMPORTS.name in inputs.optional else "; absent: 0") + ")",
        "P6": "exports = export_share x sold output, sold = (1 - own_account_share) x P1 (package.toml capitalisation)",
        "P3": "final consumption = final_consumption_share x (sold output neither exported nor capitalised + imports) (package.toml accounts)",
    }
    keep = [tbl.TIME, tbl.BOUND, "INSTR_ASSET"]
    blocks = [every[keep].assign(OBS_VALUE=every[sto], STO=sto, note=note + "; ") for sto, note in notes.items()]
    ic_note = "intermediate use = sold output neither exported nor capitalised + imports - final consumption"
    unallocated = ~every[tbl.TIME].isin([str(y) for y in balanced_years]).to_numpy()
    blocks.append(every[keep].assign(OBS_VALUE=every["P2"], STO="P2", note=np.where(
        unallocated, ic_note + ", not allocated to industries (no baseline use table for the year); ", ic_note + ", total of industries (GRAS on use_table.csv); ")))
    if detail is not None:
        detail = pd.concat([detail, detail.groupby(["ACTIVITY", tbl.TIME, tbl.BOUND], as_index=False)["P2"].sum().assign(asset="all_data")], ignore_index=True)
        blocks.append(detail.assign(
            INSTR_ASSET=detail["asset"].map({a: classification.code(a) for a in detail["asset"].unique()}), OBS_VALUE=detail["P2"], STO="P2",
            note="intermediate use by using industry: baseline use table with the data products inserted, balanced by GRAS "
            "(allocation key: industries' baseline intermediate consumption); ",
        )[[*keep, "ACTIVITY", tbl.VALUE, "STO", "note"]])
    rows = pd.concat(blocks, ignore_index=True)
    rows = with_sto_columns(rows.assign(ACTIVITY=rows["ACTIVITY"].fillna(codes.TOTAL_ACTIVITY)) if "ACTIVITY" in rows else rows, rows["STO"])
    return tbl.make_rows(rows, **_common(inputs), COMMENT_OBS=rows["note"] + rows["INSTR_ASSET"] + ", " + rows[tbl.BOUND] + " bound (compiler.sut)")


def _balanced_detail(
    flows: pd.DataFrame, baselines: dict[int, tuple[pd.DataFrame, pd.Series]], years: list[int], hidden_in: tuple[str, ...], label: str, report: dict[str, Any]
) -> pd.DataFrame | None:
    """P2 of each data product by using industry in the balanced years (asset, ACTIVITY, P2,
    TIME_PERIOD, BOUND; by year, bound, product, industry), each product's cells rescaled to
    sum to its P2; the GRAS reports go to ``report[year][bound]``."""
    if not years:
        return None
    where = flows.groupby([tbl.TIME, tbl.BOUND], sort=False).indices
    parts: list[tuple[np.ndarray, ...]] = []
    for year in years:
        setup = UseBase.of(*baselines[year], hidden_in)
        for bound in tbl.BOUNDS:
            mine = flows.iloc[np.sort(where.get((str(year), bound), np.zeros(0, dtype=np.intp)))]
            result = balance_on(setup, mine, year=year, bound=bound, label=label)
            report.setdefault(str(year), {})[bound] = result.report()
            cells = result.result.matrix[len(setup.matrix):][:, setup.matrix.columns.get_indexer(setup.industries)]
            sums = np.asfortranarray(cells).sum(axis=1)  # as DataFrame.sum(axis=1) adds: column after column
            totals = mine["P2"].to_numpy(dtype=np.float64)
            cells = cells * np.where(sums != 0, totals / np.where(sums != 0, sums, 1.0), 0.0)[:, None]
            n, k = cells.shape
            parts.append((np.repeat(np.asarray(result.data_rows, dtype=object), k), np.tile(np.asarray(setup.industries, dtype=object), n),
                          cells.reshape(-1), np.full(n * k, str(year), dtype=object), np.full(n * k, bound, dtype=object)))
    columns = ["asset", "ACTIVITY", "P2", tbl.TIME, tbl.BOUND]
    return pd.DataFrame({c: np.concatenate([p[i] for p in parts]) for i, c in enumerate(columns)})


def identity_check(table: pd.DataFrame, ref_area: str, assets: tuple[str, ...]) -> Check:
    """Supply (P1 + P7) = use (P2 + P3 + P51G + P6) for each data product, year and bound, to 1e-9 (relative)."""
    rows = tbl.select(
        table, STO=("P1", "P7", "P2", "P3", "P51G", "P6"), INSTR_ASSET=assets, ACTIVITY=codes.TOTAL_ACTIVITY, REF_SECTOR=codes.TOTAL_ECONOMY,
        PRICES=codes.CURRENT_PRICES, UNIT_MEASURE=codes.DOMESTIC_CURRENCY, REF_AREA=ref_area, FREQ="A",
    )
    wide = rows.pivot_table(index=["INSTR_ASSET", tbl.TIME, tbl.BOUND], columns="STO", values=tbl.VALUE, aggfunc="sum")
    wide = wide.reindex(columns=["P1", "P7", "P2", "P3", "P51G", "P6"]).fillna(0.0)
    supply = wide["P1"] + wide["P7"]
    use = wide["P2"] + wide["P3"] + wide["P51G"] + wide["P6"]
    deviation = ((supply - use).abs() / np.maximum(1.0, np.maximum(supply.abs(), use.abs()))).to_numpy()
    worst = float(deviation.max()) if len(deviation) else 0.0
    return Check("supply = use of data products", worst <= RELATIVE_TOLERANCE, f"{len(deviation)} product-year-bounds, largest relative deviation {worst:.3g}", worst, len(deviation))
