"""Geometry of the site's charts: bars (horizontal, each a link), columns (vertical, each a link) and a
line chart of dates against counts with marked days and spans. Pure: figures in, coordinates out."""

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.utils import dateformat
from django.utils.translation import gettext, pgettext

WIDTH = 400
"""The viewBox width: about a phone's width, so that 13-unit text stays readable at 375 px."""
BAR_WIDTH = 320
"""Bar charts sit in cards a third of a wide page or a whole phone: narrower, so their text stays large."""


@dataclass(frozen=True)
class Datum:
    label: str
    value: float
    href: str = ""
    text: str = ""
    """How the value reads (e.g. "3 learners", "75%"); default: the value."""
    tone: str = ""
    """A CSS class for the bar (e.g. "ok", "warn", "bad"); patterns differ too, not only colour."""

    @property
    def shown(self) -> str:
        return self.text or f"{self.value:g}"


@dataclass(frozen=True)
class Bar:
    datum: Datum
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label_y: float
    value_x: float
    value_y: float


@dataclass(frozen=True)
class BarChart:
    title: str
    description: str
    bars: list[Bar]
    width: int
    height: int
    ident: str
    columns: bool = False
    axis_y: float = 0
    caption_value: str = "Value"

    @property
    def data(self) -> list[Datum]:
        return [bar.datum for bar in self.bars]


def bar_chart(
    *,
    ident: str,
    title: str,
    description: str,
    data: Sequence[Datum],
    maximum: float | None = None,
    caption_value: str = "",
) -> BarChart:
    """Horizontal bars, one row per datum: the label above its bar (long labels fit a phone), the value
    after the bar."""
    row, value_width, width = 40, 90, BAR_WIDTH
    top = max([maximum or 0, *(d.value for d in data)]) or 1
    span = width - value_width
    bars = []
    for index, datum in enumerate(data):
        y = index * row
        length = round(span * datum.value / top, 1)
        bars.append(Bar(datum, 0, y + 19, length, 16, 0, y + 14, length + 6, y + 32))
    caption = caption_value or gettext("Value")
    return BarChart(title, description, bars, width, len(data) * row + 4, ident, caption_value=caption)


def column_chart(
    *,
    ident: str,
    title: str,
    description: str,
    data: Sequence[Datum],
    maximum: float | None = None,
    caption_value: str = "",
) -> BarChart:
    """Vertical columns, one per datum, labels below (every one; keep them short), values above."""
    height, bottom, top_margin = 180, 30, 20
    top = max([maximum or 0, *(d.value for d in data)]) or 1
    slot = WIDTH / max(1, len(data))
    plot = height - bottom - top_margin
    bars = []
    for index, datum in enumerate(data):
        bar_height = round(plot * datum.value / top, 1)
        x = round(index * slot + slot * 0.15, 1)
        y = round(top_margin + plot - bar_height, 1)
        centre = round(index * slot + slot / 2, 1)
        bars.append(
            Bar(datum, x, y, round(slot * 0.7, 1), bar_height, centre, height - bottom + 16, centre, y - 4)
        )
    return BarChart(
        title, description, bars, WIDTH, height, ident, columns=True, axis_y=top_margin + plot,
        caption_value=caption_value or gettext("Value"),
    )  # fmt: skip


@dataclass(frozen=True)
class Marker:
    """A day marked on a line chart (a re-plan, a resumption) with a short label."""

    on: date
    label: str
    kind: str


@dataclass(frozen=True)
class Span:
    """A span of days shaded on a line chart (a pause)."""

    starts: date
    ends: date
    label: str


@dataclass(frozen=True)
class Series:
    name: str
    points: Sequence[tuple[date, float]]
    kind: str
    """A CSS class: "actual", "plan", "current-plan", "forecast"."""
    straight: bool = False
    """Join the points with straight lines (a projection), not steps."""


@dataclass(frozen=True)
class PlacedMarker:
    marker: Marker
    x: float
    label_y: float

    @property
    def label_x(self) -> float:
        return round(self.x + 3, 1)


@dataclass(frozen=True)
class PlacedSpan:
    span: Span
    x: float
    width: float

    @property
    def label_x(self) -> float:
        return round(self.x + 3, 1)


@dataclass(frozen=True)
class PlacedSeries:
    series: Series
    path: str
    end_x: float
    end_y: float


@dataclass(frozen=True)
class Tick:
    position: float
    label: str
    label_position: float = 0
    anchor: str = "middle"


@dataclass(frozen=True)
class LegendItem:
    """One entry of a line chart's legend: a sample drawn as the chart draws it, and its name.

    `shape` is "line" (a series: a horizontal stroke), "rule" (a vertical line: today, a marked day)
    or "swatch" (a shaded span); `kind` is its CSS class, the same as on the chart."""

    name: str
    kind: str
    shape: str
    x: float
    y: float

    @property
    def line_end(self) -> float:
        return self.x + 18

    @property
    def rule_x(self) -> float:
        return self.x + 9

    @property
    def sample_y(self) -> float:
        return self.y - 4

    @property
    def rule_top(self) -> float:
        return self.y - 10

    @property
    def rule_bottom(self) -> float:
        return self.y + 2

    @property
    def swatch_y(self) -> float:
        return self.y - 10

    @property
    def text_x(self) -> float:
        return self.x + 22


LEGEND_ROW = 16
"""The legend's line height (its text is 11 units)."""


def legend_rows(
    entries: Sequence[tuple[str, str, str]], *, left: float, right: float, top: float
) -> list[LegendItem]:
    """Place (name, kind, shape) entries left to right, starting a new row where the next would pass
    `right` (a phone's width holds two or three): every line, rule and shade on a chart is named."""
    items: list[LegendItem] = []
    x, y = left, top
    for name, kind, shape in entries:
        width = 22 + 6.2 * len(name)  # the sample, then 11-unit text (~6 units a character)
        if x > left and x + width > right:
            x, y = left, y + LEGEND_ROW
        items.append(LegendItem(name, kind, shape, round(x, 1), y))
        x += width + 14
    return items


@dataclass(frozen=True)
class LineChart:
    title: str
    description: str
    ident: str
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    series: list[PlacedSeries]
    markers: list[PlacedMarker]
    spans: list[PlacedSpan]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    today_x: float | None = None
    today_label: str = "Today"
    legend: list[LegendItem] = field(default_factory=list)

    @property
    def plot_height(self) -> float:
        return self.bottom - self.top

    @property
    def x_label_y(self) -> float:
        return self.bottom + 16

    @property
    def span_label_y(self) -> float:
        return self.bottom - 6

    @property
    def today_label_x(self) -> float:
        """Above the plot, centred on the line; kept inside the drawing near either edge."""
        assert self.today_x is not None
        return min(max(self.today_x, self.left + 12), self.right - 12)

    @property
    def today_label_y(self) -> float:
        """Above the plot's top, clear of the markers' labels (inside it) and of the lines."""
        return self.top - 5


def line_chart(
    *,
    ident: str,
    title: str,
    description: str,
    series: Sequence[Series],
    first: date,
    last: date,
    maximum: float,
    markers: Sequence[Marker] = (),
    spans: Sequence[Span] = (),
    today: date | None = None,
    today_label: str = "",
) -> LineChart:
    """Dates (x, `first`…`last`) against counts (y, 0…`maximum`); each series a step line (a count holds
    until its next point), markers as vertical lines, spans shaded, today a labelled solid line. The
    legend names each of them that the chart draws, with the same stroke."""
    width = WIDTH
    # The top margin holds the label of the today line.
    left, right, top, bottom = 34, width - 10, 22, 200
    days = max(1, (last - first).days)
    top_value = max(1.0, maximum)

    def x_of(day: date) -> float:
        return round(left + (right - left) * min(max((day - first).days, 0), days) / days, 1)

    def y_of(value: float) -> float:
        return round(bottom - (bottom - top) * value / top_value, 1)

    placed = []
    for item in series:
        points = sorted(item.points)
        if not points:
            continue
        commands = [f"M{x_of(points[0][0])},{y_of(points[0][1])}"]
        for (_, before), (day, value) in itertools.pairwise(points):
            if item.straight:
                commands.append(f"L{x_of(day)},{y_of(value)}")
            else:
                commands.append(f"H{x_of(day)}V{y_of(value)}" if value != before else f"H{x_of(day)}")
        placed.append(PlacedSeries(item, " ".join(commands), x_of(points[-1][0]), y_of(points[-1][1])))
    step = max(1, round(top_value / 4))
    y_ticks = [
        Tick(y_of(value), str(value), round(y_of(value) + 4, 1), "end")
        for value in range(0, int(top_value) + 1, step)
    ]
    x_ticks = []
    count = 4
    for index in range(count + 1):
        day = date.fromordinal(first.toordinal() + round(days * index / count))
        anchor = "start" if index == 0 else "end" if index == count else "middle"
        label = tick_label(day, long_range=days >= 400)
        x_ticks.append(Tick(x_of(day), label, x_of(day), anchor))
    today_x = x_of(today) if today and first <= today <= last else None
    entries = [(item.name, item.kind, "line") for item in series]
    today_label = today_label or gettext("Today")
    if today_x is not None:
        entries.append((today_label, "today", "rule"))
    for kind, label in {marker.kind: marker.label for marker in markers}.items():
        entries.append((label, f"marker {kind}", "rule"))
    for span_label in dict.fromkeys(span.label for span in spans):
        entries.append((span_label, "span", "swatch"))
    legend = legend_rows(entries, left=left, right=right, top=bottom + 34)
    height = round((legend[-1].y if legend else bottom + 34) + 6)
    return LineChart(
        title=title,
        description=description,
        ident=ident,
        width=width,
        height=height,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        series=placed,
        markers=[PlacedMarker(m, x_of(m.on), top + 12 + 12 * (i % 3)) for i, m in enumerate(markers)],
        spans=[
            PlacedSpan(s, x_of(s.starts), round(max(2.0, x_of(s.ends) - x_of(s.starts)), 1)) for s in spans
        ],
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        today_x=today_x,
        today_label=today_label,
        legend=legend,
    )


def tick_label(day: date, *, long_range: bool) -> str:
    """A date under a line chart, short, in the active language: "Dec 5" ("5 dic"), or over more than
    a year "Dec 2026" ("dic 2026"): Django's date formats, whose month names are translated."""
    if long_range:
        return dateformat.format(
            day, pgettext("a chart's date tick over a long range (Django date format)", "M Y")
        )
    return dateformat.format(day, pgettext("a chart's date tick (Django date format)", "M j"))
