"""Shared helpers of the fixture build scripts (``build_ca_fixture.py``, ``build_nl_fixture.py``).

The scripts keep their own data (industries, occupations, published anchors, texts) and
describe a country with a :class:`Country`; this module reads the reference series, turns
employment into the rows of ``employment.csv``, calibrates the time shares, writes the CSV
tables and prints the calibration report. The output is deterministic: the CSVs it writes
are byte-identical for the same inputs.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MACRO = ROOT.parent / "shared" / "reference" / "macro"

#: Order of the transactions in ``national_accounts.csv``.
NA_ORDER = ("P1", "P2", "B1G", "D21X31", "D1", "D29X39", "P51C", "B2A3N", "P3", "P51G", "P52", "P6", "P7", "B1GQ")
ASSETS = ("data", "databases", "data_rd")

#: Illustrative split (the same for every country) of an occupation's employment over the industries (sums to 1).
SPLITS = {
    "ict": {"J": 0.42, "K": 0.14, "M": 0.12, "C": 0.09, "G": 0.08, "O84": 0.10, "P85": 0.05},
    "finance": {"K": 0.60, "M": 0.15, "O84": 0.10, "J": 0.05, "C": 0.05, "G": 0.05},
    "statistics": {"O84": 0.35, "K": 0.20, "M": 0.20, "P85": 0.15, "J": 0.10},
    "clerical": {"G": 0.20, "K": 0.20, "M": 0.20, "O84": 0.20, "C": 0.10, "J": 0.10},
    "archives": {"O84": 0.50, "P85": 0.40, "M": 0.10},
    "marketing": {"M": 0.35, "G": 0.25, "J": 0.15, "C": 0.15, "K": 0.10},
}

#: (year, occupation, industry, persons, compensation, source) as written to employment.csv.
EmploymentRow = tuple[int, str, str, int, int, str]


class Occupation(NamedTuple):
    """What the shared code needs of an occupation."""

    label: str
    split: str  #: key of :attr:`Country.splits` (:data:`SPLITS`)
    wage: int  #: compensation per person in :attr:`Country.wage_year`
    time_shares: tuple[float, ...]  #: before calibration: data low, high, databases low, high, data R&D low, high


@dataclass(frozen=True)
class Country:
    """The parameters in which the fixtures of two countries differ."""

    code: str  #: ISO code, prefix of the reference series ("CA")
    script: str  #: file name of the build script, cited in sources
    currency: str  #: ISO currency code ("CAD"); the fx series is ``{code}_fx_{currency}_per_usd``
    adjective: str  #: "Canadian", in "no Canadian investment deflator"
    target_name: str  #: publisher of the calibration targets ("StatCan")
    years: range
    cal_year: int
    target_low: float  #: GFCF in all data assets in ``cal_year``, low bound (currency units)
    target_high: float
    other_ratio: float
    markup: float
    wage_year: int
    wage_growth: float
    industries: Mapping[str, tuple[str, str]]  #: code -> (label, institutional sector)
    occupations: Mapping[str, Occupation]
    na_shares: Mapping[str, float]  #: illustrative shares of GDP of the national accounts
    markup_base: str = "costs"  # must agree with package.toml method.markup_base
    non_market: tuple[str, ...] = ("S13", "S15")
    splits: Mapping[str, Mapping[str, float]] = field(default_factory=lambda: SPLITS)  #: split -> industry -> share (sums to 1)


def read_series(macro: Path, name: str) -> dict[int, dict[str, str]]:
    """One reference series by year (the files may repeat a row; the values agree)."""
    with open(macro / f"{name}.csv", newline="", encoding="utf-8") as f:
        return {int(r["year"]): r for r in csv.DictReader(f)}


def write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    """Write a CSV table with ``\\n`` line ends."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def folders(argv: list[str], default_out: Path) -> tuple[Path, Path]:
    """(macro folder, output folder) from ``argv[1:3]``; the output folder is created."""
    macro = Path(argv[1]) if len(argv) > 1 else DEFAULT_MACRO
    out = Path(argv[2]) if len(argv) > 2 else default_out
    out.mkdir(parents=True, exist_ok=True)
    return macro, out


def compensation(c: Country, code: str, year: int) -> float:
    """Illustrative compensation per person of an occupation in a year."""
    return c.occupations[code].wage * (1 + c.wage_growth) ** (year - c.wage_year)


def rows_of_employment(c: Country, emp: Mapping[str, Mapping[int, tuple[Any, ...]]], joiner: str) -> list[EmploymentRow]:
    """Rows of employment.csv; ``emp[code][year]`` starts with (persons, note of its source).

    ``joiner`` links the industry split to the note ("of the occupation's", "x").
    """
    for split in c.splits.values():
        assert abs(sum(split.values()) - 1) < 1e-12
    rows = []
    for year in c.years:
        for code, occ in c.occupations.items():
            value, note = emp[code][year][:2]
            for ind, share in c.splits[occ.split].items():
                rows.append((
                    year, code, ind, round(value * share), round(compensation(c, code, year)),
                    f"employment illustrative: industry split {share:g} ({occ.split}) {joiner} {note} | "
                    f"compensation illustrative: {c.currency} {occ.wage:,} in {c.wage_year}, {c.wage_growth:+.1%} a year",
                ))
    return rows


def gfcf(c: Country, rows: list[EmploymentRow], shares: Mapping[str, tuple[float, ...]], year: int) -> dict[str, dict[str, float]]:
    """GFCF by bound and asset by the compiler's formula (own account = 1, no capital/IC ratio)."""
    out = {b: {a: 0.0 for a in ASSETS} for b in ("low", "high")}
    for y, occ, ind, persons, comp, _ in rows:
        if y != year:
            continue
        market = c.industries[ind][1] not in c.non_market
        markup = c.markup if market else 0.0
        factor = (1 + c.other_ratio) * (1 + markup) if c.markup_base == "costs" else (1 + c.other_ratio + markup)
        t = shares[occ]
        for k, asset in enumerate(ASSETS):
            out["low"][asset] += persons * comp * t[2 * k] * factor
            out["high"][asset] += persons * comp * t[2 * k + 1] * factor
    return out


def calibrated_shares(c: Country, rows: list[EmploymentRow]) -> tuple[dict[str, tuple[float, ...]], float, float]:
    """Time shares scaled so that ``cal_year`` GFCF hits the targets, and the two factors."""
    base = {code: occ.time_shares for code, occ in c.occupations.items()}
    g = gfcf(c, rows, base, c.cal_year)
    f_low = round(c.target_low / sum(g["low"].values()), 4)
    f_high = round(c.target_high / sum(g["high"].values()), 4)
    shares = {}
    for code, t in base.items():
        scaled = tuple(round(v * (f_low if k % 2 == 0 else f_high), 4) for k, v in enumerate(t))
        assert all(lo <= hi for lo, hi in zip(scaled[::2], scaled[1::2])), code
        assert sum(scaled[::2]) <= 1 and sum(scaled[1::2]) <= 1, (code, scaled)
        shares[code] = scaled
    return shares, f_low, f_high


def national_accounts(c: Country, gdp: dict[int, float], gdp_source: str) -> list[list[object]]:
    """Baseline S1 accounts: published GDP, illustrative split; the three approaches agree exactly."""
    rows = []
    for year, g in sorted(gdp.items()):
        v = {sto: round(share * g) for sto, share in c.na_shares.items()}
        v["B1GQ"] = g
        v["B1G"] = g - v["D21X31"]
        v["P2"] = v["P1"] - v["B1G"]
        v["B2A3N"] = v["B1G"] - v["D1"] - v["D29X39"] - v["P51C"]
        v["P7"] = v["P3"] + v["P51G"] + v["P52"] + v["P6"] - g
        for sto in NA_ORDER:
            if sto == "B1GQ":
                source = f"published: {gdp_source} (as macro.csv)"
            elif sto in c.na_shares:
                source = f"illustrative: {c.na_shares[sto]:g} x published GDP (scripts/{c.script})"
            else:
                source = f"illustrative: identity or residual of the illustrative split (scripts/{c.script})"
            rows.append([year, sto, int(v[sto]), source])
    return rows


def read_macro(c: Country, macro: Path) -> dict[str, dict[int, dict[str, str]]]:
    """The published series of macro.csv: gdp, deflator, fx, ppp."""
    return {
        "gdp": read_series(macro, f"{c.code}_gdp_nominal_lcu"),
        "deflator": read_series(macro, f"{c.code}_gdp_deflator_computed"),
        "fx": read_series(macro, f"{c.code}_fx_{c.currency.lower()}_per_usd"),
        "ppp": read_series(macro, f"{c.code}_ppp_gdp"),
    }


def write_tables(
    c: Country,
    out: Path,
    series: Mapping[str, Mapping[int, Mapping[str, str]]],
    emp_rows: list[EmploymentRow],
    shares: Mapping[str, tuple[float, ...]],
    shares_source: str,
    cost_source: str,
) -> None:
    """Write industries, occupations, employment, cost_ratios, macro and national_accounts.csv."""
    gdp, deflator, fx, ppp = (series[k] for k in ("gdp", "deflator", "fx", "ppp"))
    write(out / "industries.csv", ["industry", "label", "sector"], [[code, label, sector] for code, (label, sector) in c.industries.items()])
    write(
        out / "occupations.csv",
        ["occupation", "label", "data_low", "data_high", "databases_low", "databases_high", "data_rd_low", "data_rd_high", "source"],
        [[code, occ.label, *(f"{v:g}" for v in shares[code]), shares_source] for code, occ in c.occupations.items()],
    )
    write(out / "employment.csv", ["year", "occupation", "industry", "employment", "compensation", "source"], [list(r) for r in emp_rows])
    write(
        out / "cost_ratios.csv",
        ["year", "industry", "capital_ratio", "intermediate_ratio", "other_ratio", "markup", "source"],
        [[y, "_T", 0, 0, c.other_ratio, c.markup, cost_source] for y in c.years],
    )
    rows = []
    for y in c.years:
        rows.append([
            y, gdp[y]["value"], deflator[y]["value"], fx[y]["value"], ppp[y]["value"],
            f"gdp published: {gdp[y]['source']} | investment_price_index substitute: GDP deflator, published WDI current / constant GDP, "
            f"2015=100 ({deflator[y]['source']}); no {c.adjective} investment deflator for data is available here | "
            f"usd_exchange_rate published: {fx[y]['source']} | ppp published: {ppp[y]['source']}",
        ])
    write(out / "macro.csv", ["year", "gdp", "investment_price_index", "usd_exchange_rate", "ppp", "source"], rows)
    write(
        out / "national_accounts.csv",
        ["year", "sto", "value", "source"],
        national_accounts(c, {y: int(gdp[y]["value"]) for y in c.years}, gdp[c.cal_year]["source"]),
    )


def print_calibration(
    c: Country, emp_rows: list[EmploymentRow], shares: Mapping[str, tuple[float, ...]], gdp: Mapping[int, Mapping[str, str]], f_low: float, f_high: float
) -> None:
    """Print the calibration factors, GFCF by year and the achieved targets."""
    cur = c.currency
    print(f"calibration factors on the illustrative time shares: low {f_low}, high {f_high}")
    print(f"year  low({cur} m)  high({cur} m)  low%GDP  high%GDP   data share (low)")
    previous = None
    for y in c.years:
        g = gfcf(c, emp_rows, shares, y)
        low, high = sum(g["low"].values()), sum(g["high"].values())
        growth = f"  {low / previous - 1:+.1%}" if previous else ""
        previous = low
        print(f"{y}  {low / 1e6:10,.0f}  {high / 1e6:11,.0f}  {low / float(gdp[y]['value']) * 100:7.2f}  {high / float(gdp[y]['value']) * 100:8.2f}   {g['low']['data'] / low:.3f}{growth}")
    g = gfcf(c, emp_rows, shares, c.cal_year)
    low, high = sum(g["low"].values()), sum(g["high"].values())
    print(f"{c.cal_year} vs {c.target_name}: low {low / c.target_low - 1:+.2%}, high {high / c.target_high - 1:+.2%} (tolerance 2 %)")
    first = sum(gfcf(c, emp_rows, shares, c.years[0])["low"].values())
    print(f"average growth of nominal GFCF {c.years[0]}-{c.cal_year}: {(low / first) ** (1 / (c.cal_year - c.years[0])) - 1:+.2%} a year")


def build(
    c: Country,
    argv: list[str],
    default_out: Path,
    employment: Callable[[Path], Mapping[str, Mapping[int, tuple[Any, ...]]]],
    joiner: str,
    shares_source: str,
    cost_source: str,
) -> Path:
    """Run a build script: write the tables, print the calibration, return the output folder.

    ``employment(macro)`` gives the persons by occupation and year (see :func:`rows_of_employment`,
    which also explains ``joiner``); ``shares_source`` is formatted with ``f_low`` and ``f_high``.
    """
    macro, out = folders(argv, default_out)
    series = read_macro(c, macro)
    emp_rows = rows_of_employment(c, employment(macro), joiner)
    shares, f_low, f_high = calibrated_shares(c, emp_rows)
    write_tables(c, out, series, emp_rows, shares, shares_source.format(f_low=f_low, f_high=f_high), cost_source)
    print_calibration(c, emp_rows, shares, series["gdp"], f_low, f_high)
    return out


def net_stocks(c: Country, out: Path) -> dict[tuple[str, str], float] | None:
    """Net stock (millions) by (bound, asset) in ``cal_year``, or None if not compilable.

    None when ``out`` has no package.toml (e.g. a scratch folder) or the compiler is not importable.
    """
    if not (out / "package.toml").is_file():
        return None
    try:
        sys.path.insert(0, str(ROOT))
        from compiler import table as tbl
        from compiler.pipeline import compile_package
    except ImportError:
        return None
    table = compile_package(out).table
    return {
        (bound, asset): tbl.select(table, STO="LE", INSTR_ASSET=asset, TIME_PERIOD=str(c.cal_year), BOUND=bound, ACTIVITY="_T", REF_SECTOR="S1", UNIT_MEASURE="XDC", PRICES="V")[tbl.VALUE].iloc[0]
        for bound in ("low", "high")
        for asset in ("N117DN", "N11733N", "N11732N", "N11711N")
    }
