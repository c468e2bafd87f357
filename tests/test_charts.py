"""The chart geometry (charts.svg): bars scale to the largest value, steps hold a count until the next
point, a projection is a straight line, markers and spans land on their days."""

from datetime import date, timedelta

from charts.svg import Datum, Marker, Series, Span, bar_chart, column_chart, line_chart

START = date(2026, 1, 5)


def test_bars_scale_to_the_largest_value_and_keep_their_links():
    chart = bar_chart(ident="c", title="T", description="D", data=[Datum("a", 2, "?x=a"), Datum("b", 4)])
    assert chart.bars[1].width == 2 * chart.bars[0].width
    assert [bar.datum.href for bar in chart.bars] == ["?x=a", ""]
    columns = column_chart(ident="c", title="T", description="D", data=[Datum("a", 0), Datum("b", 3)])
    assert columns.bars[0].height == 0
    assert columns.bars[1].y + columns.bars[1].height == columns.axis_y


def test_a_step_line_holds_its_count_and_a_projection_is_straight():
    end = START + timedelta(days=100)
    chart = line_chart(
        ident="l", title="T", description="D", first=START, last=end, maximum=10,
        series=[
            Series("steps", [(START, 0), (START + timedelta(days=50), 5)], "actual"),
            Series("projection", [(START + timedelta(days=50), 5), (end, 10)], "forecast", straight=True),
        ],
        markers=[Marker(START + timedelta(days=50), "Re-planned", "replan")],
        spans=[Span(START + timedelta(days=10), START + timedelta(days=20), "Paused")],
    )  # fmt: skip
    steps, projection = chart.series
    middle = chart.left + (chart.right - chart.left) / 2
    assert (
        steps.path == f"M{float(chart.left)},{float(chart.bottom)} H{middle}V{(chart.bottom + chart.top) / 2}"
    )
    assert projection.path.startswith(f"M{middle},")
    assert " L" in projection.path
    assert chart.markers[0].x == middle
    assert chart.spans[0].width == round((chart.right - chart.left) / 10, 1)


def test_the_legend_names_every_line_the_chart_draws_today_included_and_wraps_on_a_phone():
    """Issue 40: the "today" line was drawn dotted and unnamed while the legend said dotted meant "First
    plan". Now it is a labelled line of its own, and the legend names it, the markers and the shading."""
    end = START + timedelta(days=200)
    chart = line_chart(
        ident="l", title="T", description="D", first=START, last=end, maximum=10,
        series=[
            Series("First plan", [(START, 0), (end, 10)], "plan"),
            Series("Current plan", [(START, 0), (end, 10)], "current-plan"),
            Series("Completed", [(START, 0), (START + timedelta(days=60), 3)], "actual"),
            Series("Forecast", [(START + timedelta(days=60), 3), (end, 10)], "forecast", straight=True),
        ],
        markers=[Marker(START + timedelta(days=30), "Re-planned", "replan")],
        spans=[Span(START + timedelta(days=10), START + timedelta(days=20), "Paused")],
        today=START + timedelta(days=60),
    )  # fmt: skip
    named = [(item.name, item.kind, item.shape) for item in chart.legend]
    assert named == [
        ("First plan", "plan", "line"),
        ("Current plan", "current-plan", "line"),
        ("Completed", "actual", "line"),
        ("Forecast", "forecast", "line"),
        ("Today", "today", "rule"),
        ("Re-planned", "marker replan", "rule"),
        ("Paused", "span", "swatch"),
    ]
    assert chart.today_x == chart.left + round((chart.right - chart.left) * 60 / 200, 1)
    # Every entry fits the chart's width; entries wrap onto rows, and the chart is tall enough for them.
    assert all(
        item.x >= chart.left and item.text_x + 6.2 * len(item.name) <= chart.right + 1
        for item in chart.legend
    )
    rows = sorted({item.y for item in chart.legend})
    assert len(rows) >= 2
    assert chart.height >= rows[-1] + 4


def test_without_today_in_range_there_is_no_today_line_nor_legend_entry():
    chart = line_chart(
        ident="l", title="T", description="D", first=START, last=START + timedelta(days=10), maximum=1,
        series=[Series("Completed", [(START, 0)], "actual")], today=START + timedelta(days=30),
    )  # fmt: skip
    assert chart.today_x is None
    assert [item.name for item in chart.legend] == ["Completed"]
