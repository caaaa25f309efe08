"""Checks across the packages compiled together (run by ``compile`` and ``validate`` alike).

Each package is checked on its own when it is loaded; what only shows when packages are
combined is checked here, before anything is written: two packages for one REF_AREA
(their rows would clash in the canonical table) and ``[sdmx]`` settings that are invalid
or differ between packages (they share one structure).
"""

from __future__ import annotations

from collections import defaultdict

from compiler.inputs import InputError, InputErrors, Inputs
from compiler.outputs.sdmx.folder import settings_for


def check_packages_together(inputs: list[Inputs], prepared: str | None = None) -> None:
    """Raise :class:`InputErrors` with every problem of ``inputs`` taken together."""
    errors = duplicate_areas(inputs)
    try:
        settings_for(inputs, prepared)
    except InputErrors as exc:
        errors.extend(exc.errors)
    if errors:
        raise InputErrors(errors)


def duplicate_areas(inputs: list[Inputs]) -> list[InputError]:
    """One error per package whose REF_AREA another package of the run also has."""
    folders: dict[str, list[str]] = defaultdict(list)
    for package in inputs:
        folders[package.manifest.ref_area].append(str(package.folder))
    errors = []
    for area, paths in folders.items():
        if len(paths) < 2:
            continue
        for path in paths:
            others = ", ".join(p for p in paths if p != path) or path
            errors.append(
                InputError(f"{path}/package.toml", None, "package.ref_area", area, f"a REF_AREA no other package of this run has (also in {others})")
            )
    return errors
