"""The one chart component: a bar or line chart as an accessible SVG, always followed by the same data as a table.

A dashboard builds a `Chart` from plain values; `{% load charts %}{% chart my_chart %}` renders it
(`core/templatetags/charts.py`, template `core/includes/chart.html`). The geometry is computed here,
so the template only places what it is given and the tests can check the numbers: no script, no
style attribute (the strict CSP forbids both), colours from CSS classes in `frontend/scss/innokop.scss`.
`Chart.table()` gives the same data as rows, for the HTML table and for an XLSX export.
"""

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import formats as django_formats
from django.utils.translation import gettext

from innokop.core import formats

Number = Decimal | int | float

KINDS = ("bar", "line")
SERIES_STYLES = 6  # CSS classes ik-chart__series--0 ... --5; more series reuse them in turn

# The SVG's coordinate system; the picture scales to the page's width.
WIDTH = 640
PLOT_TOP = 24
PLOT_HEIGHT = 220
CHAR_WIDTH = 7.2  # a 12-unit label character, roughly
MAX_BAR_WIDTH = 72
LABEL_CHARS = 16  # a category label longer than this is shortened in the picture (the table has it whole)


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[Number | None]  # one per category; None = no value


@dataclass(frozen=True)
class Chart:
    title: str  # SVG <title>, figure caption, table caption
    description: str  # SVG <desc>: one sentence on what it shows
    categories: Sequence[str]  # x-axis labels (quarters, months, states, years)
    series: Sequence[Series]
    kind: str = "bar"  # "bar" (grouped) or "line"
    unit: str = ""  # e.g. "kr", "%", "dagar"; shown in the axis and table
    target: Decimal | None = None  # optional horizontal reference line, labelled (e.g. a KPI target)
    category_label: str = ""  # the table's first column heading; "Category" when not given
    target_label: str = ""  # what the reference line is ("Maximum"); "Target" when not given

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {self.kind!r}")
        for series in self.series:
            if len(series.values) != len(self.categories):
                raise ValueError(f"series {series.label!r} has {len(series.values)} values for {len(self.categories)} categories")

    def table(self) -> tuple[list[str], list[list]]:
        """The header and one row per category: the same numbers the picture shows, None where it shows none."""
        suffix = f" ({self.unit})" if self.unit else ""
        header = [str(self.category_label or gettext("Category"))] + [f"{series.label}{suffix}" for series in self.series]
        rows = [[str(category)] + [series.values[index] for series in self.series] for index, category in enumerate(self.categories)]
        return header, rows

    @property
    def is_empty(self) -> bool:
        return not any(value is not None for series in self.series for value in series.values)


def format_value(value: Number | None, unit: str = "") -> str:
    """A value as people read it in the active language: '1 250 000 kr', '12,5 %', '' for no value."""
    if value is None:
        return ""
    if unit == "kr":
        return formats.sek(value)
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    decimals = 0 if number == number.to_integral_value() else 1
    text = django_formats.number_format(number, decimal_pos=decimals, use_l10n=True, force_grouping=True)
    return f"{text}\u00a0{unit}" if unit else text


# ---------------------------------------------------------------------------------------------
# Geometry


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    style: int
    text: str  # "category, series: value", the tooltip


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class Line:
    style: int
    label: str
    segments: list[str]  # polyline points, one string per unbroken run (None breaks the line)
    points: list[Point]


@dataclass(frozen=True)
class CategoryLabel:
    x: float
    text: str  # as drawn, perhaps shortened
    full: str


@dataclass(frozen=True)
class TableRow:
    category: str
    cells: list[str]


@dataclass
class Layout:
    chart: Chart
    element_id: str
    width: int
    height: int
    plot_left: float
    tick_x: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    zero_y: float
    ticks: list[Tick]
    labels: list[CategoryLabel]
    rotate_labels: bool
    label_y: float
    bars: list[Bar] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    target_y: float | None = None
    target_text: str = ""
    legend: list[tuple[int, str]] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: list[TableRow] = field(default_factory=list)


def nice_scale(low: float, high: float, steps: int = 5, *, whole: bool = False) -> tuple[float, float, float]:
    """Axis bounds and a step of 1, 2, 2.5 or 5 × 10ⁿ that cover [low, high] (which includes zero) in about `steps`
    steps; with `whole` (counts) the step is a whole number."""
    if high <= low:
        high = low + 1
    raw = (high - low) / steps
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if whole:
        step = max(1, math.ceil(step))
    return math.floor(low / step) * step, math.ceil(high / step) * step, step


def layout(chart: Chart) -> Layout:
    """Where everything goes: the axis, its ticks, the bars or lines, the target line, the labels and the table."""
    values = [float(v) for s in chart.series for v in s.values if v is not None]
    if chart.target is not None:
        values.append(float(chart.target))
    whole = all(isinstance(v, int) for s in chart.series for v in s.values if v is not None)
    low, high, step = nice_scale(min([0.0, *values]), max([0.0, *values]), whole=whole)
    tick_values = [low + step * i for i in range(round((high - low) / step) + 1)]
    tick_labels = [format_value(_tidy(v), "") for v in tick_values]
    plot_left = 12 + CHAR_WIDTH * max(len(t) for t in tick_labels)
    plot_right = WIDTH - 12
    plot_bottom = PLOT_TOP + PLOT_HEIGHT

    def y_of(value: float) -> float:
        return round(plot_bottom - (value - low) / (high - low) * PLOT_HEIGHT, 2)

    count = max(1, len(chart.categories))
    shortened = [_shorten(str(c)) for c in chart.categories]
    longest = max((len(s) for s in shortened), default=0) * CHAR_WIDTH
    rotate = longest > (plot_right - plot_left) / count - 4
    if rotate:  # a slanted label reaches left of its category: the first one must stay inside the picture
        plot_left = max(plot_left, longest * 0.82 - 8)
    slot = (plot_right - plot_left) / count
    label_room = longest * 0.6 + 16 if rotate else 24
    result = Layout(
        chart=chart,
        element_id=_element_id(chart),
        width=WIDTH,
        height=round(plot_bottom + label_room + 8),
        plot_left=round(plot_left, 2),
        tick_x=round(plot_left - 6, 2),
        plot_right=plot_right,
        plot_top=PLOT_TOP,
        plot_bottom=plot_bottom,
        zero_y=y_of(0.0),
        ticks=[Tick(y=y_of(v), label=label) for v, label in zip(tick_values, tick_labels)],
        labels=[
            CategoryLabel(x=round(plot_left + slot * (i + 0.5), 2), text=short, full=str(full))
            for i, (short, full) in enumerate(zip(shortened, chart.categories))
        ],
        rotate_labels=rotate,
        label_y=plot_bottom + 18,
    )
    if chart.kind == "bar":
        result.bars = _bars(chart, plot_left, slot, y_of)
    else:
        result.lines = _lines(chart, plot_left, slot, y_of)
    if chart.target is not None:
        result.target_y = y_of(float(chart.target))
        result.target_text = gettext("%(what)s: %(value)s") % {
            "what": chart.target_label or gettext("Target"), "value": format_value(chart.target, chart.unit)}
    result.legend = [(index % SERIES_STYLES, series.label) for index, series in enumerate(chart.series)]
    header, rows = chart.table()
    result.header = header
    result.rows = [TableRow(category=row[0], cells=[format_value(v, chart.unit) for v in row[1:]]) for row in rows]
    return result


def _bars(chart: Chart, plot_left: float, slot: float, y_of) -> list[Bar]:
    group = min(slot * 0.8, MAX_BAR_WIDTH * max(1, len(chart.series)))  # one category does not fill the picture
    width = group / max(1, len(chart.series))
    zero = y_of(0.0)
    bars = []
    for s_index, series in enumerate(chart.series):
        for c_index, value in enumerate(series.values):
            if value is None:
                continue
            top = y_of(float(value))
            bars.append(Bar(
                x=round(plot_left + slot * c_index + (slot - group) / 2 + width * s_index, 2),
                y=min(top, zero),
                width=round(width, 2),
                height=round(abs(zero - top), 2),
                style=s_index % SERIES_STYLES,
                text=_point_text(chart, c_index, series, value),
            ))
    return bars


def _lines(chart: Chart, plot_left: float, slot: float, y_of) -> list[Line]:
    lines = []
    for s_index, series in enumerate(chart.series):
        segments: list[list[str]] = [[]]
        points = []
        for c_index, value in enumerate(series.values):
            if value is None:
                if segments[-1]:
                    segments.append([])
                continue
            x, y = round(plot_left + slot * (c_index + 0.5), 2), y_of(float(value))
            segments[-1].append(f"{x},{y}")
            points.append(Point(x=x, y=y, text=_point_text(chart, c_index, series, value)))
        lines.append(Line(
            style=s_index % SERIES_STYLES,
            label=series.label,
            segments=[" ".join(run) for run in segments if len(run) > 1],
            points=points,
        ))
    return lines


def _point_text(chart: Chart, index: int, series: Series, value: Number) -> str:
    return f"{chart.categories[index]}, {series.label}: {format_value(value, chart.unit)}"


def _tidy(value: float) -> Number:
    """A tick value without float noise: 0.30000000000000004 → 0.3, 2.0 → 2."""
    rounded = round(value, 6)
    return int(rounded) if rounded == int(rounded) else Decimal(str(rounded))


def _shorten(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def _element_id(chart: Chart) -> str:
    """A stable id for aria-labelledby, different for charts with different content on one page."""
    key = "\x1f".join([chart.title, chart.description, *map(str, chart.categories), *(s.label for s in chart.series)])
    return "ik-chart-" + hashlib.sha256(key.encode()).hexdigest()[:10]
