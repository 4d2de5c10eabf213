"""Sphinx extension: state-machine diagrams drawn from h11typed's own transition tables.

``.. h11typed-state-machine:: CLIENT`` (or ``SERVER``) emits an inline SVG diagram and,
with ``:table:``, a table of the same transitions. Nothing about the machine is written
down here; every arrow comes from the installed package at build time:

- event-triggered arrows from ``h11typed._state.EVENT_TRIGGERED``;
- arrows that follow the other side's state from ``h11typed._state.STATE_TRIGGERED``;
- arrows that follow a fact about the connection (keep-alive off, a pending protocol
  switch) by running ``ConnectionState`` from every state with each fact set, because
  those rules are code, not table rows;
- the ``start_next_cycle()`` arrow and the ERROR note by running the machine too.

So the diagrams cannot drift from the code: change a table and the next build draws
the change. The only hand-written data is *where* each state sits (``LAYOUT``); a state
without a place is a build error, never a silently missing box.

The SVG is written by this module (no graphviz, no system dependency). It is inlined
into the HTML page and styled by ``_static/h11typed.css`` with the theme's colour
variables, so it follows light and dark mode.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal, cast

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util.docutils import SphinxDirective
from sphinx.util.typing import ExtensionMetadata

from h11typed import _state

EdgeKind = Literal["event", "coupling", "condition", "cycle"]
Point = tuple[float, float]

# ---- what the machine says ------------------------------------------------------------

# Facts about the connection that move a state on their own (attributes of
# ConnectionState), with the words the diagram uses for them. The machine is probed with
# each; an arrow appears only if the code really moves the state.
CONDITIONS: Final[tuple[tuple[str, dict[str, bool]], ...]] = (
    ("no switch pending", {}),
    ("keep-alive off", {"keep_alive": False}),
    ("switch proposed", {"upgrade_proposed": True}),
    ("switch proposed", {"connect_proposed": True}),
)
# While probing one role, the other side sits in a state that no STATE_TRIGGERED rule
# mentions, so only the condition being probed can move anything.
QUIET_STATE: Final = "SEND_BODY"


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    trigger: str
    kind: EdgeKind


def _index(state: str) -> int:
    names: Sequence[str] = _state.STATE_NAMES
    return names.index(state)


def _machine(role: str, own: str, other: str) -> _state.ConnectionState:
    machine = _state.ConnectionState()
    if role == _state.CLIENT:
        machine.client, machine.server = _index(own), _index(other)
    else:
        machine.client, machine.server = _index(other), _index(own)
    return machine


def _own_state(role: str, machine: _state.ConnectionState) -> str:
    return _state.STATE_NAMES[machine.client if role == _state.CLIENT else machine.server]


def _settled(role: str, own: str, facts: dict[str, bool]) -> str:
    machine = _machine(role, own, QUIET_STATE)
    for name, value in facts.items():
        if not hasattr(machine, name):
            raise ExtensionError(
                f"h11typed_states: ConnectionState has no attribute {name!r}; update CONDITIONS"
            )
        setattr(machine, name, value)
    machine._settle()
    return _own_state(role, machine)


def _event_table(role: str) -> dict[str, dict[str, str]]:
    """``EVENT_TRIGGERED[role]`` with its Literal types widened to str."""
    tables = cast("dict[str, dict[str, dict[str, str]]]", _state.EVENT_TRIGGERED)
    return tables[role]


def role_states(role: str) -> list[str]:
    """The states ``role`` can be in: those of its event table, in table order."""
    table = _event_table(role)
    states = list(table)
    for moves in table.values():
        for target in moves.values():
            if target not in states:
                states.append(target)
    return states


def transitions(role: str) -> list[Transition]:
    """Every transition of ``role``, read from the tables or found by running the machine."""
    found: list[Transition] = []
    table = _event_table(role)
    for source, moves in table.items():
        for trigger, target in moves.items():
            found.append(Transition(source, target, trigger, "event"))
    other_role = _state.SERVER if role == _state.CLIENT else _state.CLIENT
    for (client_state, server_state), (mover, target) in _state.STATE_TRIGGERED.items():
        if mover == role:
            source, other = (
                (client_state, server_state)
                if role == _state.CLIENT
                else (server_state, client_state)
            )
            found.append(Transition(source, target, f"{other_role.lower()} {other}", "coupling"))
    for source in role_states(role):
        if _settled(role, source, {}) != source:
            # Moves with no fact set at all (a withdrawn switch proposal).
            found.append(
                Transition(source, _settled(role, source, {}), CONDITIONS[0][0], "condition")
            )
            continue
        for words, facts in CONDITIONS[1:]:
            target = _settled(role, source, facts)
            if target != source:
                found.append(Transition(source, target, words, "condition"))
    machine = _machine(role, "DONE", "DONE")
    machine.start_next_cycle()
    found.append(Transition("DONE", _own_state(role, machine), "start_next_cycle()", "cycle"))
    return _unique(found)


def _unique(items: Iterable[Transition]) -> list[Transition]:
    return list(dict.fromkeys(items))


def error_reachable_from_everywhere(role: str) -> bool:
    """Whether a protocol error moves ``role`` to ERROR from every one of its states."""
    for state in role_states(role):
        machine = _machine(role, state, QUIET_STATE)
        machine.process_error(role == _state.CLIENT)
        if _own_state(role, machine) != "ERROR":
            return False
    return True


# ---- where things go --------------------------------------------------------------------

COLUMN: Final = 185.0
ROW: Final = 125.0
NODE_HEIGHT: Final = 34.0
CHAR: Final = 8.4  # advance of one monospace character at 14px
LABEL_CHAR: Final = 7.2  # at 12px
LABEL_LINE: Final = 14.0

# (column, row) of each state, per role; hand-placed for readability only.
LAYOUT: Final[dict[str, dict[str, Point]]] = {
    "CLIENT": {
        "IDLE": (0, 0),
        "SEND_BODY": (1.05, 0),
        "DONE": (2.2, 0),
        "MIGHT_SWITCH_PROTOCOL": (3.75, 0),
        "SWITCHED_PROTOCOL": (3.75, 1.25),
        "MUST_CLOSE": (2.2, 1.25),
        "CLOSED": (2.2, 2.5),
        "ERROR": (3.75, 2.5),
    },
    "SERVER": {
        "IDLE": (0, 0),
        "SEND_RESPONSE": (1.2, 0),
        "SEND_BODY": (2.3, 0),
        "DONE": (3.35, 0),
        "SWITCHED_PROTOCOL": (1.2, -1.1),
        "MUST_CLOSE": (0, 1.5),
        "CLOSED": (0, 2.8),
        "ERROR": (3.35, 2.8),
    },
}
# Which side of a state its self-loop goes (default: top).
LOOP_SIDE: Final[dict[str, dict[str, str]]] = {
    "CLIENT": {"CLOSED": "bottom"},
    "SERVER": {"CLOSED": "bottom", "SEND_RESPONSE": "bottom"},
}
# Curvature of particular arrows, in px (positive bends to the left of the direction of
# travel); arrows not listed are straight unless another arrow shares their endpoints.
BENDS: Final[dict[str, dict[tuple[str, str, EdgeKind], float]]] = {
    "CLIENT": {("DONE", "IDLE", "cycle"): -120.0, ("DONE", "CLOSED", "event"): 85.0},
    "SERVER": {
        ("DONE", "IDLE", "cycle"): -185.0,
        ("IDLE", "SEND_BODY", "event"): -90.0,
        ("IDLE", "CLOSED", "event"): -60.0,
    },
}

KIND_ORDER: Final[tuple[EdgeKind, ...]] = ("event", "coupling", "condition", "cycle")
LEGEND: Final[dict[EdgeKind, str]] = {
    "event": "an event sent or received",
    "coupling": "follows the other side's state",
    "condition": "follows a fact about the connection",
    "cycle": "start_next_cycle()",
}


@dataclass(frozen=True)
class Box:
    cx: float
    cy: float
    w: float
    h: float

    def contains(self, p: Point, pad: float = 0.0) -> bool:
        return abs(p[0] - self.cx) <= self.w / 2 + pad and abs(p[1] - self.cy) <= self.h / 2 + pad

    def overlaps(self, other: Box, pad: float = 0.0) -> bool:
        return (
            abs(self.cx - other.cx) < (self.w + other.w) / 2 + pad
            and abs(self.cy - other.cy) < (self.h + other.h) / 2 + pad
        )


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: EdgeKind
    lines: tuple[str, ...]


def merge(found: Sequence[Transition]) -> list[Edge]:
    """One arrow per (source, target, kind), labelled with every trigger it stands for."""
    grouped: dict[tuple[str, str, EdgeKind], list[str]] = {}
    for t in found:
        grouped.setdefault((t.source, t.target, t.kind), []).append(t.trigger)
    return [Edge(s, t, k, tuple(dict.fromkeys(lines))) for (s, t, k), lines in grouped.items()]


def _bezier(p0: Point, p1: Point, p2: Point, t: float) -> Point:
    a, b, c = (1 - t) ** 2, 2 * (1 - t) * t, t * t
    return (a * p0[0] + b * p1[0] + c * p2[0], a * p0[1] + b * p1[1] + c * p2[1])


def _blossom(p0: Point, p1: Point, p2: Point, u: float, v: float) -> Point:
    """The control point of the part of a quadratic Bezier between parameters u and v."""
    a, b, c = (1 - u) * (1 - v), (1 - u) * v + u * (1 - v), u * v
    return (a * p0[0] + b * p1[0] + c * p2[0], a * p0[1] + b * p1[1] + c * p2[1])


def _exit(p0: Point, p1: Point, p2: Point, box: Box, start: bool) -> float:
    """The parameter where the curve leaves ``box`` (at its start) or enters it (at its end)."""
    inside, outside = (0.0, 1.0) if start else (1.0, 0.0)
    for _ in range(40):
        middle = (inside + outside) / 2
        if box.contains(_bezier(p0, p1, p2, middle), pad=3.0):
            inside = middle
        else:
            outside = middle
    return outside


def _fmt(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


class Canvas:
    """Collects SVG elements and the extent they cover."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.min_x = self.min_y = math.inf
        self.max_x = self.max_y = -math.inf

    def cover(self, *points: Point) -> None:
        for x, y in points:
            self.min_x, self.max_x = min(self.min_x, x), max(self.max_x, x)
            self.min_y, self.max_y = min(self.min_y, y), max(self.max_y, y)

    def add(self, element: str) -> None:
        self.parts.append(element)


def _label(canvas: Canvas, box: Box, lines: Sequence[str], css: str) -> None:
    canvas.cover((box.cx - box.w / 2, box.cy - box.h / 2), (box.cx + box.w / 2, box.cy + box.h / 2))
    canvas.add(
        f'<rect class="sm-label-bg" x="{_fmt(box.cx - box.w / 2)}" y="{_fmt(box.cy - box.h / 2)}" '
        f'width="{_fmt(box.w)}" height="{_fmt(box.h)}" rx="3"/>'
    )
    first = box.cy - (len(lines) - 1) * LABEL_LINE / 2
    spans = "".join(
        f'<tspan x="{_fmt(box.cx)}" y="{_fmt(first + i * LABEL_LINE)}">{html.escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    canvas.add(
        f'<text class="{css}" text-anchor="middle" dominant-baseline="central">{spans}</text>'
    )


def _label_box(center: Point, lines: Sequence[str]) -> Box:
    width = max(len(line) for line in lines) * LABEL_CHAR + 8
    return Box(center[0], center[1], width, len(lines) * LABEL_LINE + 4)


def render_svg(role: str, prefix: str) -> str:
    """The diagram of ``role``'s state machine as an SVG document fragment."""
    layout = LAYOUT.get(role)
    if layout is None:
        raise ExtensionError(f"h11typed_states: no LAYOUT for role {role!r}")
    states = role_states(role)
    missing = [state for state in states if state not in layout]
    if missing:
        raise ExtensionError(
            f"h11typed_states: the {role} diagram has no place for {missing}; add them to LAYOUT"
        )
    if "ERROR" not in states:
        states.append("ERROR")
    boxes = {
        state: Box(
            layout[state][0] * COLUMN, layout[state][1] * ROW, len(state) * CHAR + 26, NODE_HEIGHT
        )
        for state in states
    }
    # Self-loops first: their labels sit in fixed places the others must avoid.
    edges = sorted(merge(transitions(role)), key=lambda edge: edge.source != edge.target)
    canvas = Canvas()
    placed: list[Box] = list(boxes.values())
    labels: list[tuple[Box, tuple[str, ...], str]] = []

    # Arrows that join the same two states fan out around the straight line; the offset
    # is taken in one orientation of the pair, so an arrow and its reverse separate.
    fan: dict[frozenset[str], list[Edge]] = {}
    for edge in edges:
        if edge.source != edge.target:
            fan.setdefault(frozenset((edge.source, edge.target)), []).append(edge)

    def default_bend(edge: Edge) -> float:
        group = fan[frozenset((edge.source, edge.target))]
        offset = 34.0 * (group.index(edge) - (len(group) - 1) / 2)
        return offset if edge.source < edge.target else -offset

    for kind in KIND_ORDER:
        canvas.add(
            f'<marker id="{prefix}-arrow-{kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" '
            f'markerHeight="9" markerUnits="userSpaceOnUse" orient="auto">'
            f'<path class="sm-arrow sm-arrow-{kind}" d="M0,0 L10,5 L0,10 z"/></marker>'
        )

    for edge in edges:
        css = f"sm-edge sm-edge-{edge.kind}"
        marker = f'marker-end="url(#{prefix}-arrow-{edge.kind})"'
        if edge.source == edge.target:
            box = boxes[edge.source]
            side = LOOP_SIDE.get(role, {}).get(edge.source, "top")
            sign = -1.0 if side == "top" else 1.0
            y0 = box.cy + sign * box.h / 2
            reach = y0 + sign * 34
            canvas.add(
                f'<path class="{css}" {marker} d="M{_fmt(box.cx - 14)},{_fmt(y0)} C{_fmt(box.cx - 34)},{_fmt(reach)} '
                f'{_fmt(box.cx + 34)},{_fmt(reach)} {_fmt(box.cx + 14)},{_fmt(y0)}"/>'
            )
            canvas.cover((box.cx - 34, reach), (box.cx + 34, reach))
            label = _label_box((box.cx, 0.0), edge.lines)
            ly = reach + sign * (label.h / 2 - 2)
            label = Box(box.cx, ly, label.w, label.h)
            placed.append(label)
            labels.append((label, edge.lines, f"sm-label sm-label-{edge.kind}"))
            continue
        a, b = boxes[edge.source], boxes[edge.target]
        p0, p2 = (a.cx, a.cy), (b.cx, b.cy)
        dx, dy = p2[0] - p0[0], p2[1] - p0[1]
        length = math.hypot(dx, dy)
        normal = (dy / length, -dx / length)
        bend = BENDS.get(role, {}).get((edge.source, edge.target, edge.kind))
        if bend is None:
            bend = default_bend(edge)
        middle = ((p0[0] + p2[0]) / 2, (p0[1] + p2[1]) / 2)
        p1 = (middle[0] + normal[0] * bend * 2, middle[1] + normal[1] * bend * 2)
        u, v = _exit(p0, p1, p2, a, True), _exit(p0, p1, p2, b, False)
        start, end, control = (
            _bezier(p0, p1, p2, u),
            _bezier(p0, p1, p2, v),
            _blossom(p0, p1, p2, u, v),
        )
        canvas.add(
            f'<path class="{css}" {marker} d="M{_fmt(start[0])},{_fmt(start[1])} '
            f'Q{_fmt(control[0])},{_fmt(control[1])} {_fmt(end[0])},{_fmt(end[1])}"/>'
        )
        canvas.cover(start, end, _bezier(start, control, end, 0.5))
        chosen: Box | None = None
        for t in (0.5, 0.42, 0.58, 0.34, 0.66, 0.27, 0.73, 0.2, 0.8):
            candidate = _label_box(_bezier(start, control, end, t), edge.lines)
            if not any(candidate.overlaps(other, pad=2.0) for other in placed):
                chosen = candidate
                break
        if chosen is None:
            chosen = _label_box(_bezier(start, control, end, 0.5), edge.lines)
        placed.append(chosen)
        labels.append((chosen, edge.lines, f"sm-label sm-label-{edge.kind}"))

    for state, box in boxes.items():
        canvas.cover(
            (box.cx - box.w / 2, box.cy - box.h / 2), (box.cx + box.w / 2, box.cy + box.h / 2)
        )
        css = "sm-state sm-state-error" if state == "ERROR" else "sm-state"
        canvas.add(
            f'<rect class="{css}" x="{_fmt(box.cx - box.w / 2)}" y="{_fmt(box.cy - box.h / 2)}" '
            f'width="{_fmt(box.w)}" height="{_fmt(box.h)}" rx="8"/>'
        )
        canvas.add(
            f'<text class="sm-state-name" x="{_fmt(box.cx)}" y="{_fmt(box.cy)}" text-anchor="middle" '
            f'dominant-baseline="central">{state}</text>'
        )
    for box, lines, css in labels:
        _label(canvas, box, lines, css)

    error = boxes["ERROR"]
    note = (
        ("from every state: a protocol error,", "an exception in send(), send_failed()")
        if error_reachable_from_everywhere(role)
        else ("from some states only (see the table)",)
    )
    _label(
        canvas,
        _label_box((error.cx, error.cy + error.h / 2 + 8 + len(note) * LABEL_LINE / 2), note),
        note,
        "sm-note",
    )

    # The legend, under everything drawn so far, two entries to a row.
    top = canvas.max_y + 30
    left = canvas.min_x
    used = [kind for kind in KIND_ORDER if any(edge.kind == kind for edge in edges)]
    column_width = 48 + max(len(LEGEND[kind]) for kind in used) * LABEL_CHAR + 30
    for index, kind in enumerate(used):
        x = left + (index % 2) * column_width
        y = top + (index // 2) * 20
        canvas.add(
            f'<path class="sm-edge sm-edge-{kind}" marker-end="url(#{prefix}-arrow-{kind})" '
            f'd="M{_fmt(x)},{_fmt(y)} L{_fmt(x + 40)},{_fmt(y)}"/>'
        )
        text = LEGEND[kind]
        canvas.add(
            f'<text class="sm-legend" x="{_fmt(x + 48)}" y="{_fmt(y)}" dominant-baseline="central">'
            f"{html.escape(text)}</text>"
        )
        canvas.cover((x, y - 8), (x + 48 + len(text) * LABEL_CHAR, y + 8))

    margin = 12.0
    min_x, min_y = canvas.min_x - margin, canvas.min_y - margin
    width, height = (
        canvas.max_x - canvas.min_x + 2 * margin,
        canvas.max_y - canvas.min_y + 2 * margin,
    )
    title = f"h11typed {role} state machine"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="h11typed-state-machine" role="img" '
        f'aria-labelledby="{prefix}-title" viewBox="{_fmt(min_x)} {_fmt(min_y)} {_fmt(width)} {_fmt(height)}" '
        f'width="{_fmt(width)}" height="{_fmt(height)}" font-family="monospace" font-size="14">'
        f'<title id="{prefix}-title">{html.escape(title)}</title>'
        + "".join(canvas.parts)
        + "</svg>"
    )


# ---- the directive ----------------------------------------------------------------------

KIND_WORDS: Final[dict[EdgeKind, str]] = {
    "event": "event",
    "coupling": "other side's state",
    "condition": "connection fact",
    "cycle": "method call",
}


def _table(role: str) -> nodes.table:
    rows = sorted(
        transitions(role),
        key=lambda t: (role_states(role).index(t.source), KIND_ORDER.index(t.kind), t.trigger),
    )
    table = nodes.table(classes=["h11typed-transitions"])
    group = nodes.tgroup(cols=4)
    table += group
    for width in (24, 30, 24, 22):
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    group += head
    body = nodes.tbody()
    group += body

    def row(cells: Sequence[nodes.Node], into: nodes.Element) -> None:
        line = nodes.row()
        for cell in cells:
            entry = nodes.entry()
            entry += nodes.paragraph("", "", cell)
            line += entry
        into += line

    row([nodes.Text(text) for text in ("from", "when", "to", "kind")], head)
    for t in rows:
        row(
            [
                nodes.literal(text=t.source),
                nodes.Text(t.trigger),
                nodes.literal(text=t.target),
                nodes.Text(KIND_WORDS[t.kind]),
            ],
            body,
        )
    if error_reachable_from_everywhere(role):
        row(
            [
                nodes.Text("any state"),
                nodes.Text("a protocol error, an exception in send(), send_failed()"),
                nodes.literal(text="ERROR"),
                nodes.Text("error"),
            ],
            body,
        )
    return table


class StateMachineDirective(SphinxDirective):
    """``.. h11typed-state-machine:: CLIENT|SERVER`` with an optional ``:table:`` flag."""

    required_arguments = 1
    option_spec = {"table": directives.flag}  # noqa: RUF012 (docutils' own API shape)

    def run(self) -> list[nodes.Node]:
        role = self.arguments[0].upper()
        if role not in (_state.CLIENT, _state.SERVER):
            raise self.error(f"expected CLIENT or SERVER, not {self.arguments[0]!r}")
        # Rebuild the page whenever the state machine's source changes.
        self.env.note_dependency(_state.__file__)
        prefix = f"sm-{role.lower()}-{self.env.new_serialno('h11typed-state-machine')}"
        svg = render_svg(role, prefix)
        figure = nodes.container(classes=["h11typed-diagram"])
        figure += nodes.raw("", svg, format="html")
        up = "../" * self.env.docname.count("/")
        link = nodes.paragraph(classes=["h11typed-diagram-link"])
        link += nodes.reference(
            "",
            "Open the diagram on its own",
            refuri=f"{up}{STANDALONE_DIR}/{_standalone_name(role)}",
        )
        result: list[nodes.Node] = [figure, link]
        if "table" in self.options:
            result.append(_table(role))
        return result


# Full-size copies of the diagrams, one file per role, linked from under each diagram.
STANDALONE_DIR: Final = "_images"


def _standalone_name(role: str) -> str:
    return f"h11typed-{role.lower()}-states.svg"


def _write_standalone(app: Sphinx, exception: Exception | None) -> None:
    """Write each diagram as an SVG file that carries its own (light) styles."""
    if exception is not None or app.builder.format != "html":
        return
    css = (Path(app.srcdir) / "_static" / "h11typed.css").read_text()
    folder = Path(app.outdir) / STANDALONE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for role in (_state.CLIENT, _state.SERVER):
        svg = render_svg(role, f"sm-{role.lower()}")
        # No theme variables outside the page: every var() falls back to its light colour.
        head, _, tail = svg.partition(">")
        page = f"{head}><style>svg {{ background: #fff; }}\n{css}</style>{tail}"
        (folder / _standalone_name(role)).write_text(page)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_directive("h11typed-state-machine", StateMachineDirective)
    app.connect("build-finished", _write_standalone)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
