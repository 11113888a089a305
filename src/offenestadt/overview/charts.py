"""Bar charts drawn on the server as SVG: each bar a row under its label, stacked by series,
its total at its end. The geometry is computed here and drawn by
``overview/includes/chart.html``, which puts the same numbers in a table beside it (the table
is what screen readers read).

Across, the drawing is measured in per cent of its width and its text in pixels, so it fills
a phone's screen as well as a wide one and its text stays as large on both; down, it is
measured in pixels."""

from dataclasses import dataclass, field

from django.utils.functional import Promise

# Across: the longest bar's share of the width, in per cent; the rest holds its total.
BAR_AREA = 86
# Down, in pixels: a row is its label's line, then its bar.
LABEL_HEIGHT = 18
BAR_HEIGHT = 20
ROW_HEIGHT = LABEL_HEIGHT + BAR_HEIGHT + 10


@dataclass(frozen=True)
class Series:
    """One kind of thing a bar counts. ``pattern`` tells series apart without colour."""

    label: str | Promise
    fill: str
    pattern: str = ""  # "", "hatch" or "dots"


@dataclass(frozen=True)
class Bar:
    label: str
    values: list[int]
    # The row's heading in the table, when it says more than the bar's short label.
    heading: str = ""
    href: str = ""

    @property
    def total(self) -> int:
        return sum(self.values)


def paint(series: Series, pattern_id: str) -> str:
    """What a series' shapes are filled with: its pattern (drawn in its colour) or its colour."""
    return f"url(#{pattern_id})" if series.pattern else series.fill


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    series: Series
    value: int
    pattern_id: str

    @property
    def paint(self) -> str:
        return paint(self.series, self.pattern_id)


@dataclass(frozen=True)
class DrawnBar:
    bar: Bar
    y: float
    segments: list[Segment]
    end: float

    @property
    def label_y(self) -> float:
        """The baseline of the bar's label, above the bar."""
        return self.y - 5

    @property
    def total_y(self) -> float:
        return self.y + BAR_HEIGHT / 2


@dataclass(frozen=True)
class LegendEntry:
    series: Series
    pattern_id: str

    @property
    def paint(self) -> str:
        return paint(self.series, self.pattern_id)


@dataclass(frozen=True)
class Chart:
    """A figure: its id (unique on the page), title, one sentence on what it shows, the
    series and the bars, and what the numbers count."""

    id: str
    title: str | Promise
    description: str | Promise
    series: list[Series]
    bars: list[Bar]
    # The table's first column heading (what a row is) and what a number counts.
    row_heading: str | Promise
    unit: str | Promise
    # What a reader should know to read the numbers right, shown under the title.
    note: str | Promise = ""
    drawn: list[DrawnBar] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "drawn", [self._draw(i, bar) for i, bar in enumerate(self.bars)])

    @property
    def stacked(self) -> bool:
        return len(self.series) > 1

    @property
    def is_empty(self) -> bool:
        return not any(bar.total for bar in self.bars)

    @property
    def height(self) -> int:
        return ROW_HEIGHT * len(self.bars)

    @property
    def legend(self) -> list[LegendEntry]:
        return [
            LegendEntry(series, self.pattern_id(index)) for index, series in enumerate(self.series)
        ]

    def pattern_id(self, index: int) -> str:
        return f"{self.id}-muster-{index}"

    def _scale(self) -> float:
        largest = max((bar.total for bar in self.bars), default=0)
        return BAR_AREA / largest if largest else 0.0

    def _draw(self, index: int, bar: Bar) -> DrawnBar:
        scale = self._scale()
        x = 0.0
        segments = []
        for position, (series, value) in enumerate(zip(self.series, bar.values, strict=True)):
            if value:
                width = value * scale
                segments.append(Segment(x, width, series, value, self.pattern_id(position)))
                x += width
        y = index * ROW_HEIGHT + LABEL_HEIGHT
        return DrawnBar(bar=bar, y=y, segments=segments, end=x)
