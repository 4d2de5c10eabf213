"""Instructions per operation, counted by callgrind: a yardstick that does not wobble.

    python benchmarks/instructions.py                               # every workload, ~3 min
    python benchmarks/instructions.py --against /tmp/venv-main      # A/B against another h11typed
    python benchmarks/instructions.py --against dist/h11typed-0.1.0-cp311-cp311-linux_x86_64.whl
    python benchmarks/instructions.py --workload a_cycle --workload d_headers --repeat 2 --json out.json

Each workload of benchmarks/workloads.py runs in its own process under
``valgrind --tool=callgrind``. The process checks the workload's output,
warms it up (so the interpreter's specialisation and the library's caches are
in their steady state), then counts, through callgrind's client requests,
only the instructions of two windows: ``--ops`` operations, and as many calls
of a null operation in the same loop. The difference over ``--ops`` is the
figure: instructions per operation, start-up, set-up and loop excluded. On one
machine it is the same number run after run (``--repeat 2`` shows it). The
same wheel installed in two environments, or counted after an edit to these
scripts, differs by up to ~0.8%: glibc's malloc starts from another state.
``--layouts N`` averages over N heap layouts and shows their spread; read a
change within that spread as noise.

A side (``--python``, ``--against``) is an interpreter, a virtual environment,
or a wheel, which is installed into a temporary virtual environment made with
the interpreter running this script. The default ``--python`` is
.venv-mypyc/bin/python when it exists, else the running interpreter. Every
side must import a compiled h11typed (``--allow-pure`` lifts that); which one
it imported is printed.

Needs valgrind (``apt-get install valgrind``) on x86-64 Linux.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import mmap
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

if __name__ == "__main__" and not __package__:
    # Run as a script: make the repository root importable for `benchmarks.*`.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# The driver imports nothing that imports h11typed, so any python 3.11+ can run
# it; the measured interpreters import benchmarks.workloads.
REPO: Final = Path(__file__).resolve().parent.parent
DEFAULT_VENV_PYTHON: Final = REPO / ".venv-mypyc" / "bin" / "python"

# (warm-up, counted) operations per workload: 20-500 million counted
# instructions each, so start-up (~3 s under callgrind) dominates and the
# whole table takes 2-3 minutes per side.
PLAN: Final[dict[str, tuple[int, int]]] = {
    "a_asv": (50, 2000),
    "a_cycle": (50, 2000),
    "b_pipeline": (3, 40),
    "c_chunked": (10, 400),
    "c_length": (10, 400),
    "d_headers_1x": (2, 8),
    "d_headers_2x": (2, 4),
    "d_body_1x": (2, 8),
    "d_body_2x": (2, 4),
    "d_chunked_1x": (2, 8),
    "d_chunked_2x": (2, 4),
    "e_send": (50, 900),
}


def plan(workload: str) -> tuple[int, int]:
    """(warm-up, counted) operations; a workload added later gets a modest default."""
    return PLAN.get(workload, (10, 100))


# -- inside the measured process ------------------------------------------------
#
# Callgrind's client requests are a magic instruction sequence that valgrind
# recognises and a real CPU runs as no-ops. There is no Python binding, so the
# sequence (valgrind.h, amd64) is put in an executable page and called through
# ctypes: rdi, the argument, points at [request, arg1..arg5]; the answer comes
# back in rdx, which holds the default (0) when not running under valgrind.
_CLIENT_REQUEST_AMD64: Final = bytes.fromhex(
    "4889f8"  # mov rax, rdi          (valgrind reads the request block from rax)
    "31d2"  # xor edx, edx            (the default answer: 0)
    "48c1c703"
    "48c1c70d"
    "48c1c73d"
    "48c1c733"  # rol rdi 3, 13, 61, 51: the preamble
    "4887db"  # xchg rbx, rbx         (the request itself)
    "4889d0"  # mov rax, rdx
    "c3"  # ret
)
RUNNING_ON_VALGRIND: Final = 0x1001
_CALLGRIND_BASE: Final = (ord("C") << 24) | (ord("T") << 16)
DUMP_STATS: Final = _CALLGRIND_BASE
TOGGLE_COLLECT: Final = _CALLGRIND_BASE + 2


class ClientRequests:
    """Callgrind's client requests, callable from Python on x86-64."""

    def __init__(self) -> None:
        if platform.machine() not in ("x86_64", "AMD64"):
            raise SystemExit(
                f"instructions.py issues callgrind requests in x86-64 code, not {platform.machine()}"
            )
        self._page = mmap.mmap(
            -1, mmap.PAGESIZE, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC
        )
        self._page.write(_CLIENT_REQUEST_AMD64)
        address = ctypes.addressof(ctypes.c_char.from_buffer(self._page))
        self._call = ctypes.CFUNCTYPE(ctypes.c_uint64, ctypes.c_void_p)(address)
        self._block = (ctypes.c_uint64 * 6)()

    def __call__(self, request: int) -> int:
        self._block[0] = request
        return int(self._call(ctypes.addressof(self._block)))


def identification() -> dict[str, Any]:
    """Which h11typed this interpreter imports, and how it was built."""
    import h11typed
    from benchmarks.targets import load_installed
    from benchmarks.workloads import WORKLOAD_ORDER

    target = load_installed("h11typed")
    return {
        "workloads": list(WORKLOAD_ORDER),
        "compiled": bool(getattr(h11typed, "COMPILED", False)),
        "build": target.build,
        "file": h11typed.__file__,
        "version": target.version,
        "python": platform.python_version(),
    }


def shift_heap(layout: int) -> list[bytearray]:
    """Leave the C allocator in another state for each ``layout`` (0: untouched).

    Blocks over 512 bytes come from glibc's malloc, whose cost depends on the
    free chunks it finds; a fixed, seeded pattern of kept and freed blocks
    changes those, so a mean over layouts depends less on one layout's luck.
    """
    rng = random.Random(layout)
    blocks = [bytearray(rng.randrange(600, 20000)) for _ in range(7 * layout)]
    return blocks[::3]


def child(workload: str, warmup: int, ops: int, layout: int) -> int:
    """Run in the measured process: two counted windows, dumped by callgrind as .1 and .2."""
    from benchmarks.targets import load_installed
    from benchmarks.workloads import h11_cases

    request = ClientRequests()
    kept = shift_heap(layout)
    target = load_installed("h11typed")
    (case,) = h11_cases(target, [workload])
    case.verify()
    if warmup + ops > case.max_prepared:
        raise SystemExit(f"{workload}: at most {case.max_prepared} operations (warm-up included)")
    op = case.prepare(warmup + ops)
    expected = case.expected

    def null(sink: object) -> tuple[int, ...]:
        return expected

    def loop(operation: Callable[[Any], tuple[int, ...]], n: int) -> int:
        wrong = 0
        for _ in range(n):
            if operation(None) != expected:
                wrong += 1
        return wrong

    def window(operation: Callable[[Any], tuple[int, ...]]) -> int:
        gc.collect()
        request(TOGGLE_COLLECT)
        wrong = loop(operation, ops)
        request(TOGGLE_COLLECT)
        request(DUMP_STATS)
        return wrong

    wrong = loop(op, warmup) + loop(null, warmup)
    wrong += window(null)
    wrong += window(op)
    report = {
        "valgrind": request(RUNNING_ON_VALGRIND),
        "wrong": wrong,
        "kept": len(kept),
        **identification(),
    }
    del report["workloads"]
    print(json.dumps(report))
    return 0


# -- the driver ---------------------------------------------------------------------


@dataclass(frozen=True)
class Side:
    label: str
    python: str
    spec: str
    compiled: bool = False
    build: str = ""
    file: str = ""
    version: str = ""
    python_version: str = ""


@dataclass(frozen=True)
class Count:
    workload: str
    side: str
    warmup: int
    ops: int
    per_op: float  # the mean over layouts
    layouts: tuple[float, ...]  # instructions per operation in each heap layout
    repeats_agree: bool  # every repeated run counted the same


def fail(message: str) -> SystemExit:
    return SystemExit(f"error: {message}")


def make_venv_with(wheel: Path, scratch: Path) -> str:
    """A virtual environment in ``scratch`` with ``wheel`` installed; its python."""
    # mkdtemp: two wheels of the same name (two builds of one version) get two venvs.
    venv = Path(tempfile.mkdtemp(prefix="venv-" + wheel.stem + "-", dir=scratch))
    print(f"installing {wheel.name} into {venv}", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)]
    subprocess.run(pip, check=True)
    return str(python)


def resolve_python(spec: str, scratch: Path) -> str:
    """An interpreter from an interpreter, a virtual environment or a wheel."""
    path = Path(spec)
    if path.suffix == ".whl":
        if not path.is_file():
            raise fail(f"no wheel at {spec}")
        return make_venv_with(path.resolve(), scratch)
    if path.is_dir():
        path = path / "bin" / "python"
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise fail(f"{spec} is not an interpreter, a virtual environment or a wheel")
    # Not resolved: a venv's python is a symlink, and resolving it would leave the venv.
    return str(path.absolute())


def callgrind_totals(out_file: Path) -> list[int]:
    """The instruction totals of the dumps ``out_file``.1, .2, ... in order."""
    totals = []
    number = 1
    while (dump := Path(f"{out_file}.{number}")).is_file():
        match = re.search(r"^totals:\s*(\d+)", dump.read_text(), re.MULTILINE)
        if match is None:
            raise fail(f"no totals line in {dump}")
        totals.append(int(match.group(1)))
        number += 1
    return totals


def measure_once(
    python: str, workload: str, warmup: int, ops: int, layout: int, scratch: Path
) -> tuple[int, int, dict[str, Any]]:
    """(null window, operation window, the child's report) from one run under callgrind."""
    run_dir = Path(tempfile.mkdtemp(prefix=f"{workload}-", dir=scratch))
    out_file = run_dir / "callgrind.out"
    command = [
        "valgrind",
        "--tool=callgrind",
        "--collect-atstart=no",
        f"--callgrind-out-file={out_file}",
        python,
        str(Path(__file__).resolve()),
        "--child",
        workload,
        "--warmup",
        str(warmup),
        "--ops",
        str(ops),
        "--layout",
        str(layout),
    ]
    # A fixed hash seed: str hashes decide dict and set layouts, and so some branches.
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        command, capture_output=True, text=True, env=env, cwd=run_dir, check=False
    )
    reports = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not reports:
        raise fail(
            f"{workload} under {python} failed (exit {done.returncode}):\n{done.stdout}{done.stderr[-3000:]}"
        )
    report: dict[str, Any] = json.loads(reports[-1])
    if not report["valgrind"]:
        raise fail("the measured process did not see valgrind's client requests")
    if report["wrong"]:
        raise fail(f"{workload} under {python}: {report['wrong']} operations gave a wrong result")
    totals = callgrind_totals(out_file)
    if len(totals) != 2:
        raise fail(f"expected 2 callgrind dumps in {run_dir}, found {len(totals)}")
    shutil.rmtree(run_dir, ignore_errors=True)
    return totals[0], totals[1], report


def count(
    side: Side, workload: str, warmup: int, ops: int, layouts: int, repeat: int, scratch: Path
) -> Count:
    """Instructions per operation: the mean over ``layouts``, each run ``repeat`` times."""
    per_layout = []
    agree = True
    for layout in range(layouts):
        runs = [
            measure_once(side.python, workload, warmup, ops, layout, scratch) for _ in range(repeat)
        ]
        for _, _, report in runs:
            if (report["file"], report["compiled"]) != (side.file, side.compiled):
                raise fail(
                    f"{workload} imported {report['file']} (COMPILED={report['compiled']}), not {side.file}"
                )
        agree = agree and len({(null, window) for null, window, _ in runs}) == 1
        null, window, _ = runs[0]
        per_layout.append((window - null) / ops)
    return Count(
        workload, side.label, warmup, ops, sum(per_layout) / layouts, tuple(per_layout), agree
    )


def probe(label: str, spec: str, python: str) -> tuple[Side, list[str]]:
    """The side ``spec`` with what its interpreter imports as h11typed (no valgrind)."""
    command = [python, str(Path(__file__).resolve()), "--probe"]
    # It may write benchmarks/__pycache__, so every measured process finds the
    # same compiled modules there, whether or not they existed before.
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise fail(f"{python} cannot import h11typed and the benchmarks:\n{done.stderr[-2000:]}")
    found: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    side = Side(
        label,
        python,
        spec,
        found["compiled"],
        found["build"],
        found["file"],
        found["version"],
        found["python"],
    )
    return side, found["workloads"]


def chosen_workloads(known: Sequence[str], names: Sequence[str] | None) -> list[str]:
    """Workloads in ``known`` (WORKLOAD_ORDER) whose name is, or starts with, one of ``names``."""
    if not names:
        return list(known)
    unknown = [name for name in names if not any(w.startswith(name) for w in known)]
    if unknown:
        raise fail(f"unknown workload {', '.join(unknown)}; known: {', '.join(known)}")
    return [w for w in known if any(w.startswith(name) for name in names)]


def format_table(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Left-aligned first column, the others right-aligned."""
    widths = [max(len(row[i]) for row in [columns, *rows]) for i in range(len(columns))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.rjust(w) if i else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join(
        [line(columns), "  ".join("-" * w for w in widths), *(line(row) for row in rows)]
    )


def change(a: float, b: float) -> str:
    return f"{(b - a) / a * 100:+.1f}%" if a else "n/a"


def cell(c: Count) -> str:
    """The mean, and with several layouts the half-range around it."""
    if len(c.layouts) == 1:
        return f"{c.per_op:,.0f}"
    return f"{c.per_op:,.0f} ±{(max(c.layouts) - min(c.layouts)) / 2 / c.per_op * 100:.2f}%"


def format_counts(
    workloads: Sequence[str], counts: dict[tuple[str, str], Count], labels: Sequence[str]
) -> str:
    columns = ["workload", "ops", *(f"instructions/op ({label})" for label in labels)]
    if len(labels) == 2:
        columns.append(f"{labels[1]} vs {labels[0]}")
    rows = []
    for workload in workloads:
        row = [workload, str(counts[workload, labels[0]].ops)]
        row += [cell(counts[workload, label]) for label in labels]
        if len(labels) == 2:
            row.append(
                change(counts[workload, labels[0]].per_op, counts[workload, labels[1]].per_op)
            )
        rows.append(row)
    return format_table(columns, rows)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--python",
        help="side A: interpreter, venv or wheel (default .venv-mypyc, else this python)",
    )
    parser.add_argument(
        "--against", help="side B: interpreter, venv or wheel with another h11typed"
    )
    parser.add_argument(
        "--workload", action="append", metavar="NAME", help="a workload or prefix (repeatable)"
    )
    parser.add_argument(
        "--ops", type=int, help="counted operations per workload (default: per workload)"
    )
    parser.add_argument(
        "--warmup", type=int, help="uncounted operations first (default: per workload)"
    )
    parser.add_argument(
        "--layouts", type=int, default=1, help="average over N heap layouts (default 1)"
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="run each count N times and check they agree"
    )
    parser.add_argument(
        "--jobs", type=int, default=1, help="processes under callgrind at once (default 1)"
    )
    parser.add_argument(
        "--allow-pure", action="store_true", help="accept a side whose h11typed is pure Python"
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--child", metavar="WORKLOAD", help=argparse.SUPPRESS)
    parser.add_argument("--layout", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--probe", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child is not None:
        return child(args.child, args.warmup or 0, args.ops or 1, args.layout)
    if args.probe:
        print(json.dumps(identification()))
        return 0
    if shutil.which("valgrind") is None:
        raise fail("valgrind is not installed (Debian/Ubuntu: apt-get install valgrind)")
    if (args.ops is not None and args.ops < 1) or min(args.repeat, args.jobs, args.layouts) < 1:
        raise fail("--ops, --layouts, --repeat and --jobs take a positive number")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="h11typed-instructions-") as scratch_name:
        scratch = Path(scratch_name)
        default = str(DEFAULT_VENV_PYTHON) if DEFAULT_VENV_PYTHON.is_file() else sys.executable
        specs = {"A": args.python or default}
        if args.against is not None:
            specs["B"] = args.against
        probed = {
            label: probe(label, spec, resolve_python(spec, scratch))
            for label, spec in specs.items()
        }
        sides = {label: side for label, (side, _) in probed.items()}
        workloads = chosen_workloads(probed["A"][1], args.workload)
        for side in sides.values():
            print(
                f"{side.label}: {side.spec}\n   h11typed {side.version}, COMPILED={side.compiled} ({side.build}), "
                f"python {side.python_version}, {side.file}"
            )
        pure = [side.label for side in sides.values() if not side.compiled]
        if pure and not args.allow_pure:
            raise fail(
                f"side {', '.join(pure)} imports a pure-Python h11typed (--allow-pure to accept)"
            )
        labels = list(sides)
        jobs = [
            (
                label,
                workload,
                args.warmup if args.warmup is not None else plan(workload)[0],
                args.ops or plan(workload)[1],
            )
            for workload in workloads
            for label in labels
        ]
        runs = args.layouts * args.repeat
        print(
            f"{len(jobs) * runs} processes under callgrind ({args.layouts} layouts x {args.repeat} runs)",
            flush=True,
        )

        def run(job: tuple[str, str, int, int]) -> Count:
            label, workload, warmup, ops = job
            result = count(sides[label], workload, warmup, ops, args.layouts, args.repeat, scratch)
            print(f"  {workload} ({label}): {result.per_op:,.0f} instructions/op", flush=True)
            return result

        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            results = list(pool.map(run, jobs))
    counts = {(c.workload, c.side): c for c in results}

    print("")
    print(format_counts(workloads, counts, labels))
    if args.layouts > 1:
        print(f"\nmeans over {args.layouts} heap layouts, ± half their range")
    disagreeing = [c for c in counts.values() if not c.repeats_agree]
    if args.repeat > 1:
        verdict = (
            "identical"
            if not disagreeing
            else "DIFFERENT for " + ", ".join(f"{c.workload} ({c.side})" for c in disagreeing)
        )
        print(f"\n{args.repeat} runs of every count: {verdict}")
    elapsed = time.perf_counter() - started
    print(f"\ntotal {elapsed:.0f} s")

    if args.json is not None:
        meta = {
            "tool": "valgrind --tool=callgrind, instructions (Ir) per operation, null loop subtracted",
            "platform": platform.platform(),
            "layouts": args.layouts,
            "repeat": args.repeat,
            "elapsed_s": elapsed,
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "sides": {label: asdict(side) for label, side in sides.items()},
        }
        document = {"meta": meta, "counts": [asdict(c) for c in counts.values()]}
        args.json.write_text(json.dumps(document, indent=1) + "\n")
        print(f"wrote {args.json}")
    return 1 if disagreeing else 0


if __name__ == "__main__":
    sys.exit(main())
