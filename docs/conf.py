"""Sphinx configuration for the h11typed documentation.

Build with ``bash scripts/docs.sh`` (it makes its own virtual environment). The docs
are built against an INSTALLED pure-Python h11typed: autodoc reads signatures and type
hints through ``inspect``, and the mypyc-compiled build keeps no annotations for it.
"""

from __future__ import annotations

import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
REPO = DOCS.parent

# Our own extensions, and the repository root for ``benchmarks.chart``. The root holds
# no ``h11typed`` package (it lives under src/), so h11typed still comes from the install.
sys.path.insert(0, str(DOCS / "_ext"))
sys.path.insert(1, str(REPO))

import h11typed  # noqa: E402

if h11typed.COMPILED:
    raise RuntimeError(
        "the docs need the pure-Python h11typed (H11TYPED_COMPILE=0 pip install .): "
        "the compiled build has no annotations for autodoc to read; use scripts/docs.sh"
    )
if Path(h11typed.__file__).resolve().is_relative_to(REPO / "src"):
    raise RuntimeError("the docs must be built against an installed h11typed, not src/ on sys.path")

project = "h11typed"
author = "the h11typed authors"
copyright = "the h11typed authors"
release = h11typed.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.doctest",
    "sphinx.ext.viewcode",
    "myst_parser",
    "h11typed_states",
    "h11typed_bench",
    "h11typed_autodoc",
]

source_suffix = {".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "_data"]
templates_path: list[str] = []

# Fail on anything suspicious (scripts/docs.sh also passes -W).
nitpicky = False
keep_warnings = False
suppress_warnings: list[str] = []

# ---- autodoc ---------------------------------------------------------------------------
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_typehints_format = "short"
autodoc_preserve_defaults = True
autodoc_class_signature = "mixed"
# Keep the names of the package's type aliases instead of expanding them everywhere;
# docs/api.rst documents each alias with what it stands for.
autodoc_type_aliases = {
    "BytesInput": "~h11typed._headers.BytesInput",
    "HeaderInput": "~h11typed._headers.HeaderInput",
    "NextEventResult": "~h11typed.NextEventResult",
    "Role": "~h11typed._state.Role",
    "State": "~h11typed._state.State",
}

# ---- HTML -------------------------------------------------------------------------------
html_theme = "furo"
html_title = f"h11typed {release}"
html_static_path = ["_static"]
html_css_files = ["h11typed.css"]
html_last_updated_fmt = None
html_show_sourcelink = False
html_theme_options = {"navigation_with_keys": True}
pygments_style = "friendly"
pygments_dark_style = "monokai"

# ---- our extensions ---------------------------------------------------------------------
# docs/_ext/h11typed_bench.py: the benchmark chart is regenerated from this JSON (if it
# exists) into _static/benchmark.svg at the start of every build.
h11typed_bench_json = str(DOCS / "_data" / "benchmark.json")
h11typed_bench_svg = str(DOCS / "_static" / "benchmark.svg")
