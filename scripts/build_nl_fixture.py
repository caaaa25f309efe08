"""Build the CSV tables of ``fixtures/NL/`` (Netherlands 2001-2017, after CBS 2020).

A maintainer's tool, run by hand when the reference series change:

    python scripts/build_nl_fixture.py [MACRO_DIR] [OUT_DIR]

``MACRO_DIR`` defaults to ``../shared/reference/macro`` beside the project root (the
published series, one CSV per series with columns ``year,value,unit,source``); ``OUT_DIR``
to ``fixtures/NL`` beside this script. The generated CSVs are committed, so datasat works
without the reference folder; ``package.toml`` and ``README.md`` are written by hand.
The output is deterministic: the same reference series give byte-identical CSVs.

What is published and what is illustrative (fixtures/NL/README.md has the full table):

* published: GDP at current prices (WDI NY.GDP.MKTP.CN), the GDP deflator (WDI current ÷
  constant GDP, 2015 = 100) used as a stated substitute for the investment price index,
  the exchange rate (FRED AEXUSEU, inverted to EUR per USD), PPP (WDI PA.NUS.PPP); CBS
  StatLine 83359NED 2017 totals (employed labour force 8,579,000; BRC 2014 class 08 ICT
  occupations 347,000); CBS's other-cost ratio of 60 % and its 2017 result (investment in
  data, databases and data science EUR 15.6-20 bn).
* illustrative: the split of the 2017 totals over ISCO-08 unit groups, employment in every
  other year (constant growth rates of :data:`OCCUPATIONS`), compensation, the split over
  industries, the time shares, the mark-up (CBS adds one, its value is not known here: the
  StatCan 3 % is borrowed) and the national-accounts split.

Calibration: two factors multiply the illustrative time shares, one the low and one the
high bound (all assets and occupations alike), so that the 2017 GFCF in all data assets
equals CBS's EUR 15.6 bn (low) and EUR 20 bn (high). They are solved here in closed form
(output is linear in the shares) and printed with the achieved figures.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MACRO = ROOT.parent / "shared" / "reference" / "macro"
DEFAULT_OUT = ROOT / "fixtures" / "NL"
YEARS = range(2001, 2018)
CAL_YEAR = 2017

# --- CBS 2020 (published: CBS 2020 ch. 4.1 and 5; methodology.md §6.2, §9) ------------------
TARGET_LOW, TARGET_HIGH = 15.6e9, 20.0e9  # EUR, 2017 investment in data, databases, data science
OTHER_RATIO = 0.60  # published, CBS 2020 ch. 4.1
MARKUP = 0.03  # illustrative: CBS adds a profit rate whose value is not known; StatCan's 3 % borrowed
MARKUP_BASE = "costs"  # must agree with package.toml method.markup_base
NON_MARKET = ("S13", "S15")
WAGE_YEAR = 2017  # compensation levels below are for this year
WAGE_GROWTH = 0.022  # illustrative nominal growth of compensation per person, per year

# --- industries (CL_ACTIVITY = SBI 2008 sections/divisions) ----------------------------------
INDUSTRIES = {
    "C": ("Manufacturing (SBI 2008 C, industrie)", "S11"),
    "G": ("Wholesale and retail trade (SBI 2008 G, handel)", "S11"),
    "J": ("Information and communication (SBI 2008 J, informatie en communicatie)", "S11"),
    "K": ("Financial services (SBI 2008 K, financiele dienstverlening)", "S12"),
    "M": ("Professional, scientific and technical activities (SBI 2008 M, specialistische zakelijke diensten)", "S11"),
    "O84": ("Public administration (SBI 2008 O, openbaar bestuur)", "S13"),
    "P85": ("Education (SBI 2008 P, onderwijs)", "S13"),
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

# --- occupations (ISCO-08 unit groups, methodology.md §8.3) ---------------------------------
# code: (label, split, (2017 share, of which published total), employment growth per year,
#        compensation in WAGE_YEAR (EUR), illustrative time shares before calibration: data low,
#        high, databases low, high, data R&D low, high)
# 2017 employment = share x a published CBS total: "ict" = BRC 2014 class 08 ICT occupations
# (347,000; the seven ICT unit groups listed take 59 % of it, the rest being web developers,
# system and network administrators and ICT technicians, not data occupations here), "all" =
# the employed labour force (8,579,000). The shares are illustrative.
OCCUPATIONS = {
    "1330": ("ICT services managers", "ict", (0.08, "ict"), 0.030, 95_000, (0.08, 0.10, 0.08, 0.10, 0.05, 0.06)),
    "2120": ("Mathematicians, actuaries and statisticians", "statistics", (0.0008, "all"), 0.040, 80_000, (0.20, 0.25, 0.06, 0.08, 0.40, 0.50)),
    "2413": ("Financial analysts", "finance", (0.0025, "all"), 0.025, 85_000, (0.16, 0.20, 0.03, 0.04, 0.15, 0.19)),
    "2431": ("Advertising and marketing professionals", "marketing", (0.0050, "all"), 0.030, 70_000, (0.15, 0.19, 0.03, 0.04, 0.12, 0.15)),
    "2511": ("Systems analysts", "ict", (0.16, "ict"), 0.040, 75_000, (0.13, 0.16, 0.20, 0.25, 0.07, 0.09)),
    "2512": ("Software developers", "ict", (0.15, "ict"), 0.045, 70_000, (0.07, 0.09, 0.12, 0.15, 0.05, 0.06)),
    "2514": ("Applications programmers", "ict", (0.08, "ict"), 0.030, 65_000, (0.07, 0.09, 0.12, 0.15, 0.05, 0.06)),
    "2519": ("Software and applications developers and analysts not elsewhere classified", "ict", (0.05, "ict"), 0.040, 68_000, (0.08, 0.10, 0.12, 0.15, 0.05, 0.06)),
    "2521": ("Database designers and administrators", "ict", (0.04, "ict"), 0.050, 72_000, (0.12, 0.15, 0.50, 0.64, 0.05, 0.06)),
    "2529": ("Database and network professionals not elsewhere classified", "ict", (0.03, "ict"), 0.050, 70_000, (0.10, 0.13, 0.35, 0.45, 0.05, 0.06)),
    "2621": ("Archivists and curators", "archives", (0.0004, "all"), 0.005, 60_000, (0.45, 0.57, 0.20, 0.25, 0.00, 0.00)),
    "2622": ("Librarians and related information professionals", "archives", (0.0006, "all"), 0.000, 55_000, (0.40, 0.50, 0.20, 0.25, 0.00, 0.00)),
    "2631": ("Economists", "statistics", (0.0010, "all"), 0.025, 85_000, (0.20, 0.25, 0.03, 0.04, 0.40, 0.50)),
    "3314": ("Statistical, mathematical and related associate professionals", "statistics", (0.0012, "all"), 0.020, 55_000, (0.45, 0.57, 0.10, 0.13, 0.12, 0.15)),
    "4132": ("Data entry clerks", "clerical", (0.0030, "all"), -0.020, 40_000, (0.60, 0.76, 0.05, 0.07, 0.00, 0.00)),
    "4227": ("Survey and market research interviewers", "statistics", (0.0010, "all"), 0.000, 35_000, (0.60, 0.76, 0.05, 0.07, 0.00, 0.00)),
    "4415": ("Filing and copying clerks", "clerical", (0.0018, "all"), -0.015, 38_000, (0.30, 0.38, 0.10, 0.13, 0.00, 0.00)),
}
TOTALS = {  # published CBS totals of 2017: key -> (reference series stem, persons per unit)
    "ict": ("NL_employment_ict_occupations_brc2014", 1000),
    "all": ("NL_employment_total_employed_labour_force", 1000),
}

# --- national accounts baseline: illustrative shares of GDP (Netherlands, 2000s-2010s) --------
NA_SHARES = {
    "P1": 1.95,  # gross output
    "D21X31": 0.10,  # taxes less subsidies on products
    "D1": 0.47,  # compensation of employees
    "D29X39": 0.01,  # other taxes less subsidies on production
    "P51C": 0.16,  # consumption of fixed capital
    "P3": 0.69,  # final consumption expenditure (households, NPISH, government)
    "P51G": 0.20,  # gross fixed capital formation
    "P52": 0.005,  # changes in inventories
    "P6": 0.78,  # exports
}
NA_ORDER = ("P1", "P2", "B1G", "D21X31", "D1", "D29X39", "P51C", "B2A3N", "P3", "P51G", "P52", "P6", "P7", "B1GQ")


def read_series(macro: Path, name: str) -> dict[int, dict[str, str]]:
    """One reference series by year (the files may repeat a row; the values agree)."""
    with open(macro / f"{name}.csv", newline="", encoding="utf-8") as f:
        return {int(r["year"]): r for r in csv.DictReader(f)}


def employment(macro: Path) -> dict[str, dict[int, tuple[float, str]]]:
    """Employment (persons) by occupation and year, with the source of each value."""
    totals = {}
    for key, (stem, unit) in TOTALS.items():
        row = read_series(macro, stem)[CAL_YEAR]
        source = re.search(r"CBS StatLine \w+", row["source"]).group(0)
        totals[key] = (float(row["value"]) * unit, f"{float(row['value']) * unit:,.0f} in {CAL_YEAR}, {source}")
    out = {}
    for code, (_, _, (share, key), growth, _, _) in OCCUPATIONS.items():
        total, origin = totals[key]
        anchor = share * total
        what = "BRC 2014 class 08 ICT occupations" if key == "ict" else "employed labour force"
        path = {}
        for year in YEARS:
            value = anchor * (1 + growth) ** (year - CAL_YEAR)
            note = f"share {share:g} of the published CBS {what} ({origin})"
            if year != CAL_YEAR:
                note += f", {growth:+.1%} a year"
            path[year] = (value, note)
        out[code] = path
    return out


def compensation(code: str, year: int) -> float:
    return OCCUPATIONS[code][4] * (1 + WAGE_GROWTH) ** (year - WAGE_YEAR)


def rows_of_employment(emp) -> list[tuple[int, str, str, int, int, str]]:
    """(year, occupation, industry, persons, compensation, source) as written to employment.csv."""
    rows = []
    for year in YEARS:
        for code, (_, split, *_rest) in OCCUPATIONS.items():
            value, note = emp[code][year]
            for ind, share in SPLITS[split].items():
                rows.append((
                    year, code, ind, round(value * share), round(compensation(code, year)),
                    f"employment illustrative: industry split {share:g} ({split}) x {note} | "
                    f"compensation illustrative: EUR {OCCUPATIONS[code][4]:,} in {WAGE_YEAR}, {WAGE_GROWTH:+.1%} a year",
                ))
    return rows


def gfcf(rows, shares: dict[str, tuple[float, ...]], year: int) -> dict[str, dict[str, float]]:
    """GFCF (EUR) by bound and asset by the compiler's formula (own account = 1, no capital/IC ratio)."""
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
    base = {code: occ[5] for code, occ in OCCUPATIONS.items()}
    g = gfcf(rows, base, CAL_YEAR)
    f_low = round(TARGET_LOW / sum(g["low"].values()), 4)
    f_high = round(TARGET_HIGH / sum(g["high"].values()), 4)
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
                source = f"illustrative: {NA_SHARES[sto]:g} x published GDP (scripts/build_nl_fixture.py)"
            else:
                source = "illustrative: identity or residual of the illustrative split (scripts/build_nl_fixture.py)"
            rows.append([year, sto, int(v[sto]), source])
    return rows


def main(argv: list[str]) -> int:
    macro = Path(argv[1]) if len(argv) > 1 else DEFAULT_MACRO
    out = Path(argv[2]) if len(argv) > 2 else DEFAULT_OUT
    out.mkdir(parents=True, exist_ok=True)

    gdp = read_series(macro, "NL_gdp_nominal_lcu")
    deflator = read_series(macro, "NL_gdp_deflator_computed")
    fx = read_series(macro, "NL_fx_eur_per_usd")
    ppp = read_series(macro, "NL_ppp_gdp")

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
             f"illustrative: time shares set for this fixture x calibration factors {f_low:g} (low) and {f_high:g} (high); the CBS annex table of time shares is not available"]
            for code, occ in OCCUPATIONS.items()
        ],
    )
    write(out / "employment.csv", ["year", "occupation", "industry", "employment", "compensation", "source"], [list(r) for r in emp_rows])
    write(
        out / "cost_ratios.csv",
        ["year", "industry", "capital_ratio", "intermediate_ratio", "other_ratio", "markup", "source"],
        [[y, "_T", 0, 0, OTHER_RATIO, MARKUP, "other_ratio published: CBS 2020 ch. 4.1, other costs 60 % of labour costs (not split into capital and intermediate consumption) | markup illustrative: CBS adds a profit rate of unknown value; StatCan's 3 % is borrowed"] for y in YEARS],
    )
    rows = []
    for y in YEARS:
        rows.append([
            y, gdp[y]["value"], deflator[y]["value"], fx[y]["value"], ppp[y]["value"],
            f"gdp published: {gdp[y]['source']} | investment_price_index substitute: GDP deflator, published WDI current / constant GDP, "
            f"2015=100 ({deflator[y]['source']}); no Dutch investment deflator for data is available here | "
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
    print("year  low(EUR m)  high(EUR m)  low%GDP  high%GDP   data share (low)")
    previous = None
    for y in YEARS:
        g = gfcf(emp_rows, shares, y)
        low, high = sum(g["low"].values()), sum(g["high"].values())
        growth = f"  {low / previous - 1:+.1%}" if previous else ""
        previous = low
        print(f"{y}  {low / 1e6:10,.0f}  {high / 1e6:11,.0f}  {low / float(gdp[y]['value']) * 100:7.2f}  {high / float(gdp[y]['value']) * 100:8.2f}   {g['low']['data'] / low:.3f}{growth}")
    g = gfcf(emp_rows, shares, CAL_YEAR)
    low, high = sum(g["low"].values()), sum(g["high"].values())
    print(f"{CAL_YEAR} vs CBS: low {low / TARGET_LOW - 1:+.2%}, high {high / TARGET_HIGH - 1:+.2%} (tolerance 2 %)")
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
    for bound in ("low", "high"):
        for asset in ("N117DN", "N11733N", "N11732N", "N11711N"):
            value = tbl.select(table, STO="LE", INSTR_ASSET=asset, TIME_PERIOD=str(CAL_YEAR), BOUND=bound, ACTIVITY="_T", REF_SECTOR="S1", UNIT_MEASURE="XDC", PRICES="V")[tbl.VALUE].iloc[0]
            print(f"{CAL_YEAR} net stock {asset} {bound} (illustrative; CBS estimated no stock): EUR {value / 1e3:,.1f} bn")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
