"""The HTML publication in a real browser: headless Chromium driven by Selenium.

Every bundled fixture (compiler.resources.bundled_packages) and the synthetic package
are compiled and rendered; each page is loaded as a file:// URL. Checked: no console
errors, the tables hold the canonical figures, every SVG chart renders with a non-zero
box, a phone-sized window scrolls wide tables inside their wrappers only, the print
stylesheet applies and the page prints to PDF, package labels are shown as text.

Nothing is downloaded at run time: the Debian ``chromium`` and ``chromium-driver``
binaries are used through ``Service(executable_path=...)``, so Selenium Manager never
runs. The tests skip, saying why, only when no Chromium or chromedriver is installed.
"""

from __future__ import annotations

import base64
import os
import shutil
from pathlib import Path

import pytest

from compiler import table as tbl
from compiler.outputs.html import write_html
from compiler.outputs.html.model import MISSING, format_number
from compiler.pipeline import combine, compile_package
from compiler.resources import bundled_packages

pytestmark = pytest.mark.browser
SYNTHETIC = Path(__file__).resolve().parent / "packages" / "synthetic"

CHROMIUM = next((p for p in (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")) if p), None)
CHROMEDRIVER = shutil.which("chromedriver")
if not (CHROMIUM and CHROMEDRIVER):
    pytest.skip(f"no headless Chromium: chromium {'found' if CHROMIUM else 'not found'}, chromedriver {'found' if CHROMEDRIVER else 'not found'} "
                "on PATH (Debian packages chromium and chromium-driver)", allow_module_level=True)

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars")
AFTER_TABLES = ("gdp-approaches", "gdp-change", "occupations")  # not canonical rows: after = before + change; the time shares of the package

CELLS_JS = """
const out = [];
for (const block of document.querySelectorAll('div.block')) {
  if (arguments[0].includes(block.id)) continue;
  for (const tr of block.querySelectorAll('tbody tr:not(.group):not(.derived)')) {
    for (const td of tr.querySelectorAll('td.num')) out.push(td.textContent);
  }
}
return out;
"""
TABLE_JS = "return Array.from(document.querySelectorAll('#' + arguments[0] + ' tbody tr:not(.group)')).map(tr => Array.from(tr.children).map(c => c.textContent));"
SVG_JS = """
return Array.from(document.querySelectorAll('svg')).map(svg => {
  const r = svg.getBoundingClientRect();
  const marks = Array.from(svg.querySelectorAll('path.band, path.low, rect.bar-low')).map(p => { const b = p.getBBox(); return b.width * b.height; });
  return {id: svg.closest('figure').id, width: r.width, height: r.height, marks: marks};
});
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    results = [compile_package(p) for p in bundled_packages()] + [compile_package(SYNTHETIC)]
    table = combine(results)
    out = tmp_path_factory.mktemp("browser") / "html"
    write_html(table, [r.inputs for r in results], out, generated="2026-01-01")
    return out, table, [r.inputs.manifest.ref_area for r in results], {r.inputs.manifest.ref_area: r.inputs.manifest.name for r in results}


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    previous = os.environ.get("SE_OFFLINE")
    os.environ["SE_OFFLINE"] = "true"  # belt and braces: Selenium Manager must never download
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    browser = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    browser.set_page_load_timeout(60)
    browser.set_window_size(1280, 900)
    try:
        yield browser
    finally:
        browser.quit()
        if previous is None:
            os.environ.pop("SE_OFFLINE", None)
        else:
            os.environ["SE_OFFLINE"] = previous


def load(driver, path: Path) -> list[dict]:
    """Open ``path``; return the console entries logged while loading it."""
    driver.get_log("browser")  # drop what earlier pages logged
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(path.resolve().as_uri())
    # a loaded machine (parallel tests) may hand the page back before it is complete: wait for it
    WebDriverWait(driver, 60, poll_frequency=0.1).until(lambda d: d.execute_script("return document.readyState") == "complete")
    return driver.get_log("browser")


def all_pages(site) -> list[Path]:
    out, _, areas, _ = site
    return [out / "index.html"] + [out / a / "index.html" for a in areas]


def test_every_bundled_package_has_a_page(site):
    out, _, areas, _ = site
    assert {"CN"} <= set(areas)
    for area in areas:
        assert (out / area / "index.html").is_file()


def test_pages_load_without_console_errors(site, driver):
    for page in all_pages(site):
        entries = load(driver, page)
        errors = [e for e in entries if e.get("level") == "SEVERE"]
        assert not errors, (page, errors)
        assert driver.title and driver.find_elements("css selector", "table caption")


def test_tables_hold_the_canonical_values(site, driver):
    out, table, areas, _ = site
    for area in areas:
        rows = table.loc[table["REF_AREA"] == area]
        allowed = {format_number(v, d) for v, d in zip(rows[tbl.VALUE], rows["DECIMALS"])} | {MISSING}
        load(driver, out / area / "index.html")
        shown = driver.execute_script(CELLS_JS, list(AFTER_TABLES))
        assert len(shown) > 100, area
        strange = sorted({s for s in shown if s not in allowed})
        assert not strange, (area, strange[:10])
        # GFCF of all data assets, low and high, cell by cell (table 9 of Wang et al. (2024))
        gfcf = tbl.select(rows, STO="P51G", INSTR_ASSET="N117DG", UNIT_MEASURE="XDC", PRICES="V", ACTIVITY="_T", REF_SECTOR="S1")
        expected = {(r[tbl.TIME], r[tbl.BOUND]): format_number(r[tbl.VALUE], r["DECIMALS"]) for _, r in gfcf.iterrows()}
        for row in driver.execute_script(TABLE_JS, "gfcf-asset"):
            assert row[7:9] == [expected[(row[0], "low")], expected[(row[0], "high")]], (area, row)


def test_index_holds_every_country(site, driver):
    out, table, areas, names = site
    load(driver, out / "index.html")
    rows = driver.execute_script(TABLE_JS, "gfcf-gdp")
    assert {r[0] for r in rows} == {f"{names[a]}{a}" for a in areas}
    cn = [r for r in rows if r[0] == "ChinaCN" and r[1] == "low"][0]
    share = tbl.select(table, REF_AREA="CN", STO="P51G", INSTR_ASSET="N117DG", UNIT_MEASURE="PT_B1GQ", BOUND="low", TIME_PERIOD="2020", ACTIVITY="_T", REF_SECTOR="S1")
    header = driver.execute_script("return Array.from(document.querySelectorAll('#gfcf-gdp thead th')).map(th => th.textContent)")
    assert cn[header.index("2020")] == format_number(float(share[tbl.VALUE].iloc[0]), int(share["DECIMALS"].iloc[0])) == "1.74"


def test_svg_charts_render(site, driver):
    for page in all_pages(site):
        load(driver, page)
        charts = driver.execute_script(SVG_JS)
        assert charts, page
        for chart in charts:
            assert chart["width"] > 100 and chart["height"] > 50, (page, chart)
            assert chart["marks"] and max(chart["marks"]) > 0, (page, chart)


def test_screenshots(site, driver, tmp_path):
    out = site[0]
    for name, page in (("index", out / "index.html"), ("CN", out / "CN" / "index.html")):
        load(driver, page)
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(1280, min(height, 6000))
        target = tmp_path / f"{name}.png"
        assert driver.save_screenshot(str(target))
        assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and target.stat().st_size > 20_000
    driver.set_window_size(1280, 900)


def test_phone_layout_and_alignment(site, driver):
    out = site[0]
    driver.set_window_size(390, 844)
    try:
        load(driver, out / "CN" / "index.html")
        page_overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        assert page_overflow <= 1, "the page itself scrolls sideways on a phone"
        wrappers = driver.execute_script("return Array.from(document.querySelectorAll('.scroll')).map(s => [s.scrollWidth, s.clientWidth, getComputedStyle(s).overflowX])")
        assert any(w > c for w, c, _ in wrappers), "no wide table scrolls in its wrapper"
        assert all(o == "auto" for _, _, o in wrappers)
        align = driver.execute_script("return getComputedStyle(document.querySelector('td.num')).textAlign")
        assert align == "right"
    finally:
        driver.set_window_size(1280, 900)


def test_print_stylesheet(site, driver):
    out = site[0]
    load(driver, out / "CN" / "index.html")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        hidden = driver.execute_script("return getComputedStyle(document.querySelector('nav.toc')).display")
        overflow = driver.execute_script("return getComputedStyle(document.querySelector('.scroll')).overflowX")
        assert hidden == "none" and overflow == "visible"
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    pdf = driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": True})
    assert base64.b64decode(pdf["data"])[:5] == b"%PDF-"


def test_labels_are_text_not_markup(tmp_path, driver):
    package = tmp_path / "synthetic"
    shutil.copytree(SYNTHETIC, package)
    evil = "<script>document.title='pwned'</script><img src=x onerror=alert(1)>"
    toml = package / "package.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('name = "Synthetica"', f'name = "{evil}"'), encoding="utf-8")
    result = compile_package(package)
    out = tmp_path / "html"
    write_html(result.table, [result.inputs], out)
    entries = load(driver, out / "_X" / "index.html")
    assert not [e for e in entries if e.get("level") == "SEVERE"]
    assert driver.title != "pwned"
    assert evil in driver.find_element("css selector", "h1").text
    assert not driver.find_elements("css selector", "main img")


# --------------------------------------------------------------------------- layouts at 390 and 1280 px (issue 14)

REACH_JS = """
const bad = []; let n = 0;
for (const box of document.querySelectorAll('.scroll')) {
  for (const td of box.querySelectorAll('tbody td.num')) {
    td.scrollIntoView({block: 'center', inline: 'nearest'});
    const label = td.parentElement.querySelector('th');
    const sticky = label ? label.getBoundingClientRect().right : box.getBoundingClientRect().left;
    let r = td.getBoundingClientRect();
    if (r.left < sticky) { box.scrollLeft -= (sticky - r.left) + 2; r = td.getBoundingClientRect(); }
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    n++;
    if (!(hit === td || td.contains(hit))) bad.push(box.parentElement.id + ': ' + td.textContent);
  }
  box.scrollLeft = 0;
}
return [n, bad.length, bad.slice(0, 5)];
"""
LABEL_JS = """
return Array.from(document.querySelectorAll('.scroll')).map(box => {
  const th = box.querySelector('tbody tr:not(.group) th');
  return [box.parentElement.id, th ? th.getBoundingClientRect().width : 0, box.clientWidth, box.scrollWidth > box.clientWidth + 1];
});
"""
DESK_JS = """
const out = [];
for (const box of document.querySelectorAll('.scroll')) {
  box.scrollLeft = 0;
  const b = box.getBoundingClientRect();
  const years = Array.from(box.querySelectorAll('thead th, tbody th')).filter(th => /^\\d{4}$/.test(th.textContent.trim()));
  let latest = null;
  for (const th of years) if (!latest || +th.textContent > +latest.textContent) latest = th;
  let target = latest;
  if (latest && latest.closest('tbody')) target = latest.parentElement.querySelector('td') || latest;
  const r = target ? target.getBoundingClientRect() : null;
  const fits = box.scrollWidth <= box.clientWidth + 1;
  const clipped = fits ? Array.from(box.querySelectorAll('td.num')).filter(td => td.getBoundingClientRect().right > b.right + 0.5).length : 0;
  out.push({id: box.parentElement.id, year: latest ? latest.textContent : null, visible: r ? (r.left >= b.left - 0.5 && r.right <= b.right + 0.5) : true, clipped: clipped});
}
return out;
"""
FONT_JS = """
const out = [];
for (const svg of document.querySelectorAll('svg')) {
  const box = svg.getBoundingClientRect();
  if (!box.width) continue;
  const scale = box.width / svg.viewBox.baseVal.width;
  for (const t of svg.querySelectorAll('text')) out.push([svg.closest('figure').id, parseFloat(getComputedStyle(t).fontSize) * scale, t.textContent]);
}
return out;
"""


def test_phone_every_number_can_be_brought_into_view(site, driver):
    driver.set_window_size(390, 844)
    try:
        for page in all_pages(site):
            load(driver, page)
            checked, bad, sample = driver.execute_script(REACH_JS)
            assert checked > 20 and bad == 0, (page, bad, sample)
            for table, label, box, scrolls in driver.execute_script(LABEL_JS):
                if scrolls:  # a table that fits may stretch its label column; one that scrolls keeps room for the numbers
                    assert label <= 0.42 * box, (page, table, label, box)
    finally:
        driver.set_window_size(1280, 900)


def test_desk_latest_year_visible_and_nothing_clipped(site, driver):
    driver.set_window_size(1280, 900)
    for page in all_pages(site):
        load(driver, page)
        for table in driver.execute_script(DESK_JS):
            assert table["visible"], (page, table)
            assert table["clipped"] == 0, (page, table)
        # the result of the sum of costs stays in view
        if page.parent.name != site[0].name:
            box = driver.execute_script("const b = document.querySelector('#inputs .scroll').getBoundingClientRect(); "
                                        "const h = Array.from(document.querySelectorAll('#inputs thead th')).find(th => th.textContent.startsWith('Output')); "
                                        "const r = h.getBoundingClientRect(); return [r.left >= b.left, r.right <= b.right];")
            assert box == [True, True], page


def test_chart_text_at_least_12_px(site, driver):
    for width in (390, 1280):
        driver.set_window_size(width, 900)
        for page in all_pages(site):
            load(driver, page)
            sizes = driver.execute_script(FONT_JS)
            assert sizes, page
            small = [s for s in sizes if s[1] < 11.95]
            assert not small, (width, page, small[:5])
    driver.set_window_size(1280, 900)


def test_print_repeats_captions_and_keeps_badges_small(site, driver):
    """In print the caption rides in the table head (repeated on every page a table spans), code badges are no larger than labels."""
    out = site[0]
    load(driver, out / "CN" / "index.html")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        caption, repeated = driver.execute_script("return [getComputedStyle(document.querySelector('caption')).display, "
                                                  "getComputedStyle(document.querySelector('thead tr.print-cap')).display]")
        assert caption == "none" and repeated == "table-row"
        assert driver.execute_script("return getComputedStyle(document.querySelector('thead')).display") == "table-header-group"
        badge, label = driver.execute_script("const c = document.querySelector('tbody th .code'); "
                                             "return [parseFloat(getComputedStyle(c).fontSize), parseFloat(getComputedStyle(c.closest('th')).fontSize)]")
        assert badge <= label
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert driver.execute_script("return getComputedStyle(document.querySelector('thead tr.print-cap')).display") == "none"
