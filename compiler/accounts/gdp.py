"""The effect of capitalising data on GDP by the three approaches (docs/method.md §4;
Wang et al. 2024 §3.3.3).

Baseline
--------
The national accounts before capitalisation come from ``national_accounts.csv``
(year, sto, value) or from ``national_accounts.xml``, an SDMX-ML data message in the
ESTAT:NA_MAIN structure read with sdmx1 (annual, S1, current prices ``V``, ``XDC``,
the package's REF_AREA; ``UNIT_MULT`` applied). They must hold, for every year, within
``[accounts] baseline_tolerance`` (relative to B1GQ)::

    B1G  = P1 − P2
    B1GQ = P1 − P2 + D21X31                                (production)
         = D1 + D29X39 + P51C + B2A3N + D21X31             (income)
         = P3 + P51G + P52 + P6 − P7                       (expenditure; P52 = 0 if absent)

and B1GQ must equal macro.csv ``gdp`` to 1e-6 (relative). Violations are input errors.

Change due to capitalisation
----------------------------
The rule, by asset, producing sector and approach, is :mod:`compiler.accounts.gdp_effect`
(docs/method.md §4): market producers' new own-account output adds to output, GFCF
and GDP; non-market producers' output at cost rises only by the CFC of their new data
assets (their own-account output moves from final consumption to GFCF); purchases and
imports of data capitalised move from the buyers' intermediate consumption to GFCF;
only the part of each asset not already in the published accounts
(``[accounts.overlap]``, occupations counted in software) changes anything.

Rows emitted (nothing that already exists is repeated)
------------------------------------------------------
* Baseline: every baseline STO except B1GQ with INSTR_ASSET ``_Z``, ACTIVITY ``_T``,
  REF_SECTOR and COUNTERPART_SECTOR ``S1``, entries and areas of
  :data:`compiler.accounts.settings.KEY_OF`, OBS_STATUS ``A`` (``E`` where ``[provenance]`` declares the national accounts
  illustrative or calibrated), the same value in both bounds.
  B1GQ before capitalisation is the existing macro.csv row (same key), checked equal.
  P52 is emitted only when given.
* Change: STO ``<STO>_DCAP`` (project codes; a change is never coded as a level) for
  P1, P2, B1G, P51C, B2A3N, P51G, P3, B1GQ, by asset (and the aggregate), producing
  sector (S1N for the buyers) and S1; ``B1GQ_DCAP`` also in percent of GDP.

"After capitalisation" = before + change is never stored: :func:`after_capitalisation`
computes it for the writers, and :func:`approach_checks` checks that production,
income and expenditure agree after capitalisation to 1e-9 (relative), net of the
baseline's own discrepancy, which capitalisation carries over unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from pathlib import Path

import numpy as np
import pandas as pd

from compiler import codes
from compiler import table as tbl
from compiler.accounts.settings import CHANGE_SUFFIX, AccountsSettings, accounts_settings, key_columns
from compiler.accounts.checks import RELATIVE_TOLERANCE, Check
from compiler.accounts.classification import AssetClassification, load_classification
from compiler.accounts.gdp_effect import (
    CHANGE_STO, NOT_SECTORISED, buyer_changes, buyer_industry_rows, capitalised_imports, change_code, change_rows, long_changes,
    producer_changes, sector_frame, with_totals,
)
from compiler.inputs import InputError, InputErrors, Inputs
from compiler.inputs import tables as t
from compiler.inputs.confine import outside_error
from compiler.inputs.schema import LINE
from compiler.accounts.supply_use import baseline_tables, industry_weights
from compiler.accounts.stage_rows import STO_DIMENSIONS, cells, with_sto_columns

CSV_FILE = t.NATIONAL_ACCOUNTS.name
XML_FILE = "national_accounts.xml"
BASELINE_STO = t.NATIONAL_ACCOUNTS_STO
OPTIONAL_STO = ("P52",)
REQUIRED_STO = tuple(s for s in BASELINE_STO if s not in OPTIONAL_STO)
MACRO_TOLERANCE = 1e-6


# --------------------------------------------------------------------------- baseline


def read_baseline(inputs: Inputs) -> tuple[pd.DataFrame | None, str]:
    """The baseline as a long frame (year, sto, value in currency units, line) and its file label.

    ``None`` when the package has neither ``national_accounts.csv`` nor ``.xml``.
    """
    prefix = inputs.folder.name + "/"
    xml = inputs.folder / XML_FILE
    csv = inputs.optional.get(CSV_FILE)
    if csv is not None and xml.exists():
        raise InputErrors([InputError(prefix + XML_FILE, None, None, None, f"only one of {CSV_FILE} and {XML_FILE} in a package")])
    if csv is not None:
        frame = csv.rename(columns={LINE: "line"})[["year", "sto", "value", "line"]].copy()
        frame["year"] = frame["year"].astype(int)
        return frame, prefix + CSV_FILE
    if xml.exists():
        outside = outside_error(xml, inputs.folder, prefix + XML_FILE)
        if outside is not None:
            raise InputErrors([outside])
        return read_sdmx_baseline(xml, inputs.manifest.ref_area, prefix + XML_FILE), prefix + XML_FILE
    return None, ""


def read_sdmx_baseline(path: Path, ref_area: str, label: str | None = None) -> pd.DataFrame:
    """Read an NA_MAIN-structured SDMX-ML data message (generic or structure-specific
    that sdmx1 can read) into (year, sto, value, line).

    Kept: FREQ ``A``, REF_AREA ``ref_area``, REF_SECTOR ``S1``, PRICES ``V``,
    UNIT_MEASURE ``XDC``, TRANSFORMATION ``N`` and the baseline STOs. Where several
    series remain for one STO (e.g. INSTR_ASSET ``_Z`` and ``N11G`` for P51G), the one
    with totals is taken: INSTR_ASSET ``_Z`` < ``N11G`` < ``N1G``, ACTIVITY ``_T`` <
    ``_Z``, ADJUSTMENT ``N`` < others; a tie between different values is an error.
    Values are multiplied by 10^UNIT_MULT where that attribute is given.
    """
    import sdmx

    label = label or path.name
    try:
        message = sdmx.read_sdmx(path)
        frames = [sdmx.to_pandas(ds, attributes="dsgo") for ds in message.data]
    except Exception as exc:  # noqa: BLE001 - any parse failure is an input error
        raise InputErrors([InputError(label, None, None, None, f"an SDMX-ML data message readable by sdmx1 ({type(exc).__name__}: {exc})")]) from exc
    if not frames:
        raise InputErrors([InputError(label, None, None, None, "an SDMX-ML data message with at least one data set")])
    data = pd.concat([f.reset_index() for f in frames], ignore_index=True)
    missing = [d for d in ("FREQ", "REF_AREA", "REF_SECTOR", "STO", "PRICES", "UNIT_MEASURE", "TIME_PERIOD") if d not in data.columns]
    if missing:
        raise InputErrors([InputError(label, None, ",".join(missing), None, "the dimensions of ESTAT:NA_MAIN (FREQ, REF_AREA, REF_SECTOR, STO, PRICES, UNIT_MEASURE, ...)")])
    keep = (
        (data["FREQ"] == "A")
        & (data["REF_AREA"] == ref_area)
        & (data["REF_SECTOR"] == codes.TOTAL_ECONOMY)
        & (data["PRICES"] == codes.CURRENT_PRICES)
        & (data["UNIT_MEASURE"] == codes.DOMESTIC_CURRENCY)
        & data["STO"].isin(BASELINE_STO)
    )
    if "TRANSFORMATION" in data.columns:
        keep &= data["TRANSFORMATION"].isin(["N", "_Z"])
    data = data.loc[keep].copy()
    if data.empty:
        raise InputErrors([InputError(label, None, None, None, f"annual series for REF_AREA {ref_area}, REF_SECTOR S1, PRICES V, UNIT_MEASURE XDC of the STOs {', '.join(BASELINE_STO)}")])
    multiplier = pd.to_numeric(data["UNIT_MULT"], errors="coerce").fillna(0) if "UNIT_MULT" in data.columns else 0
    data["value"] = pd.to_numeric(data["value"], errors="coerce") * 10.0 ** multiplier
    data["year"] = data["TIME_PERIOD"].astype(str).str[:4].astype(int)
    rank = np.zeros(len(data))
    for column, order in (("INSTR_ASSET", ("_Z", "N11G", "N1G")), ("ACTIVITY", ("_T", "_Z")), ("ADJUSTMENT", ("N",)), ("EXPENDITURE", ("_Z", "_T"))):
        if column in data.columns:
            position = data[column].map({c: i for i, c in enumerate(order)}).fillna(len(order)).to_numpy()
            rank = rank * 10 + position
    data["rank"] = rank
    best = data.loc[data["rank"] == data.groupby(["year", "STO"])["rank"].transform("min")]
    spread = best.groupby(["year", "STO"])["value"].agg(["min", "max", "size"])
    ambiguous = spread.loc[(spread["size"] > 1) & (spread["max"] != spread["min"])]
    if len(ambiguous):
        errors = [
            InputError(label, None, "STO", f"{year} {sto}", "one series per STO and year after selecting A, S1, V, XDC (several series with different values)")
            for year, sto in ambiguous.index
        ]
        raise InputErrors(errors)
    out = best.groupby(["year", "STO"], as_index=False)["value"].first().rename(columns={"STO": "sto"})
    out["line"] = None
    return out[["year", "sto", "value", "line"]]


def check_baseline(baseline: pd.DataFrame, inputs: Inputs, label: str, tolerance: float) -> list[InputError]:
    """Every problem of the baseline: missing STOs or years, identities, macro.csv GDP."""
    errors = []
    years = list(inputs.manifest.years)
    wide = baseline.pivot_table(index="year", columns="sto", values="value", aggfunc="first")
    lines = baseline.set_index(["year", "sto"])["line"]
    missing = wide.reindex(index=years, columns=list(REQUIRED_STO)).isna().to_numpy()
    for i, j in np.argwhere(missing):  # year by year, STO by STO: only the missing ones
        errors.append(InputError(label, None, "sto", REQUIRED_STO[j], f"a row for year {years[i]}: the baseline needs {', '.join(REQUIRED_STO)} every year"))
    if errors:
        return errors
    wide = wide.reindex(index=years, columns=list(BASELINE_STO)).fillna({"P52": 0.0})

    def line(year: int, sto: str) -> int | None:
        value = lines.get((year, sto))
        return None if value is None or pd.isna(value) else int(value)

    gdp = wide["B1GQ"]
    identities = {
        "B1G": ("B1G", wide["P1"] - wide["P2"], "P1 - P2"),
        "production": ("B1GQ", wide["P1"] - wide["P2"] + wide["D21X31"], "P1 - P2 + D21X31 (production approach)"),
        "income": ("B1GQ", wide["D1"] + wide["D29X39"] + wide["P51C"] + wide["B2A3N"] + wide["D21X31"], "D1 + D29X39 + P51C + B2A3N + D21X31 (income approach)"),
        "expenditure": ("B1GQ", wide["P3"] + wide["P51G"] + wide["P52"] + wide["P6"] - wide["P7"], "P3 + P51G + P52 + P6 - P7 (expenditure approach)"),
    }
    scale = np.maximum(1.0, gdp.abs()).to_numpy()
    for sto, expected, formula in identities.values():
        given, wanted = wide[sto].to_numpy(), expected.to_numpy()
        for i in np.flatnonzero(np.abs(given - wanted) > tolerance * scale):  # only the years that break it
            errors.append(
                InputError(label, line(years[i], sto), "value", f"{years[i]} {sto}={given[i]:.10g}",
                           f"{sto} = {formula} = {wanted[i]:.10g} (tolerance {tolerance:g} of B1GQ)")
            )
    macro = inputs.macro.set_index(inputs.macro["year"].astype(int))["gdp"]
    for year in years:
        if year in macro.index and abs(gdp[year] - macro[year]) > MACRO_TOLERANCE * max(1.0, abs(macro[year])):
            errors.append(
                InputError(label, line(year, "B1GQ"), "value", f"{year} B1GQ={gdp[year]:.10g}",
                           f"B1GQ equal to macro.csv gdp {macro[year]:.10g} (within {MACRO_TOLERANCE:g}, relative)")
            )
    return errors


def _common(inputs: Inputs) -> dict[str, object]:
    m = inputs.manifest
    return {"REF_AREA": m.ref_area, "UNIT_MULT": m.unit_mult, "DECIMALS": m.decimals}


def baseline_status(inputs: Inputs) -> str:
    """ESTAT:CL_OBS_STATUS of the published accounts as the package gives them: ``A``
    (normal value) unless ``[provenance]`` declares ``national_accounts`` illustrative or
    calibrated, then ``E`` (estimated value): never ``A`` on a figure that was not measured."""
    status = inputs.manifest.provenance.status(t.NATIONAL_ACCOUNTS.name.removesuffix(".csv"))
    return "E" if status in ("illustrative", "calibrated") else "A"


def baseline_rows(baseline: pd.DataFrame, inputs: Inputs, label: str) -> pd.DataFrame:
    """Canonical rows of the baseline (every STO given except B1GQ, which macro.csv gives),
    ordered by STO, then bound, then the file's order (one make_rows for every STO)."""
    frame = baseline.loc[(baseline["sto"] != "B1GQ") & baseline["year"].isin(list(inputs.manifest.years))]
    if not len(frame):
        return tbl.empty()
    sto_code, _ = pd.factorize(frame["sto"].to_numpy(dtype=object), sort=True)
    n = len(frame)
    position = np.tile(np.arange(n), len(tbl.BOUNDS))
    bound = np.repeat(np.arange(len(tbl.BOUNDS)), n)
    order = np.lexsort((position, bound, sto_code[position]))
    rows = frame.iloc[position[order]]
    sto = rows["sto"].to_numpy(dtype=object)
    base = pd.DataFrame({
        tbl.TIME: rows["year"].astype(str).to_numpy(), tbl.VALUE: rows["value"].to_numpy() / inputs.manifest.unit_factor,
        tbl.BOUND: np.asarray(tbl.BOUNDS, dtype=object)[bound[order]],
        "INSTR_ASSET": np.where(np.isin(sto, ("P51G", "P51C")), codes.FIXED_ASSETS, "_Z").astype(object),
    })
    return tbl.make_rows(
        with_sto_columns(base, sto), **_common(inputs), OBS_STATUS=baseline_status(inputs),
        COMMENT_OBS=f"national accounts before capitalisation of data ({label.rsplit('/', 1)[-1]}; same in both bounds)",
    )


# --------------------------------------------------------------------------- after


def _flows(table: pd.DataFrame, sto: str, ref_area: str | tuple[str, ...], assets: tuple[str, ...], sector: str = codes.TOTAL_ECONOMY) -> pd.DataFrame:
    """Rows of one STO at ACTIVITY ``_T``, S1, current prices, XDC, with the entry,
    counterpart area and expenditure of :data:`compiler.accounts.settings.KEY_OF`."""
    return tbl.select(
        table, **key_columns(sto), REF_AREA=ref_area, FREQ="A", INSTR_ASSET=assets, ACTIVITY=codes.TOTAL_ACTIVITY,
        REF_SECTOR=sector, PRICES=codes.CURRENT_PRICES, UNIT_MEASURE=codes.DOMESTIC_CURRENCY,
    )


def _baseline_levels(table: pd.DataFrame, areas: tuple[str, ...]) -> pd.DataFrame:
    """The rows :func:`_flows` gives for each baseline STO at INSTR_ASSET ``_Z`` or
    ``N11G`` of ``areas``, in the table's order: one selection, then the entry, counterpart
    area and expenditure each row's STO implies."""
    rows = tbl.select(
        table, INSTR_ASSET=("_Z", codes.FIXED_ASSETS), STO=BASELINE_STO, ACTIVITY=codes.TOTAL_ACTIVITY, REF_SECTOR=codes.TOTAL_ECONOMY,
        PRICES=codes.CURRENT_PRICES, UNIT_MEASURE=codes.DOMESTIC_CURRENCY, REF_AREA=areas, FREQ="A",
    )
    implied = with_sto_columns(rows[[]], rows["STO"].to_numpy(dtype=object))
    keep = np.logical_and.reduce([rows[d].to_numpy(dtype=object) == implied[d].to_numpy(dtype=object) for d in STO_DIMENSIONS])
    return rows.loc[keep]


def after_capitalisation(table: pd.DataFrame, ref_area: str, asset: str | None = None) -> pd.DataFrame:
    """Before, change and after capitalisation by year, bound and STO (for the writers).

    ``asset`` is the INSTR_ASSET code whose change is applied: by default the aggregate
    of all data assets (``N117DG`` in the default classification). Before: the baseline
    rows (INSTR_ASSET ``_Z``) and the macro.csv B1GQ; change: the ``<STO>_DCAP`` rows
    at S1 (:mod:`compiler.accounts.gdp_effect`; 0 where none is stored). Columns: TIME_PERIOD,
    BOUND, STO, before, change, after, in the table's units. Empty when the table holds
    no baseline.
    """
    asset = asset or load_classification().code("all_data")
    return after_capitalisation_by_area(table, {ref_area: asset}).drop(columns="REF_AREA")


def after_capitalisation_by_area(table: pd.DataFrame, assets: Mapping[str, str]) -> pd.DataFrame:
    """:func:`after_capitalisation` of several countries at once: REF_AREA → its asset code.

    Columns: REF_AREA then those of :func:`after_capitalisation`; a country without a
    baseline (no P1 at INSTR_ASSET ``_Z``) has no rows.
    """
    columns = ["REF_AREA", tbl.TIME, tbl.BOUND, "STO", "before", "change", "after"]
    index = ["REF_AREA", tbl.TIME, tbl.BOUND]
    areas = tuple(assets)
    base = _baseline_levels(table, areas)
    base = base[base["REF_AREA"].isin(base.loc[base["STO"] == "P1", "REF_AREA"])]
    if not len(base):
        return pd.DataFrame(columns=columns)
    before = base.pivot_table(index=index, columns="STO", values=tbl.VALUE, aggfunc="sum")
    before = before.reindex(columns=list(BASELINE_STO)).fillna({"P52": 0.0})
    changes = tbl.select(table, STO=tuple(change_code(s) for s in CHANGE_STO), ACTIVITY=codes.TOTAL_ACTIVITY, PRICES=codes.CURRENT_PRICES,
                         UNIT_MEASURE=codes.DOMESTIC_CURRENCY, REF_AREA=areas, INSTR_ASSET=tuple(dict.fromkeys(assets.values())), REF_SECTOR=codes.TOTAL_ECONOMY)
    changes = changes[changes["INSTR_ASSET"].to_numpy() == changes["REF_AREA"].map(assets).to_numpy()]
    wide = changes.assign(STO=changes["STO"].str.removesuffix(CHANGE_SUFFIX)).pivot_table(index=index, columns="STO", values=tbl.VALUE, aggfunc="sum")
    change = wide.reindex(index=before.index, columns=before.columns).fillna(0.0)
    long = pd.concat({"before": before.stack(), "change": change.stack()}, axis=1).reset_index()
    long = long.rename(columns={long.columns[3]: "STO"})
    long["after"] = long["before"] + long["change"]
    order = {s: i for i, s in enumerate(BASELINE_STO)}
    long = long.sort_values(columns[:4], key=lambda s: s.map(order) if s.name == "STO" else s, kind="stable")
    return long[columns].reset_index(drop=True)


def _approaches(wide: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "production": wide["P1"] - wide["P2"] + wide["D21X31"],
        "income": wide["D1"] + wide["D29X39"] + wide["P51C"] + wide["B2A3N"] + wide["D21X31"],
        "expenditure": wide["P3"] + wide["P51G"] + wide["P52"] + wide["P6"] - wide["P7"],
        "B1GQ": wide["B1GQ"],
    }


def approach_checks(after: pd.DataFrame) -> list[Check]:
    """After capitalisation, production = income = expenditure = B1GQ to 1e-9 (relative
    to GDP) for every year and bound, net of the baseline's own discrepancy."""
    if after.empty:
        return []
    wide_after = after.pivot_table(index=[tbl.TIME, tbl.BOUND], columns="STO", values="after", aggfunc="first")
    wide_before = after.pivot_table(index=[tbl.TIME, tbl.BOUND], columns="STO", values="before", aggfunc="first")
    return _approach_checks(_approaches(wide_after), _approaches(wide_before))


def _approach_checks(a: Mapping[str, object], b: Mapping[str, object]) -> list[Check]:
    """The checks of :func:`approach_checks` from the approaches after (``a``) and before (``b``)."""
    scale = np.maximum(1.0, np.maximum(np.abs(np.asarray(a["B1GQ"])), np.abs(np.asarray(b["B1GQ"]))))
    checks = []
    for other in ("income", "expenditure", "B1GQ"):
        gap = np.asarray((a["production"] - a[other]) - (b["production"] - b[other]))
        deviation = np.abs(gap) / scale
        worst = float(deviation.max()) if len(deviation) else 0.0
        checks.append(
            Check(
                f"GDP after capitalisation: production = {other}", worst <= RELATIVE_TOLERANCE,
                f"{len(deviation)} year-bounds, largest relative deviation {worst:.3g} (net of the baseline's own discrepancy)",
                worst, len(deviation),
            )
        )
    return checks


def stage_approach_checks(rows: pd.DataFrame, ref_area: str, aggregate: str) -> list[Check]:
    """``approach_checks(after_capitalisation(rows, ref_area, aggregate))`` on arrays: the
    same cells, sums and checks without the long frame (pandas where a cell has two rows)."""
    base = _baseline_levels(rows, (ref_area,))
    if not (base["STO"].to_numpy() == "P1").any():
        return []
    changes = tbl.select(rows, STO=tuple(change_code(s) for s in CHANGE_STO), ACTIVITY=codes.TOTAL_ACTIVITY, PRICES=codes.CURRENT_PRICES,
                         UNIT_MEASURE=codes.DOMESTIC_CURRENCY, REF_AREA=ref_area, INSTR_ASSET=aggregate, REF_SECTOR=codes.TOTAL_ECONOMY)
    code = tbl.key_codes([base, changes], [tbl.TIME, tbl.BOUND])
    n = len(base)
    before = cells(code[:n], base["STO"].to_numpy(dtype=object), BASELINE_STO, base[tbl.VALUE].to_numpy())
    stos = changes["STO"].to_numpy(dtype=object)
    change = cells(code[n:], np.asarray([s.removesuffix(CHANGE_SUFFIX) for s in pd.unique(stos)], dtype=object)[pd.factorize(stos)[0]] if len(stos) else stos,
                   BASELINE_STO, changes[tbl.VALUE].to_numpy())
    if before is None or change is None:
        return approach_checks(after_capitalisation(rows, ref_area, aggregate))
    (groups, level), (changed, delta) = before, change
    level[:, BASELINE_STO.index("P52")] = np.nan_to_num(level[:, BASELINE_STO.index("P52")], nan=0.0)
    moved = np.zeros_like(level)
    present = np.isin(changed, groups)
    moved[np.searchsorted(groups, changed[present])] = delta[present]
    after = level + np.nan_to_num(moved, nan=0.0)
    columns = {s: i for i, s in enumerate(BASELINE_STO)}
    return _approach_checks(_approaches({s: after[:, i] for s, i in columns.items()}), _approaches({s: level[:, i] for s, i in columns.items()}))


# --------------------------------------------------------------------------- stage


def change_long(inputs: Inputs, table: pd.DataFrame, classification: AssetClassification, settings: AccountsSettings) -> tuple[pd.DataFrame, list[str]]:
    """The changes (:mod:`compiler.accounts.gdp_effect`) as long rows with S1 and aggregate totals, and notes."""
    frame = sector_frame(inputs, table, classification, settings)
    notes = []
    missing = frame["CFC"].isna() & (frame["P1"] != 0)
    if missing.any():
        sectors = ", ".join(sorted(frame.loc[missing, "REF_SECTOR"].unique()))
        raise ValueError(f"no P51C rows by producing sector ({sectors}) in the table: the stocks stage must run per sector before the GDP effect")
    frame["CFC"] = frame["CFC"].fillna(0.0)
    imports, import_notes = capitalised_imports(inputs, classification, frame)
    notes += import_notes
    long = pd.concat([long_changes(producer_changes(frame)), long_changes(buyer_changes(frame, imports))], ignore_index=True)
    long = with_totals(long, classification.code("all_data")).assign(ACTIVITY=codes.TOTAL_ACTIVITY)
    weights = industry_weights(baseline_tables(inputs, settings))
    buyers = long.loc[long["REF_SECTOR"] == NOT_SECTORISED]
    by_industry = buyer_industry_rows(buyers, weights)
    if (imports["M"] != 0).any():
        notes.append("capitalised imports are GFCF of the buyers; their CFC comes from the asset's PIM run on them; the satellite's stocks leave them out")
    years = sorted(frame[tbl.TIME].unique())
    if (buyers.loc[buyers["STO"] == "P51G", tbl.VALUE] != 0).any():
        unallocated = [y for y in years if y not in weights]
        if unallocated:
            notes.append(f"purchases and imports capitalised are booked to all buying industries together (ACTIVITY _T, REF_SECTOR S1N) in {', '.join(unallocated)}: no baseline use table for those years")
        notes.append("buyers of purchased and imported data are taken as market producers (their sectors are not given)")
    industries = inputs.industries
    by_sector = industries["sector"].isin(inputs.manifest.non_market_sectors).map({True: codes.NON_MARKET, False: codes.MARKET})
    odd = industries.loc[industries["producer"] != by_sector, "industry"].tolist()
    if odd:
        notes.append(f"industries.csv producer differs from the sector for {', '.join(map(str, odd))}: the effect on GDP treats producers "
                     "by institutional sector (method.non_market_sectors), as the stocks are by sector")
    return pd.concat([long, by_industry.assign(STO="P2")], ignore_index=True) if len(by_industry) else long, notes


def gdp_impact_rows(inputs: Inputs, table: pd.DataFrame, classification: AssetClassification) -> tuple[pd.DataFrame, list[Check]]:
    """Baseline and change rows of the GDP effect, and the checks (module docstring).

    ``table`` is the canonical table so far (cost stage; stocks stage for P51C by
    sector). Returns only new rows (no key of ``table`` is repeated). Without baseline
    national accounts it returns no rows and a check saying the stage was skipped.
    Raises :class:`InputErrors` for an inconsistent baseline or undeclared overlaps.
    """
    settings = accounts_settings(inputs.manifest)
    baseline, label = read_baseline(inputs)
    if baseline is None:
        return tbl.empty(), [Check("GDP effect", True, f"skipped: the package has no {CSV_FILE} or {XML_FILE}")]
    errors = settings.undeclared_overlaps() + check_baseline(baseline, inputs, label, settings.baseline_tolerance)
    if errors:
        raise InputErrors(errors)
    ref_area = inputs.manifest.ref_area
    gdp = _flows(table, "B1GQ", ref_area, ("_Z",)).set_index([tbl.TIME, tbl.BOUND])[tbl.VALUE]
    before = baseline_rows(baseline, inputs, label)
    long, notes = change_long(inputs, table, classification, settings)
    new = tbl.concat([before, change_rows(inputs, long, gdp)])
    combined = pd.concat([_read_by_after(table, classification.code("all_data")), new], ignore_index=True)
    overlap = ", ".join(f"{a} {settings.overlap_share(a):g}" for a in codes.ASSET_TYPES)
    checks = [
        Check("GDP baseline consistent", True, f"{label}: the three approaches give B1GQ within {settings.baseline_tolerance:g}; B1GQ = macro.csv gdp"),
        Check("GDP effect: basis", True, f"overlap with the published accounts: {overlap}" + "".join(f"; {n}" for n in notes)),
    ]
    checks += stage_approach_checks(combined, ref_area, classification.code("all_data"))
    checks.append(_expenditure_check(long))
    return new, checks


def _read_by_after(table: pd.DataFrame, aggregate: str) -> pd.DataFrame:
    """The rows of ``table`` :func:`after_capitalisation` can read (baseline STOs and their
    changes at ``_Z``, ``N11G`` or the aggregate, _T, S1, current prices, XDC), in the
    table's order: with the stage's new rows, the same result as the whole table."""
    return tbl.select(
        table, STO=(*BASELINE_STO, *(change_code(s) for s in CHANGE_STO)), INSTR_ASSET=("_Z", codes.FIXED_ASSETS, aggregate),
        ACTIVITY=codes.TOTAL_ACTIVITY, REF_SECTOR=codes.TOTAL_ECONOMY, PRICES=codes.CURRENT_PRICES, UNIT_MEASURE=codes.DOMESTIC_CURRENCY,
    )


def _expenditure_check(long: pd.DataFrame) -> Check:
    """dB1GQ = dP51G + dP3 for every asset, sector, year and bound (a closure, kept as a guard)."""
    rows = long.loc[long["ACTIVITY"].to_numpy() == codes.TOTAL_ACTIVITY]
    index = ["INSTR_ASSET", "REF_SECTOR", tbl.TIME, tbl.BOUND]
    wide = cells(tbl.key_codes([rows], index), rows["STO"].to_numpy(dtype=object), CHANGE_STO, rows[tbl.VALUE].to_numpy(dtype=np.float64))
    if wide is None:  # a cell with two rows: let pandas sum them
        at = rows.pivot_table(index=index, columns="STO", values=tbl.VALUE, aggfunc="sum").reindex(columns=list(CHANGE_STO)).fillna(0.0)
        at = {s: at[s].to_numpy() for s in CHANGE_STO}
    else:
        at = {s: np.nan_to_num(wide[1][:, i], nan=0.0) for i, s in enumerate(CHANGE_STO)}
    deviation = np.abs(at["B1GQ"] - at["P51G"] - at["P3"]) / np.maximum(1.0, np.abs(at["B1GQ"]))
    worst = float(deviation.max()) if len(deviation) else 0.0
    return Check("dB1GQ = dP51G + dP3 (expenditure side of the change)", worst <= RELATIVE_TOLERANCE, f"largest relative deviation {worst:.3g}", worst, len(deviation))
