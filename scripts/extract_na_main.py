"""Extract the pinned ESTAT:NA_MAIN structures (DSD + codelists) into the project.

A maintainer's tool, run by hand when a NA_MAIN version is added:

    python scripts/extract_na_main.py ../shared/sdmx/structures

For each version in :data:`VERSIONS` it writes ``codelists/official/NA_MAIN-<version>/``:

* ``dsd.csv``: one row per component: position, id, kind (dimension, time, measure,
  attribute), codelist (the *pinned* ``agency:id(version)``), text_type, assignment
  status, attachment level (Observation, Series, DataSet; SDMX 2.1 Standard, Section 2
  "Information Model", §3.4 "Data Structure Definition").
* ``<agency>+<id>+<version>.csv`` (id,name) for every pinned codelist, in the version
  shipped (see ``match`` in the manifest).
* ``MANIFEST.csv``: agency, id, pinned_version, version (shipped), match
  (``exact`` / ``older`` = nearest older version available / ``newer`` = only a newer
  version was available), source_file, codes.
* ``NOTES.md`` whenever a codelist is not ``exact``: the check against that version is
  approximate for those codelists.

NA_MAIN pins exact codelist versions (sdmx.md §3.1-3.2): a code added in a newer
codelist is invalid under an older DSD, so a shipped version that is *newer* than the
pinned one may accept codes the registry would reject, and an *older* one may reject
codes the registry would accept.

Sources (read with sdmx1, never copied into the project):

* 1.9: the DSD and all its codelists from the self-contained
  ``ESTAT+NAMAIN_IDC_N+1.9+with-descendants+GlobalRegistry-2020-07-30.xml``.
* 1.11: the DSD from ``ESTAT+NA_DSDs-latest+GlobalRegistry-2020-07-30.xml`` (codelists
  by reference only; the pinned versions come from ``ESTAT+NA_MAIN+1.11.components.csv``),
  codelists from whichever file in the folder holds the nearest version.
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import sdmx

NA_MAIN_19 = "ESTAT+NAMAIN_IDC_N+1.9+with-descendants+GlobalRegistry-2020-07-30.xml"
NA_DSDS_LATEST = "ESTAT+NA_DSDs-latest+GlobalRegistry-2020-07-30.xml"
NA_MAIN_111_COMPONENTS = "ESTAT+NA_MAIN+1.11.components.csv"
VERSIONS = ("1.9", "1.11")
DSD_COLUMNS = ("position", "id", "kind", "codelist", "text_type", "assignment_status", "attachment")
MANIFEST_COLUMNS = ("agency", "id", "pinned_version", "version", "match", "source_file", "codes")
_REF = re.compile(r"^(?P<agency>[^:]+):(?P<id>[^(]+)\((?P<version>[^)]+)\)$")


@dataclass(frozen=True)
class Codelist:
    agency: str
    id: str
    version: str
    source_file: str
    codes: tuple[tuple[str, str], ...]  # (id, name), sorted


def version_key(version: str) -> tuple[int, ...]:
    """``"1.14.0"`` -> ``(1, 14, 0)``; trailing zeros are dropped so 1.1 == 1.1.0."""
    parts = [int(p) for p in version.split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def parse_ref(ref: str) -> tuple[str, str, str]:
    match = _REF.match(ref)
    if not match:
        raise ValueError(f"not an agency:id(version) reference: {ref!r}")
    return match["agency"], match["id"], match["version"]


def collect_codelists(source: Path) -> dict[tuple[str, str], dict[str, Codelist]]:
    """Every full codelist in the folder: ``(agency, id) -> {version: Codelist}``."""
    found: dict[tuple[str, str], dict[str, Codelist]] = {}
    for path in sorted(source.glob("*.xml")):
        if path.name == NA_DSDS_LATEST:
            continue  # codelists by reference only
        msg = sdmx.read_sdmx(path)
        for cl in msg.codelist.values():
            if cl.is_external_reference or not len(cl):
                continue
            codes = tuple(sorted((code.id, str(code.name)) for code in cl))
            entry = Codelist(cl.maintainer.id, cl.id, cl.version, path.name, codes)
            found.setdefault((entry.agency, entry.id), {}).setdefault(entry.version, entry)
    return found


def choose(
    available: dict[tuple[str, str], dict[str, Codelist]], agency: str, cl_id: str, pinned: str
) -> tuple[Codelist, str]:
    """The pinned version if present, else the nearest older one, else the oldest newer one."""
    versions = available.get((agency, cl_id), {})
    if not versions:
        raise LookupError(f"no version of {agency}:{cl_id} in the source folder")
    want = version_key(pinned)
    for version, entry in versions.items():
        if version_key(version) == want:
            return entry, "exact"
    older = [v for v in versions if version_key(v) < want]
    if older:
        return versions[max(older, key=version_key)], "older"
    newer = [v for v in versions if version_key(v) > want]
    return versions[min(newer, key=version_key)], "newer"


def _attachment(attribute: object) -> str:
    kind = type(getattr(attribute, "related_to", None)).__name__
    return {
        "PrimaryMeasureRelationship": "Observation",
        "DimensionRelationship": "Series",
        "NoSpecifiedRelationship": "DataSet",
        "GroupRelationship": "Group",
    }.get(kind, kind)


def _text_type(component: object) -> str:
    rep = getattr(component, "local_representation", None)
    facets = getattr(rep, "non_enumerated", None) or []
    for facet in facets:
        if facet.value_type is not None:
            name = facet.value_type.name  # sdmx1 spells XSD type names in lowerCamelCase
            return name[0].upper() + name[1:]
    return ""


def dsd_rows_from_sdmx(dsd: object) -> list[dict[str, str]]:
    """dsd.csv rows from a fully resolved sdmx1 DataStructureDefinition (NA_MAIN 1.9)."""
    rows = []
    for component in dsd.dimensions.components:
        kind = "time" if type(component).__name__ == "TimeDimension" else "dimension"
        rows.append(_row(component, kind, str(component.order)))
    for component in dsd.measures.components:
        rows.append(_row(component, "measure", ""))
    for component in dsd.attributes.components:
        row = _row(component, "attribute", "")
        row["assignment_status"] = component.usage_status.name.capitalize()
        row["attachment"] = _attachment(component)
        rows.append(row)
    return rows


def _row(component: object, kind: str, position: str) -> dict[str, str]:
    rep = component.local_representation
    enum = getattr(rep, "enumerated", None)
    codelist = f"{enum.maintainer.id}:{enum.id}({enum.version})" if enum is not None else ""
    return {
        "position": position,
        "id": component.id,
        "kind": kind,
        "codelist": codelist,
        "text_type": "" if codelist else _text_type(component),
        "assignment_status": "",
        "attachment": "",
    }


def dsd_rows_from_components_csv(path: Path, dsd: object) -> list[dict[str, str]]:
    """dsd.csv rows from the components table; dimension order checked against the DSD."""
    kinds = {"Dimension": "dimension", "TimeDimension": "time", "PrimaryMeasure": "measure", "Attribute": "attribute"}
    rows = []
    with open(path, newline="", encoding="utf-8") as f:
        for rec in csv.DictReader(f):
            text = dict(p.split("=", 1) for p in rec["text_format"].split(";") if "=" in p)
            rows.append(
                {
                    "position": rec["position"],
                    "id": rec["id"],
                    "kind": kinds[rec["component_type"]],
                    "codelist": rec["enumeration"],
                    "text_type": text.get("textType", ""),
                    "assignment_status": rec["assignment_status"],
                    "attachment": rec["attachment"].replace(" (all dimensions)", ""),
                }
            )
    csv_order = [r["id"] for r in rows if r["kind"] in ("dimension", "time")]
    xml_order = [c.id for c in dsd.dimensions.components]
    if csv_order != xml_order:
        raise ValueError(f"{path.name} dimension order {csv_order} differs from the DSD {xml_order}")
    xml_attributes = [c.id for c in dsd.attributes.components]
    if [r["id"] for r in rows if r["kind"] == "attribute"] != xml_attributes:
        raise ValueError(f"{path.name} attributes differ from the DSD {xml_attributes}")
    return rows


def _write_csv(path: Path, header: Iterable[str], rows: Iterable[Iterable[str]]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(list(header))
        writer.writerows(rows)
    tmp.replace(path)


def write_version(
    version: str,
    dsd_rows: list[dict[str, str]],
    available: dict[tuple[str, str], dict[str, Codelist]],
    target: Path,
    dsd_source: str,
) -> list[list[str]]:
    """Write one ``NA_MAIN-<version>`` folder; return the manifest rows."""
    folder = target / f"NA_MAIN-{version}"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.csv"):
        old.unlink()
    _write_csv(folder / "dsd.csv", DSD_COLUMNS, ([r[c] for c in DSD_COLUMNS] for r in dsd_rows))
    manifest: list[list[str]] = []
    pinned_refs = sorted({r["codelist"] for r in dsd_rows if r["codelist"]})
    for ref in pinned_refs:
        agency, cl_id, pinned = parse_ref(ref)
        entry, match = choose(available, agency, cl_id, pinned)
        _write_csv(folder / f"{agency}+{cl_id}+{entry.version}.csv", ("id", "name"), entry.codes)
        manifest.append([agency, cl_id, pinned, entry.version, match, entry.source_file, str(len(entry.codes))])
    _write_csv(folder / "MANIFEST.csv", MANIFEST_COLUMNS, manifest)
    notes = folder / "NOTES.md"
    inexact = [m for m in manifest if m[4] != "exact"]
    if inexact:
        notes.write_text(_notes(version, dsd_source, inexact, available), encoding="utf-8")
    elif notes.exists():
        notes.unlink()
    return manifest


def _notes(
    version: str,
    dsd_source: str,
    inexact: list[list[str]],
    available: dict[tuple[str, str], dict[str, Codelist]],
) -> str:
    lines = [
        f"# ESTAT:NA_MAIN({version}): codelists not available in the pinned version",
        "",
        f"DSD from `{dsd_source}`. The registry files available to the project do not hold",
        "every codelist version this DSD pins. For the codelists below the extract ships",
        "another version, so **the check against NA_MAIN " + version + " is approximate for them**:",
        "",
        "* `older`: the nearest older version. Codes added between it and the pinned version",
        "  are wrongly reported as not in the codelist (false alarms, safe side).",
        "* `newer`: no older version exists, so the oldest newer one is used. Codes added",
        "  after the pinned version are wrongly accepted (misses); check them by hand.",
        "",
        "| codelist | pinned | shipped | match | source file | codes |",
        "|---|---|---|---|---|---|",
    ]
    for agency, cl_id, pinned, shipped, match, source, codes in inexact:
        lines.append(f"| {agency}:{cl_id} | {pinned} | {shipped} | **{match}** | `{source}` | {codes} |")
    for agency, cl_id, pinned, _, match, _, _ in inexact:
        twins = [f"{a}:{i}({v})" for (a, i), versions in available.items() for v in versions
                 if i == cl_id and a != agency and version_key(v) == version_key(pinned)]
        if match == "newer" and twins:
            lines += ["", f"{agency}:{cl_id}({pinned}) is not available, but {', '.join(twins)} (another",
                      "maintainer, same id and version) is; it is not used because the DSD names the",
                      f"{agency} codelist. Compare the two before relying on the {agency}:{cl_id} check."]
    lines += [
        "",
        "Generated by `scripts/extract_na_main.py`; do not edit by hand. Replace with the",
        "exact versions from the SDMX Global Registry",
        "(`https://registry.sdmx.org/ws/public/sdmxapi/rest/datastructure/ESTAT/NA_MAIN/"
        + version
        + "?references=children`) when they are available, and rerun the script.",
        "",
    ]
    return "\n".join(lines)


def main(source: Path, target: Path) -> None:
    available = collect_codelists(source)
    msg19 = sdmx.read_sdmx(source / NA_MAIN_19)
    write_version("1.9", dsd_rows_from_sdmx(msg19.structure["ESTAT:NA_MAIN(1.9)"]), available, target, NA_MAIN_19)
    latest = sdmx.read_sdmx(source / NA_DSDS_LATEST)
    (dsd111,) = [d for d in latest.structure.values() if d.id == "NA_MAIN" and d.version == "1.11"]
    rows = dsd_rows_from_components_csv(source / NA_MAIN_111_COMPONENTS, dsd111)
    write_version("1.11", rows, available, target, f"{NA_DSDS_LATEST}` / `{NA_MAIN_111_COMPONENTS}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(__file__).resolve().parents[1] / "codelists" / "official")
