"""Bar charts drawn on the server as SVG: no script, no library, nothing from a CDN.

`grouped_bars` places one group of bars per category (a month) and returns the shapes
for templates/filing/chart.html; the numbers themselves are in the table under the chart.
"""

import math
from dataclasses import dataclass

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 12, 28
PALETTE = ["#2b6cb0", "#2f855a", "#c05621", "#6b46c1", "#b83280", "#2c7a7b", "#975a16"]


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    color: str
    title: str


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def grouped_bars(categories: list[str], series: list[tuple[str, list[float]]],
                 unit: str = "") -> dict:
    """categories: x labels; series: (name, one value per category)."""
    top = _nice_max(max([v for _, values in series for v in values] or [0]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(1, len(categories))
    bar_w = slot * 0.8 / max(1, len(series))
    bars = []
    for s_index, (name, values) in enumerate(series):
        color = PALETTE[s_index % len(PALETTE)]
        for c_index, value in enumerate(values):
            h = plot_h * (float(value) / top)
            x = LEFT + c_index * slot + slot * 0.1 + s_index * bar_w
            bars.append(Bar(round(x, 1), round(TOP + plot_h - h, 1), round(bar_w, 1),
                            round(h, 1), color,
                            f"{categories[c_index]} {name}：{value:g}{unit}"))
    ticks = [{"y": round(TOP + plot_h - plot_h * i / 4, 1), "label": f"{top * i / 4:g}"}
             for i in range(5)]
    labels = [{"x": round(LEFT + i * slot + slot / 2, 1), "text": text}
              for i, text in enumerate(categories)]
    return {"width": WIDTH, "height": HEIGHT, "bars": bars, "ticks": ticks, "labels": labels,
            "left": LEFT, "right": WIDTH - RIGHT, "base": TOP + plot_h, "label_y": HEIGHT - 8,
            "legend": [(name, PALETTE[i % len(PALETTE)]) for i, (name, _) in enumerate(series)]}
