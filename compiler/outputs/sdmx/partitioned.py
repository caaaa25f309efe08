"""Data messages written by country in worker processes and joined in order.

Every data message is a head, then per bound a data set whose series are in key order,
then a tail (:mod:`compiler.outputs.sdmx.messages`). FREQ and ADJUSTMENT come before
REF_AREA in the key: where they are constant (they are in every package datasat
compiles: annual, neither seasonally nor calendar adjusted) each country's series are
contiguous within a data set, in REF_AREA order. So each country's bodies are written
apart, by ``jobs`` worker processes, and the message is the head, then per bound the
data set's open tag, the countries' bodies in REF_AREA order and the close tag, then the
tail: byte for byte the message one process writes (a test holds them equal).

The parent hands each country's rows over as an Arrow IPC file (text dictionary-encoded,
about 10 bytes a row; read memory-mapped); the workers write their bodies to files the
parent joins with ``copy_file_range`` (in the kernel). Workers are started with ``spawn``
(see :mod:`compiler.parallel`): a script calling this guards its entry point.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd
import pyarrow as pa

from compiler import table as canon
from compiler.outputs import arrow_frames
from compiler.outputs.sdmx import prepare
from compiler.outputs.sdmx.messages import LAYOUTS, write
from compiler.outputs.sdmx.sample import sample_table
from compiler.outputs.sdmx.table_check import SdmxInputError, check_table
from compiler.outputs.sdmx.settings import SdmxSettings

#: called with each country's rows as Arrow, in REF_AREA order
Sink = Callable[[pa.Table], None]
#: tables of fewer rows are written whole in one process (starting workers costs ~1 s)
PARALLEL_ROWS = 300_000


def workers_for(table: pd.DataFrame, jobs: int) -> int:
    """Processes writing ``table``'s data messages (1: this one)."""
    jobs = (os.cpu_count() or 1) if jobs == 0 else jobs
    return 1 if len(table) < PARALLEL_ROWS or not _contiguous_areas(table) else max(1, jobs)


def _contiguous_areas(table: pd.DataFrame) -> bool:
    """FREQ and ADJUSTMENT constant: each REF_AREA's series contiguous in key order."""
    return all(table[c].nunique() <= 1 for c in ("FREQ", "ADJUSTMENT"))


def write_messages(table: pd.DataFrame, paths: dict[str, Path], settings: SdmxSettings, jobs: int = 1,
                   sample: bool = False, check: bool = True, sink: Sink | None = None) -> tuple[pd.DataFrame, int] | None:
    """Write the data message of each kind in ``paths`` (kind -> file) for ``table``. A small
    table (or one whose areas are not contiguous) is written whole in this process; a large
    one country by country (``compiler.table.partitions``), by ``jobs`` worker processes
    (0: one per core; 1: in this process). The same bytes either way. ``sample``: also
    return the validation sample (:func:`compiler.outputs.sdmx.sample.sample_table`, of each
    country when written by country) and its number of whole series. ``check``: raise
    :class:`SdmxInputError` first if the table cannot be written (``check_table``).
    ``sink``: also called with each country's rows as Arrow, in REF_AREA order (e.g.
    :class:`compiler.outputs.observations.ParquetObservations`: one pass for both)."""
    if len(table) < PARALLEL_ROWS or not _contiguous_areas(table):
        whole = canon.decode(table)
        problems = check_table(whole) if check else []
        if problems:
            raise SdmxInputError(problems)
        data = prepare.by_bound(whole)
        if sink is not None:
            for _, part in canon.partitions(table):
                sink(arrow_frames.to_arrow(part))
        for kind, path in paths.items():
            with open(path, "wb", buffering=1 << 20) as out:
                write(kind, data, out, settings)
        return sample_table(whole, encoded=data[0].encoded if data else None) if sample else None
    beside = next(iter(paths.values())).parent if paths else None  # no message (--formats none): a system folder
    folder = Path(tempfile.mkdtemp(prefix=".parts.", dir=beside))
    try:
        bounds = [b for b in canon.BOUNDS if b in set(table[canon.BOUND].unique())]
        count = _write_parts(table, folder, tuple(paths), settings, (os.cpu_count() or 1) if jobs == 0 else jobs, sample, sink)
        problems = [line for i in range(count) for line in _read_problems(folder / f"{i:06d}.problems")]
        if problems:
            raise SdmxInputError(problems[:20])
        for kind, path in paths.items():
            _join(kind, path, folder, count, bounds, settings)
        return _samples(folder, count) if sample else None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _read_problems(path: Path) -> list[str]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def _samples(folder: Path, count: int) -> tuple[pd.DataFrame, int]:
    """The countries' samples put together, in REF_AREA order, and their whole series."""
    frames = [arrow_frames.read_ipc(folder / f"{i:06d}.sample.arrow") for i in range(count)]
    series = sum(int(frame.attrs.get("series", 0)) for frame in frames)
    return canon.concat(frames) if frames else canon.empty(), series


def _write_parts(table: pd.DataFrame, folder: Path, kinds: tuple[str, ...], settings: SdmxSettings, workers: int,
                 sample: bool, sink: Sink | None = None) -> int:
    """Each country's bodies (and sample) written into ``folder`` (by ``workers`` processes,
    or here when 1); the number of countries."""
    if workers <= 1:
        for i, (_, frame) in enumerate(canon.partitions(table)):
            if sink is not None:
                sink(arrow_frames.to_arrow(frame))
            write_bodies(frame, folder / f"{i:06d}", kinds, settings, sample)
        return i + 1
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = []
        for i, (_, frame) in enumerate(canon.partitions(table)):
            handoff, data = folder / f"{i:06d}.arrow", arrow_frames.to_arrow(frame)
            arrow_frames.write_ipc(data, handoff)
            if sink is not None:
                sink(data)
            futures.append(pool.submit(write_part, handoff, folder / f"{i:06d}", kinds, settings, sample))
        for future in futures:
            future.result()
    return len(futures)


def write_part(handoff: Path, prefix: Path, kinds: tuple[str, ...], settings: SdmxSettings, sample: bool = False) -> None:
    """In a worker: :func:`write_bodies` of one country's rows handed over in an Arrow IPC file."""
    frame = arrow_frames.read_ipc(handoff)
    handoff.unlink()
    write_bodies(frame, prefix, kinds, settings, sample)


def write_bodies(frame: pd.DataFrame, prefix: Path, kinds: tuple[str, ...], settings: SdmxSettings, sample: bool = False) -> None:
    """The body of each bound of each kind for one country's rows (``<prefix>.<kind>.<bound>``)
    and, if ``sample``, its validation sample (``<prefix>.sample.arrow``); or, if the rows
    cannot be written (:func:`compiler.outputs.sdmx.table_check.check_table`), the problems
    (``<prefix>.problems``, JSON) and nothing else."""
    problems = check_table(frame)
    if problems:
        Path(f"{prefix}.problems").write_text(json.dumps(problems), encoding="utf-8")
        return
    data = prepare.by_bound(frame)
    if sample:
        rows, series = sample_table(frame, encoded=data[0].encoded if data else None)
        arrow_frames.write_ipc(rows, Path(f"{prefix}.sample.arrow"), {"series": str(series)})
    for kind in kinds:
        for d in data:
            with open(f"{prefix}.{kind}.{d.bound}", "wb", buffering=1 << 20) as out:
                LAYOUTS[kind].body(d, out, settings)


def _join(kind: str, path: Path, folder: Path, count: int, bounds: list[str], settings: SdmxSettings) -> None:
    """Head, per bound the open tag, the countries' bodies in order and the close tag, tail."""
    layout = LAYOUTS[kind]
    with open(path, "wb", buffering=0) as out:  # unbuffered: the parts are appended to the descriptor
        out.write(layout.head(settings, bounds or list(canon.BOUNDS)))
        for bound in bounds:
            out.write(layout.open(settings, bound))
            for i in range(count):
                part = folder / f"{i:06d}.{kind}.{bound}"
                if part.exists():
                    _append(part, out)
            out.write(layout.close)
        out.write(layout.tail)


def _append(part: Path, out) -> None:  # noqa: ANN001 - an unbuffered binary file
    """Append the file ``part`` to ``out`` (in the kernel where it can), then remove it."""
    size = part.stat().st_size
    with open(part, "rb") as source:
        try:
            done = 0
            while done < size:
                copied = os.copy_file_range(source.fileno(), out.fileno(), size - done)
                if not copied:
                    break
                done += copied
        except OSError:  # no copy_file_range here: copy through user space
            source.seek(done)
            shutil.copyfileobj(source, out, 1 << 20)
    part.unlink()
