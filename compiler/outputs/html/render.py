"""Write the HTML publication: one page per country, the cross-country index, CSVs.

Layout of ``out`` (the caller passes ``OUT/html``, or its staging folder)::

    index.html                 cross-country comparison, table of contents of countries
    <table-id>.csv             the index's tables (e.g. gfcf-gdp.csv)
    <REF_AREA>/index.html      the satellite-account tables of one country
    <REF_AREA>/<table-id>.csv  each of its tables (e.g. gfcf-asset.csv): the same names
                               in every country

Templates (``templates/*.html.j2``) are compiled once per process, with autoescaping on
(labels from input packages are text, never markup) and StrictUndefined. Pages have no
JavaScript and no external resources; charts are inline SVG.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd

from compiler import __version__
from compiler import table as tbl
from compiler.accounts.gdp import after_capitalisation_by_area
from compiler.inputs import Inputs
from compiler.resources import templates_dir
from compiler.outputs.html import compare
from compiler.outputs.html.cube import published_rows
from compiler.outputs.html.meta import PackageMeta, as_meta
from compiler.outputs.html.method_text import REFERENCES
from compiler.outputs.html.model import TableView
from compiler.outputs.html.views import CountryViews, Section
from compiler.outputs.html.workbook import write_workbook


@cache
def environment() -> jinja2.Environment:
    """The Jinja2 environment: autoescape on, StrictUndefined, templates from ``templates/``."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.globals["datasat_version"] = __version__
    return env


#: Lines before a CSV download's header: its title and its unit (then the header line).
CSV_PREAMBLE = 2


def write_csv(view: TableView, path: Path) -> None:
    """UTF-8 with a byte-order mark (so that Excel reads "2005–2018" and "−" right), the
    title and the unit on the first two lines, then the table's header and body."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([view.title])
    writer.writerow([f"Unit: {view.unit}" if view.unit else "Unit: as stated in the column heads"])
    writer.writerows(view.csv_rows())
    path.write_text(buffer.getvalue(), encoding="utf-8-sig")


def _write_tables(views: Sequence[TableView], folder: Path) -> int:
    for view in views:
        view.csv = f"{view.id}.csv"
        write_csv(view, folder / view.csv)
    return len(views)


def references(meta: PackageMeta) -> list[str]:
    """The package's own references, then the method's (each once)."""
    return list(dict.fromkeys([*meta.publication.references, *REFERENCES]))


def render_country(meta: PackageMeta, rows: pd.DataFrame, folder: Path, generated: str, after: pd.DataFrame | None = None,
                   downloads: dict[str, str] | None = None) -> dict[str, Any]:
    """Write ``folder/index.html`` and the CSVs of one country; return what was written.

    ``after``: the country's GDP after capitalisation, if computed for all countries at once.
    """
    folder.mkdir(parents=True, exist_ok=True)
    views = CountryViews(meta, rows, after)
    sections: list[Section] = views.sections()
    method, method_tables = views.method()
    tables = [t for s in sections for t in s.tables] + method_tables
    _write_tables(tables, folder)
    headline, cited = views.headline(), references(meta)
    write_workbook(folder / f"{meta.ref_area}-data-assets.xlsx", meta, tables, headline, method, cited, generated)
    html = environment().get_template("country.html.j2").render(
        meta=meta, sections=sections, headline=headline, method=method, method_tables=method_tables, references=cited,
        generated=generated, downloads=downloads or {}, up="../../")
    (folder / "index.html").write_text(html, encoding="utf-8")
    return {"ref_area": meta.ref_area, "page": f"{folder.name}/index.html", "tables": len(tables), "charts": sum(len(t.charts) for t in tables)}


def render_index(rows: pd.DataFrame, metas: Sequence[PackageMeta], out: Path, generated: str, downloads: dict[str, str] | None = None) -> dict[str, Any]:
    """Write ``out/index.html`` (cross-country comparison) and its CSVs."""
    selected = compare.comparison_rows(rows, metas)
    countries = compare.countries_table(metas)
    summary = compare.summary_table(selected, metas)
    measures = compare.measure_tables(selected, metas)
    tables = [countries] + ([summary] if summary is not None else []) + measures
    _write_tables(tables, out)
    html = environment().get_template("index.html.j2").render(metas=metas, countries=countries, summary=summary, measures=measures, generated=generated,
                                                             headline=compare.index_headline(selected, metas), trend=compare.trend_chart(selected, metas),
                                                             downloads=downloads or {}, up="../")
    (out / "index.html").write_text(html, encoding="utf-8")
    return {"page": "index.html", "tables": len(tables), "charts": sum(len(t.charts) for t in tables)}


def write_html(table: pd.DataFrame, packages: Sequence[Inputs | PackageMeta], out: Path, generated: str | None = None,
               downloads: dict[str, str] | None = None) -> dict[str, Any]:
    """Render the canonical ``table`` of ``packages`` into ``out`` (module docstring).

    ``packages`` are the compiled packages' :class:`compiler.inputs.Inputs` (or
    :class:`PackageMeta`), in the order the index lists them. ``generated`` is the date
    printed in the footers (default: ``SOURCE_DATE_EPOCH`` or today, UTC). Returns a
    summary for report.json (deterministic: no timings): index, pages, tables (each
    with a CSV), charts. ``downloads``: link text -> path relative to ``out``'s parent
    (the compile's OUT), e.g. ``{"All observations (CSV)": "observations.csv"}``; the
    pages link them.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    metas = [as_meta(p) for p in packages]
    generated = generated or _today()
    pages, selected = _render_countries(table, metas, out, generated, downloads)
    index = render_index(selected, metas, out, generated, downloads)
    return {
        "index": index["page"],
        "pages": [p["page"] for p in pages],
        "tables": index["tables"] + sum(p["tables"] for p in pages),
        "charts": index["charts"] + sum(p["charts"] for p in pages),
    }


def _render_countries(table: pd.DataFrame, metas: Sequence[PackageMeta], out: Path, generated: str,
                      downloads: dict[str, str] | None) -> tuple[list[dict[str, Any]], pd.DataFrame]:
    """Each country's page, read country by country (:func:`compiler.table.partitions`: one
    country decoded at a time, the table may stay dictionary-encoded); the pages' summaries in
    the order of ``metas`` and the rows the index compares (:func:`compare.comparison_rows`)."""
    by_area = {m.ref_area: m for m in metas}
    aggregates = {m.all_data_code for m in metas}
    pages: dict[str, dict[str, Any]] = {}
    selected = []
    for area, part in tbl.partitions(table):
        meta = by_area.get(area)
        if meta is None:
            continue
        rows = published_rows(part, aggregates)
        del part
        after = after_capitalisation_by_area(rows, {area: meta.all_data_code}).drop(columns="REF_AREA").reset_index(drop=True)
        pages[area] = render_country(meta, rows, out / area, generated, after if len(after) else _EMPTY_AFTER, downloads)
        selected.append(compare.comparison_rows(rows, metas))
    for meta in metas:
        if meta.ref_area not in pages:
            pages[meta.ref_area] = render_country(meta, published_rows(tbl.empty()), out / meta.ref_area, generated, _EMPTY_AFTER, downloads)
    rows = pd.concat(selected, ignore_index=True) if selected else published_rows(tbl.empty())
    return [pages[m.ref_area] for m in metas], rows


_EMPTY_AFTER = pd.DataFrame(columns=["TIME_PERIOD", "BOUND", "STO", "before", "change", "after"])


def _today() -> str:
    """SOURCE_DATE_EPOCH's date (reproducible builds), else today's, UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch and epoch.isdigit() else datetime.now(timezone.utc)
    return moment.strftime("%Y-%m-%d")


__all__ = ["write_html", "render_country", "render_index", "environment"]
