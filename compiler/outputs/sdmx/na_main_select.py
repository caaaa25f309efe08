"""Which figures go to ESTAT:NA_MAIN, and why the others do not.

A key of NA_MAIN means an official concept: ``P51G.N11G`` is all gross fixed capital
formation in fixed assets, ``EMP`` at ACTIVITY ``J`` is everybody employed in
industry J. The message therefore carries only figures whose definition is the
official concept of their key:

* **the main aggregates after capitalising data assets**, as levels, for each package
  that gives its published accounts: the published level plus the change due to
  capitalisation, from :func:`compiler.accounts.gdp.after_capitalisation_by_area` (the same
  numbers the HTML shows). Each takes the key of its published series; GFCF and CFC
  go on INSTR_ASSET ``N11G`` (fixed assets), as in NA_MAIN's own GFCF series.

Everything else of the canonical table stays in the project's own dataflows, and is
counted by the first reason that applies (:data:`REASONS`). A change is never sent as a
level, the data occupations' pay and headcount never under an industry key, satellite
asset detail never under an official asset code whose definition is wider (own-account
databases are not all databases, AN.11732).

OBS_STATUS (SDMX:CL_OBS_STATUS, pinned by NA_MAIN 1.9; ESTAT:CL_OBS_STATUS(2.3) for
1.11 has the same codes plus R):

* ``E`` "Estimated value" when the figure rests on an input the package declares
  ``illustrative`` (``[provenance]``): ESTAT's definition covers values "based on the use
  of a limited amount of data", "experimental data" and "data of (anticipated/assessed)
  low quality", estimated by the sender; COMMENT_OBS names the illustrative inputs;
* else ``G`` "Experimental value" where capitalisation changes the figure (its
  definition, data as an asset of the 2025 SNA, is "under development");
* else the published series' own status (a level capitalisation leaves unchanged).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from compiler import codes
from compiler import table as canon
from compiler.inputs.provenance import Provenance

#: Figures sent on INSTR_ASSET N11G (fixed assets): ESTAT's GFCF key is P51G.N11G.
FIXED_ASSETS = "N11G"
ON_FIXED_ASSETS = ("P51G", "P51C")
#: Inputs the satellite account's change rests on (file stems, ``package.<section>``).
SATELLITE_INPUTS = ("employment", "industry_employment", "occupation_shares", "occupations", "cost_ratios", "industries",
                    "package.method", "package.capitalisation")
STOCK_INPUTS = ("macro.investment_price_index", "package.pim")
ACCOUNTS_INPUTS = ("national_accounts", "macro.gdp", "package.accounts")

#: Why a canonical row is not in the NA_MAIN message, in the order they are tested.
REASONS: Mapping[str, str] = {
    "before_capitalisation": "published level before capitalising data: sent as the level after capitalisation",
    "no_published_accounts": "GDP before capitalisation of a package without published accounts: no level after capitalisation can be computed",
    "change": "change due to capitalising data (after minus before): NA_MAIN keys are levels",
    "occupation_subtotal": "employment or pay of the data occupations only: under an industry key it would read as the industry's total",
    "unit_conversion": "unit derived for the publication (percent, US dollars, PPP, per head, price index): not a national-accounts series",
    "project_code": "code of the project's own codelists (no official code yet): not in the codelists NA_MAIN pins",
    "satellite_detail": "satellite figure whose official key means a wider concept (e.g. GFCF in databases AN.11732 is all of it, the satellite has own-account only)",
    "value_too_long": "value longer than NA_MAIN's OBS_VALUE facet (maxLength 15) even with DECIMALS 0",
}


@dataclass(frozen=True)
class PackageFacts:
    """What the NA_MAIN selection needs of one package."""

    ref_area: str
    all_data_code: str  # e.g. N117DG
    provenance: Provenance = field(default_factory=Provenance)


def _is_change(frame: pd.DataFrame) -> np.ndarray:
    sto = frame["STO"].astype(str)
    legacy = sto.isin(("P12", "P13", "B1G", "B2A3N", "B1GQ")) & ~frame["INSTR_ASSET"].isin(("_Z", FIXED_ASSETS))
    return (sto.str.endswith("_DCAP") | legacy).to_numpy()


def _is_baseline(frame: pd.DataFrame, baseline_sto: Sequence[str]) -> np.ndarray:
    return (
        frame["STO"].isin(baseline_sto) & frame["INSTR_ASSET"].isin(("_Z", FIXED_ASSETS))
        & (frame["ACTIVITY"] == codes.TOTAL_ACTIVITY) & (frame["REF_SECTOR"] == codes.TOTAL_ECONOMY)
        & (frame["UNIT_MEASURE"] == codes.DOMESTIC_CURRENCY) & (frame["PRICES"] == codes.CURRENT_PRICES)
    ).to_numpy()


def reasons_left_out(rows: pd.DataFrame, official: Mapping[str, frozenset[str]], areas_with_accounts: set[str],
                     baseline_sto: Sequence[str]) -> np.ndarray:
    """The :data:`REASONS` key of each canonical row (all are left out: the message's
    figures are built apart, :func:`after_capitalisation_rows`). ``official``: column →
    the codes its pinned codelist holds."""
    reason = np.full(len(rows), "", dtype=object)

    def mark(mask: np.ndarray, key: str) -> None:
        reason[(reason == "") & mask] = key

    baseline = _is_baseline(rows, baseline_sto)
    with_accounts = rows["REF_AREA"].isin(sorted(areas_with_accounts)).to_numpy()
    mark(baseline & with_accounts, "before_capitalisation")
    mark(baseline & ~with_accounts & (rows["STO"] == "B1GQ").to_numpy(), "no_published_accounts")
    mark(_is_change(rows), "change")
    mark(rows["STO"].isin((codes.EMPLOYMENT, codes.COMPENSATION, "EMP", "D1")).to_numpy(), "occupation_subtotal")
    mark((rows["UNIT_MEASURE"] != codes.DOMESTIC_CURRENCY).to_numpy(), "unit_conversion")
    unofficial = np.zeros(len(rows), dtype=bool)
    for column, allowed in official.items():
        if column in rows.columns and column in canon.DIMENSIONS:
            unofficial |= ~rows[column].isin(sorted(allowed)).to_numpy()
    mark(unofficial, "project_code")
    mark(np.ones(len(rows), dtype=bool), "satellite_detail")
    return reason


def _status(provenance: Provenance, sto: str, changed: bool, published: str) -> tuple[str, tuple[str, ...]]:
    """(OBS_STATUS, the illustrative inputs) of one figure after capitalisation."""
    inputs = ACCOUNTS_INPUTS + ((SATELLITE_INPUTS + (STOCK_INPUTS if sto in ("P51C", "B2A3N") else ())) if changed else ())
    illustrative = tuple(k for k in inputs if provenance.status(*_split(k)) == "illustrative")
    if illustrative:
        return "E", illustrative
    return ("G" if changed else published), ()


def _split(key: str) -> tuple[str, str | None]:
    if key.startswith("package."):
        return key, None
    table, _, column = key.partition(".")
    return table, column or None


def after_capitalisation_rows(table: pd.DataFrame, packages: Sequence[PackageFacts], bound: str,
                              after: pd.DataFrame | None = None) -> pd.DataFrame:
    """Canonical rows of the main aggregates after capitalising data, one bound.

    Each row is the published series' row (same key, UNIT_MULT, DECIMALS) with OBS_VALUE
    = after, INSTR_ASSET ``N11G`` for P51G and P51C, OBS_STATUS as the module docstring
    says and COMMENT_OBS giving before, change and the illustrative inputs. ``after``:
    :func:`after_capitalisation` of the table, if already computed (both bounds).
    """
    from compiler.accounts.gdp import BASELINE_STO  # noqa: PLC0415 (gdp imports the package layer)

    by_area = {p.ref_area: p for p in packages}
    after = after_capitalisation(table, packages) if after is None else after
    after = after.loc[after[canon.BOUND].to_numpy() == bound]
    rows = table.loc[(table[canon.BOUND].to_numpy() == bound) & _is_baseline(table, BASELINE_STO)]
    rows = rows.loc[rows["REF_AREA"].isin(sorted(set(after["REF_AREA"])))]
    merged = rows.merge(after, on=["REF_AREA", canon.TIME, canon.BOUND, "STO"], how="inner", validate="one_to_one")
    if merged.empty:
        return rows.iloc[:0][list(canon.COLUMNS)]
    changed = merged["change"].to_numpy() != 0
    status, comment = [], []
    for area, sto, is_changed, published, before, change, d in zip(
        merged["REF_AREA"], merged["STO"], changed, merged["OBS_STATUS"], merged["before"], merged["change"],
        merged["DECIMALS"], strict=True
    ):
        code, illustrative = _status(by_area[area].provenance, sto, bool(is_changed), published)
        status.append(code)
        note = (f"level after capitalising data assets = before {before:.{d}f} + change {change:.{d}f} "
                f"({bound} bound of the data-asset satellite account; compiler.gdp.after_capitalisation_by_area)")
        if illustrative:
            note += "; rests on inputs the package declares illustrative: " + ", ".join(illustrative)
        comment.append(note)
    out = merged[list(canon.COLUMNS)].copy()
    out[canon.VALUE] = merged["after"].to_numpy()  # in the published row's units (UNIT_MULT)
    out["OBS_STATUS"] = status
    out["COMMENT_OBS"] = comment
    on_fixed = out["STO"].isin(ON_FIXED_ASSETS)
    out.loc[on_fixed, "INSTR_ASSET"] = FIXED_ASSETS
    return out.reset_index(drop=True)


def after_capitalisation(table: pd.DataFrame, packages: Sequence[PackageFacts]) -> pd.DataFrame:
    """The levels after capitalisation of every package, both bounds
    (:func:`compiler.accounts.gdp.after_capitalisation_by_area`)."""
    from compiler.accounts.gdp import after_capitalisation_by_area  # noqa: PLC0415 (gdp imports the package layer)

    return after_capitalisation_by_area(table, {p.ref_area: p.all_data_code for p in packages})


__all__ = ["PackageFacts", "REASONS", "after_capitalisation", "after_capitalisation_rows", "reasons_left_out"]
