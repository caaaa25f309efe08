"""HTML publication (compiler.html) and the cross-country stage (compiler.comparison).

Non-browser checks: every figure on a page is a canonical figure formatted with its
DECIMALS; labels from packages are escaped; captions, scoped headers, CSV downloads
equal to the tables; SVG well-formed; no script or external resource; and the
comparison rows hand-checked on the synthetic package (tests/test_costs.py: GFCF of all
data assets 2020, low = 1677 + 0.9 x 999.75 + 772.5 = 3349.275; macro.csv: exchange rate
2, PPP 1.5, population 1000, GDP 100000).
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

from compiler import table as tbl
from compiler.gdp import after_capitalisation
from compiler.html import write_html
from compiler.html.model import MINUS, MISSING, csv_number, format_number
from compiler.pipeline import combine, compile_package
from compiler.resources import fixtures_dir

HERE = Path(__file__).resolve().parent
SYNTHETIC = HERE / "packages" / "synthetic"
TOL = 1e-9
GFCF_2020_LOW = 1677 + 999.75 * 0.9 + 772.5
SVG = "{http://www.w3.org/2000/svg}"
CN = fixtures_dir() / "CN"
#: Tables whose figures are not all canonical rows (after = before + change, compiler.gdp).
AFTER_TABLES = {"gdp-approaches", "gdp-change"}


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
    share = series(table, "_X", "LE", "N117DG", unit="XDC_R_B1GQ")
    assert share[("2021", "low")][0] == pytest.approx(gross[("2021", "low")][0] / gdp[("2021", "low")][0] * 100, rel=TOL)
    cfc = series(table, "_X", "P51C", "N117DG", unit="XDC_R_B1GQ")
    assert cfc[("2022", "high")][0] == pytest.approx(series(table, "_X", "P51C", "N117DG")[("2022", "high")][0] / 1000, rel=TOL)
    by_industry = series(table, "_X", "P51G", "N117DG", unit="XDC_R_B1GQ", activity="J62")
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
        assert checked > (2000 if area == "CN" else 300), (area, checked)


def test_gfcf_table_cell_by_cell(site, compiled):
    table = compiled[1]
    doc = parse(site / "CN" / "index.html")
    rows = cells(block(doc, "gfcf-asset"))
    assets = ["N11733G", "N11732G", "N11711G", "N117DG"]
    expected = {a: series(table, "CN", "P51G", a) for a in assets}
    share = series(table, "CN", "P51G", "N117DG", unit="XDC_R_B1GQ")
    assert [r[0] for r in rows] == [str(y) for y in range(2010, 2023)]
    for row in rows:
        year = row[0]
        want = [format_number(*expected[a][(year, b)]) for a in assets for b in tbl.BOUNDS]
        want += [format_number(*share[(year, b)]) for b in tbl.BOUNDS]
        assert row[1:] == want
    assert rows[10][7] == "17,621.4"  # 2020, low: the seed paper's RMB 1.76 trillion (README.md)


def test_gdp_after_capitalisation(site, compiled):
    table = compiled[1]
    after = after_capitalisation(table, "CN", "N117DG")
    doc = parse(site / "CN" / "index.html")
    rows = cells(block(doc, "gdp-change"))
    b1gq = after.loc[after["STO"] == "B1GQ"].set_index([tbl.TIME, tbl.BOUND])
    for row in rows:
        year = row[0]
        assert row[1] == format_number(b1gq.loc[(year, "low"), "before"], 1)
        assert row[2:4] == [format_number(b1gq.loc[(year, b), "after"], 1) for b in tbl.BOUNDS]


def test_index_values(site, compiled):
    table = compiled[1]
    doc = parse(site / "index.html")
    rows = cells(block(doc, "gfcf-gdp"))
    share = {"CN": series(table, "CN", "P51G", "N117DG", unit="XDC_R_B1GQ"), "_X": series(table, "_X", "P51G", "N117DG", unit="XDC_R_B1GQ")}
    header = [th.text_content() for th in block(doc, "gfcf-gdp").xpath("./thead/tr/th")]
    years = header[2:]
    assert years == [str(y) for y in range(2010, 2023)]
    for row in rows:
        area = "CN" if row[0].startswith("China") else "_X"
        bound = row[1]
        want = [format_number(*share[area][(y, bound)]) if (y, bound) in share[area] else MISSING for y in years]
        assert row[2:] == want
    pc = cells(block(doc, "gfcf-usd-pc"))
    assert [r[0] for r in pc] == ["Synthetica_X", "Synthetica_X"]
    assert pc[0][-3] == format_number(GFCF_2020_LOW / 2 / 1000, 2)
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
            with open(page.parent / href, encoding="utf-8", newline="") as f:
                data = list(csv.reader(f))
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
        code = header.xpath("string(./span[@class='code'])")
        label = header.text_content()[: len(header.text_content()) - len(code)] if code else header.text_content()
        out.append([f"{label} ({code})" if code else label] + [td.text_content() for td in tr.xpath("./td")])
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
    with open(out / "_X" / "industry.csv", encoding="utf-8", newline="") as f:
        assert any(row[1] == f"{evil} (J62)" for row in csv.reader(f))


def test_missing_figures_are_marked(site):
    doc = parse(site / "index.html")
    rows = cells(block(doc, "gfcf-gdp"))
    synthetic = [r for r in rows if r[0].startswith("Synthetica")]
    assert synthetic[0][2] == MISSING  # 2010: not compiled for the synthetic package
    assert "– not available." in doc.xpath("string(//div[@id='gfcf-gdp']//ol[@class='notes'])")
    assert math.isfinite(float(displayed_to_csv(synthetic[0][-1])))
