"""Which inputs each published table rests on, and the note that says how certain they are.

The package declares each input published, calibrated or illustrative (``[provenance]``,
:mod:`compiler.inputs.provenance`); a table is as certain as the least certain input it
rests on. A table resting on an illustrative input carries a visible note, so that no
reader quotes it as an estimate.
"""

from __future__ import annotations

from collections.abc import Sequence

from compiler.outputs.html.meta import PackageMeta

#: Reader-facing names of the inputs (never file names on the pages).
INPUT_NAMES = {
    "employment": "employment and compensation by occupation and industry",
    "industry_employment": "employment and compensation by industry",
    "occupation_shares": "shares of data professionals in each industry",
    "occupations": "the data occupations and their time shares",
    "cost_ratios": "the cost ratios and the mark-up",
    "industries": "the list of industries and their sectors",
    "national_accounts": "the national accounts before capitalisation",
    "imports": "imports of data products",
    "other_volume_changes": "other changes in volume",
    "macro": "the macroeconomic series",
    "macro.gdp": "GDP",
    "macro.investment_price_index": "the investment price index",
    "macro.usd_exchange_rate": "the exchange rate",
    "macro.ppp": "the purchasing power parity",
    "macro.population": "the population",
    "package.pim": "the perpetual-inventory settings (service lives, retirement and depreciation)",
    "package.capitalisation": "the shares of output capitalised",
    "package.microdata": "the job records",
    "package.method": "the method settings",
}


def labour_inputs(meta: PackageMeta) -> tuple[str, ...]:
    """The inputs of labour input, by the package's ``labour_input``."""
    return {
        "occupations": ("employment", "occupations"),
        "industry_shares": ("industry_employment", "occupation_shares", "occupations"),
        "microdata": ("package.microdata", "occupations"),
    }.get(meta.labour_input, ("occupations",))


def table_inputs(meta: PackageMeta, table: str) -> tuple[str, ...]:
    """The inputs the table ``table`` (a page table id) rests on."""
    costs = (*labour_inputs(meta), "cost_ratios")
    formation = (*costs, "package.capitalisation")
    stocks = (*formation, "package.pim", "macro.investment_price_index")
    by_table = {
        "inputs": costs,
        "gfcf-asset": (*formation, "macro.gdp"),
        "output-asset": (*costs, "macro.gdp"),
        "industry": (*formation, "industries"),
        "industry-gdp": (*formation, "industries", "macro.gdp"),
        "industry-share": (*costs, "industries"),
        "stock-constant": stocks,
        "stock-current": stocks,
        "stock-gdp": (*stocks, "macro.gdp"),
        "stock-asset": stocks,
        "classification": stocks,
        "supply-use": (*formation, "imports"),
        "accumulation": (*stocks, "other_volume_changes"),
        "gdp-approaches": (*stocks, "national_accounts"),
        "gdp-change": (*stocks, "national_accounts"),
        "international": (*stocks, "macro.usd_exchange_rate", "macro.ppp", "macro.population"),
        "headline": (*stocks, "macro.gdp", "national_accounts"),
        "occupations": ("occupations",),
    }
    return by_table.get(table, costs)


def _declared(meta: PackageMeta, key: str) -> str | None:
    table, _, column = key.partition(".")
    if table == "package":
        return meta.provenance.status(key)
    return meta.provenance.status(table, column or None)


def status_of(meta: PackageMeta, inputs: Sequence[str]) -> tuple[str | None, list[str]]:
    """The weakest declared status among ``inputs`` and the reader names of the inputs that have it."""
    declared = {key: _declared(meta, key) for key in inputs}
    weakest = meta.provenance.weakest([k for k, s in declared.items() if s is not None]) if any(declared.values()) else None
    names = [INPUT_NAMES.get(k, k) for k, s in declared.items() if s is not None and s == weakest]
    return weakest, list(dict.fromkeys(names))


def status_note(meta: PackageMeta, table: str) -> tuple[str, str]:
    """``(status, note)`` of a table; the note is empty unless the table rests on a calibrated or illustrative input."""
    status, names = status_of(meta, table_inputs(meta, table))
    if status == "illustrative":
        return status, (f"These figures rest on illustrative inputs ({'; '.join(names)}), set for this package and not measured. "
                        f"They show how the method works; do not quote them as estimates for {meta.name}.")
    if status == "calibrated":
        return status, (f"These figures rest on inputs set so that a total reproduces a published result ({'; '.join(names)}). "
                        "The calibrated totals are close to published figures; their detail is not measured.")
    return status or "", ""
