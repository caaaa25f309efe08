"""Build the CSV tables of ``fixtures/CA/`` (Canada 2005-2018, after Statistics Canada 2019).

A maintainer's tool, run by hand when the reference series change:

    python scripts/build_ca_fixture.py [MACRO_DIR] [OUT_DIR]

``MACRO_DIR`` defaults to ``../shared/reference/macro`` beside the project root (the
published series, one CSV per series with columns ``year,value,unit,source``); ``OUT_DIR``
to ``fixtures/CA`` beside this script. The generated CSVs are committed, so datasat works
without the reference folder; ``package.toml`` and ``README.md`` are written by hand.
The output is deterministic: the same reference series give byte-identical CSVs.

What is published and what is illustrative (fixtures/CA/README.md has the full table):

* published: GDP at current prices (WDI NY.GDP.MKTP.CN), the GDP deflator (WDI current ÷
  constant GDP, 2015 = 100) used as a stated substitute for the investment price index,
  the exchange rate (FRED AEXCAUS), PPP (WDI PA.NUS.PPP); three ESDC COPS employment
  counts (NOC 1422+1423 in 2016, NOC 2161 and 2172 in 2021); StatCan's global parameters
  as quoted by the seed paper (other costs 50 % of labour, mark-up 3 %) and its 2018
  results (investment CA$29.455-40.025 bn, net stock CA$157-218 bn).
* illustrative: employment of the other occupations and every year other than the
  published ones (constant growth rates of :data:`OCCUPATIONS`), compensation, the split
  of each occupation over industries, the time shares, the national-accounts split.

Calibration: two factors multiply the illustrative time shares, one the low and one the
high bound (all assets and occupations alike), so that the 2018 GFCF in all data assets
equals StatCan's CA$29.455 bn (low) and CA$40.025 bn (high). They are solved here in
closed form (output is linear in the shares) and printed with the achieved figures. The
net stock is not calibrated by a factor: the mix of assets in the illustrative time shares
and the PIM settings of package.toml were chosen so that the 2018 net stock falls within
10 % of CA$157-218 bn (printed below when the compiler is importable).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MACRO = ROOT.parent / "shared" / "reference" / "macro"
DEFAULT_OUT = ROOT / "fixtures" / "CA"
YEARS = range(2005, 2019)
CAL_YEAR = 2018

# --- StatCan 2019 (secondary source: seed paper; methodology.md §1.1, §10) -----------------
TARGET_LOW, TARGET_HIGH = 29.455e9, 40.025e9  # CAD, 2018 investment in data, databases, data science
STOCK_LOW, STOCK_HIGH = 157e9, 218e9  # CAD, 2018 net stock
OTHER_RATIO, MARKUP = 0.50, 0.03
MARKUP_BASE = "costs"  # must agree with package.toml method.markup_base
NON_MARKET = ("S13", "S15")
WAGE_YEAR = 2016  # compensation levels below are for this year
WAGE_GROWTH = 0.025  # illustrative nominal growth of compensation per person, per year

# --- industries (CL_ACTIVITY; Canadian NAICS 2017 in the label) -----------------------------
INDUSTRIES = {
    "C": ("Manufacturing (NAICS 31-33)", "S11"),
    "G": ("Wholesale and retail trade (NAICS 41, 44-45)", "S11"),
    "J": ("Information and cultural industries; computer systems design (NAICS 51, 5415)", "S11"),
    "K": ("Finance and insurance (NAICS 52)", "S12"),
    "M": ("Professional, scientific and technical services except computer systems design (NAICS 54 excl. 5415)", "S11"),
    "O84": ("Public administration (NAICS 91)", "S13"),
    "P85": ("Educational services (NAICS 61)", "S13"),
}

#: Illustrative split of an occupation's employment over the industries (sums to 1).
SPLITS = {
    "ict": {"J": 0.42, "K": 0.14, "M": 0.12, "C": 0.09, "G": 0.08, "O84": 0.10, "P85": 0.05},
    "finance": {"K": 0.60, "M": 0.15, "O84": 0.10, "J": 0.05, "C": 0.05, "G": 0.05},
    "statistics": {"O84": 0.35, "K": 0.20, "M": 0.20, "P85": 0.15, "J": 0.10},
    "clerical": {"G": 0.20, "K": 0.20, "M": 0.20, "O84": 0.20, "C": 0.10, "J": 0.10},
    "archives": {"O84": 0.50, "P85": 0.40, "M": 0.10},
    "marketing": {"M": 0.35, "G": 0.25, "J": 0.15, "C": 0.15, "K": 0.10},
}

# --- occupations (NOC 2016 unit groups, methodology.md §8.1) --------------------------------
# code: (label, split, (anchor year, persons), published source file stem or None,
#        employment growth per year, compensation in WAGE_YEAR (CAD),
#        illustrative time shares before calibration: data low, high, databases low, high,
#        data R&D low, high)
# The anchor is published where a source stem is given, else illustrative. Time shares are
# illustrative (StatCan's table of NOC time shares is not available); their mix of assets
# (about 45 % of GFCF in data, the 25-year asset) sets the net stock/GFCF ratio.
OCCUPATIONS = {
    "0213": ("Computer and information systems managers", "ict", (2016, 62_000), None, 0.035, 125_000, (0.07, 0.10, 0.07, 0.10, 0.04, 0.06)),
    "1112": ("Financial and investment analysts", "finance", (2016, 55_000), None, 0.030, 95_000, (0.16, 0.22, 0.03, 0.04, 0.14, 0.19)),
    "1253": ("Records management technicians", "archives", (2016, 12_000), None, 0.010, 55_000, (0.45, 0.60, 0.20, 0.28, 0.00, 0.00)),
    "1254": ("Statistical officers and related research support occupations", "statistics", (2016, 11_000), None, 0.020, 65_000, (0.45, 0.60, 0.10, 0.14, 0.10, 0.14)),
    "1422": ("Data entry clerks (COPS grouping with 1423 desktop publishing operators)", "clerical", (2016, None), "CA_employment_noc1422_1423_data_entry_desktop_publishing", -0.020, 45_000, (0.70, 0.90, 0.05, 0.08, 0.00, 0.00)),
    "1454": ("Survey interviewers and statistical clerks", "statistics", (2016, 17_000), None, 0.000, 45_000, (0.70, 0.90, 0.05, 0.08, 0.00, 0.00)),
    "2161": ("Mathematicians, statisticians and actuaries", "statistics", (2021, None), "CA_employment_noc2161_mathematicians_statisticians_actuaries", 0.045, 100_000, (0.18, 0.24, 0.05, 0.07, 0.37, 0.50)),
    "2171": ("Information systems analysts and consultants", "ict", (2016, 180_000), None, 0.040, 90_000, (0.08, 0.11, 0.13, 0.18, 0.05, 0.07)),
    "2172": ("Database analysts and data administrators", "ict", (2021, None), "CA_employment_noc2172_database_analysts", 0.050, 88_000, (0.10, 0.13, 0.52, 0.70, 0.05, 0.07)),
    "2173": ("Software engineers and designers", "ict", (2016, 55_000), None, 0.055, 95_000, (0.04, 0.05, 0.07, 0.09, 0.03, 0.04)),
    "2174": ("Computer programmers and interactive media developers", "ict", (2016, 110_000), None, 0.035, 80_000, (0.04, 0.05, 0.07, 0.09, 0.03, 0.04)),
    "4162": ("Economists and economic policy researchers and analysts", "statistics", (2016, 14_000), None, 0.020, 95_000, (0.20, 0.27, 0.03, 0.04, 0.35, 0.48)),
    "4163": ("Business development officers and marketing researchers and consultants", "marketing", (2016, 85_000), None, 0.035, 80_000, (0.15, 0.20, 0.03, 0.04, 0.12, 0.16)),
    "5211": ("Library and public archive technicians", "archives", (2016, 10_000), None, 0.000, 50_000, (0.45, 0.60, 0.20, 0.28, 0.00, 0.00)),
}

# --- national accounts baseline: illustrative shares of GDP (Canada, late 2010s) -------------
NA_SHARES = {
    "P1": 1.85,  # gross output
    "D21X31": 0.07,  # taxes less subsidies on products
    "D1": 0.51,  # compensation of employees
    "D29X39": 0.04,  # other taxes less subsidies on production
    "P51C": 0.16,  # consumption of fixed capital
    "P3": 0.77,  # final consumption expenditure (households, NPISH, government)
    "P51G": 0.23,  # gross fixed capital formation
    "P52": 0.005,  # changes in inventories
    "P6": 0.31,  # exports
}
NA_ORDER = ("P1", "P2", "B1G", "D21X31", "D1", "D29X39", "P51C", "B2A3N", "P3", "P51G", "P52", "P6", "P7", "B1GQ")


def read_series(macro: Path, name: str) -> dict[int, dict[str, str]]:
    """One reference series by year (the files may repeat a row; the values agree)."""
    with open(macro / f"{name}.csv", newline="", encoding="utf-8") as f:
        return {int(r["year"]): r for r in csv.DictReader(f)}


def short_source(row: dict[str, str]) -> str:
    """Publisher and address of a reference row (README.md cites the full title)."""
    parts = [p.strip() for p in row["source"].split(",")]
    return ", ".join([parts[0], *[p for p in parts[1:] if p.startswith("http")]])


def employment(macro: Path) -> dict[str, dict[int, tuple[float, str, bool]]]:
    """Employment (persons) by occupation and year: value, source and whether it is published."""
    out = {}
    for code, (_, _, (anchor_year, anchor), stem, growth, _, _) in OCCUPATIONS.items():
        if stem is not None:
            row = read_series(macro, stem)[anchor_year]
            anchor = float(row["value"])
            origin = f"published ESDC COPS count {anchor:,.0f} in {anchor_year} ({short_source(row)})"
        else:
            origin = f"illustrative level {anchor:,.0f} in {anchor_year}"
        path = {}
        for year in YEARS:
            value = anchor * (1 + growth) ** (year - anchor_year)
            note = origin if year == anchor_year else f"{origin}, {growth:+.1%} a year (illustrative)"
            path[year] = (value, note, stem is not None and year == anchor_year)
        out[code] = path
    return out


def compensation(code: str, year: int) -> float:
    return OCCUPATIONS[code][5] * (1 + WAGE_GROWTH) ** (year - WAGE_YEAR)


def rows_of_employment(emp) -> list[tuple[int, str, str, int, int, str]]:
    """(year, occupation, industry, persons, compensation, source) as written to employment.csv."""
    rows = []
    for year in YEARS:
        for code, (_, split, *_rest) in OCCUPATIONS.items():
            value, note, _ = emp[code][year]
            for ind, share in SPLITS[split].items():
                rows.append((
                    year, code, ind, round(value * share), round(compensation(code, year)),
                    f"employment illustrative: industry split {share:g} ({split}) of the occupation's {note} | "
                    f"compensation illustrative: CAD {OCCUPATIONS[code][5]:,} in {WAGE_YEAR}, {WAGE_GROWTH:+.1%} a year",
                ))
    return rows


def gfcf(rows, shares: dict[str, tuple[float, ...]], year: int) -> dict[str, dict[str, float]]:
    """GFCF (CAD) by bound and asset by the compiler's formula (own account = 1, no capital/IC ratio)."""
    out = {b: {"data": 0.0, "databases": 0.0, "data_rd": 0.0} for b in ("low", "high")}
    for y, occ, ind, persons, comp, _ in rows:
        if y != year:
            continue
        market = INDUSTRIES[ind][1] not in NON_MARKET
        factor = (1 + OTHER_RATIO) * (1 + (MARKUP if market else 0.0)) if MARKUP_BASE == "costs" else (1 + OTHER_RATIO + (MARKUP if market else 0.0))
        t = shares[occ]
        for k, asset in enumerate(("data", "databases", "data_rd")):
            out["low"][asset] += persons * comp * t[2 * k] * factor
            out["high"][asset] += persons * comp * t[2 * k + 1] * factor
    return out


def calibrated_shares(rows) -> tuple[dict[str, tuple[float, ...]], float, float]:
    base = {code: occ[6] for code, occ in OCCUPATIONS.items()}
    g = gfcf(rows, base, CAL_YEAR)
    f_low = TARGET_LOW / sum(g["low"].values())
    f_high = TARGET_HIGH / sum(g["high"].values())
    f_low, f_high = round(f_low, 4), round(f_high, 4)
    shares = {}
    for code, t in base.items():
        scaled = tuple(round(v * (f_low if k % 2 == 0 else f_high), 4) for k, v in enumerate(t))
        assert all(lo <= hi for lo, hi in zip(scaled[::2], scaled[1::2])), code
        assert sum(scaled[::2]) <= 1 and sum(scaled[1::2]) <= 1, (code, scaled)
        shares[code] = scaled
    return shares, f_low, f_high


def write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def national_accounts(gdp: dict[int, float], gdp_source: str) -> list[list[object]]:
    """Baseline S1 accounts: published GDP, illustrative split; the three approaches agree exactly."""
    rows = []
    for year, g in sorted(gdp.items()):
        v = {sto: round(share * g) for sto, share in NA_SHARES.items()}
        v["B1GQ"] = g
        v["B1G"] = g - v["D21X31"]
        v["P2"] = v["P1"] - v["B1G"]
        v["B2A3N"] = v["B1G"] - v["D1"] - v["D29X39"] - v["P51C"]
        v["P7"] = v["P3"] + v["P51G"] + v["P52"] + v["P6"] - g
        for sto in NA_ORDER:
            if sto == "B1GQ":
                source = f"published: {gdp_source} (as macro.csv)"
            elif sto in NA_SHARES:
                source = f"illustrative: {NA_SHARES[sto]:g} x published GDP (scripts/build_ca_fixture.py)"
            else:
                source = "illustrative: identity or residual of the illustrative split (scripts/build_ca_fixture.py)"
            rows.append([year, sto, int(v[sto]), source])
    return rows


def main(argv: list[str]) -> int:
    macro = Path(argv[1]) if len(argv) > 1 else DEFAULT_MACRO
    out = Path(argv[2]) if len(argv) > 2 else DEFAULT_OUT
    out.mkdir(parents=True, exist_ok=True)

    gdp = read_series(macro, "CA_gdp_nominal_lcu")
    deflator = read_series(macro, "CA_gdp_deflator_computed")
    fx = read_series(macro, "CA_fx_cad_per_usd")
    ppp = read_series(macro, "CA_ppp_gdp")

    for split in SPLITS.values():
        assert abs(sum(split.values()) - 1) < 1e-12
    emp = employment(macro)
    emp_rows = rows_of_employment(emp)
    shares, f_low, f_high = calibrated_shares(emp_rows)

    # --- write the tables --------------------------------------------------------------------
    write(out / "industries.csv", ["industry", "label", "sector"], [[c, label, sector] for c, (label, sector) in INDUSTRIES.items()])
    write(
        out / "occupations.csv",
        ["occupation", "label", "data_low", "data_high", "databases_low", "databases_high", "data_rd_low", "data_rd_high", "source"],
        [
            [code, occ[0], *(f"{v:g}" for v in shares[code]),
             f"illustrative: time shares set for this fixture x calibration factors {f_low:g} (low) and {f_high:g} (high); StatCan's table of NOC time shares is not available"]
            for code, occ in OCCUPATIONS.items()
        ],
    )
    write(out / "employment.csv", ["year", "occupation", "industry", "employment", "compensation", "source"], [list(r) for r in emp_rows])
    write(
        out / "cost_ratios.csv",
        ["year", "industry", "capital_ratio", "intermediate_ratio", "other_ratio", "markup", "source"],
        [[y, "_T", 0, 0, OTHER_RATIO, MARKUP, "published (secondary source: seed paper, quoting StatCan 2019): other costs 50 % of labour cost, mark-up 3 %; not split into capital and intermediate consumption"] for y in YEARS],
    )
    rows = []
    for y in YEARS:
        rows.append([
            y, gdp[y]["value"], deflator[y]["value"], fx[y]["value"], ppp[y]["value"],
            f"gdp published: {gdp[y]['source']} | investment_price_index substitute: GDP deflator, published WDI current / constant GDP, "
            f"2015=100 ({deflator[y]['source']}); no Canadian investment deflator for data is available here | "
            f"usd_exchange_rate published: {fx[y]['source']} | ppp published: {ppp[y]['source']}",
        ])
    write(out / "macro.csv", ["year", "gdp", "investment_price_index", "usd_exchange_rate", "ppp", "source"], rows)
    write(
        out / "national_accounts.csv",
        ["year", "sto", "value", "source"],
        national_accounts({y: int(gdp[y]["value"]) for y in YEARS}, gdp[CAL_YEAR]["source"]),
    )

    # --- report ------------------------------------------------------------------------------
    print(f"calibration factors on the illustrative time shares: low {f_low}, high {f_high}")
    print("year  low(CAD m)  high(CAD m)  low%GDP  high%GDP   data share (low)")
    previous = None
    for y in YEARS:
        g = gfcf(emp_rows, shares, y)
        low, high = sum(g["low"].values()), sum(g["high"].values())
        growth = f"  {low / previous - 1:+.1%}" if previous else ""
        previous = low
        print(f"{y}  {low / 1e6:10,.0f}  {high / 1e6:11,.0f}  {low / float(gdp[y]['value']) * 100:7.2f}  {high / float(gdp[y]['value']) * 100:8.2f}   {g['low']['data'] / low:.3f}{growth}")
    g = gfcf(emp_rows, shares, CAL_YEAR)
    low, high = sum(g["low"].values()), sum(g["high"].values())
    print(f"{CAL_YEAR} vs StatCan: low {low / TARGET_LOW - 1:+.2%}, high {high / TARGET_HIGH - 1:+.2%} (tolerance 2 %)")
    first = sum(gfcf(emp_rows, shares, YEARS[0])["low"].values())
    print(f"average growth of nominal GFCF {YEARS[0]}-{CAL_YEAR}: {(low / first) ** (1 / (CAL_YEAR - YEARS[0])) - 1:+.2%} a year")
    if not (out / "package.toml").is_file():  # e.g. a scratch folder: nothing to compile
        return 0
    try:  # the stock needs the PIM: compile the fixture if the compiler is importable
        sys.path.insert(0, str(ROOT))
        from compiler import table as tbl
        from compiler.pipeline import compile_package
    except ImportError:
        return 0
    table = compile_package(out).table
    for bound, target in (("low", STOCK_LOW), ("high", STOCK_HIGH)):
        for asset in ("N117DN", "N11733N", "N11732N", "N11711N"):
            value = tbl.select(table, STO="LE", INSTR_ASSET=asset, TIME_PERIOD=str(CAL_YEAR), BOUND=bound, ACTIVITY="_T", REF_SECTOR="S1", UNIT_MEASURE="XDC", PRICES="V")[tbl.VALUE].iloc[0]
            extra = f"  vs StatCan {value * 1e6 / target - 1:+.2%} (tolerance 10 %)" if asset == "N117DN" else ""
            print(f"{CAL_YEAR} net stock {asset} {bound}: CAD {value / 1e3:,.1f} bn{extra}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
