"""HTML publication (compiler.outputs.html) and the cross-country stage (compiler.accounts.comparison).

Non-browser checks: every figure on a page is a canonical figure formatted with its
DECIMALS; labels from packages are escaped; captions, scoped headers, CSV downloads
equal to the tables; SVG well-formed; no script or external resource; and the
comparison rows hand-checked on the synthetic package (tests/test_costs.py: GFCF of all
data assets 2020, low = 1677 + 0.9 x 999.75 + 772.5 = 3349.275; macro.csv: exchange rate
2, PPP 1.5, population 1000, GDP 100000).
"""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

from compiler import table as tbl
from compiler.accounts.gdp import after_capitalisation
from compiler.outputs.html import write_html
from compiler.outputs.html.model import MINUS, MISSING, csv_number, format_number
from compiler.pipeline import combine, compile_package
from compiler.resources import fixtures_dir

HERE = Path(__file__).resolve().parent
SYNTHETIC = HERE / "packages" / "synthetic"
TOL = 1e-9
GFCF_2020_LOW = 1677 + 999.75 * 0.9 + 772.5
SVG = "{http://www.w3.org/2000/svg}"
CN = fixtures_dir() / "CN"
#: Tables whose figures are not all canonical rows (after = before + change, compiler.accounts.gdp;
#: the occupation table of the method shows the package's time shares, an input).
AFTER_TABLES = {"gdp-approaches", "gdp-change", "occupations"}


@pytest.fixture(scope="module")
def compiled():
    results = [compile_package(CN), compile_package(SYNTHETIC)]
    return results, combine(results)


@pytest.fixture(scope="module")
def site(compiled, tmp_path_factory) -> Path:
    results, table = compiled
    out = tmp_path_factory.mktemp("html")
    summary = write_html(table, [r.inputs for r in results], out, generated="2026-01-01")
    assert summary["pages"] == ["CN/index.html", "_X/index.html"]
    assert summary["tables"] > 20 and summary["charts"] >= 5
    return out


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def parse(path: Path):
    return lxml_html.fromstring(path.read_text(encoding="utf-8"))


def series(table, area, sto, asset, unit="XDC", prices="V", activity="_T", area_code=None):
    rows = tbl.select(table, REF_AREA=area, STO=sto, INSTR_ASSET=asset, UNIT_MEASURE=unit, PRICES=prices, ACTIVITY=activity, REF_SECTOR="S1")
    if area_code:
        rows = rows.loc[rows["COUNTERPART_AREA"] == area_code]
    return {(r[tbl.TIME], r[tbl.BOUND]): (r[tbl.VALUE], r["DECIMALS"]) for _, r in rows.iterrows()}


def cells(table_element) -> list[list[str]]:
    """Text of each body row: row header, then every cell."""
    return [[c.text_content().strip() for c in tr.xpath("./th|./td")] for tr in table_element.xpath("./tbody/tr[not(@class='group')]")]


def block(doc, table_id: str):
    found = doc.xpath(f"//div[@id='{table_id}']//table")
    assert found, f"no table {table_id}"
    return found[0]


# --------------------------------------------------------------------------- formatting


def test_number_formatting():
    assert format_number(1234567.891, 1) == "1,234,567.9"
    assert format_number(-1234.04, 1) == MINUS + "1,234.0"
    assert format_number(-0.001, 1) == "0.0"
    assert format_number(float("nan"), 2) == MISSING
    assert format_number(2.5, 0) == "2"  # round half to even, as Python's format
    assert csv_number(1234567.891, 1) == "1234567.9" and csv_number(float("nan"), 1) == ""


# --------------------------------------------------------------------------- comparison stage


def test_comparison_rows_by_hand(compiled):
    table = compiled[1]
    usd = series(table, "_X", "P51G", "N117DG", unit="USD")
    ppp = series(table, "_X", "P51G", "N117DG", unit="PU")
    usd_pc = series(table, "_X", "P51G", "N117DG", unit="USD_R_POP")
    ppp_pc = series(table, "_X", "P51G", "N117DG", unit="PU_R_POP")
    # synthetic unit_mult 0: USD = P51G x 10^0 / 2 / 10^6
    assert usd[("2020", "low")][0] == pytest.approx(GFCF_2020_LOW / 2 / 1e6, rel=TOL)
    assert ppp[("2020", "low")][0] == pytest.approx(GFCF_2020_LOW / 1.5 / 1e6, rel=TOL)
    assert usd_pc[("2020", "low")][0] == pytest.approx(GFCF_2020_LOW / 2 / 1000, rel=TOL)
    assert ppp_pc[("2020", "low")][0] == pytest.approx(GFCF_2020_LOW / 1.5 / 1000, rel=TOL)
    rows = tbl.select(table, REF_AREA="_X", UNIT_MEASURE=("USD", "PU", "USD_R_POP", "PU_R_POP"))
    assert set(rows["STO"]) == {"P51G", "LE"}
    assert set(rows["INSTR_ASSET"]) == {"N11733G", "N11732G", "N11711G", "N117DG", "N11733N", "N11732N", "N11711N", "N117DN"}
    assert set(rows.loc[rows["UNIT_MEASURE"].isin(["USD", "PU"]), "UNIT_MULT"]) == {6}
    assert set(rows.loc[rows["UNIT_MEASURE"].str.endswith("_POP"), "UNIT_MULT"]) == {0}
    # the initial stock (2019) only as a stock at the end-of-year rate (approximated; docs/method.md §3); no population for it
    assert set(rows.loc[rows[tbl.TIME] == "2019", "STO"]) == {"LE"}
    assert set(rows.loc[rows[tbl.TIME] == "2019", "UNIT_MEASURE"]) == {"USD", "PU"}
    assert rows["COMMENT_OBS"].str.contains(r"\(macro\.csv\)").all()
    assert rows.loc[rows["UNIT_MEASURE"] == "USD", "COMMENT_OBS"].str.contains("usd_exchange_rate").all()
    # every figure with at least three significant digits
    assert usd[("2020", "low")][1] >= 5
    # net stock in USD from the net stock row
    stock = series(table, "_X", "LE", "N117DN")
    assert series(table, "_X", "LE", "N117DN", unit="USD")[("2021", "high")][0] == pytest.approx(stock[("2021", "high")][0] / 2 / 1e6, rel=TOL)


def test_comparison_rows_cn(compiled):
    table = compiled[1]
    usd = series(table, "CN", "P51G", "N117DG", unit="USD")
    gfcf = series(table, "CN", "P51G", "N117DG")
    # CN: RMB 100 million (unit_mult 8), 2020 exchange rate 6.9042 yuan per dollar
    assert usd[("2020", "low")][0] == pytest.approx(gfcf[("2020", "low")][0] * 1e8 / 6.9042 / 1e6, rel=TOL)
    assert not len(tbl.select(table, REF_AREA="CN", UNIT_MEASURE=("USD_R_POP", "PU_R_POP")))  # no population in macro.csv


def test_share_rows(compiled):
    table = compiled[1]
    gdp = series(table, "_X", "B1GQ", "_Z")
    gross = series(table, "_X", "LE", "N117DG")
    share = series(table, "_X", "LE", "N117DG", unit="PT_B1GQ")
    assert share[("2021", "low")][0] == pytest.approx(gross[("2021", "low")][0] / gdp[("2021", "low")][0] * 100, rel=TOL)
    cfc = series(table, "_X", "P51C", "N117DG", unit="PT_B1GQ")
    assert cfc[("2022", "high")][0] == pytest.approx(series(table, "_X", "P51C", "N117DG")[("2022", "high")][0] / 1000, rel=TOL)
    by_industry = series(table, "_X", "P51G", "N117DG", unit="PT_B1GQ", activity="J62")
    assert by_industry[("2020", "low")][0] == pytest.approx(series(table, "_X", "P51G", "N117DG", activity="J62")[("2020", "low")][0] / 1000, rel=TOL)
    # table 10: shares of market industries in the output of market producers; J62 is the only one
    assert series(table, "_X", "P1", "N117DG", unit="PT", activity="J62")[("2020", "high")][0] == pytest.approx(100.0, rel=TOL)
    assert not series(table, "_X", "P1", "N117DG", unit="PT", activity="O84")
    # CN: J + C + K + G = 91.6 % of market producers' output in 2020 (fixtures/CN/README.md)
    cn = sum(series(table, "CN", "P1", "N117DG", unit="PT", activity=a)[("2020", "low")][0] for a in "JCKG")
    assert cn == pytest.approx(91.6, abs=0.05)


# --------------------------------------------------------------------------- values on the pages


def canonical_strings(table, area: str) -> set[str]:
    rows = table.loc[table["REF_AREA"] == area]
    return {format_number(v, d) for v, d in zip(rows[tbl.VALUE], rows["DECIMALS"])}


def test_every_figure_is_canonical(site, compiled):
    """Each figure of a country page (except derived rows and after-capitalisation) is a
    canonical figure of that country formatted with its DECIMALS."""
    table = compiled[1]
    for area in ("CN", "_X"):
        allowed = canonical_strings(table, area) | {MISSING}
        doc = parse(site / area / "index.html")
        checked = 0
        for div in doc.xpath("//div[@class='block']"):
            if div.get("id") in AFTER_TABLES:
                continue
            for tr in div.xpath(".//tbody/tr[not(@class='derived') and not(@class='group')]"):
                for td in tr.xpath("./td[@class='num']"):
                    assert td.text_content() in allowed, (area, div.get("id"), td.text_content())
                    checked += 1
        # CN: output = GFCF (all own-account), so one table shows both and fewer cells are left
        assert checked > (1200 if area == "CN" else 300), (area, checked)


def test_gfcf_table_cell_by_cell(site, compiled):
    table = compiled[1]
    doc = parse(site / "CN" / "index.html")
    rows = cells(block(doc, "gfcf-asset"))
    assets = ["N11733G", "N11732G", "N11711G", "N117DG"]
    expected = {a: series(table, "CN", "P51G", a) for a in assets}
    share = series(table, "CN", "P51G", "N117DG", unit="PT_B1GQ")
    assert [r[0] for r in rows] == [str(y) for y in range(2010, 2023)]
    for row in rows:
        year = row[0]
        want = [format_number(*expected[a][(year, b)]) for a in assets for b in tbl.BOUNDS]
        want += [format_number(*share[(year, b)]) for b in tbl.BOUNDS]
        assert row[1:] == want
    assert rows[10][7] == "17,621.4"  # 2020, low: Wang et al. (2024)'s RMB 1.76 trillion (README.md)


def test_gdp_after_capitalisation(site, compiled):
    table = compiled[1]
    after = after_capitalisation(table, "CN", "N117DG")
    doc = parse(site / "CN" / "index.html")
    rows = cells(block(doc, "gdp-change"))
    b1gq = after.loc[after["STO"] == "B1GQ"].set_index([tbl.TIME, tbl.BOUND])
    gfcf = series(table, "CN", "P51G", "N117DG")
    share = series(table, "CN", "B1GQ_DCAP", "N117DG", unit="PT_B1GQ")
    assert rows
    for row in rows:
        year = row[0]
        assert row[1] == format_number(b1gq.loc[(year, "low"), "before"], 1)
        assert row[2:4] == [format_number(*gfcf[(year, b)]) for b in tbl.BOUNDS]  # the satellite's GFCF, all assets
        assert row[4:6] == [format_number(b1gq.loc[(year, b), "change"], 1) for b in tbl.BOUNDS]  # the effect on GDP
        assert row[6:8] == [format_number(*share[(year, b)]) for b in tbl.BOUNDS]
        assert row[8:10] == [format_number(b1gq.loc[(year, b), "after"], 1) for b in tbl.BOUNDS]
    notes = doc.xpath("//div[@id='gdp-change']")[0].text_content()
    assert "data 0%, databases 0%, data R&D 100%" in notes  # CN's declared overlap


def test_index_values(site, compiled):
    table = compiled[1]
    doc = parse(site / "index.html")
    rows = cells(block(doc, "gfcf-gdp"))
    share = {"CN": series(table, "CN", "P51G", "N117DG", unit="PT_B1GQ"), "_X": series(table, "_X", "P51G", "N117DG", unit="PT_B1GQ")}
    header = [th.text_content() for th in block(doc, "gfcf-gdp").xpath("./thead/tr/th")]
    years = header[2:]
    assert years == [str(y) for y in range(2022, 2009, -1)]  # newest first
    for row in rows:
        area = "CN" if row[0].startswith("China") else "_X"
        bound = row[1]
        want = [format_number(*share[area][(y, bound)]) if (y, bound) in share[area] else MISSING for y in years]
        assert row[2:] == want
    pc = cells(block(doc, "gfcf-usd-pc"))
    assert [r[0] for r in pc] == ["Synthetica_X", "Synthetica_X"]
    assert pc[0][2 + years.index("2020")] == format_number(GFCF_2020_LOW / 2 / 1000, 2)
    assert "China" in doc.xpath("string(//div[@id='gfcf-usd-pc']//ol[@class='notes'])")


# --------------------------------------------------------------------------- structure


def test_every_table_has_caption_scope_and_csv(site):
    for page in pages(site):
        doc = parse(page)
        tables = doc.xpath("//table")
        assert tables, page
        for t in tables:
            assert t.xpath("./caption") and t.xpath("string(./caption)").strip(), page
            for th in t.xpath(".//th"):
                assert th.get("scope") in {"col", "row", "rowgroup"}, (page, th.text_content())
            assert t.xpath("./thead//th[@scope='col']") and t.xpath("./tbody//th[@scope='row']")
            link = t.xpath("ancestor::div[@class='block'][1]//a[@class='csv']/@href")
            assert link and (page.parent / link[0]).is_file(), (page, link)


def test_csv_downloads_equal_the_tables(site):
    checked = 0
    for page in pages(site):
        doc = parse(page)
        for div in doc.xpath("//div[@class='block']"):
            table = div.xpath(".//table")[0]
            href = div.xpath(".//a[@class='csv']/@href")[0]
            raw = (page.parent / href).read_bytes()
            assert raw.startswith(b"\xef\xbb\xbf"), href  # a byte-order mark, for Excel
            data = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
            title, unit = data[0][0], data[1][0]
            assert title == table.xpath("string(./caption/span[@class='cap']/text())").strip(), (href, title)
            assert unit.startswith("Unit: "), href
            data = data[2:]
            grouped = data[0][0] == "Group"
            groups = [g.text_content() for g in table.xpath("./tbody/tr[@class='group']/th")]
            body = []
            for tbody in table.xpath("./tbody"):
                label = tbody.xpath("string(./tr[@class='group']/th)")
                for row in cells_of(tbody):
                    body.append(([label] if grouped else []) + row)
            assert grouped == bool(groups)
            assert len(data) - 1 == len(body), href
            for line, row in zip(data[1:], body):
                n_text = len(row) - len(line)
                assert n_text == 0, (href, line, row)
                for got, shown in zip(line, row):
                    assert got == displayed_to_csv(shown), (href, got, shown)
                    checked += 1
    assert checked > 2000


def cells_of(tbody) -> list[list[str]]:
    out = []
    for tr in tbody.xpath("./tr[not(@class='group')]"):
        header = tr.xpath("./th")[0]
        code = header.xpath("string(.//span[@class='code'])")
        label = header.text_content()[: len(header.text_content()) - len(code)] if code else header.text_content()
        out.append([f"{label} ({code})" if code else label] + [td.text_content() for td in tr.xpath("./td") for _ in range(int(td.get("colspan", "1")))])
    return out


def displayed_to_csv(shown: str) -> str:
    if shown == MISSING:
        return ""
    if re.fullmatch(r"[−-]?[\d,]+(\.\d+)?", shown):
        return shown.replace(",", "").replace("−", "-")
    return shown


def test_svg_well_formed(site):
    count = 0
    for page in pages(site):
        text = page.read_text(encoding="utf-8")
        for svg in re.findall(r"<svg\b.*?</svg>", text, flags=re.S):
            root = etree.fromstring(svg.encode("utf-8"))
            assert root.tag == SVG + "svg"
            assert root.find(SVG + "title") is not None and root.get("viewBox")
            assert root.get("role") == "img"
            drawn = root.findall(f".//{SVG}path") + root.findall(f".//{SVG}rect")
            assert any((p.get("d") or p.get("width")) not in (None, "", "0.0") for p in drawn)
            count += 1
        # a chart never stands without the table holding its figures
        doc = parse(page)
        for figure in doc.xpath("//figure[@class='chart']"):
            target = figure.xpath(".//figcaption/a/@href")[0].lstrip("#")
            assert doc.xpath(f"//div[@id='{target}']//table"), target
    assert count >= 5


def test_pages_are_self_contained_and_responsive(site):
    for page in pages(site):
        text = page.read_text(encoding="utf-8")
        assert "<script" not in text.lower()
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", text), page
        assert "@import" not in text and "url(" not in text
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in text
        assert "@media print" in text and "@media (max-width:" in text
        doc = parse(page)
        assert doc.xpath("//nav[@class='toc']//a")
        for table in doc.xpath("//table"):
            assert table.getparent().get("class") == "scroll"
        for anchor in doc.xpath("//nav[@class='toc']//a/@href"):
            if anchor.startswith("#"):
                assert doc.xpath(f"//*[@id='{anchor[1:]}']"), anchor
        ids = doc.xpath("//@id")
        assert len(ids) == len(set(ids)), page


def test_numbers_right_aligned_with_decimals(site):
    doc = parse(site / "CN" / "index.html")
    style = doc.xpath("string(//style)")
    assert re.search(r"td\.num\s*\{[^}]*text-align:\s*right", style)
    figures = doc.xpath("//div[@id='inputs']//tbody//td[@class='num']")
    assert len(figures) > 100
    for td in figures:  # persons: DECIMALS 0; money: the package's 1 decimal
        assert re.fullmatch(r"\d{1,3}(,\d{3})*(\.\d)?|–", td.text_content()), td.text_content()


# --------------------------------------------------------------------------- escaping


def test_labels_from_packages_are_escaped(synthetic: Path, tmp_path: Path):
    evil = "<script>alert(1)</script>"
    toml = synthetic / "package.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('name = "Synthetica"', f'name = "{evil}"'), encoding="utf-8")
    industries = synthetic / "industries.csv"
    industries.write_text(industries.read_text(encoding="utf-8").replace('"Computer programming, consultancy and related activities"', evil), encoding="utf-8")
    result = compile_package(synthetic)
    assert result.inputs.manifest.name == evil
    out = tmp_path / "html"
    write_html(result.table, [result.inputs], out)
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    for page in (out / "index.html", out / "_X" / "index.html"):
        text = page.read_text(encoding="utf-8")
        assert "<script" not in text.lower(), page
        assert escaped in text, page
    country = parse(out / "_X" / "index.html")
    assert evil in country.xpath("string(//h1)")
    assert any(evil in th.text_content() for th in country.xpath("//div[@id='industry']//tbody/tr/th"))
    with open(out / "_X" / "industry.csv", encoding="utf-8-sig", newline="") as f:
        assert any(len(row) > 1 and row[1] == f"{evil} (J62)" for row in csv.reader(f))


def test_missing_figures_are_marked(site):
    doc = parse(site / "index.html")
    rows = cells(block(doc, "gfcf-gdp"))
    synthetic = [r for r in rows if r[0].startswith("Synthetica")]
    assert synthetic[0][-1] == MISSING  # 2010 (the last column, newest first): not compiled for the synthetic package
    assert "– not available." in doc.xpath("string(//div[@id='gfcf-gdp']//ol[@class='notes'])")
    assert math.isfinite(float(displayed_to_csv(synthetic[0][2])))


# --------------------------------------------------------------------------- issue 14: a publication people can trust

CA = fixtures_dir() / "CA"


@pytest.fixture(scope="module")
def trio(tmp_path_factory):
    """CA, CN and the synthetic package on one site, with links to the compile's other outputs."""
    results = [compile_package(CA), compile_package(CN), compile_package(SYNTHETIC)]
    out = tmp_path_factory.mktemp("trio") / "html"
    write_html(combine(results), [r.inputs for r in results], out, generated="2026-01-01",
               downloads={"All observations (CSV)": "observations.csv", "SDMX-ML 2.1 data": "sdmx/data.xml"})
    return out, combine(results)


def test_headline_helpers_by_hand():
    from compiler.outputs.html.headline import growth, money_range, significant

    # CNY 17,621.4 x 10^8 = 1.76214 x 10^12: three significant digits of trillions
    assert money_range(17621.4, 19728.5, 8, "CNY") == "CNY 1.76–1.97 trillion"
    assert money_range(29455.0, 40025.0, 6, "CAD") == "CAD 29.5–40.0 billion"
    assert money_range(3349.275, 3400.0, 0, "XXX") == "XXX 3.35–3.40 thousand"
    assert significant(176.42) == "176" and significant(1.7642) == "1.76" and significant(0.012345) == "0.0123"
    # 100 -> 121 in two years: (121 / 100) ** (1 / 2) - 1 = 10 %
    assert growth(100.0, 121.0, 2) == pytest.approx(10.0, rel=1e-12)
    assert math.isnan(growth(0.0, 5.0, 3)) and math.isnan(growth(1.0, 2.0, 0))


def test_country_headline_on_hand_made_rows():
    """Key figures and sentences from a handful of rows whose every figure is written here."""
    import pandas as pd

    from compiler.outputs.html.cube import Cube
    from compiler.outputs.html.headline import country_headline
    from compiler.outputs.html.meta import PackageMeta
    from compiler.inputs import load_package

    meta = PackageMeta.from_inputs(load_package(SYNTHETIC))  # 2020-2022, XXX, unit_mult 0
    cells = [  # STO, asset, unit, year, bound, value
        ("P51G", "N117DG", "XDC", "2020", "low", 1000.0), ("P51G", "N117DG", "XDC", "2020", "high", 1200.0),
        ("P51G", "N117DG", "XDC", "2022", "low", 1210.0), ("P51G", "N117DG", "XDC", "2022", "high", 1452.0),
        ("P51G", "N117DG", "PT_B1GQ", "2022", "low", 1.21), ("P51G", "N117DG", "PT_B1GQ", "2022", "high", 1.452),
        ("LE", "N117DN", "XDC", "2022", "low", 5000.0), ("LE", "N117DN", "XDC", "2022", "high", 6000.0),
        ("LE", "N117DN", "PT_B1GQ", "2022", "low", 5.0), ("LE", "N117DN", "PT_B1GQ", "2022", "high", 6.0),
    ]
    rows = pd.DataFrame([{"STO": s, "INSTR_ASSET": a, "ACTIVITY": "_T", "UNIT_MEASURE": u, "PRICES": "V", "COUNTERPART_AREA": "W0",
                          tbl.TIME: y, tbl.BOUND: b, tbl.VALUE: v, "DECIMALS": 2, "UNIT_MULT": 0} for s, a, u, y, b, v in cells])
    # GDP 100,000 before; change 500 (low) and 600 (high); total GFCF after 20,000 and 20,242
    after = pd.DataFrame([("2022", "low", "B1GQ", 100000.0, 500.0, 100500.0), ("2022", "high", "B1GQ", 100000.0, 600.0, 100600.0),
                          ("2022", "low", "P51G", 19000.0, 1000.0, 20000.0), ("2022", "high", "P51G", 19000.0, 1242.0, 20242.0)],
                         columns=[tbl.TIME, tbl.BOUND, "STO", "before", "change", "after"])
    headline = country_headline(meta, Cube(rows), after, "N117DG", "N117DN")
    assert headline.year == "2022"
    figures = {f.label: (f.value, f.detail) for f in headline.figures}
    assert figures["GFCF in data assets, 2022"] == ("XXX 1.21–1.45 thousand", "1.21–1.45 % of GDP")
    # 1210 / 20000 = 6.05 %, 1452 / 20242 = 7.173 %
    assert figures["Share of total GFCF"] == ("6.0–7.2 %", "2022, after capitalisation")
    # (1210 / 1000) ** 0.5 - 1 = 10 %; (1452 / 1200) ** 0.5 - 1 = 10 %
    assert figures["Growth of GFCF, 2020–2022"][0] == "10.0–10.0 % a year"
    assert figures["Net stock of data assets, end 2022"] == ("XXX 5.00–6.00 thousand", "5.00–6.00 % of GDP")
    # 500 / 100000 = 0.50 %, 600 / 100000 = 0.60 %
    assert figures["Effect on GDP, 2022"][0] == "+0.50–0.60 %"
    assert headline.sentences[0] == ("In 2022, gross fixed capital formation (GFCF) in data assets (data, databases and data R&D) in Synthetica is "
                                     "estimated at XXX 1.21–1.45 thousand, or 1.21–1.45 % of gross domestic product (GDP), 6.0–7.2 % of all GFCF "
                                     "once data is capitalised.")


def test_every_country_page_opens_with_key_figures(trio):
    out, table = trio
    for area in ("CA", "CN", "_X"):
        doc = parse(out / area / "index.html")
        first = doc.xpath("//main/*[1]")[0]
        assert first.get("id") == "key-figures", area
        assert len(doc.xpath("//dl[@class='keyfigs']/div")) >= 3
        assert "gross fixed capital formation (GFCF)" in doc.xpath("string(//p[@class='sentences'])")
    # CN's key figure is the canonical 2022 GFCF of all data assets, in words
    cn = table.loc[(table["REF_AREA"] == "CN") & (table["STO"] == "P51G") & (table["INSTR_ASSET"] == "N117DG") & (table["UNIT_MEASURE"] == "XDC") & (table["PRICES"] == "V")
                   & (table["ACTIVITY"] == "_T") & (table["REF_SECTOR"] == "S1") & (table[tbl.TIME] == "2022")]
    from compiler.outputs.html.headline import money_range

    low, high = (float(cn.loc[cn[tbl.BOUND] == b, tbl.VALUE].iloc[0]) for b in ("low", "high"))
    assert money_range(low, high, 8, "CNY") in parse(out / "CN" / "index.html").xpath("string(//dl[@class='keyfigs'])")


def test_index_compares_a_common_year(trio):
    out, _ = trio
    doc = parse(out / "index.html")
    # CA 2005-2018, CN 2010-2022, synthetic 2020-2022 share no year: each its latest, said so
    assert "share no year" in doc.xpath("string(//div[@id='latest']//ol[@class='notes'])")
    assert doc.xpath("//figure[@id='trend-chart']//svg")
    assert len(doc.xpath("//figure[@id='trend-chart']//g[@class='legend']/text")) >= 3 + 3  # a label per country + the bound legend


def test_common_year_is_the_latest_shared():
    results = [compile_package(CN), compile_package(SYNTHETIC)]
    from compiler.outputs.html.compare import common_year, comparison_rows, index_headline
    from compiler.outputs.html.meta import as_meta

    metas = [as_meta(r.inputs) for r in results]
    rows = comparison_rows(combine(results), metas)
    assert common_year(rows, metas) == "2022"  # CN 2010-2022 and the synthetic 2020-2022 share 2020-2022
    assert index_headline(rows, metas)[0].startswith("In 2022, the latest year compiled for all 2 countries, gross fixed capital formation (GFCF)")


def test_notes_come_from_each_package(trio):
    out, _ = trio
    cn = (out / "CN" / "index.html").read_text(encoding="utf-8")
    assert "Shenzhen" in cn and "93.2" in cn  # CN's [publication.notes]
    assert "Data-intensive industries (as the package defines them)" in cn
    for area in ("CA", "_X"):
        text = (out / area / "index.html").read_text(encoding="utf-8")
        assert "Shenzhen" not in text and "93.2" not in text and "table 9" not in text, area
        assert "Data-intensive industries" not in text, area
    assert "Statistics Canada (2019) publishes investment of CAD 29.455–40.025 billion in 2018" in (out / "CA" / "index.html").read_text(encoding="utf-8")


def test_sources_cited_in_full_and_no_seed(trio):
    out, _ = trio
    for page in pages(out):
        text = page.read_text(encoding="utf-8")
        assert "seed" not in text.lower(), page
        if page.parent != out:
            refs = parse(page).xpath("string(//ol[@class='references'])")
            assert "Wang, Kaike, Qiang He, Wuyi Zeng and Chunyun Wang (2024)" in refs and "doi:10.1177/0282423X241249116" in refs
            assert "Statistics Canada (2019). The value of data in Canada" in refs
    for path in out.rglob("*.csv"):
        assert "seed" not in path.read_text(encoding="utf-8-sig").lower(), path
    from compiler.resources import templates_dir

    code = [*Path(__file__).resolve().parent.parent.joinpath("compiler", "html").glob("*.py"), *templates_dir().glob("*.j2")]
    assert code and not [p for p in code if "seed" in p.read_text(encoding="utf-8").lower()]


def test_illustrative_inputs_are_said(trio):
    out, _ = trio
    ca = parse(out / "CA" / "index.html")
    statuses = {div.get("id"): div.xpath("string(./p[contains(@class,'status')])") for div in ca.xpath("//div[@class='block']")}
    # CA declares employment illustrative: every table resting on labour input says so, naming it in words
    assert "employment and compensation by occupation and industry" in statuses["inputs"]
    assert "do not quote them as estimates for Canada" in statuses["gfcf-asset"]
    assert all(statuses[t] for t in ("inputs", "gfcf-asset", "industry", "stock-current", "gdp-change"))
    assert "illustrative" in ca.xpath("string(//section[@id='key-figures']/p[contains(@class,'status')])")
    # the synthetic package declares nothing: no status note (not declared is not "published" either)
    assert not parse(out / "_X" / "index.html").xpath("//p[contains(@class,'status')]")
    index = parse(out / "index.html")
    assert "The figures of Canada, China rest on illustrative inputs" in index.xpath("string(//div[@id='gfcf-gdp']/p[contains(@class,'status')])")


def test_components_not_given_are_not_zeros(trio):
    out, _ = trio
    ca = parse(out / "CA" / "index.html")
    head = ca.xpath("string(//div[@id='inputs']//thead)")
    # CA (Statistics Canada 2019): other costs 50 % of labour cost, not split into capital and intermediate consumption
    assert "Other costs" in head and "Capital input" not in head and "Intermediate consumption" not in head
    assert "they are included in other costs" in ca.xpath("string(//div[@id='inputs']//ol[@class='notes'])")
    cn = parse(out / "CN" / "index.html")
    assert "Not shown: intermediate consumption and other costs, not given by the package" in cn.xpath("string(//div[@id='inputs']//ol[@class='notes'])")
    # imports: no imports table in CN; exports: no export share
    rows = {tr.xpath("string(./th)"): tr.xpath("string(./td[@class='na'])") for tr in cn.xpath("//div[@id='supply-use']//tbody/tr")}
    assert rows["ImportsP7"] == "not given" and rows["ExportsP6"] == "not given"
    assert rows["Final consumptionP3"].startswith("none")


def test_tables_that_repeat_another_are_merged(trio):
    out, _ = trio
    cn = parse(out / "CN" / "index.html")
    # CN capitalises all output (own-account share 1): output = GFCF, one table and one block by industry
    assert not cn.xpath("//div[@id='output-asset']")
    assert "Output equals GFCF for every asset and year" in cn.xpath("string(//div[@id='gfcf-asset']//ol[@class='notes'])")
    assert [g.xpath("string(.)") for g in cn.xpath("//div[@id='industry']//tr[@class='group']/th")] == ["Output = GFCF, low bound", "Output = GFCF, high bound"]
    # the synthetic package sells part of its databases: output differs from GFCF, both tables stay
    x = parse(out / "_X" / "index.html")
    assert x.xpath("//div[@id='output-asset']") and len(x.xpath("//div[@id='industry']//tr[@class='group']")) == 4


def test_method_in_prose(trio):
    out, table = trio
    cn = parse(out / "CN" / "index.html")
    method = cn.xpath("string(//dl[@class='method'])")
    # CN [pim.default]: normal retirement, mean life 5, CoV 0.25, declining balance 1.65: δ = 1.65 / 5 = 33.0 % (OECD 2009, §7.5)
    assert "a mean service life of 5.0 years" in method and "a coefficient of variation of lives of 0.25" in method
    assert "their value declines geometrically by 33.0 % a year (a declining balance of 1.65 over the mean service life)" in method
    assert "[pim" not in method and "mean_life" not in method and ".csv" not in method
    # effective depreciation rate: CFC 2022 / net stock end 2021, constant prices
    def value(sto, asset, year, bound):
        rows = table.loc[(table["REF_AREA"] == "CN") & (table["STO"] == sto) & (table["INSTR_ASSET"] == asset) & (table["PRICES"] == "Q")
                         & (table["UNIT_MEASURE"] == "XDC") & (table["ACTIVITY"] == "_T") & (table["REF_SECTOR"] == "S1")
                         & (table[tbl.TIME] == year) & (table[tbl.BOUND] == bound)]
        return float(rows[tbl.VALUE].iloc[0])
    rate = value("P51C", "N117DG", "2022", "low") / value("LE", "N117DN", "2021", "low") * 100
    assert f"consumption of fixed capital in 2022 is {format_number(rate, 1)} % (low)" in method
    # the occupation table: CN occupations.csv, 2120 statisticians, data 0.12-0.135 -> 12.0 and 13.5 %
    occupations = cells(block(cn, "occupations"))
    row = next(r for r in occupations if r[0].endswith("2120"))
    assert row[1:3] == ["12.0", "13.5"]


def test_downloads_and_release_metadata(trio):
    out, _ = trio
    for area in ("CA", "CN"):
        doc = parse(out / area / "index.html")
        links = doc.xpath("//section[@id='downloads']//a/@href")
        assert f"{area}-data-assets.xlsx" in links and "../../observations.csv" in links and "../../sdmx/data.xml" in links
        release = doc.xpath("string(//dl[@class='release'])")
        assert "2026-01-01" in release and "datasat" in release and "package.toml" in release
    assert "../observations.csv" in parse(out / "index.html").xpath("//section[@id='downloads']//a/@href")


def test_workbook_holds_every_table(trio):
    import openpyxl

    out, _ = trio
    book = openpyxl.load_workbook(out / "CN" / "CN-data-assets.xlsx", read_only=True)
    doc = parse(out / "CN" / "index.html")
    ids = [div.get("id") for div in doc.xpath("//div[@class='block']")]
    assert book.sheetnames[0] == "About" and len(book.sheetnames) == 1 + len(ids)
    assert [name.split(" ", 1)[1] for name in book.sheetnames[1:]] == [i[:27] for i in ids]
    about = " ".join(str(c) for row in book["About"].iter_rows(values_only=True) for c in row if c)
    assert "doi:10.1177/0282423X241249116" in about and "Key figures" in about
    sheet = book[next(n for n in book.sheetnames if n.endswith(" gfcf-asset"))]
    lines = [row for row in sheet.iter_rows(values_only=True)]
    assert lines[0][0].startswith("Table 2.") and lines[1][0].startswith("Unit: CNY 100 million")
    assert lines[2][0].startswith("Illustrative: ")
    # figures are numbers, equal to the CSV download's
    with open(out / "CN" / "gfcf-asset.csv", encoding="utf-8-sig", newline="") as f:
        data = list(csv.reader(f))[2:]
    body = [row for row in lines if row and row[0] and str(row[0]).isdigit()]
    assert len(body) == len(data) - 1
    for got, want in zip(body, data[1:]):
        assert str(got[0]) == want[0]
        for v, w in zip(got[1:len(want)], want[1:]):  # full precision in the workbook, shown with the published decimals
            decimals = len(w.partition(".")[2])
            assert isinstance(v, float) and abs(v - float(w)) <= 0.5 * 10**-decimals + 1e-9, (v, w)


def test_encoded_table_gives_the_same_site(site, compiled, tmp_path):
    """The pages read the combined table country by country: a dictionary-encoded table (what
    the CLI passes) writes the same files, byte for byte, as the decoded one."""
    results, _ = compiled
    out = tmp_path / "html"
    write_html(combine(results, encoded=True), [r.inputs for r in results], out, generated="2026-01-01")
    mine = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert mine == sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())
    for name in mine:
        assert (out / name).read_bytes() == (site / name).read_bytes(), name
