"""The pinned official ESTAT:NA_MAIN structures shipped with the project.

ESTAT:NA_MAIN pins exact codelist versions (sdmx.md §3.1-3.2): a code added in a newer
codelist is invalid under an older DSD. ``scripts/extract_na_main.py`` extracts each
supported version into ``codelists/official/NA_MAIN-<version>/`` (``dsd.csv``, one
``<agency>+<id>+<version>.csv`` per codelist, ``MANIFEST.csv``, and ``NOTES.md`` when a
pinned codelist version was not available). :func:`load_na_main` reads such a folder.

:class:`OfficialDsd` is also the neutral DSD model of :mod:`compiler.outputs.sdmx.check`, which
builds one from any SDMX-ML structure message (SDMX 2.1 section 2, Information Model,
§5.3: dimensions, time dimension, primary measure, attributes with assignment status
and attachment level).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from types import MappingProxyType

from compiler.resources import codelists_dir

#: NA_MAIN version -> the dataflow exchanges use for it (SDMX Global Registry, 2020-07-30:
#: ESTAT:NAMAIN_IDC_N(1.9) on ESTAT:NA_MAIN(1.9), the international data cooperation flow).
DATAFLOWS: dict[str, tuple[str, str]] = {"1.9": ("NAMAIN_IDC_N", "1.9")}

#: Attachment levels (SDMX 2.1 section 2 §5.3.2: attribute relationship).
OBSERVATION, SERIES, DATASET, GROUP = "Observation", "Series", "DataSet", "Group"
MANDATORY = "Mandatory"


@dataclass(frozen=True)
class Component:
    """One DSD component; ``codelist`` is the pinned ``agency:id(version)`` or ``""``."""

    id: str
    kind: str  # "dimension", "time", "measure" or "attribute"
    position: int | None = None
    codelist: str = ""
    text_type: str = ""
    status: str = ""  # attributes: "Mandatory" or "Conditional"
    attachment: str = ""  # attributes: Observation, Series, DataSet or Group
    min_length: int | None = None  # text-format facets (TextFormat minLength / maxLength)
    max_length: int | None = None
    pattern: str = ""

    @property
    def mandatory(self) -> bool:
        return self.status == MANDATORY


@dataclass(frozen=True)
class OfficialDsd:
    """A DSD with its codelists: ``codelists`` maps ``agency:id(version)`` to codes.

    ``approximations`` maps a pinned codelist reference to a note (shipped version and
    ``older``/``newer``) when the exact version was not available; ``missing`` lists
    codelists referenced but not available at all (their codes are not checked).
    """

    agency: str
    id: str
    version: str
    dimensions: tuple[Component, ...]
    time_dimension: Component
    measure: Component
    attributes: tuple[Component, ...]
    codelists: Mapping[str, frozenset[str]]
    approximations: Mapping[str, str] = field(default_factory=dict)
    missing: tuple[str, ...] = ()
    #: ``AGENCY:ID(VERSION)`` of the dataflows known to use this DSD (a message may
    #: reference one of them instead of the DSD itself).
    dataflows: tuple[str, ...] = ()

    @property
    def urn_ref(self) -> str:
        return f"{self.agency}:{self.id}({self.version})"

    @property
    def dimension_ids(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.dimensions)

    @cached_property
    def components(self) -> dict[str, Component]:
        """Every component by id (dimensions, time, measure, attributes)."""
        return {c.id: c for c in (*self.dimensions, self.time_dimension, self.measure, *self.attributes)}

    def codes(self, component_id: str) -> frozenset[str] | None:
        """The codes allowed for a component, or ``None`` if it is not coded / unknown."""
        component = self.components.get(component_id)
        if component is None or not component.codelist:
            return None
        return self.codelists.get(component.codelist)


class UnknownVersionError(LookupError):
    """No shipped extract for the requested NA_MAIN version."""


def official_dir() -> Path:
    return codelists_dir() / "official"


def available_versions() -> list[str]:
    """NA_MAIN versions shipped, oldest first (e.g. ``["1.9", "1.11"]``)."""
    found = [p.name.removeprefix("NA_MAIN-") for p in official_dir().glob("NA_MAIN-*") if (p / "dsd.csv").is_file()]
    return sorted(found, key=lambda v: tuple(int(x) for x in v.split(".")))


def normalise_version(version: str) -> str:
    """``"1.9"``, ``"NA_MAIN-1.9"``, ``"ESTAT:NA_MAIN(1.9)"`` -> ``"1.9"``."""
    v = version.strip()
    if v.startswith("ESTAT:NA_MAIN(") and v.endswith(")"):
        return v[len("ESTAT:NA_MAIN(") : -1]
    for prefix in ("NA_MAIN-", "NA_MAIN:", "NA_MAIN"):
        if v.startswith(prefix):
            return v[len(prefix) :]
    return v


def load_na_main(version: str) -> OfficialDsd:
    """The shipped ESTAT:NA_MAIN(``version``) DSD and its pinned codelists.

    Raises :class:`UnknownVersionError` listing the available versions.
    """
    return _load(normalise_version(version))


@cache
def _load(version: str) -> OfficialDsd:
    folder = official_dir() / f"NA_MAIN-{version}"
    if not (folder / "dsd.csv").is_file():
        shipped = ", ".join(available_versions()) or "none"
        raise UnknownVersionError(
            f"no ESTAT:NA_MAIN({version}) extract in {official_dir()}; available versions: {shipped}"
        )
    components = [_component(r) for r in _read_csv(folder / "dsd.csv")]
    codelists: dict[str, frozenset[str]] = {}
    approximations: dict[str, str] = {}
    for rec in _read_csv(folder / "MANIFEST.csv"):
        ref = f"{rec['agency']}:{rec['id']}({rec['pinned_version']})"
        path = folder / f"{rec['agency']}+{rec['id']}+{rec['version']}.csv"
        codelists[ref] = frozenset(r["id"] for r in _read_csv(path))
        if rec["match"] != "exact":
            approximations[ref] = f"checked against version {rec['version']} ({rec['match']}; see NOTES.md)"
    by_kind = {k: [c for c in components if c.kind == k] for k in ("dimension", "time", "measure", "attribute")}
    missing = tuple(sorted({c.codelist for c in components if c.codelist and c.codelist not in codelists}))
    return OfficialDsd(
        agency="ESTAT",
        id="NA_MAIN",
        version=version,
        dimensions=tuple(sorted(by_kind["dimension"], key=lambda c: c.position or 0)),
        time_dimension=by_kind["time"][0],
        measure=by_kind["measure"][0],
        attributes=tuple(by_kind["attribute"]),
        codelists=MappingProxyType(codelists),
        approximations=MappingProxyType(approximations),
        missing=missing,
        dataflows=(f"ESTAT:{DATAFLOWS[version][0]}({DATAFLOWS[version][1]})",) if version in DATAFLOWS else (),
    )


def _component(rec: dict[str, str]) -> Component:
    return Component(
        id=rec["id"],
        kind=rec["kind"],
        position=int(rec["position"]) if rec["position"] else None,
        codelist=rec["codelist"],
        text_type=rec["text_type"],
        status=rec["assignment_status"],
        attachment=rec["attachment"],
        min_length=int(rec["min_length"]) if rec.get("min_length") else None,
        max_length=int(rec["max_length"]) if rec.get("max_length") else None,
    )


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))
