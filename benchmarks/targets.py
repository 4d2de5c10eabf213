"""The modules a benchmark compares, loaded side by side in one process.

- ``h11typed``: the installed package, compiled or pure (``build`` says which);
- ``h11typed-pure``: the source tree's package copied to a temporary directory
  under another name (``h11typed_pure``), so the pure build can run next to the
  installed compiled one. h11typed imports its own modules relatively, so the
  copy is self-contained; it is checked to really be pure Python;
- ``h11``, the reference, and peers when they are importable: ``h11_mypyc``
  (h11 compiled with mypyc, h11's API), ``h11r`` (a Rust core with its own
  connection API) and ``httptools`` (a parser only).
"""

from __future__ import annotations

import atexit
import importlib
import importlib.machinery
import importlib.util
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parent.parent
DEFAULT_PURE_SRC = REPO / "src"
PURE_NAME = "h11typed_pure"


class Unavailable(Exception):
    """A target that cannot be loaded here; the message says why."""


@dataclass(frozen=True)
class Target:
    label: str
    module: ModuleType
    # "h11" for the h11 API, otherwise the name of the peer's own API.
    api: str
    # "compiled" or "pure" for h11-style packages, the extension's language for peers.
    build: str
    path: str
    version: str


def is_extension_module(module: ModuleType) -> bool:
    path = getattr(module, "__file__", None) or ""
    return path.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))


def build_of(package: ModuleType) -> str:
    """'compiled' when the package's connection module is a compiled extension."""
    core = importlib.import_module(package.__name__ + "._connection")
    return "compiled" if is_extension_module(core) else "pure"


def _h11_style(label: str, module: ModuleType) -> Target:
    core = importlib.import_module(module.__name__ + "._connection")
    return Target(
        label=label,
        module=module,
        api="h11",
        build=build_of(module),
        path=str(getattr(core, "__file__", "?")),
        version=str(getattr(module, "__version__", "?")),
    )


def load_installed(name: str, label: str | None = None) -> Target:
    """An importable h11-API package: h11typed, h11 or h11_mypyc."""
    try:
        module = importlib.import_module(name)
    except ImportError as exc:
        raise Unavailable(f"{name} is not importable: {exc}") from exc
    return _h11_style(label or name, module)


def load_pure_copy(src: Path = DEFAULT_PURE_SRC) -> Target:
    """Load ``src/h11typed`` as the pure-Python package ``h11typed_pure``."""
    if PURE_NAME in sys.modules:
        return _h11_style("h11typed-pure", sys.modules[PURE_NAME])
    package = src / "h11typed"
    if not (package / "__init__.py").is_file():
        raise Unavailable(f"no pure source to copy: {package} does not exist (yet)")
    root = Path(tempfile.mkdtemp(prefix="h11typed-pure-"))
    atexit.register(shutil.rmtree, root, True)
    copy = root / PURE_NAME
    # Leave out compiled leftovers (an in-place build would put .so files in src/).
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("*.so", "*.pyd", "__pycache__"))
    spec = importlib.util.spec_from_file_location(
        PURE_NAME, copy / "__init__.py", submodule_search_locations=[str(copy)]
    )
    if spec is None or spec.loader is None:
        raise Unavailable(f"cannot load {copy}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[PURE_NAME] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        del sys.modules[PURE_NAME]
        raise Unavailable(f"the copy of {package} does not import: {exc!r}") from exc
    target = _h11_style("h11typed-pure", module)
    if target.build != "pure" or not target.path.endswith(".py"):
        raise Unavailable(f"the copy is not pure Python: {target.path}")
    return target


def _load_peer(name: str, build: str) -> Target:
    """A peer with its own API, labelled, and dispatched on, by its module name."""
    try:
        module = importlib.import_module(name)
    except ImportError as exc:
        raise Unavailable(f"{name} is not importable: {exc}") from exc
    path = str(getattr(module, "__file__", "?"))
    return Target(name, module, name, build, path, str(getattr(module, "__version__", "?")))


def load_httptools() -> Target:
    return _load_peer("httptools", "C extension")


def load_h11r() -> Target:
    return _load_peer("h11r", "Rust extension")


def describe(target: Target) -> str:
    return f"{target.label:<14} {target.version:<8} {target.build:<14} {target.path}"


def standard_targets(
    pure_src: Path | None, say: Callable[[str], None], *, peers: bool = False
) -> list[Target]:
    """Installed h11typed, its pure copy (unless ``pure_src`` is None), h11, and peers.

    A target that cannot be loaded is reported through ``say`` and left out.
    """
    loaders: list[Callable[[], Target]] = [lambda: load_installed("h11typed")]
    if pure_src is not None:
        loaders.append(lambda: load_pure_copy(pure_src))
    loaders.append(lambda: load_installed("h11"))
    if peers:
        loaders += [lambda: load_installed("h11_mypyc", "h11-mypyc"), load_h11r, load_httptools]
    targets = []
    for load in loaders:
        try:
            targets.append(load())
        except Unavailable as exc:
            say(f"skipped: {exc}")
    return targets
