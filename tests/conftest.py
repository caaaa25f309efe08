"""Shared fixtures: the synthetic package (every figure computed by hand in the tests)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SYNTHETIC = HERE / "packages" / "synthetic"
PROJECT = HERE.parent
SHARED = PROJECT.parent / "shared"


@pytest.fixture
def synthetic(tmp_path: Path) -> Path:
    """A writable copy of the synthetic package."""
    target = tmp_path / "synthetic"
    shutil.copytree(SYNTHETIC, target)
    return target


@pytest.fixture(scope="session")
def synthetic_result():
    from compiler.pipeline import compile_package

    return compile_package(SYNTHETIC)


@pytest.fixture(scope="session")
def synthetic_core():
    """Only the core stages (costs and stocks): the input of the accounts stages."""
    from compiler.pipeline import compile_core

    return compile_core(SYNTHETIC)


@pytest.fixture(scope="session")
def fixture_table():
    """``fixture_table("CN")``: the canonical table of a bundled fixture, compiled once a session."""
    from compiler.pipeline import compile_package
    from compiler.resources import fixtures_dir

    tables = {}

    def table(name: str):
        if name not in tables:
            tables[name] = compile_package(fixtures_dir() / name).table
        return tables[name]

    return table

