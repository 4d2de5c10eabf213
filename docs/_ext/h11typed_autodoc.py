"""Sphinx extension: a small correction to what autodoc shows.

``autodoc_type_aliases`` keeps alias names such as ``Role`` in signatures, but Sphinx
renders an alias *nested* in another type (``dict[Role, State]``, ``HeaderInput |
None``) with the repr of its internal placeholder, ``TypeAliasForwardRef('...')``.
Giving the placeholder a repr that is just the alias name fixes that.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx
from sphinx.util import inspect as sphinx_inspect
from sphinx.util.typing import ExtensionMetadata


def _alias_name(self: Any) -> str:
    name: str = self.name
    return name


def setup(app: Sphinx) -> ExtensionMetadata:
    placeholder: Any = getattr(sphinx_inspect, "TypeAliasForwardRef", None)
    if placeholder is not None:
        placeholder.__repr__ = _alias_name
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
