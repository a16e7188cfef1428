"""Turning Python cell values into the export's text form, and dotted export keys.

Shared by the writer (which must produce the same text in every container) and the
readers (which flatten a workbook's or database's `export` table back into a dict).
"""

from __future__ import annotations

import math
from datetime import date, datetime, time
from typing import Any

import pandas as pd


def is_missing(value: Any) -> bool:
    """True for None, pandas NA/NaT and float NaN: a missing cell."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def to_text(value: Any) -> str:
    """The format's text for one value: "" when missing, ISO dates, true/false."""
    if is_missing(value):
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):  # before int: bool is an int
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):  # before date: datetime is a date
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return to_text(value.item())
    return str(value)


def flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested export.json -> dotted keys (`school.name`, `terms.1.start`; lists count from 1)."""
    flat: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        elif isinstance(value, list | tuple):
            items = {str(i): item for i, item in enumerate(value, start=1)}
            flat.update(flatten(items, f"{name}."))
        else:
            flat[name] = value
    return flat


def unflatten(flat: dict[str, Any]) -> dict[str, Any]:
    """Dotted keys -> nested dict; `terms.N.*` becomes the list `terms`, in N order."""
    nested: dict[str, Any] = {}
    for key, value in flat.items():
        parts = key.split(".")
        node = nested
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):  # "a" and "a.b" both given: keep the first
                break
            node = child
        else:
            node.setdefault(parts[-1], value)
    return _lists(nested)


def _lists(node: Any) -> Any:
    """Dicts whose keys are all 1..N become lists (how terms are stored in a table)."""
    if not isinstance(node, dict):
        return node
    node = {k: _lists(v) for k, v in node.items()}
    if node and all(k.isdigit() for k in node):
        return [node[k] for k in sorted(node, key=int)]
    return node
