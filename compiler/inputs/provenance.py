"""``[provenance]``: whether each input is published, calibrated or illustrative.

A national accountant must be able to say, for every figure, whether it rests on a
published statistic or on an assumption. A package declares it per input table or per
column, in ``package.toml``::

    [provenance]
    macro = "published"                 # every column of macro.csv
    "macro.investment_price_index" = "illustrative"   # one column, overrides the table
    employment = "illustrative"
    occupations = "illustrative"
    cost_ratios = "calibrated"
    "package.pim" = "illustrative"      # the [pim.*] settings

Keys are an input table's file stem (``macro`` for ``macro.csv``), ``stem.column``, or
``package.<section>`` for a settings section. Values:

- ``"published"``: taken from a published statistic (the table's ``source`` column or
  the package README names it);
- ``"calibrated"``: set so that a result reproduces a published figure (a calibration
  factor, a borrowed ratio);
- ``"illustrative"``: set for the package, not measured; figures resting on it may not
  be quoted as estimates.

An input that is not declared is "not declared" (:meth:`Provenance.status` returns
``None``), never taken as published. Figures derived from several inputs rest on the
least certain of them (:meth:`Provenance.weakest`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from compiler.inputs.errors import InputError

SECTION = "provenance"
#: From most to least certain.
STATUSES: tuple[str, ...] = ("published", "calibrated", "illustrative")
#: The settings sections a ``package.<section>`` key may name.
SETTINGS_SECTIONS: tuple[str, ...] = ("package", "method", "capitalisation", "pim", "accounts", "classification", "microdata")


@dataclass(frozen=True)
class Provenance:
    """Declared status of each input: ``key -> status`` (keys as in the module docstring)."""

    entries: Mapping[str, str] = field(default_factory=dict)

    def status(self, table: str, column: str | None = None) -> str | None:
        """The status of ``table`` (a file stem or ``package.<section>``), or of one of its
        columns: the column's own declaration, else the table's, else ``None``."""
        if column is not None:
            return self.entries.get(f"{table}.{column}", self.entries.get(table))
        if table in self.entries:
            return self.entries[table]
        # a table no key names as a whole is as certain as its least certain declared column
        return _weakest(s for k, s in self.entries.items() if k.startswith(table + "."))

    def illustrative(self) -> tuple[str, ...]:
        """The keys declared illustrative, sorted."""
        return tuple(sorted(k for k, s in self.entries.items() if s == "illustrative"))

    def weakest(self, inputs: Iterable[str]) -> str | None:
        """The least certain status among ``inputs`` (each ``table`` or ``table.column``);
        ``None`` when none of them is declared."""
        found = [self.status(*_split(key)) for key in inputs]
        return _weakest([s for s in found if s is not None]) if any(found) else None


def _split(key: str) -> tuple[str, str | None]:
    table, _, column = key.partition(".")
    if table == "package":  # "package.pim" names a section, not a column
        return key, None
    return table, column or None


def _weakest(statuses: Iterable[str]) -> str | None:
    ranked = [STATUSES.index(s) for s in statuses]
    return STATUSES[max(ranked)] if ranked else None


def parse_provenance(raw: Any, tables: Mapping[str, tuple[str, ...]], file: str = "package.toml") -> tuple[Provenance, list[InputError]]:
    """Check a ``[provenance]`` table. ``tables``: input file stem -> its column names
    (every table a package may have); returns the provenance and every error."""
    if raw is None:
        return Provenance(), []
    if not isinstance(raw, dict):
        return Provenance(), [InputError(file, None, SECTION, str(raw), "a [provenance] table: input = \"published\" | \"calibrated\" | \"illustrative\"")]
    errors: list[InputError] = []
    entries: dict[str, str] = {}
    allowed = ", ".join(f'"{s}"' for s in STATUSES)
    for key, value in raw.items():
        if not _known_key(key, tables):
            errors.append(InputError(file, None, f"{SECTION}.{key}", key, _expected_key(tables)))
        elif value not in STATUSES:
            errors.append(InputError(file, None, f"{SECTION}.{key}", str(value), f"one of {allowed}"))
        else:
            entries[key] = value
    return Provenance(entries), errors


def _known_key(key: str, tables: Mapping[str, tuple[str, ...]]) -> bool:
    head, _, tail = key.partition(".")
    if head == "package":
        return tail in SETTINGS_SECTIONS
    if head not in tables:
        return False
    return not tail or tail in tables[head]


def _expected_key(tables: Mapping[str, tuple[str, ...]]) -> str:
    return (
        "an input table (" + ", ".join(sorted(tables)) + "), a column of one as \"table.column\", "
        "or a settings section as \"package.<section>\" (" + ", ".join(SETTINGS_SECTIONS) + ")"
    )
