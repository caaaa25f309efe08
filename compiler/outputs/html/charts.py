"""Chart geometry: scales, ticks and SVG path data, computed in Python.

``templates/charts.html.j2`` turns these models into inline SVG (no JavaScript, no
external resources; it prints and works offline). Every chart is drawn from the figures
of a table on the same page, which the figure's caption names.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from compiler.outputs.html.model import format_number

#: A chart is drawn in a 480-unit box, shown at most 480 CSS px wide and shrunk to the
#: column on a phone (about 367 px at 390 px): text of FONT units stays >= 12 CSS px.
WIDTH, HEIGHT = 480, 300
FONT = 17
LEFT, RIGHT, TOP, BOTTOM = 66, 18, 34, 66
LABEL_CHARS = 18
LEGEND_ROW = 24


@dataclass(frozen=True)
class Tick:
    pos: float
    label: str


@dataclass
class Chart:
    """What every chart has: ids, texts, its size, the plot area and the x axis."""

    id: str
    title: str
    description: str
    table_id: str  # the table that holds the chart's numbers
    unit: str
    width: int
    height: int
    plot: tuple[float, float, float, float]  # x0, y0, x1, y1
    x_ticks: list[Tick]


@dataclass
class BandChart(Chart):
    """A time series with its low–high range as a shaded band (one band per series)."""

    y_ticks: list[Tick] = field(default_factory=list)
    bands: list[dict] = field(default_factory=list)  # {"label", "band", "low", "high", "cls"}


@dataclass
class BarChart(Chart):
    """Horizontal range bars: the low bound solid, the high bound's excess lighter."""

    label_width: float = 0.0
    bars: list[dict] = field(default_factory=list)  # {"label", "short", "y", "h", "x0", "low_w", "x_low", "high_w", "text", "text_x"}


def nice_ticks(lo: float, hi: float, count: int = 5) -> tuple[list[float], int]:
    """Round tick values covering [lo, hi] and the decimals their labels need."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        lo, hi = 0.0, 1.0
    if hi <= lo:
        hi = lo + (abs(lo) or 1.0)
    raw = (hi - lo) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(lo / step) * step
    ticks, value = [], start
    while value < hi + step * 0.5:
        ticks.append(round(value, 12))
        value += step
    decimals = max(0, -math.floor(math.log10(step)) + (1 if round(step / magnitude, 6) == 2.5 else 0))
    return ticks, decimals


def _finite(values: Sequence[float]) -> list[float]:
    return [v for v in values if v is not None and math.isfinite(v)]


def _path(xs: Sequence[float], ys: Sequence[float]) -> str:
    """SVG path data through the finite points, with a gap where a value is missing."""
    parts, pen = [], "M"
    for x, y in zip(xs, ys):
        if y is None or not math.isfinite(y):
            pen = "M"
            continue
        parts.append(f"{pen}{x:.1f} {y:.1f}")
        pen = "L"
    return " ".join(parts)


def _band(xs: Sequence[float], lows: Sequence[float], highs: Sequence[float]) -> str:
    """Closed sub-paths over each run of years with both bounds."""
    out, run = [], []
    for x, lo, hi in (*zip(xs, lows, highs), (None, math.nan, math.nan)):
        if x is not None and math.isfinite(lo) and math.isfinite(hi):
            run.append((x, lo, hi))
            continue
        if run:
            top = " L".join(f"{x:.1f} {hi:.1f}" for x, _, hi in run)
            bottom = " L".join(f"{x:.1f} {lo:.1f}" for x, lo, _ in reversed(run))
            out.append(f"M{top} L{bottom} Z")
        run = []
    return " ".join(out)


def band_chart(chart_id: str, title: str, table_id: str, unit: str, years: Sequence[str], series: Sequence[tuple[str, Sequence[float], Sequence[float]]]) -> BandChart | None:
    """``series``: (label, low values, high values) over ``years``. None without data."""
    values = [v for _, lows, highs in series for v in (*_finite(lows), *_finite(highs))]
    if not values or not years:
        return None
    ticks, decimals = nice_ticks(min(0.0, min(values)), max(values))
    x0, y0, x1, y1 = LEFT, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM
    n = len(years)
    step = (x1 - x0) / max(n - 1, 1)
    xs = [x0 + i * step if n > 1 else (x0 + x1) / 2 for i in range(n)]
    lo_v, hi_v = ticks[0], ticks[-1]

    def y(value: float) -> float:
        return y1 - (value - lo_v) / (hi_v - lo_v) * (y1 - y0) if math.isfinite(value) else math.nan

    every = max(1, math.ceil(n / 7))
    shown = list(range(n - 1, -1, -every))[::-1]  # counted back from the last year, which is always labelled
    x_ticks = [Tick(xs[i], years[i]) for i in shown]
    bands = []
    for k, (label, lows, highs) in enumerate(series):
        ly = [y(v) for v in lows]
        hy = [y(v) for v in highs]
        bands.append({"label": label, "band": _band(xs, ly, hy), "low": _path(xs, ly), "high": _path(xs, hy), "cls": f"s{k % 4}"})
    description = f"{title}, {years[0]}–{years[-1]}, low and high bound; the figures are in the table below the chart."
    height = HEIGHT + (LEGEND_ROW * math.ceil(len(series) / 2) if len(series) > 1 else 0)
    return BandChart(chart_id, title, description, table_id, unit, WIDTH, height, (x0, y0, x1, y1), x_ticks,
                     y_ticks=[Tick(y(t), format_number(t, decimals)) for t in ticks], bands=bands)


def bar_chart(chart_id: str, title: str, table_id: str, unit: str, rows: Sequence[tuple[str, float, float, int]]) -> BarChart | None:
    """``rows``: (label, low, high, decimals). Bars from 0 to low, lighter from low to high.

    Each label stands on its own line above its bar, in full, so that long industry names
    need no truncation and the bars keep the width of the chart on a phone.
    """
    rows = [r for r in rows if math.isfinite(r[1]) or math.isfinite(r[2])]
    if not rows:
        return None
    values = [v for _, lo, hi, _ in rows for v in (lo, hi) if math.isfinite(v)]
    texts = [f"{format_number(lo, dec)}–{format_number(hi, dec)}" for _, lo, hi, dec in rows]
    text_room = max(len(t) for t in texts) * FONT * 0.56 + 10
    ticks, decimals = nice_ticks(min(0.0, min(values)), max(values), 3)
    label_h, bar_h, gap = 22, 18, 12
    y0 = TOP - 20
    height = int(y0 + len(rows) * (label_h + bar_h + gap) + 60)
    x0, x1 = 12.0, WIDTH - text_room
    lo_v, hi_v = ticks[0], ticks[-1]

    def x(value: float) -> float:
        return x0 + (value - lo_v) / (hi_v - lo_v) * (x1 - x0)

    bars = []
    zero = x(0.0)
    for i, ((label, low, high, dec), text) in enumerate(zip(rows, texts)):
        top = y0 + i * (label_h + bar_h + gap) + label_h
        low_x = x(low) if math.isfinite(low) else zero
        high_x = x(high) if math.isfinite(high) else low_x
        short = label if len(label) <= 2 * LABEL_CHARS + 8 else label[: 2 * LABEL_CHARS + 7] + "…"
        bars.append({"label": label, "short": short, "y": top, "h": bar_h, "label_y": top - 6, "x0": min(zero, low_x), "low_w": abs(low_x - zero),
                     "x_low": min(low_x, high_x), "high_w": abs(high_x - low_x), "text": text, "text_x": max(low_x, high_x) + 5})
    plot_bottom = y0 + len(rows) * (label_h + bar_h + gap)
    description = f"{title}: one bar per item, low bound solid, high bound lighter; the figures are in the table beside the chart."
    return BarChart(chart_id, title, description, table_id, unit, WIDTH, height, (x0, y0, x1, plot_bottom),
                    [Tick(x(t), format_number(t, decimals)) for t in ticks], label_width=x0, bars=bars)
