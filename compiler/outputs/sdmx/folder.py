"""The SDMX projection of the canonical table: OUT/sdmx/ (structures, data, the NA_MAIN messages).

Settings (agency, ids, versions) come from the ``[sdmx]`` section of the packages'
package.toml; packages compiled together must agree on them, since they share one
structure. ``na_main-low.xml`` and ``na_main-high.xml`` carry the main aggregates after capitalising
data assets under ESTAT:NA_MAIN keys (:mod:`compiler.outputs.sdmx.na_main_select`); what they
leave out is counted by reason in report.json.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd

from compiler.inputs import InputError, InputErrors, Inputs
from compiler.outputs.plan import OutputPlan, resolve
from compiler.outputs.sdmx.na_main import write_na_main
from compiler.outputs.sdmx.na_main_select import PackageFacts
from compiler.outputs.sdmx.settings import SdmxSettings
from compiler.outputs.sdmx.partitioned import Sink
from compiler.outputs.sdmx.write import write_sdmx_files


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


def package_facts(inputs: list[Inputs]) -> list[PackageFacts]:
    """REF_AREA, all-data asset code and provenance of each package (for NA_MAIN)."""
    return [PackageFacts(p.manifest.ref_area, p.manifest.classification["all_data"] + "G", p.manifest.provenance) for p in inputs]


def write_sdmx_outputs(
    table: pd.DataFrame, inputs: list[Inputs], folder: Path, prepared: str | None, bounds: tuple[str, ...], version: str, jobs: int = 1,
    plan: OutputPlan | None = None, sink: Sink | None = None,
) -> dict[str, Any]:
    """Write every SDMX file into ``folder``; return what report.json should say.

    ``bounds``: the NA_MAIN messages to write (``na_main-<bound>.xml``). ``plan``: the data
    formats and the validation (default: :func:`compiler.outputs.plan.resolve` for this many
    packages: the five formats in full for a few, the bulk default for many). ``jobs`` > 1:
    large data messages are written and validated in worker processes
    (:func:`compiler.outputs.sdmx.write.write_sdmx_files`); the files are the same.
    ``sink``: called with each country's rows as Arrow on the way (observations.parquet).
    """
    bounds = (bounds,) if isinstance(bounds, str) else tuple(bounds)
    plan = plan or resolve(len(inputs))
    settings = settings_for(inputs, prepared)
    written = write_sdmx_files(table, folder, settings, jobs=jobs, kinds=plan.kinds, validation=plan.validation, sink=sink)
    files = written.paths
    na_main = write_na_main(table, folder, settings, package_facts(inputs), version=version, bounds=bounds)
    return {
        "files": sorted(str(Path(p).relative_to(folder)) for p in files.values()) + [f"na_main-{b}.xml" for b in bounds] + [na_main["left_out_file"]],
        "agency": settings.agency,
        "dsd": settings.dsd_ref,
        "prepared": settings.prepared_text,
        "formats": list(plan.formats),
        "validation": written.validation,
        "na_main": na_main,
    }
