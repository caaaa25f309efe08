"""Write fixtures/CN/national_accounts.csv: the baseline for the GDP effect of capitalising data.

GDP (B1GQ) is published (WDI NY.GDP.MKTP.CN, as fixtures/CN/macro.csv). Its split into the
components of the three approaches is ILLUSTRATIVE: round shares of GDP close to China's
2010s structure, no published table of ours holds them. The script keeps the three
approaches exactly consistent: B1G = P1 - P2, GDP = B1G + D21X31, B2A3N and P7 are residuals.

    python scripts/build_cn_national_accounts.py
"""

from __future__ import annotations

import csv
from pathlib import Path

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "CN"
SHARES = {  # of GDP, illustrative
    "P1": 2.90,  # gross output (input-output tables give about 2.9-3.1 for China)
    "D21X31": 0.06,  # taxes less subsidies on products
    "D1": 0.52,  # compensation of employees
    "D29X39": 0.07,  # other taxes less subsidies on production
    "P51C": 0.13,  # consumption of fixed capital
    "P3": 0.54,  # final consumption expenditure
    "P51G": 0.42,  # gross fixed capital formation
    "P52": 0.02,  # changes in inventories
    "P6": 0.20,  # exports
}


def main() -> None:
    with open(FIXTURE / "macro.csv", encoding="utf-8", newline="") as f:
        gdp = {int(r["year"]): float(r["gdp"]) for r in csv.DictReader(f)}
    rows = []
    for year, g in sorted(gdp.items()):
        v = {sto: round(share * g) for sto, share in SHARES.items()}
        v["B1GQ"] = g
        v["B1G"] = g - v["D21X31"]
        v["P2"] = v["P1"] - v["B1G"]
        v["B2A3N"] = v["B1G"] - v["D1"] - v["D29X39"] - v["P51C"]
        v["P7"] = v["P3"] + v["P51G"] + v["P52"] + v["P6"] - g
        for sto in ("P1", "P2", "B1G", "D21X31", "D1", "D29X39", "P51C", "B2A3N", "P3", "P51G", "P52", "P6", "P7", "B1GQ"):
            source = "published: WDI NY.GDP.MKTP.CN (as macro.csv)" if sto == "B1GQ" else "illustrative: share of published GDP or residual (scripts/build_cn_national_accounts.py)"
            rows.append([year, sto, repr(float(v[sto])) if sto == "B1GQ" else int(v[sto]), source])
    with open(FIXTURE / "national_accounts.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["year", "sto", "value", "source"])
        writer.writerows(rows)


if __name__ == "__main__":
    main()
