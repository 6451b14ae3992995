"""Access to the data files shipped with the package (policy, rule sets, fonts, migrations).

Found through ``importlib.resources`` so they work from a checkout, a wheel and a frozen build.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from importlib.abc import Traversable
from typing import Any


def resource(*parts: str) -> Traversable:
    """A file or folder inside the shipped ``resources`` folder."""
    node = resources.files("mdbtriage.resources")
    for part in parts:
        node = node.joinpath(part)
    return node


def load_toml(*parts: str) -> dict[str, Any]:
    """Parse a TOML file from the shipped resources."""
    with resource(*parts).open("rb") as handle:
        return tomllib.load(handle)


def list_toml(folder: str) -> list[str]:
    """Names (without ``.toml``) of the TOML files in a resources folder, sorted."""
    return sorted(
        entry.name[: -len(".toml")]
        for entry in resource(folder).iterdir()
        if entry.name.endswith(".toml")
    )
