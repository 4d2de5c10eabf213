"""Draw the benchmark results as an SVG bar chart (no plotting library needed).

    python benchmarks/bench.py --json docs/_data/benchmark.json
    python benchmarks/chart.py docs/_data/benchmark.json          # -> docs/_static/benchmark.svg
    python benchmarks/chart.py results.json -o chart.svg

One group of bars per workload, one bar per target: the median over rounds of
(h11's time / the target's time), on a logarithmic axis, so 2x means twice as
fast as h11 and the 1x line is h11 itself. Whiskers span the lowest and highest
per-round ratio. The ``*_2x`` workloads are left out: they exist to measure
growth (linear or not), which the docs report separately.

The output is a function of the JSON alone (fixed number formats, no
timestamps of its own), so regenerating from the same results gives the same
file byte for byte.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any, Final

REPO: Final = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT: Final = REPO / "docs" / "_static" / "benchmark.svg"

# What each workload does, in a few words (benchmarks/workloads.py has the details).
DESCRIPTIONS: Final = {
    "a_asv": "server: parse a GET, send 200 + 1000 B",
    "a_cycle": "keep-alive GET/200 round trip",
    "b_pipeline": "server: 100 pipelined GETs",
    "c_chunked": "client: 64 KiB chunked body",
    "c_length": "client: 1 MiB Content-Length body",
    "d_headers_1x": "100 headers, 1 byte per call",
    "d_headers_2x": "200 headers, 1 byte per call",
    "d_body_1x": "8 KiB body, 1 byte per call",
    "d_body_2x": "16 KiB body, 1 byte per call",
    "d_chunked_1x": "128 chunks, 1 byte per call",
    "d_chunked_2x": "256 chunks, 1 byte per call",
    "e_send": "server: serialise 200 + 1000 B",
}

# Colours for the usual targets; others take the next unused colour of PALETTE.
COLOURS: Final = {
    "h11typed": "#1d5fbf",
    "h11typed-pure": "#8db4ea",
    "h11-mypyc": "#e08a1e",
    "httptools": "#6f7378",
}
PALETTE: Final = ("#3a9e5c", "#b04a8f", "#c9b22b", "#4bb3c4")

FONT: Final = "DejaVu Sans, Helvetica, Arial, sans-serif"
LABEL_WIDTH: Final = 250.0
PLOT_WIDTH: Final = 520.0
RIGHT_MARGIN: Final = 70.0
BAR: Final = 13.0
BAR_GAP: Final = 3.0
GROUP_GAP: Final = 16.0
TICKS: Final = (0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0)


@dataclass(frozen=True)
class Bar:
    target: str
    ratio: float | None  # None: the target failed this workload
    low: float
    high: float


@dataclass(frozen=True)
class Group:
    workload: str
    bars: tuple[Bar, ...]


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    if "results" not in data or "meta" not in data:
        raise ValueError(f"{path} is not the output of benchmarks/bench.py --json")
    return data


def groups(data: dict[str, Any]) -> list[Group]:
    """The bars to draw, grouped by workload, in the order of the results."""
    baseline = data["meta"].get("baseline", "h11")
    found: dict[str, list[Bar]] = {}
    for row in data["results"]:
        workload, target = row["workload"], row["target"]
        if target == baseline or workload.endswith("_2x"):
            continue
        bars = found.setdefault(workload, [])
        if row.get("error") is not None or row.get("speedup") is None:
            bars.append(Bar(target, None, math.nan, math.nan))
            continue
        low, high = row.get("speedup_range") or (row["speedup"], row["speedup"])
        bars.append(Bar(target, float(row["speedup"]), float(low), float(high)))
    return [Group(workload, tuple(bars)) for workload, bars in found.items()]


def colours(targets: Sequence[str]) -> dict[str, str]:
    chosen: dict[str, str] = {}
    spare = list(PALETTE)
    for target in targets:
        if target in COLOURS:
            chosen[target] = COLOURS[target]
        else:
            chosen[target] = spare.pop(0) if spare else "#999999"
    return chosen


def _num(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _ratio_text(ratio: float) -> str:
    return f"{ratio:.2f}x" if ratio < 10 else f"{ratio:.1f}x"


def _tick_text(tick: float) -> str:
    return f"{tick:g}x"


def render(data: dict[str, Any]) -> str:
    """The chart for one bench.py JSON document, as an SVG string."""
    meta = data["meta"]
    baseline = meta.get("baseline", "h11")
    drawn = groups(data)
    targets = list(dict.fromkeys(bar.target for group in drawn for bar in group.bars))
    palette = colours(targets)
    versions = meta.get("targets", {})

    values = [
        v
        for group in drawn
        for bar in group.bars
        if bar.ratio is not None
        for v in (bar.low, bar.high)
    ]
    lowest = min([1.0, *values]) / 1.9
    highest = max([1.0, *values]) * 1.3
    ticks = [t for t in TICKS if lowest <= t <= highest]
    lo, hi = math.log10(lowest), math.log10(highest)

    def x_of(ratio: float) -> float:
        return LABEL_WIDTH + (math.log10(ratio) - lo) / (hi - lo) * PLOT_WIDTH

    parts: list[str] = []
    width = LABEL_WIDTH + PLOT_WIDTH + RIGHT_MARGIN
    y = 28.0
    parts.append(
        f'<text x="16" y="{_num(y)}" font-size="16" font-weight="bold">'
        f"Speed relative to {escape(baseline)} {escape(str(versions.get(baseline, {}).get('version', '')))}"
        " (higher is faster)</text>"
    )
    y += 20
    subtitle = (
        f"Median of {meta.get('rounds', '?')} interleaved rounds ({meta.get('clock', '?')} time), "
        f"whiskers: lowest and highest round. Python {meta.get('python', '?')}, "
        f"{meta.get('cpu_count', '?')} CPUs, {str(meta.get('time', ''))[:10]}."
    )
    parts.append(
        f'<text x="16" y="{_num(y)}" font-size="11.5" fill="#444">{escape(subtitle)}</text>'
    )

    # Legend: one swatch per target, wrapping when the line is full.
    y += 24
    x = 16.0
    for target in targets:
        info = versions.get(target, {})
        text = f"{target} {info.get('version', '')} ({info.get('build', '?')})".replace("  ", " ")
        item_width = 18 + len(text) * 6.4 + 22
        if x + item_width > width - 10:
            x = 16.0
            y += 18
        parts.append(
            f'<rect x="{_num(x)}" y="{_num(y - 10)}" width="12" height="12" rx="2" fill="{palette[target]}"/>'
            f'<text x="{_num(x + 18)}" y="{_num(y)}" font-size="11.5">{escape(text)}</text>'
        )
        x += item_width
    y += 22

    plot_top = y
    for group in drawn:
        height = len(group.bars) * (BAR + BAR_GAP) - BAR_GAP
        middle = y + height / 2
        parts.append(
            f'<text x="{_num(LABEL_WIDTH - 10)}" y="{_num(middle - 2)}" font-size="12.5" font-weight="bold" '
            f'text-anchor="end">{escape(group.workload)}</text>'
        )
        description = DESCRIPTIONS.get(group.workload, "")
        if description:
            parts.append(
                f'<text x="{_num(LABEL_WIDTH - 10)}" y="{_num(middle + 12)}" font-size="10.5" fill="#555" '
                f'text-anchor="end">{escape(description)}</text>'
            )
        for bar in group.bars:
            top = y
            if bar.ratio is None:
                parts.append(
                    f'<text x="{_num(LABEL_WIDTH + 4)}" y="{_num(top + BAR - 3)}" font-size="10.5" '
                    f'fill="#b00">{escape(bar.target)}: failed</text>'
                )
            else:
                # Bars grow from the 1x line: right when faster than the baseline, left when slower.
                one, end = x_of(1.0), x_of(bar.ratio)
                parts.append(
                    f'<rect x="{_num(min(one, end))}" y="{_num(top)}" width="{_num(abs(end - one))}" '
                    f'height="{_num(BAR)}" fill="{palette[bar.target]}"><title>{escape(bar.target)} '
                    f"{escape(group.workload)}: {_ratio_text(bar.ratio)}</title></rect>"
                )
                w_lo, w_hi, w_y = x_of(bar.low), x_of(bar.high), top + BAR / 2
                parts.append(
                    f'<path d="M{_num(w_lo)},{_num(w_y)} H{_num(w_hi)} M{_num(w_lo)},{_num(w_y - 3)} '
                    f'V{_num(w_y + 3)} M{_num(w_hi)},{_num(w_y - 3)} V{_num(w_y + 3)}" stroke="#222" '
                    f'stroke-width="1" fill="none"/>'
                )
                if bar.ratio >= 1:
                    label_x, anchor = max(end, w_hi) + 5, "start"
                else:
                    label_x, anchor = min(end, w_lo) - 5, "end"
                parts.append(
                    f'<text x="{_num(label_x)}" y="{_num(top + BAR - 2.5)}" font-size="10.5" '
                    f'text-anchor="{anchor}">{_ratio_text(bar.ratio)}</text>'
                )
            y += BAR + BAR_GAP
        y += GROUP_GAP - BAR_GAP
    plot_bottom = y - GROUP_GAP + 6

    # Axis: ticks and grid lines behind the bars, the 1x line (the baseline) on top.
    grid = []
    for tick in ticks:
        tx = x_of(tick)
        grid.append(
            f'<line x1="{_num(tx)}" y1="{_num(plot_top - 6)}" x2="{_num(tx)}" y2="{_num(plot_bottom)}" '
            f'stroke="#ddd" stroke-width="1"/>'
            f'<text x="{_num(tx)}" y="{_num(plot_bottom + 15)}" font-size="11" text-anchor="middle">'
            f"{_tick_text(tick)}</text>"
        )
    one = x_of(1.0)
    grid.append(
        f'<line x1="{_num(one)}" y1="{_num(plot_top - 6)}" x2="{_num(one)}" y2="{_num(plot_bottom)}" '
        f'stroke="#000" stroke-width="1.5" stroke-dasharray="4 3"/>'
    )
    height = plot_bottom + 40
    parts.append(
        f'<text x="{_num(LABEL_WIDTH + PLOT_WIDTH / 2)}" y="{_num(height - 8)}" font-size="11.5" '
        f'text-anchor="middle">time of {escape(baseline)} / time of the target '
        f"(log scale; 1x = {escape(baseline)})</text>"
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_num(width)}" height="{_num(height)}" '
        f'viewBox="0 0 {_num(width)} {_num(height)}" font-family="{FONT}" fill="#111">'
        f"<title>{escape(f'Benchmark: speed relative to {baseline}')}</title>"
        f'<rect width="100%" height="100%" fill="#fff"/>'
        + "".join(grid)
        + "".join(parts)
        + "</svg>\n"
    )


def write_chart(results: Path, output: Path) -> bool:
    """Render ``results`` into ``output``; True if the file changed."""
    svg = render(load(results))
    if output.exists() and output.read_text() == svg:
        return False
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(svg)
    return True


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("results", type=Path, help="JSON written by benchmarks/bench.py --json")
    parser.add_argument(
        "-o", "--output", type=Path, default=DEFAULT_OUTPUT, help=f"default: {DEFAULT_OUTPUT}"
    )
    args = parser.parse_args(argv)
    changed = write_chart(args.results, args.output)
    print(f"{'wrote' if changed else 'unchanged'}: {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
