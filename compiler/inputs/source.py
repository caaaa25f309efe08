"""Where a package's raw inputs come from: a folder of CSV files or one workbook.

A source hands the loader (:mod:`compiler.inputs.load`) the bytes of ``package.toml``
and each table as stripped text cells; the loader checks both with the same code
whatever the source. A source also renders the location of each input error: a
folder keeps ``file:line``, a workbook gives ``sheet!C14``
(:meth:`WorkbookSource.locate <compiler.inputs.workbook.WorkbookSource.locate>`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import pandas as pd

from compiler.inputs.digest import sha256
from compiler.inputs.confine import outside_error
from compiler.inputs.errors import InputError, InputErrors
from compiler.inputs.manifest import Manifest, read_manifest
from compiler.inputs.read import read_table
from compiler.inputs.schema import TableSchema

if TYPE_CHECKING:
    from compiler.inputs.load import Inputs

#: suffixes read as workbooks
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


class PackageSource(Protocol):
    path: Path  # the folder or the workbook

    def manifest(self, areas: frozenset[str], sectors: frozenset[str]) -> tuple[Manifest | None, list[InputError]]: ...

    def read(
        self, schema: TableSchema, codes: Mapping[str, Collection[str]], years: range | None, label: str
    ) -> tuple[pd.DataFrame | None, list[InputError]]: ...

    def has(self, name: str) -> bool: ...

    def hashes(self) -> dict[str, str]: ...

    def locate(self, errors: list[InputError]) -> list[InputError]: ...

    def warnings(self) -> list[str]: ...


class FolderSource:
    """A folder holding ``package.toml`` and CSV tables (docs/inputs.md)."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def manifest(self, areas: frozenset[str], sectors: frozenset[str]) -> tuple[Manifest | None, list[InputError]]:
        return read_manifest(self.path, areas, sectors)

    def read(self, schema: TableSchema, codes: Mapping[str, Collection[str]], years: range | None, label: str) -> tuple[pd.DataFrame | None, list[InputError]]:
        return read_table(self.path / schema.name, schema, codes, years, label=label)

    def has(self, name: str) -> bool:
        return (self.path / name).exists()

    def hashes(self) -> dict[str, str]:
        """SHA-256 of every CSV and TOML file of the folder (not of links out of it: never read)."""
        return {
            p.name: sha256(p) for p in sorted(self.path.iterdir())
            if p.suffix in (".csv", ".toml") and p.is_file() and outside_error(p, self.path, p.name) is None
        }

    def locate(self, errors: list[InputError]) -> list[InputError]:
        return errors

    def warnings(self) -> list[str]:
        return []


def open_source(path: Path) -> PackageSource:
    """The source at ``path``: a folder, or a workbook (any file); raises InputErrors."""
    path = Path(path)
    if path.is_dir():
        return FolderSource(path)
    if path.is_file():
        from compiler.inputs.workbook import WorkbookSource

        return WorkbookSource.open(path)
    raise InputErrors([InputError(str(path), None, None, None, "a package folder holding package.toml and CSV tables, or a package workbook (.xlsx)")])


@contextmanager
def locating(inputs: Inputs) -> Iterator[None]:
    """Re-raise the input errors of a compile stage with the locations of ``inputs``' source."""
    try:
        yield
    except InputErrors as exc:
        source = getattr(inputs, "source", None)
        if source is None:
            raise
        raise InputErrors(source.locate(exc.errors)) from None
