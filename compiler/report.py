"""report.json: what was read, what was checked, what came out."""

from __future__ import annotations

from typing import Any

import pandas as pd

from . import __version__
from . import table as tbl
from .classification import load_classification
from .gdp_effect import gdp_effect_records, software_labour_share
from .pipeline import PackageResult
from .stocks import stock_report


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
            # (compiler.microdata.finish; docs/inputs.md, job records)
            **({"microdata": inputs.microdata} if inputs.microdata else {}),
        },
        "stocks": stock_report(inputs),
        "checks": [c.as_dict() for c in result.checks],
        # per year and bound: GDP before and after capitalising data, the change, by producer type and by asset,
        # in national currency units (unit multiplier applied); compiler.gdp_effect, docs/method.md §4
        "gdp_effect": gdp_effect_records(result.table, inputs, load_classification(m.classification)),
        # share of labour input from occupations already counted in own-account software (occupations.csv)
        "software_occupations_labour_share": software_labour_share(inputs),
        "supply_use": result.balancing,
        "warnings": result.warnings,
        "rows": len(result.table),
        "rows_by_sto": {k: int(v) for k, v in result.table["STO"].value_counts().sort_index().items()},
    }


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
