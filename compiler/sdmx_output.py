"""The SDMX projection of the canonical table: OUT/sdmx/ (structures, data, na_main.xml).

Settings (agency, ids, versions) come from the ``[sdmx]`` section of the packages'
package.toml; packages compiled together must agree on them, since they share one
structure. ``na_main.xml`` holds the series whose codes exist in the codelists that the
chosen ESTAT:NA_MAIN version pins, for one bound; what it leaves out is reported.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd

from .package import InputError, InputErrors, Inputs
from .sdmx.na_main import write_na_main
from .sdmx.settings import SdmxSettings
from .sdmx.write import write_sdmx


def settings_for(inputs: list[Inputs], prepared: str | None) -> SdmxSettings:
    """One SdmxSettings for all packages; differing [sdmx] sections are an input error."""
    chosen: dict[str, Any] | None = None
    errors = []
    for package in inputs:
        mapping = {k: v for k, v in package.manifest.sdmx.items()}
        mapping.setdefault("agency", package.manifest.agency)
        if chosen is None:
            chosen = mapping
        elif mapping != chosen:
            errors.append(InputError(f"{package.folder.name}/package.toml", None, "sdmx", str(mapping), f"the same [sdmx] settings as the other packages compiled with it ({chosen})"))
    if errors:
        raise InputErrors(errors)
    try:
        return SdmxSettings.from_mapping(chosen or {}, "package.toml [sdmx]", prepared=prepared, environ=os.environ)
    except ValueError as exc:
        raise InputErrors([InputError(f"{inputs[0].folder.name}/package.toml", None, "sdmx", None, str(exc))]) from exc


def write_sdmx_outputs(
    table: pd.DataFrame, inputs: list[Inputs], folder: Path, prepared: str | None, bound: str, version: str, jobs: int = 1
) -> dict[str, Any]:
    """Write every SDMX file into ``folder``; return what report.json should say.

    ``jobs`` > 1: large data messages are validated in worker processes
    (:func:`compiler.sdmx.write.write_sdmx`); the files are the same.
    """
    settings = settings_for(inputs, prepared)
    files = write_sdmx(table, folder, settings, jobs=jobs)
    left_out = write_na_main(table, folder / "na_main.xml", settings, version=version, bound=bound)
    return {
        "files": sorted(str(Path(p).relative_to(folder)) for p in files.values()) + ["na_main.xml"],
        "agency": settings.agency,
        "dsd": settings.dsd_ref,
        "prepared": settings.prepared_text,
        "na_main": {"version": version, "bound": bound, "left_out_series": len(left_out), "left_out": left_out},
    }
