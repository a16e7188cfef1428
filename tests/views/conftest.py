"""The hand-made small export as a Dataset, shared by the view and render tests."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from archiver.model import Dataset, ExportMeta, School, Term
from archiver.schema.tables import TABLES

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "school_small"


def _read_fixture(folder: Path) -> Dataset:
    # Stand-in until archiver.load lands: read the CSVs into the declared dtypes.
    meta_raw = json.loads((folder / "export.json").read_text(encoding="utf-8"))
    tables = {}
    for name, spec in TABLES.items():
        path = folder / f"{name}.csv"
        frame = pd.read_csv(path, dtype=str, keep_default_na=False) if path.exists() \
            else pd.DataFrame(columns=spec.column_names)
        out = {}
        for col in spec.columns:
            raw = frame[col.name] if col.name in frame else pd.Series([""] * len(frame))
            raw = raw.replace("", None)
            if col.type == "date":
                out[col.name] = pd.to_datetime(raw).astype("datetime64[ns]")
            elif col.type == "datetime":
                out[col.name] = pd.to_datetime(raw, utc=True).astype("datetime64[ns, UTC]")
            elif col.type == "bool":
                out[col.name] = raw.map({"true": True, "false": False}).astype("boolean")
            else:
                out[col.name] = raw.astype(col.dtype)
        tables[name] = pd.DataFrame(out)
    school = School(**{k: meta_raw["school"].get(k, "") for k in
                       ("id", "name", "short_name", "address", "regon")})
    terms = tuple(Term(t["term"], date.fromisoformat(t["start"]), date.fromisoformat(t["end"]))
                  for t in meta_raw["terms"])
    meta = ExportMeta(meta_raw["format"], meta_raw["version"],
                      datetime.fromisoformat(meta_raw["exported_at"]), school,
                      meta_raw["school_year"], terms, meta_raw["timezone"],
                      meta_raw.get("source_system", ""), meta_raw)
    return Dataset(meta, tables)


@pytest.fixture(scope="session")
def small() -> Dataset:
    return _read_fixture(FIXTURE)
