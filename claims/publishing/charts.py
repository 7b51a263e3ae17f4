"""A verdict breakdown as a small horizontal bar chart, drawn on the server as SVG."""

from dataclasses import dataclass

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 170
BAR_SPACE = 220


@dataclass
class Bar:
    label: str
    count: int
    colour: str
    y: int
    width: int
    text_y: int


@dataclass
class Chart:
    bars: list
    width: int
    height: int
    total: int


def rating_breakdown(rows):
    """``rows`` are ``(label, colour, count)`` in scale order; returns the chart's geometry."""
    largest = max((count for _, _, count in rows), default=0)
    bars = []
    for index, (label, colour, count) in enumerate(rows):
        y = index * (BAR_HEIGHT + GAP)
        width = round(BAR_SPACE * count / largest) if largest else 0
        bars.append(Bar(label, count, colour, y, max(width, 2 if count else 0), y + 16))
    height = max(len(rows) * (BAR_HEIGHT + GAP) - GAP, 0)
    return Chart(bars, LABEL_WIDTH + BAR_SPACE + 50, height, sum(c for _, _, c in rows))
