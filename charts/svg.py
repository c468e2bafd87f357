"""Geometry of the site's charts: bars (horizontal, each a link), columns (vertical, each a link) and a
line chart of dates against counts with marked days and spans. Pure: figures in, coordinates out."""

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

WIDTH = 400
"""The viewBox width: about a phone's width, so that 13-unit text stays readable at 375 px."""


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
    caption_value: str = "Value",
) -> BarChart:
    """Horizontal bars, one row per datum: the label on the left, the value after the bar."""
    row, label_width, value_width = 30, 150, 80
    top = max([maximum or 0, *(d.value for d in data)]) or 1
    span = WIDTH - label_width - value_width
    bars = []
    for index, datum in enumerate(data):
        y = 8 + index * row
        width = span * datum.value / top
        width = round(width, 1)
        bars.append(
            Bar(
                datum,
                label_width,
                y,
                width,
                row - 10,
                label_width - 8,
                y + 15,
                label_width + width + 6,
                y + 15,
            )
        )
    return BarChart(title, description, bars, WIDTH, 8 + len(data) * row, ident, caption_value=caption_value)


def column_chart(
    *,
    ident: str,
    title: str,
    description: str,
    data: Sequence[Datum],
    maximum: float | None = None,
    caption_value: str = "Value",
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
        caption_value=caption_value,
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
    """A CSS class: "actual", "plan", "current-plan"."""


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
    series: Series
    x: float

    @property
    def line_end(self) -> float:
        return self.x + 18

    @property
    def text_x(self) -> float:
        return self.x + 22


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
    def legend_y(self) -> float:
        return self.height - 6


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
) -> LineChart:
    """Dates (x, `first`…`last`) against counts (y, 0…`maximum`); each series a step line (a count holds
    until its next point), markers as vertical lines, spans shaded."""
    width, height = WIDTH, 230
    left, right, top, bottom = 34, width - 10, 10, height - 40
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
        label = f"{day:%b} {day.day}" if days < 400 else f"{day:%b %Y}"
        x_ticks.append(Tick(x_of(day), label, x_of(day), anchor))
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
        spans=[PlacedSpan(s, x_of(s.starts), max(2.0, x_of(s.ends) - x_of(s.starts))) for s in spans],
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        today_x=x_of(today) if today and first <= today <= last else None,
        legend=[LegendItem(item, left + 125 * index) for index, item in enumerate(series)],
    )
