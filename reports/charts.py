"""Server-side SVG charts: coordinates computed here, drawn by templates/reports/_line_chart.svg.

No JavaScript and no outside host: the chart prints, and its numbers are also in a table. A year
whose season is still in progress is never drawn like the others: its point is hollow and the
segment that reaches it dashed, so a partial year never reads as a drop (or a rise).
"""

from dataclasses import dataclass, field

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 32


@dataclass
class Series:
    label: str
    css: str
    points: list  # [(x, y, year, value)]
    partial: set = field(default_factory=set)  # the years still in progress

    @property
    def closed_points(self) -> list:
        return [p for p in self.points if p[2] not in self.partial]

    @property
    def partial_points(self) -> list:
        return [p for p in self.points if p[2] in self.partial]

    @property
    def path(self) -> str:
        """The solid line: the closed seasons only."""
        return " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in self.closed_points)

    @property
    def partial_path(self) -> str:
        """The dashed line: from the last closed season before a year in progress to it."""
        if not self.partial_points:
            return ""
        first = self.partial_points[0]
        before = [p for p in self.closed_points if p[2] < first[2]]
        points = before[-1:] + self.partial_points
        return " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points) if len(points) > 1 else ""


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    series: list[Series] = field(default_factory=list)
    x_ticks: list = field(default_factory=list)  # [(x, label)]
    y_ticks: list = field(default_factory=list)  # [(y, label)]
    lines: list = field(default_factory=list)  # [(y, label, css)]
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    plot_bottom: int = HEIGHT - BOTTOM


def line_chart(
    years: list[int],
    series: list[tuple[str, str, list]],
    lines: list[tuple[str, str, float]],
    partial: set | frozenset = frozenset(),
) -> Chart:
    """Percent lines (0–100) over `years`; `series` = (label, css class, values aligned with years);
    `partial` = the years still in progress, drawn apart."""
    chart = Chart()
    span_x = WIDTH - LEFT - RIGHT
    span_y = HEIGHT - TOP - BOTTOM

    def x_of(index: int) -> float:
        return LEFT + (span_x * index / (len(years) - 1) if len(years) > 1 else span_x / 2)

    def y_of(value: float) -> float:
        return TOP + span_y * (1 - float(value) / 100)

    chart.x_ticks = [(x_of(i), str(year)) for i, year in enumerate(years)]
    chart.y_ticks = [(y_of(v), f"{v}%") for v in (0, 25, 50, 75, 100)]
    for label, css, values in series:
        points = [(x_of(i), y_of(v), years[i], v) for i, v in enumerate(values) if v is not None]
        chart.series.append(Series(label=label, css=css, points=points, partial=set(partial)))
    chart.lines = [(y_of(value), label, css) for label, css, value in lines]
    return chart
