"""Extract the official codelists datasat uses into codelists/official/*.csv.

A maintainer's tool, run by hand when a codelist version changes:

    python scripts/extract_codelists.py ../shared/sdmx/structures

It reads the SDMX Global Registry files with sdmx1 and writes one CSV (id, name) per
codelist plus ``codelists/official/MANIFEST.csv`` (agency, id, version, source file,
code count). The registry files themselves are not copied into the project.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import sdmx

FILES = {
    "CL_FREQ": "SDMX+CL_FREQ+2.1.xml",
    "CL_ADJUSTMENT": "ESTAT+CL_ADJUSTMENT+1.4.xml",
    "CL_AREA": "IMF+CL_AREA+1.17.0.xml",
    "CL_SECTOR": "ESTAT+CL_SECTOR+1.14.xml",
    "CL_ACCOUNT_ENTRY": "IMF+CL_ACCOUNT_ENTRY+1.5.0.xml",
    "CL_NA_STO": "ESTAT+CL_NA_STO+1.16.0.xml",
    "CL_INSTR_ASSET": "ESTAT+CL_INSTR_ASSET+1.14.0.xml",
    "CL_ACTIVITY": "ESTAT+CL_ACTIVITY+1.11.0.xml",
    "CL_COICOP": "ESTAT+CL_COICOP+2.0.xml",
    "CL_UNIT": "IMF+CL_UNIT+1.18.0.xml",
    "CL_NA_PRICES": "ESTAT+CL_NA_PRICES+1.1.xml",
    "CL_TRANSFORMATION": "ESTAT+CL_TRANSFORMATION+1.4.xml",
    "CL_OBS_STATUS": "ESTAT+CL_OBS_STATUS+2.3.xml",
    "CL_CONF_STATUS": "SDMX+CL_CONF_STATUS+1.3.xml",
    "CL_UNIT_MULT": "SDMX+CL_UNIT_MULT+1.1.xml",
    "CL_DECIMALS": "SDMX+CL_DECIMALS+1.0.xml",
    "CL_TIME_FORMAT": "SDMX+CL_TIME_FORMAT+1.0.xml",
}


def main(source: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    manifest = []
    for cl_id, filename in FILES.items():
        msg = sdmx.read_sdmx(source / filename)
        (codelist,) = msg.codelist.values()
        rows = sorted((code.id, str(code.name)) for code in codelist)
        with open(target / f"{cl_id}.csv", "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(["id", "name"])
            writer.writerows(rows)
        manifest.append([codelist.maintainer.id, codelist.id, codelist.version, filename, len(rows)])
    with open(target / "MANIFEST.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["agency", "id", "version", "source_file", "codes"])
        writer.writerows(manifest)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(__file__).resolve().parents[1] / "codelists" / "official")
