"""Load an input package: ``package.toml`` plus tables, checked as a whole.

The package is a folder of CSV files or one workbook (:mod:`compiler.inputs.source`);
the same checks run on both.

:func:`load_package` returns typed, checked :class:`Inputs` or raises
:class:`~compiler.inputs.errors.InputErrors` with every problem of the package.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from compiler import codes
from compiler.accounts.classification import official_codes
from compiler.inputs import tables as t
from compiler.inputs.errors import InputError, InputErrors
from compiler.inputs.manifest import Manifest
from compiler.inputs.schema import LINE, check_years, compress_years
from compiler.inputs.source import PackageSource, open_source

ASSETS_BOUNDS = [(a, b) for a in codes.ASSET_TYPES for b in ("low", "high")]


@dataclass
class Inputs:
    """A checked input package. Tables keep a ``_line`` column for messages."""

    folder: Path
    manifest: Manifest
    occupations: pd.DataFrame
    industries: pd.DataFrame
    employment: pd.DataFrame  # year, occupation, industry, sector, employment, compensation
    cost_ratios: pd.DataFrame
    macro: pd.DataFrame
    optional: dict[str, pd.DataFrame] = field(default_factory=dict)  # optional table name -> table
    files: dict[str, str] = field(default_factory=dict)  # file -> sha256
    warnings: list[str] = field(default_factory=list)
    #: labour_input = "microdata": engine and counts of job records read, used, rejected
    microdata: dict[str, Any] = field(default_factory=dict)
    #: macro.csv's optional row for first_year - 1 (prices and rates valuing the opening stock)
    macro_before: pd.DataFrame | None = None
    #: where the inputs were read (a folder or a workbook): renders error locations
    source: PackageSource | None = None


def load_package(folder: Path, engine: str = "duckdb", label: str | None = None) -> Inputs:
    """Read and check the package in ``folder``.

    ``label`` names the package in messages (default: the folder's name; compile_many
    gives the path when two packages' folders have the same name).

    ``engine`` aggregates job records (``labour_input = "microdata"``): one of
    :data:`compiler.inputs.microdata.ENGINES` (``"duckdb"``, ``"dask"``); other packages ignore it.
    """
    from compiler.inputs.microdata import ENGINES

    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    folder = Path(folder)
    source = open_source(folder)
    try:
        inputs = _load(source, folder, engine, label or folder.name)
    except InputErrors as exc:
        raise InputErrors(source.locate(exc.errors)) from None
    inputs.source = source
    inputs.warnings.extend(source.warnings())
    return inputs


def _load(source: PackageSource, folder: Path, engine: str, label: str) -> Inputs:
    prefix = label + "/"
    manifest, errors = source.manifest(official_codes("CL_AREA"), official_codes("CL_SECTOR"))
    errors = [_prefixed(e, prefix) for e in errors]
    if manifest is None:
        raise InputErrors(errors)
    years = manifest.years
    code_sets = fixed_code_sets()

    def read(schema: t.TableSchema) -> pd.DataFrame | None:
        frame, problems = source.read(schema, code_sets, years, prefix + schema.name)
        errors.extend(problems)
        return frame

    occupations = read(t.OCCUPATIONS)
    industries = read(t.INDUSTRIES)
    # None: the table could not be read; codes from it are not checked (no cascade of errors)
    code_sets["occupations"] = set(occupations["occupation"]) if occupations is not None else None
    code_sets["industries"] = set(industries["industry"]) if industries is not None else None
    code_sets["industries_or_total"] = code_sets["industries"] | {codes.TOTAL_ACTIVITY} if industries is not None else None
    if occupations is not None:
        errors.extend(_check_time_shares(occupations, prefix + t.OCCUPATIONS.name))
    microdata = None
    if manifest.labour_input == "occupations":
        employment = read(t.EMPLOYMENT)
    elif manifest.labour_input == "microdata":
        employment = None
        codes_read = {prefix + t.OCCUPATIONS.name, prefix + t.INDUSTRIES.name}
        if occupations is not None and industries is not None and not any(e.file in codes_read for e in errors):
            microdata = _from_microdata(folder, prefix, manifest, occupations, industries, engine)
            errors.extend(microdata.errors)
            employment = microdata.employment
    else:
        employment = _from_industry_shares(read(t.INDUSTRY_EMPLOYMENT), read(t.OCCUPATION_SHARES), prefix, errors)
    cost_ratios = read(t.COST_RATIOS)
    macro = read(t.MACRO)
    optional = {schema.name: read(schema) for schema in t.OPTIONAL_TABLES if source.has(schema.name)}
    if cost_ratios is not None:
        errors.extend(_check_cost_ratio_cover(cost_ratios, industries, years, prefix + t.COST_RATIOS.name))
    if errors:
        raise InputErrors(errors)
    assert occupations is not None and industries is not None and employment is not None
    assert cost_ratios is not None and macro is not None
    unused = sorted(set(industries["industry"]) - set(employment["industry"].unique()))
    if unused:
        source = {"occupations": t.EMPLOYMENT.name, "industry_shares": t.INDUSTRY_EMPLOYMENT.name}.get(manifest.labour_input)
        source = source or _microdata_label(manifest)
        raise InputErrors([InputError(prefix + source, None, "industry", code, "rows for every industry of industries.csv (remove the industry or give its employment)") for code in unused])
    industries = _with_producer(industries, manifest)
    employment = _with_industry(employment, industries)
    records = microdata.files if microdata is not None else {}  # hashed once, by the aggregation
    files = {name: digest for name, digest in source.hashes().items() if name not in records}
    before = macro["year"] == years.start - 1  # the year before the first: for the opening stock only
    macro, macro_before = macro.loc[~before].reset_index(drop=True), (macro.loc[before].reset_index(drop=True) if before.any() else None)
    inputs = Inputs(folder, manifest, occupations, industries, employment, cost_ratios, macro, optional, dict(sorted({**files, **records}.items())), macro_before=macro_before)
    if microdata is not None:
        inputs.microdata = microdata.counts
        inputs.warnings.extend(microdata.warnings)
    return inputs


def _microdata_label(manifest: Manifest) -> str:
    assert manifest.microdata is not None
    return ", ".join(manifest.microdata.files)


def _from_microdata(folder: Path, prefix: str, manifest: Manifest, occupations: pd.DataFrame, industries: pd.DataFrame, engine: str):
    """labour_input = "microdata": the employment table aggregated from job records."""
    from compiler.inputs.microdata import aggregate

    assert manifest.microdata is not None
    result = aggregate(
        manifest.microdata,
        folder,
        prefix,
        list(occupations["occupation"]),
        dict(zip(industries["industry"], industries["sector"])),
        manifest.years,
        engine,
    )
    if result.employment is not None:
        label = prefix + _microdata_label(manifest)
        result.errors.extend(check_years(result.employment.assign(_line=0), ("occupation", "industry"), manifest.years, label))
    return result


def fixed_code_sets() -> dict[str, frozenset[str] | set[str]]:
    """The code sets of coded columns that do not depend on the package (TableSchema ``codes``)."""
    activities = official_codes("CL_ACTIVITY") - {"_T", "_Z", "_X", "_U"}
    return {
        "CL_ACTIVITY": activities,
        "CL_SECTOR": official_codes("CL_SECTOR") - {"S1"},
        "PRODUCER": {codes.MARKET, codes.NON_MARKET},
        "YES_NO": {"yes", "no"},
        "ASSET_TYPES": set(codes.ASSET_TYPES),
        "OCV_STO": set(codes.OTHER_VOLUME_CHANGES),
        "CL_NA_STO": official_codes("CL_NA_STO"),
        "NATIONAL_ACCOUNTS_STO": set(t.NATIONAL_ACCOUNTS_STO),
        "USE_COLUMNS": activities | set(t.FINAL_USE_COLUMNS),
        "SUPPLY_COLUMNS": activities | {t.IMPORTS_COLUMN},
    }


def _prefixed(error: InputError, prefix: str) -> InputError:
    if error.cell is not None:  # located already (a workbook's own problems)
        return error
    return InputError(prefix + error.file, error.row, error.column, error.value, error.expected, error.cell, error.first)


def _check_time_shares(occupations: pd.DataFrame, name: str) -> list[InputError]:
    """low <= high for each asset; the shares of the three assets sum to at most 1."""
    errors = []
    lines = occupations[LINE].to_numpy()
    for asset in codes.ASSET_TYPES:
        low, high = occupations[f"{asset}_low"].to_numpy(), occupations[f"{asset}_high"].to_numpy()
        for i in np.flatnonzero(low > high):
            errors.append(InputError(name, int(lines[i]), f"{asset}_low", f"{low[i]:g}", f"{asset}_low <= {asset}_high ({high[i]:g})"))
    for bound in ("low", "high"):
        columns = [f"{asset}_{bound}" for asset in codes.ASSET_TYPES]
        total = occupations[columns].sum(axis=1).to_numpy()
        for i in np.flatnonzero(total > 1 + 1e-12):
            errors.append(
                InputError(name, int(lines[i]), "+".join(columns), f"{total[i]:g}", f"time shares of one occupation summing to at most 1 in the {bound} bound")
            )
    return errors


def _from_industry_shares(
    industry: pd.DataFrame | None, shares: pd.DataFrame | None, prefix: str, errors: list[InputError]
) -> pd.DataFrame | None:
    """Labour input of Wang et al. (2024): industry employment × share of each data occupation."""
    if shares is not None:
        total = shares.groupby("industry")["share"].sum()
        for industry_code, value in total[total > 1 + 1e-12].items():
            errors.append(InputError(prefix + t.OCCUPATION_SHARES.name, None, "share", f"{value:g}", f"shares of industry {industry_code} summing to at most 1"))
    if industry is None or shares is None:
        return None
    employment = industry.drop(columns=[LINE]).merge(shares[["industry", "occupation", "share"]], on="industry", how="inner")
    missing = sorted(set(industry["industry"]) - set(shares["industry"]))
    for industry_code in missing:
        errors.append(
            InputError(prefix + t.OCCUPATION_SHARES.name, None, "industry", industry_code, "at least one occupation share for every industry of industry_employment.csv")
        )
    employment["employment"] = employment["employment"] * employment.pop("share")
    employment[LINE] = 0
    return employment[["year", "occupation", "industry", "employment", "compensation", LINE]]


def _check_cost_ratio_cover(ratios: pd.DataFrame, industries: pd.DataFrame | None, years: range, name: str) -> list[InputError]:
    """Every industry needs ratios in every year: its own row or the ``_T`` row."""
    if industries is None:
        return []
    known = ratios.dropna(subset=["year"])  # a missing or bad year is reported by the reader
    covered = set(zip(known["year"].astype(int), known["industry"]))
    errors = []
    for industry in sorted(industries["industry"]):
        missing = [y for y in years if (y, industry) not in covered and (y, codes.TOTAL_ACTIVITY) not in covered]
        if missing:
            errors.append(InputError(name, None, "year", compress_years(missing), f"a row for every year {years.start}-{years.stop - 1} for industry {industry} or for _T (all industries)"))
    return errors


def _with_industry(employment: pd.DataFrame, industries: pd.DataFrame) -> pd.DataFrame:
    """Each employment row with its industry's sector and producer: the left join on industry
    ``employment.merge(industries[["industry", "sector", "producer"]], on="industry", how="left",
    validate="many_to_one")``, by position where every industry is known once (as always after the checks)."""
    found = pc.index_in(pa.array(employment["industry"]), value_set=pa.array(industries["industry"]))
    known = industries["industry"].is_unique and found.null_count == 0 and not {"sector", "producer"} & set(employment.columns)
    if not known:
        return employment.merge(industries[["industry", "sector", "producer"]], on="industry", how="left", validate="many_to_one")
    position = found.to_numpy()
    out = employment.reset_index(drop=True)
    return out.assign(sector=industries["sector"].array.take(position), producer=industries["producer"].array.take(position))


def _with_producer(industries: pd.DataFrame, manifest: Manifest) -> pd.DataFrame:
    out = industries.copy()
    derived = np.where(out["sector"].isin(manifest.non_market_sectors), codes.NON_MARKET, codes.MARKET)
    out["producer"] = out["producer"].where(out["producer"] != "", derived)
    return out
