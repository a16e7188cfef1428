"""The built-in synthetic demo school: a deterministic school year in export format v1."""

from __future__ import annotations

from archiver.demo.generate import generate
from archiver.demo.profile import SIZES

__all__ = ["SIZES", "generate"]
