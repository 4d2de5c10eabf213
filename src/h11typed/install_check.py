"""Which HTTP/1.1 engine will httpx, httpx2, uvicorn, hypercorn and wsproto use here?

Run it in the environment (and the same way) your application starts::

    python -m h11typed.install_check                  # as things are now
    python -m h11typed.install_check --install-as-h11 # after h11typed.install_as_h11()
    python -m h11typed.install_check --json           # machine-readable
    python -m h11typed.install_check --check          # exit 1 unless all use h11typed

It reports where ``import h11`` leads at this moment, whether h11typed is the
mypyc-compiled build, and then imports each installed library's h11-using module
(after that moment's state, exactly as your application would) and shows which
``h11`` module object it ended up with, with its file. Libraries read ``h11`` once,
at import time, so whatever imports them first decides.

This module stays interpreted (it is excluded from the mypyc build): it runs once,
and it is a script.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import importlib.util
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from types import ModuleType
from typing import Final, Literal

import h11typed

EngineKind = Literal["h11typed", "h11", "other", "none"]
Status = Literal["ok", "not installed", "import failed"]


@dataclass(frozen=True)
class Consumer:
    """A library module that runs ``import h11`` when imported."""

    label: str
    distribution: str  # the PyPI name, for its version
    module: str  # the module whose global ``h11`` the library uses


# One entry per code path that reaches h11; httpx has none of its own (it goes
# through httpcore), nor has httpx2 (through httpcore2, a fork of httpcore under its
# own import name), and uvicorn's WebSocket support goes through wsproto.
CONSUMERS: Final = (
    Consumer("httpx/httpcore, sync", "httpcore", "httpcore._sync.http11"),
    Consumer("httpx/httpcore, async", "httpcore", "httpcore._async.http11"),
    Consumer("httpx2/httpcore2, sync", "httpcore2", "httpcore2._sync.http11"),
    Consumer("httpx2/httpcore2, async", "httpcore2", "httpcore2._async.http11"),
    Consumer("uvicorn --http h11", "uvicorn", "uvicorn.protocols.http.h11_impl"),
    Consumer("hypercorn", "hypercorn", "hypercorn.protocol.h11"),
    Consumer("wsproto, uvicorn --ws wsproto", "wsproto", "wsproto.handshake"),
)

HOW_TO_SWITCH: Final = """\
To make a library use h11typed, call h11typed.install_as_h11() before anything imports h11:

    import h11typed
    h11typed.install_as_h11()   # first: libraries read `h11` when they are imported
    import httpx, uvicorn       # ...now on h11typed

uvicorn from the command line (it imports its protocol before your app module):

    python -c 'import h11typed; h11typed.install_as_h11(); import uvicorn.main; uvicorn.main.main()' \\
        app:app --http h11

Check the result with: python -m h11typed.install_check --install-as-h11"""


@dataclass(frozen=True)
class Engine:
    """An ``h11`` module object as found: what it is and where it lives."""

    kind: EngineKind
    version: str | None
    file: str | None
    compiled: bool | None  # only known for h11typed
    imported: bool  # False: found on sys.path, not imported yet

    def describe(self) -> str:
        if self.kind == "none":
            return "nothing (`import h11` would fail: no h11 is installed)"
        name = {"h11typed": "h11typed", "h11": "the real h11", "other": "an unknown module"}[
            self.kind
        ]
        build = ""
        if self.compiled is not None:
            build = ", mypyc-compiled" if self.compiled else ", pure Python"
        version = f" {self.version}" if self.version else ""
        state = "" if self.imported else " (not imported yet)"
        return f"{name}{version}{build}{state} at {self.file}"


@dataclass(frozen=True)
class ConsumerReport:
    label: str
    module: str
    version: str | None
    status: Status
    engine: Engine | None
    error: str | None


@dataclass(frozen=True)
class Report:
    h11typed_version: str
    h11typed_file: str | None
    compiled: bool
    installed_as_h11: bool
    import_h11: Engine
    consumers: tuple[ConsumerReport, ...]

    def all_on_h11typed(self) -> bool:
        """True when every installed library uses h11typed (vacuously true if none is installed)."""
        return all(
            c.engine is not None and c.engine.kind == "h11typed"
            for c in self.consumers
            if c.status == "ok"
        )


def _distribution_version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def engine_of(module: ModuleType) -> Engine:
    """Describe an imported ``h11`` module object."""
    file = getattr(module, "__file__", None)
    if module is h11typed:
        return Engine("h11typed", h11typed.__version__, file, h11typed.COMPILED, True)
    version = getattr(module, "__version__", None)
    is_h11 = getattr(module, "__name__", None) == "h11" and isinstance(
        getattr(module, "Connection", None), type
    )
    return Engine(
        "h11" if is_h11 else "other",
        version if isinstance(version, str) else None,
        file,
        None,
        True,
    )


def current_h11() -> Engine:
    """Where ``import h11`` leads now, without importing it (an import would fix the answer)."""
    module = sys.modules.get("h11")
    if module is not None:
        return engine_of(module)
    spec = importlib.util.find_spec("h11")
    if spec is None:
        return Engine("none", None, None, None, False)
    return Engine("h11", _distribution_version("h11"), spec.origin, None, False)


def check_consumer(consumer: Consumer) -> ConsumerReport:
    """Import the library's h11-using module and report the ``h11`` it got."""
    version = _distribution_version(consumer.distribution)
    top = consumer.module.partition(".")[0]
    if importlib.util.find_spec(top) is None:
        return ConsumerReport(consumer.label, consumer.module, version, "not installed", None, None)
    try:
        module = importlib.import_module(consumer.module)
    except Exception as exc:  # a missing optional dependency, an incompatible version...
        error = f"{type(exc).__name__}: {exc}"
        return ConsumerReport(
            consumer.label, consumer.module, version, "import failed", None, error
        )
    used = getattr(module, "h11", None)
    if not isinstance(used, ModuleType):
        # The module imported h11 under another name; what it got is what sys.modules holds.
        used = sys.modules.get("h11")
    engine = engine_of(used) if used is not None else None
    return ConsumerReport(consumer.label, consumer.module, version, "ok", engine, None)


def build_report() -> Report:
    """Look at the current state first, then import the libraries on top of it."""
    installed = sys.modules.get("h11") is h11typed
    now = current_h11()
    consumers = tuple(check_consumer(c) for c in CONSUMERS)
    return Report(
        h11typed_version=h11typed.__version__,
        h11typed_file=getattr(h11typed, "__file__", None),
        compiled=h11typed.COMPILED,
        installed_as_h11=installed,
        import_h11=now,
        consumers=consumers,
    )


def format_report(report: Report) -> str:
    build = "mypyc-compiled" if report.compiled else "pure Python (not compiled)"
    lines = [
        f"h11typed {report.h11typed_version}, {build}, at {report.h11typed_file}",
        f"h11typed.install_as_h11() called: {'yes' if report.installed_as_h11 else 'no'}",
        f"`import h11` gives: {report.import_h11.describe()}",
        "",
        "library (module that imports h11)                     version   h11 it uses",
    ]
    for c in report.consumers:
        left = f"{c.label} ({c.module})"
        if c.status == "ok" and c.engine is not None:
            used = c.engine.describe()
        elif c.status == "ok":
            used = "no h11 found"
        elif c.status == "not installed":
            used = "-"
        else:
            used = f"import failed: {c.error}"
        version = c.version or "-"
        status = "" if c.status == "ok" else f"[{c.status}] "
        lines.append(f"  {left:<52} {version:<9} {status}{used}")
    lines.append("")
    if report.all_on_h11typed() and any(c.status == "ok" for c in report.consumers):
        lines.append("Every installed library above uses h11typed.")
    else:
        lines.append(HOW_TO_SWITCH)
    return "\n".join(lines)


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m h11typed.install_check",
        description="Show which h11 module httpx, httpx2, uvicorn, hypercorn and wsproto use in this environment.",
    )
    parser.add_argument(
        "--install-as-h11",
        action="store_true",
        help="call h11typed.install_as_h11() first, then report",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit with status 1 unless every installed library uses h11typed",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    if args.install_as_h11:
        try:
            h11typed.install_as_h11()
        except RuntimeError as exc:
            print(f"install_as_h11() failed: {exc}", file=sys.stderr)
            return 2
    report = build_report()
    if args.json:
        print(json.dumps(asdict(report), indent=2))
    else:
        print(format_report(report))
    if args.check and not report.all_on_h11typed():
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
