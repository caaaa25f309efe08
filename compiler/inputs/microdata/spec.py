"""What every engine computes from job records, and how exactly.

The engines (:mod:`.duckdb_engine`, :mod:`.dask_engine`) apply the same rules, written
once here as constants and documented in docs/inputs.md:

* a record is *rejected* when one of its columns breaks a rule of :data:`REASONS`; the
  engines return the number of records per file and per set of broken rules (a bit
  mask, :data:`BIT`), and the first :attr:`Spec.max_examples` rejected records of each
  file and rule with their row;
* with ``other_occupations = "out_of_scope"`` (:attr:`Spec.other_occupations`) the
  occupation rule only asks for a code, and a record whose code is not in
  occupations.csv gets the bit :data:`OUT_OF_SCOPE` instead: a record whose mask is
  exactly :data:`OUT_OF_SCOPE` is valid but *out of scope* (counted, with its weight,
  and not used); one with any rule bit besides is rejected (validity rules first);
* the sums over the records used are exact integers: weight, compensation and hours are
  first rounded to fixed-point integers (:data:`WEIGHT_SCALE`, ...) by the same IEEE
  double operations in every engine, ``floor(x * scale + 0.5)``, and then summed as
  integers (DuckDB HUGEINT; in Dask int64 limbs of 21 bits that cannot overflow).
  Integer sums do not depend on the order of addition, so every engine, thread count
  and partitioning gives the same sums, and :func:`compiler.inputs.microdata.finish` divides
  them once, with correctly rounded rational arithmetic.

Text cells are trimmed of :data:`WHITESPACE`; the number syntax of text cells is
:data:`NUMBER_RE` (Dask checks it; DuckDB's guarded ``TRY_CAST`` accepts exactly the same
finite numbers, which a test checks on every short string), and text is parsed into
doubles with correct rounding (DuckDB and Arrow both use fast_float), so the engines
accept and reject the same cells and read the same values. In DuckDB a HUGEINT sum that
overflowed (beyond 1.7e38, i.e. astronomically many records at the upper bounds) would
raise an error, never wrap.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

#: The canonical record columns; ``sector`` and ``hours`` are optional.
REQUIRED_COLUMNS = ("year", "occupation", "industry", "weight", "compensation")
OPTIONAL_COLUMNS = ("sector", "hours")
COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)

#: Rules a record can break, in the order of their bits in the rejection mask.
REASONS = ("year", "occupation", "industry", "sector", "weight", "compensation", "hours")
BIT = {reason: 1 << i for i, reason in enumerate(REASONS)}
#: Bits of the rules: a record whose mask has one of them is rejected.
REJECTED = sum(BIT.values())
#: Bit of an occupation that is not in occupations.csv, with other_occupations = "out_of_scope".
OUT_OF_SCOPE = 1 << len(REASONS)
#: [microdata] other_occupations: records in occupations not in occupations.csv are rejected
#: (the occupation rule) or out of scope (counted and left out).
OTHER_OCCUPATIONS = ("reject", "out_of_scope")

#: Fixed-point units of the exact sums: 10^-6 persons, 0.01 currency units, 0.01 hours.
WEIGHT_SCALE = 10**6
COMPENSATION_SCALE = 100
HOURS_SCALE = 100
#: Bounds of a single record: the upper ones keep the fixed-point values far inside
#: int64; the lower ones keep every fixed-point weight (and, for FTE, hours) at least 1.
MIN_WEIGHT = 1e-6
MAX_WEIGHT = 1e9
MIN_FTE_HOURS = 0.01
MAX_COMPENSATION = 1e15
MAX_HOURS = 8784.0  # hours in a leap year

#: Number syntax of text cells (CSV, or text columns of Parquet), after trimming WHITESPACE.
NUMBER_RE = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?"
#: Characters trimmed from both ends of text cells: ASCII whitespace (as DuckDB's casts trim).
WHITESPACE = " \t\n\r\x0b\x0c"

#: Examples of rejected records listed per file and rule.
MAX_EXAMPLES = 10

Kind = Literal["string", "integer", "float"]


@dataclass(frozen=True)
class SourceFile:
    """One file of job records, inspected (header or Parquet schema) before the engines run."""

    index: int
    path: Path
    label: str  # as errors name it: <package>/<path inside the package>
    format: Literal["csv", "parquet"]
    all_columns: tuple[str, ...]  # every column of the file in order (the CSV reader needs them)
    source: dict[str, str]  # canonical column -> column of the file (only those present)
    kinds: dict[str, Kind]  # canonical column -> kind of values in the file

    def first_row(self) -> int:
        """Row of the first record: CSV rows are editor lines (header = 1), Parquet rows are records."""
        return 2 if self.format == "csv" else 1


@dataclass(frozen=True)
class Spec:
    """Everything an engine needs: the files and the rules a record must satisfy."""

    files: tuple[SourceFile, ...]
    years: range
    occupations: tuple[str, ...]
    sectors: dict[str, str]  # industry code -> institutional sector (industries.csv)
    fte: bool  # hours > 0 required (employment in full-time equivalents)
    max_examples: int = MAX_EXAMPLES
    #: "reject": an occupation not in occupations.csv breaks the occupation rule;
    #: "out_of_scope": the rule only asks for a code, and other codes get OUT_OF_SCOPE
    other_occupations: Literal["reject", "out_of_scope"] = "reject"

    @property
    def out_of_scope(self) -> bool:
        return self.other_occupations == "out_of_scope"


@dataclass(frozen=True)
class Example:
    """A rejected record: file index, row (see :meth:`SourceFile.first_row`), rule, raw cell."""

    file: int
    row: int
    reason: str
    value: object
    industry: str | None = None  # the record's industry (for the sector rule's message)


@dataclass
class RawResult:
    """What an engine returns: exact integer sums, record counts and examples."""

    #: (year, occupation, industry) -> [records, Σ W, Σ W·C, Σ W·H] in fixed-point units
    groups: dict[tuple[int, str, str], list[int]]
    #: (file index, rejection mask) -> records; mask 0 = records used, OUT_OF_SCOPE = out of scope
    masks: dict[tuple[int, int], int]
    examples: list[Example] = field(default_factory=list)
    #: (file index, mask) -> Σ W in fixed-point units, for the masks 0 and OUT_OF_SCOPE
    weights: dict[tuple[int, int], int] = field(default_factory=dict)


@dataclass(frozen=True)
class Options:
    """Engine resources. Defaults keep DuckDB within about 1 GB and spill to a temp folder.

    Environment: ``DATASAT_MEMORY_LIMIT`` (DuckDB syntax, e.g. ``"1GB"``),
    ``DATASAT_THREADS``, ``DATASAT_TEMP_DIRECTORY`` (DuckDB spill folder; default a fresh
    temporary folder, removed afterwards), ``DATASAT_DASK_SCHEDULER`` (address of a Dask
    scheduler; default the current ``distributed`` client, else a local cluster).
    """

    memory_limit: str = "1GB"
    threads: int = max(1, os.cpu_count() or 1)
    temp_directory: str | None = None
    dask_scheduler: str | None = None
    csv_blocksize: int = 32 * 2**20  # Dask: bytes of CSV per partition
    parquet_blocksize: int = 16 * 2**20  # Dask: uncompressed bytes of Parquet row groups per partition

    @classmethod
    def from_environment(cls) -> "Options":
        env = os.environ
        base = cls()
        return cls(
            memory_limit=env.get("DATASAT_MEMORY_LIMIT", base.memory_limit),
            threads=int(env.get("DATASAT_THREADS", base.threads)),
            temp_directory=env.get("DATASAT_TEMP_DIRECTORY") or None,
            dask_scheduler=env.get("DATASAT_DASK_SCHEDULER") or None,
        )
