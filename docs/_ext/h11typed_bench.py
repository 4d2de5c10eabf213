"""Sphinx extension: the benchmark chart and tables, from ``benchmarks/bench.py --json``.

- At the start of every build, if the results JSON (``h11typed_bench_json`` in conf.py)
  exists, ``benchmarks/chart.py`` redraws ``_static/benchmark.svg`` from it. The file is
  only written when its content changes, so an unchanged run leaves the tree clean, and
  a new run's JSON shows up in the next build without any hand work.
- ``.. h11typed-benchmark-table::`` renders the same results as a table (median ratio
  to the baseline, per workload and target); ``:growth:`` renders the 2x/1x growth
  ratios of the byte-at-a-time workloads instead.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.typing import ExtensionMetadata

from benchmarks.chart import DESCRIPTIONS, write_chart

logger = logging.getLogger(__name__)


def _redraw_chart(app: Sphinx) -> None:
    results = Path(app.config.h11typed_bench_json)
    output = Path(app.config.h11typed_bench_svg)
    if not results.is_file():
        logger.info("h11typed_bench: no %s; keeping the committed %s", results, output.name)
        return
    changed = write_chart(results, output)
    logger.info(
        "h11typed_bench: %s %s from %s", "redrew" if changed else "kept", output.name, results.name
    )


def _table(header: list[str], rows: list[list[nodes.Node]], widths: list[int]) -> nodes.table:
    table = nodes.table(classes=["h11typed-benchmark"])
    group = nodes.tgroup(cols=len(header))
    table += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head, body = nodes.thead(), nodes.tbody()
    group += head
    group += body
    header_cells: list[nodes.Node] = [nodes.Text(text) for text in header]
    lines: list[tuple[list[nodes.Node], nodes.Element]] = [(header_cells, head)]
    lines += [(row, body) for row in rows]
    for cells, into in lines:
        line = nodes.row()
        for cell in cells:
            entry = nodes.entry()
            entry += nodes.paragraph("", "", cell)
            line += entry
        into += line
    return table


class BenchmarkTable(SphinxDirective):
    """``.. h11typed-benchmark-table::`` with an optional ``:growth:`` flag."""

    option_spec = {"growth": directives.flag}  # noqa: RUF012 (docutils' own API shape)

    def run(self) -> list[nodes.Node]:
        path = Path(self.config.h11typed_bench_json)
        if not path.is_file():
            raise self.error(
                f"no benchmark results at {path}; run benchmarks/bench.py --json {path}"
            )
        self.env.note_dependency(str(path))
        data: dict[str, Any] = json.loads(path.read_text())
        if "growth" in self.options:
            return [self._growth(data)]
        return [self._ratios(data)]

    def _ratios(self, data: dict[str, Any]) -> nodes.table:
        baseline = data["meta"].get("baseline", "h11")
        targets = [t for t in data["meta"]["targets"] if t != baseline]
        cells: dict[tuple[str, str], str] = {}
        workloads: list[str] = []
        for row in data["results"]:
            workload = row["workload"]
            if workload not in workloads:
                workloads.append(workload)
            if row.get("error") is not None:
                cells[workload, row["target"]] = "failed"
            elif row.get("speedup") is not None:
                cells[workload, row["target"]] = f"{row['speedup']:.2f}x"
        rows: list[list[nodes.Node]] = [
            [
                nodes.literal(text=w),
                nodes.Text(DESCRIPTIONS.get(w, "")),
                *(nodes.Text(cells.get((w, t), "n/a")) for t in targets),
            ]
            for w in workloads
        ]
        return _table(["workload", "what", *targets], rows, [14, 30, *([10] * len(targets))])

    def _growth(self, data: dict[str, Any]) -> nodes.table:
        families: list[str] = []
        targets: list[str] = []
        cells: dict[tuple[str, str], str] = {}
        for row in data.get("growth", []):
            if row["family"] not in families:
                families.append(row["family"])
            if row["target"] not in targets:
                targets.append(row["target"])
            cells[row["family"], row["target"]] = f"{row['ratio']:.2f}"
        rows: list[list[nodes.Node]] = [
            [nodes.literal(text=f), *(nodes.Text(cells.get((f, t), "n/a")) for t in targets)]
            for f in families
        ]
        return _table(["2x / 1x", *targets], rows, [14, *([10] * len(targets))])


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value("h11typed_bench_json", "", "env", types=frozenset({str}))
    app.add_config_value("h11typed_bench_svg", "", "env", types=frozenset({str}))
    app.connect("builder-inited", _redraw_chart)
    app.add_directive("h11typed-benchmark-table", BenchmarkTable)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
