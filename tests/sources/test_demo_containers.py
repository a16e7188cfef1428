"""The small demo school, written in all four containers, reads back as one Dataset."""

from __future__ import annotations

from archiver.demo import generate
from archiver.load import load_dataset
from archiver.sources.write import write_export

SUFFIXES = {"folder": "", "zip": ".zip", "xlsx": ".xlsx", "sqlite": ".sqlite"}


def test_small_demo_is_valid_and_equal_in_every_container(tmp_path) -> None:
    tables, export = generate("small", 2026)
    datasets = {}
    for fmt, suffix in SUFFIXES.items():
        path = write_export(tables, export, tmp_path / f"demo{suffix}", fmt)
        datasets[fmt], report = load_dataset(path)
        assert report.errors == []
    assert len(datasets["folder"].attendance) == len(tables["attendance"])
    for fmt in ("zip", "xlsx", "sqlite"):
        assert datasets["folder"].equals(datasets[fmt]), fmt
