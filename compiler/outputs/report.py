"""report.json: what was read, what was checked, what came out."""

from __future__ import annotations

from typing import Any

import pandas as pd

from compiler import __version__
from compiler import table as tbl
from compiler.accounts.classification import load_classification
from compiler.accounts.gdp_effect import change_code, gdp_effect_records, software_labour_share
from compiler.pipeline import PackageResult
from compiler.accounts.stocks import stock_report


def package_report(result: PackageResult) -> dict[str, Any]:
    inputs = result.inputs
    m = inputs.manifest
    return {
        "package": inputs.folder.name,
        "ref_area": m.ref_area,
        "name": m.name,
        "currency": m.currency,
        "unit_mult": m.unit_mult,
        "years": [m.first_year, m.last_year],
        "base_year": m.base_year,
        "inputs": {
            "files": inputs.files,
            "rows": {
                "occupations": len(inputs.occupations),
                "industries": len(inputs.industries),
                "employment": len(inputs.employment),
                "cost_ratios": len(inputs.cost_ratios),
                "macro": len(inputs.macro),
            },
            # labour_input = "microdata": engine, job records read = used + out_of_scope + rejected (per file,
            # per rule), Σ weight used and out of scope, and a one-line summary of them
            # (compiler.inputs.microdata.finish; docs/inputs.md, job records)
            **({"microdata": inputs.microdata} if inputs.microdata else {}),
        },
        "stocks": stock_report(inputs),
        "checks": [c.as_dict() for c in result.checks],
        # per year and bound: GDP before and after capitalising data, the change, by producer type and by asset,
        # in national currency units (unit multiplier applied); compiler.accounts.gdp_effect, docs/method.md §4
        "gdp_effect": gdp_effect_records(_gdp_rows(result), inputs, load_classification(m.classification)),
        # share of labour input from occupations already counted in own-account software (occupations.csv)
        "software_occupations_labour_share": software_labour_share(inputs),
        "supply_use": result.balancing,
        "warnings": result.warnings,
        "rows": len(result.rows),
        # as text, so that an encoded column counts only the codes present, in the order of the codes' text
        "rows_by_sto": {k: int(v) for k, v in result.rows["STO"].astype("str").value_counts().sort_index().items()},
    }


def _gdp_rows(result: PackageResult) -> pd.DataFrame:
    """The rows :func:`gdp_effect_records` reads (GDP and its change), decoded: only those
    rows are decoded when the result is kept dictionary-encoded."""
    if not result.encoded:
        return result.rows
    return tbl.decode(tbl.select(result.rows, STO=(change_code("B1GQ"), "B1GQ")))


def build_report(
    results: list[PackageResult], table: pd.DataFrame, extra: dict[str, Any] | None = None, packages: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The whole report; ``packages`` (from :func:`package_report`) if taken before the tables were released."""
    return {
        "datasat": __version__,
        "columns": list(tbl.COLUMNS),
        "rows": len(table),
        "packages": packages if packages is not None else [package_report(r) for r in results],
        "checks_passed": all(c.passed for r in results for c in r.checks),
        **(extra or {}),
    }


#: lists longer than this leave report.json for a CSV file of their own
LONG_LIST = 50
#: Lists kept in report.json whatever their length: the GDP effect is a stable record (issue 10).
INLINE = {("gdp_effect",), ("software_occupations_labour_share",)}


def summary(report: dict[str, Any], written: dict[str, str], packages: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The report's first section: what was compiled and where it went.

    ``written``: output name (``observations``, ``html``, ``sdmx``, ``report``) → path.
    ``packages``: the package records, when :func:`detach_long_lists` has moved them out
    of ``report`` (more than :data:`LONG_LIST` packages); else the report's own.
    """
    packages = packages if packages is not None else report.get("packages", [])
    return {
        "packages": [p["ref_area"] for p in packages],
        "observations": report.get("rows", 0),
        "warnings": sum(len(p.get("warnings", [])) for p in packages),
        "checks_passed": report.get("checks_passed"),
        "written": written,
    }


def detach_long_lists(report: dict[str, Any], prefix: str = "report") -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """Replace every list of records longer than :data:`LONG_LIST` by ``{"file", "count"}``.

    Returns the new report and the files to write (``report-sdmx-na_main-left_out.csv`` →
    its records), so that report.json stays short enough to read.
    """
    files: dict[str, list[dict[str, Any]]] = {}

    def walk(value: Any, path: tuple[str, ...]) -> Any:
        if isinstance(value, dict):
            return {k: walk(v, (*path, str(k))) for k, v in value.items()}
        if isinstance(value, list) and len(value) > LONG_LIST and all(isinstance(v, dict) for v in value) and path[-1:] not in INLINE:
            name = "-".join((prefix, *path)) + ".csv"
            files[name] = value
            return {"file": name, "count": len(value)}
        return value

    return walk(report, ()), files
