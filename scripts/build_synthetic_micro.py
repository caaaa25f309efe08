"""Build ``tests/packages/synthetic_micro/``: the synthetic package with job records.

    python scripts/build_synthetic_micro.py [OUT_DIR]

The package is ``tests/packages/synthetic`` with ``employment.csv`` replaced by job
records (``labour_input = "microdata"``): 2020 and 2021 as CSV, 2022 as Parquet. The
records of each (year, occupation, industry) aggregate *exactly* to its row of
employment.csv: four records with weights E/4, E/4, E/4, E/4 and compensations
c - d, c + d, c - 2d, c + 2d (d = c/10), so that Σ weight = E and
Σ weight × compensation / Σ weight = c, with every weight and compensation exact in
binary and in the fixed-point units of the sums. Hours vary and are not used
(employment in persons); one Parquet record has no hours, which is allowed.

The compensation column is called ``annual_pay`` in the files, mapped in package.toml
``[microdata.columns]``. The output is deterministic: the same script and library
versions give the same bytes.
"""

from __future__ import annotations

import csv
import shutil
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "tests" / "packages" / "synthetic"
COPIED = ("occupations.csv", "industries.csv", "cost_ratios.csv", "macro.csv", "national_accounts.csv")
HOURS = (1800.0, 900.0, 2000.0, 1650.5)
HEADER = ("year", "occupation", "industry", "sector", "weight", "annual_pay", "hours")

MICRODATA = """
# Job records instead of employment.csv (scripts/build_synthetic_micro.py): they
# aggregate exactly to tests/packages/synthetic/employment.csv.
[microdata]
files = ["jobs/*.csv", "jobs/*.parquet"]
employment = "persons"

[microdata.columns]
compensation = "annual_pay"
"""


def records() -> list[tuple]:
    sectors = {row["industry"]: row["sector"] for row in csv.DictReader((SOURCE / "industries.csv").open(encoding="utf-8"))}
    out = []
    with (SOURCE / "employment.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            year, employment, pay = int(row["year"]), float(row["employment"]), float(row["compensation"])
            d = pay / 10
            for k, offset in enumerate((-d, d, -2 * d, 2 * d)):
                out.append((year, row["occupation"], row["industry"], sectors[row["industry"]], employment / 4, pay + offset, HOURS[k]))
    # interleave the cells, as a register would be ordered (by person, not by cell)
    return sorted(out, key=lambda r: (r[0], HOURS.index(r[6]), r[1], r[2]))


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


def build(out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    (out / "jobs").mkdir(parents=True)
    for name in COPIED:
        shutil.copyfile(SOURCE / name, out / name)
    toml = (SOURCE / "package.toml").read_text(encoding="utf-8")
    toml = toml.replace('labour_input = "occupations"', 'labour_input = "microdata"')
    toml = toml.replace("# A tiny synthetic package", "# The synthetic package with job records instead of employment.csv;\n# a tiny synthetic package", 1)
    (out / "package.toml").write_text(toml.rstrip("\n") + "\n" + MICRODATA, encoding="utf-8")
    rows = records()
    for year in (2020, 2021):
        with (out / "jobs" / f"jobs-{year}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(HEADER)
            for r in rows:
                if r[0] == year:
                    writer.writerow([r[0], r[1], r[2], r[3], _number(r[4]), _number(r[5]), _number(r[6])])
    last = [r for r in rows if r[0] == 2022]
    columns = list(zip(*last))
    hours = [None if i == 0 else h for i, h in enumerate(columns[6])]  # a record without hours
    table = pa.table(
        {
            "year": pa.array(columns[0], pa.int16()),
            "occupation": pa.array(columns[1], pa.string()),
            "industry": pa.array(columns[2], pa.string()),
            "sector": pa.array(columns[3], pa.string()),
            "weight": pa.array(columns[4], pa.float64()),
            "annual_pay": pa.array(columns[5], pa.float64()),
            "hours": pa.array(hours, pa.float64()),
        }
    )
    pq.write_table(table, out / "jobs" / "jobs-2022.parquet", compression="none", row_group_size=8)


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "packages" / "synthetic_micro")
