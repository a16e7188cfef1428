"""The built-in synthetic demo school: a deterministic school year in export format v1."""

from __future__ import annotations

from archiver.demo.generate import generate
from archiver.demo.profile import SIZES
from archiver.demo.write import DemoResult, build_demo, write_demo

__all__ = ["SIZES", "DemoResult", "build_demo", "generate", "write_demo"]
