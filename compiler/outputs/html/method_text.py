"""The method of a country page in prose, generated from the package's settings.

Sum of costs with the occupation table and its time shares (the main assumption),
the cost ratios, the perpetual inventory in words with the effective depreciation rate
measured from the compiled figures, the deflator, how the GDP effect is formed, and
the references in full. No file, key or module names: the reader sees words.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from compiler import codes
from compiler.outputs.html.cube import Cube
from compiler.outputs.html.meta import PackageMeta
from compiler.outputs.html.model import Group, Row, TableView, format_number

#: Full citations of the works the method rests on (docs/method.md §8).
REFERENCES = (
    "Wang, Kaike, Qiang He, Wuyi Zeng and Chunyun Wang (2024). On the capitalization accounting of the data factor. "
    "Journal of Official Statistics. doi:10.1177/0282423X241249116.",
    "Statistics Canada (2019). The value of data in Canada: Experimental estimates. Latest Developments in the Canadian "
    "Economic Accounts, catalogue no. 13-605-X. Ottawa: Statistics Canada.",
    "de Bondt, Henk Jan, Kuipers, Rutger, Mushkudiani, Nino and Pluijmen, Mark (2020). De waarde van data 2001–2017 "
    "(Measuring data as an asset). The Hague/Heerlen: Statistics Netherlands (CBS).",
    "OECD (2009). Measuring Capital: OECD Manual, second edition. Paris: OECD Publishing.",
    "United Nations, European Commission, IMF, OECD and World Bank (2009). System of National Accounts 2008. New York.",
)
ASSET_WORDS = {"data": "data", "databases": "databases", "data_rd": "data R&D"}
RETIREMENT_WORDS = {
    "normal": "assets retire around their mean service life following a normal distribution",
    "none": "assets are never retired; their value only declines",
    "simultaneous": "every asset retires exactly at its mean service life",
    "gamma": "assets retire around their mean service life following a gamma distribution",
    "lognormal": "assets retire around their mean service life following a lognormal distribution",
    "weibull": "assets retire around their mean service life following a Weibull distribution",
    "winfrey": "assets retire around their mean service life following a Winfrey curve",
}
INITIAL_WORDS = {
    "opening": "the stock before the first year is estimated from the first year's investment, its growth and the depreciation rate",
    "backcast": "investment before the first year is backcast from the growth of the first years",
    "none": "there is no stock before the first year",
}


@dataclass
class MethodItem:
    term: str
    text: str


def percent(value: float, decimals: int = 1) -> str:
    return f"{format_number(value * 100, decimals)} %"


def occupation_table(meta: PackageMeta, source: str) -> TableView | None:
    """The data occupations with their low and high time shares per asset type, in percent."""
    if not meta.occupations:
        return None
    assets = [a for a in ASSET_WORDS if f"{a}_low" in meta.occupations[0]]
    columns = [(ASSET_WORDS[a].capitalize() if a != "data_rd" else "Data R&D", bound) for a in assets for bound in ("Low", "High")]
    rows = [Row(str(o["label"]), [float(o[f"{a}_{b}"]) * 100 for a in assets for b in ("low", "high")], [1] * len(columns), str(o["occupation"]))
            for o in meta.occupations]
    notes = ["Share of each occupation's working time spent producing each asset type, in the low and in the high bound. "
             "Labour input = employment × compensation × these shares, summed over occupations and industries."]
    return TableView("occupations", "Data occupations and the share of their working time spent producing data assets", "percent of working time",
                     "Occupation", columns, [Group("", rows)], notes, source)


def _range(values: Sequence[float], as_percent: bool = False) -> str:
    low, high = min(values), max(values)
    show = percent if as_percent else (lambda v: format_number(v, 2))
    return show(low) if math.isclose(low, high) else f"{show(low)} to {show(high)}"


def cost_text(meta: PackageMeta) -> str:
    """The cost ratios in words: ranges over the years of the all-industry rows."""
    rows = [r for r in meta.cost_ratios if str(r.get("industry", "_T")) == "_T"] or list(meta.cost_ratios)
    if not rows:
        return "No cost ratios given."
    parts = []
    words = {"capital_ratio": "capital input", "intermediate_ratio": "intermediate consumption", "other_ratio": "other costs (not split between the two)"}
    for key, name in words.items():
        values = [float(r[key]) for r in rows if key in r]
        if values and any(values):
            parts.append(f"{name} {_range(values)} times labour input")
        elif values:
            parts.append(f"{name}: not given")
    markups = [float(r["markup"]) for r in rows if "markup" in r]
    base = "labour and other costs" if meta.markup_base == "costs" else "labour input"
    text = "; ".join(parts) + "."
    if markups:
        text += f" Market producers add a mark-up of {_range(markups, True)} of {base}; non-market producers ({', '.join(meta.non_market_sectors)}) do not."
    industries = {str(r.get("industry")) for r in meta.cost_ratios} - {"_T"}
    if industries:
        text += f" {len(industries)} industries have ratios of their own."
    years = sorted({int(r["year"]) for r in rows if "year" in r})
    if years:
        text += f" Ranges over {years[0]}–{years[-1]}."
    return text


def pim_text(settings: Mapping[str, Mapping[str, Any]]) -> str:
    """The perpetual-inventory settings in words, one sentence per asset section."""
    if not settings:
        return "Not given by the package: the defaults of the perpetual inventory apply."
    sentences = []
    for section, values in settings.items():
        who = "All data assets" if section == "default" else ASSET_WORDS.get(section, section).capitalize()
        parts = []
        if "mean_life" in values:
            parts.append(f"a mean service life of {format_number(float(values['mean_life']), 1)} years")
        if "cov" in values:
            parts.append(f"a coefficient of variation of lives of {format_number(float(values['cov']), 2)}")
        said = [RETIREMENT_WORDS.get(str(values.get("retirement")), f"retirement: {values.get('retirement')}")] if "retirement" in values else []
        profile = str(values.get("value_profile", ""))
        if "depreciation_rate" in values:
            said.append(f"their value declines {'geometrically ' if profile in ('', 'geometric') else ''}by {percent(float(values['depreciation_rate']))} a year")
        elif "declining_balance" in values and "mean_life" in values:
            rate = float(values["declining_balance"]) / float(values["mean_life"])  # OECD 2009, §7.5: δ = R / mean life
            said.append(f"their value declines geometrically by {percent(rate)} a year (a declining balance of "
                        f"{format_number(float(values['declining_balance']), 2)} over the mean service life)")
        elif profile:
            said.append(f"their value follows a {profile} profile")
        if "initial_stock" in values:
            said.append(INITIAL_WORDS.get(str(values["initial_stock"]), f"initial stock: {values['initial_stock']}"))
        known = {"mean_life", "cov", "retirement", "value_profile", "depreciation_rate", "declining_balance", "initial_stock"}
        other = [f"{k.replace('_', ' ')} {v}" for k, v in values.items() if k not in known]
        sentence = f"{who}: {', '.join(parts)}" if parts else f"{who}:"
        sentence += ("; " if parts else " ") + "; ".join(said) if said else ""
        sentence += f" (also: {', '.join(other)})" if other else ""
        sentences.append(sentence + ".")
    return " ".join(sentences)


def effective_depreciation(cube: Cube, net: str, gross: str, years: Sequence[str]) -> tuple[str, float, float] | None:
    """CFC of the latest year over the net stock at the start of that year, constant prices, low and high."""
    for year in reversed(years):
        rates = []
        for bound in ("low", "high"):
            cfc = cube.series(codes.CFC, gross, [year], bound, prices=codes.CONSTANT_PRICES)[0][0]
            opening = cube.series(codes.CLOSING_STOCK, net, [str(int(year) - 1)], bound, prices=codes.CONSTANT_PRICES)[0][0]
            rates.append(cfc / opening if math.isfinite(cfc) and math.isfinite(opening) and opening > 0 else math.nan)
        if all(math.isfinite(r) for r in rates):
            return year, rates[0], rates[1]
    return None


def method_items(meta: PackageMeta, cube: Cube, net: str, gross: str, years: Sequence[str]) -> list[MethodItem]:
    """The method, in the order a reader follows the figures."""
    labour = {
        "industry_shares": "employment in each industry × the share of data professionals in it × their compensation",
        "microdata": "employment and compensation summed from job records, by occupation and industry",
    }.get(meta.labour_input, "employment by occupation and industry × compensation per employee")
    items = [MethodItem("Sum of costs", f"Data assets are valued at the cost of producing them (2008 SNA §6.125). Labour input is {labour}, "
                        "× the share of working time each data occupation spends producing data, databases and data R&D, in a low and a high bound "
                        "(the occupation table below). Capital input, intermediate consumption and other costs follow from ratios to labour input.")]
    items.append(MethodItem("Cost ratios", cost_text(meta)))
    shares = []
    for asset, cap in meta.capitalisation.items():
        shares.append(f"{ASSET_WORDS.get(asset, asset)}: {percent(cap.own_account_share, 0)} of output kept for own use"
                      + (f", {percent(cap.purchased_capitalised_share, 0)} of the rest bought and capitalised" if cap.purchased_capitalised_share else "")
                      + (f", {percent(cap.export_share, 0)} of the rest exported" if cap.export_share else ""))
    items.append(MethodItem("Capital formation", "Output kept for own use is own-account gross fixed capital formation (GFCF); "
                            "purchases capitalised by their buyers are GFCF too. " + "; ".join(shares) + "."))
    pim = pim_text(meta.pim)
    rate = effective_depreciation(cube, net, gross, years)
    if rate:
        pim += (f" Measured on the compiled figures, consumption of fixed capital in {rate[0]} is {percent(rate[1])} (low) and {percent(rate[2])} (high) "
                "of the net stock at the start of the year, at constant prices: the effective depreciation rate.")
    items.append(MethodItem("Capital stock", "A perpetual inventory accumulates GFCF at constant prices into gross and net stocks (OECD 2009). " + pim))
    items.append(MethodItem("Prices", f"GFCF is deflated by the package's investment price index ({meta.base_year} = 1), or by an input-cost index "
                            "where the package chooses one. Flows (GFCF, consumption of fixed capital) are valued at the annual-average index; stocks at "
                            "the end-of-year index (2008 SNA ch. 13): as the package gives it, or else approximated as the geometric mean of the year's and "
                            "the next year's averages (the last year extrapolated). The revaluation closes the accumulation account. Stocks in US dollars "
                            "use end-of-year exchange rates, approximated the same way where not given."))
    items.append(MethodItem("Effect on GDP", "GDP before capitalisation is the published national accounts. Capitalising data moves own-account output "
                            "of data into GFCF and purchases of capitalised data out of intermediate consumption, and adds the consumption of fixed capital "
                            f"of the non-market producers ({', '.join(meta.non_market_sectors)}), whose output is valued at cost. The three approaches "
                            "give the same GDP after capitalisation."))
    items.append(MethodItem("Bounds", "Every figure has a low and a high bound, from the low and the high time shares."))
    return items
