"""Where the project's data folders live: in the wheel, or beside the source tree.

The wheel ships ``templates/``, ``codelists/`` and ``fixtures/`` inside the package as
``compiler/_data/<name>`` (see ``pyproject.toml``); a source checkout keeps them at the
project root. Code asks :func:`data_dir` and never builds these paths itself.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """The folder ``name`` (``"templates"``, ``"codelists"`` or ``"fixtures"``)."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"datasat installation is incomplete: no {name}/ folder beside {_PACKAGE}")


def codelists_dir() -> Path:
    return data_dir("codelists")


def templates_dir() -> Path:
    return data_dir("templates")


def fixtures_dir() -> Path:
    return data_dir("fixtures")


def bundled_packages() -> list[Path]:
    """Every bundled fixture package (a folder holding ``package.toml``), sorted."""
    return sorted(p.parent for p in fixtures_dir().glob("*/package.toml"))
