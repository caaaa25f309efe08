"""Add the text-format facets of ESTAT:NA_MAIN to the shipped extracts' ``dsd.csv``.

``min_length`` and ``max_length`` of each component (the ``minLength``/``maxLength`` of
its TextFormat or EnumerationFormat) and, for non-coded components, ``text_type``, as
the SDMX Global Registry's response of 2020-07-30 gives them (the files listed in the
reference library's structures README: NA_MAIN 1.9 in the NAMAIN_IDC_N "with
descendants" file, 1.11 in the NA_DSDs-latest extract). check-sdmx checks values against
them (``FACET_VIOLATION``)::

    python scripts/add_na_main_facets.py <structures folder>
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from lxml import etree

HERE = Path(__file__).resolve().parents[1] / "codelists" / "official"
SOURCES = {
    "1.9": "ESTAT+NAMAIN_IDC_N+1.9+with-descendants+GlobalRegistry-2020-07-30.xml",
    "1.11": "ESTAT+NA_DSDs-latest+GlobalRegistry-2020-07-30.xml",
}


def facets(path: Path, version: str) -> dict[str, dict[str, str]]:
    tree = etree.parse(str(path))
    dsd = next(d for d in tree.iter("{*}DataStructure") if d.get("id") == "NA_MAIN" and d.get("version") == version)
    out = {}
    for component in dsd.iter("{*}Dimension", "{*}TimeDimension", "{*}PrimaryMeasure", "{*}Attribute"):
        fmt = component.find("{*}LocalRepresentation/*")
        if fmt is not None:
            out[component.get("id")] = dict(fmt.attrib)
    return out


def main(structures: Path) -> None:
    for version, name in SOURCES.items():
        found = facets(structures / name, version)
        path = HERE / f"NA_MAIN-{version}" / "dsd.csv"
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        columns = [c for c in rows[0] if c not in ("min_length", "max_length")] + ["min_length", "max_length"]
        for row in rows:
            spec = found.get(row["id"], {})
            row["min_length"], row["max_length"] = spec.get("minLength", ""), spec.get("maxLength", "")
            if not row["codelist"] and spec.get("textType"):
                row["text_type"] = spec["textType"]
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
