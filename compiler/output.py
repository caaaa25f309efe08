"""Atomic output: a folder of results appears complete or not at all.

Writers put their files into a staging folder beside ``OUT``; :func:`publish` then
moves each file into place with ``os.replace`` (atomic on one file system). A failure
before publishing leaves ``OUT`` as it was: never a half-written file, never an old
output replaced by a broken one.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from . import table as tbl


@contextmanager
def staging(out: Path) -> Iterator[Path]:
    """A temporary folder beside ``out``; its contents replace ``out``'s on success."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
    try:
        yield stage
        publish(stage, out)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def publish(stage: Path, out: Path) -> None:
    """Move every file of ``stage`` to the same place under ``out``."""
    for source in sorted(p for p in stage.rglob("*") if p.is_file()):
        target = out / source.relative_to(stage)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)


def write_observations(table: pd.DataFrame, path: Path) -> None:
    """The canonical table as CSV: full float precision, NaN for missing values."""
    table.to_csv(path, index=False, float_format=None, na_rep="NaN", lineterminator="\n", encoding="utf-8")


def read_observations(path: Path) -> pd.DataFrame:
    """Read ``observations.csv`` back into a canonical table."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    frame[tbl.VALUE] = pd.to_numeric(frame[tbl.VALUE].replace("NaN", "nan"))
    return tbl.coerce(frame)


def write_json(data: Any, path: Path) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
