"""Per-table rules: the table and its columns exist, required cells are filled, each value
has its column's type and, for enumerations, an allowed value. Builds the typed frames."""

from __future__ import annotations

import numpy as np
import pandas as pd

from archiver.i18n import N_
from archiver.schema.cells import TYPE_MESSAGES, Parsed, as_text, parse
from archiver.schema.context import Context
from archiver.schema.report import make_problem
from archiver.schema.tables import TABLES, Column, Table
from archiver.sources.raw import RawTable


def empty_frame(table: Table, rows: int = 0) -> pd.DataFrame:
    """A frame of the table's columns, all NA, in their declared dtypes."""
    return pd.DataFrame(
        {c.name: pd.Series([None] * rows, dtype=c.dtype) for c in table.columns},
        index=pd.RangeIndex(rows),
    )


def type_tables(ctx: Context) -> None:
    """Fill ctx.tables with a typed frame for every table of the format."""
    for name, table in TABLES.items():
        raw = ctx.raw.get(name)
        if raw is None:
            if not table.optional:
                ctx.missing.add(name)
                ctx.report.errors.append(make_problem(
                    name, None, None, None, None, "table.missing",
                    N_("required table is missing (expected {name}.csv, a sheet or a table "
                      "named {name})"), name=name))
            ctx.tables[name] = empty_frame(table)
            continue
        ctx.tables[name] = _type_table(ctx, table, raw)


def _type_table(ctx: Context, table: Table, raw: RawTable) -> pd.DataFrame:
    frame = raw.frame
    for name in raw.duplicate_columns:
        if name in table.column_names:
            ctx.report.errors.append(make_problem(
                table.name, None, None, name, None, "column.duplicate",
                N_("the column appears more than once in the header; the first one was "
                  "read")))
    typed: dict[str, pd.Series] = {}
    for column in table.columns:
        if column.name not in frame.columns:
            if column.required:
                ctx.report.errors.append(make_problem(
                    table.name, None, None, column.name, None, "column.missing",
                    N_("required column is missing from the header")))
            typed[column.name] = pd.Series([None] * len(frame), dtype=column.dtype)
            continue
        typed[column.name] = _type_column(ctx, table.name, column, frame[column.name])
    result = pd.DataFrame(typed, index=pd.RangeIndex(len(frame)))
    return result


def _type_column(ctx: Context, table: str, column: Column, values: pd.Series) -> pd.Series:
    parsed = parse(as_text(values, column.type), column.type)
    present = parsed.uniques != ""
    if column.required:
        rows = parsed.rows_with(~present)
        ctx.flag(table, rows, column.name, "required", N_("required value is missing"),
                 values=[""] * len(rows))
    for reason in ("int", "float", "bool", "date", "datetime", "naive"):
        bad = parsed.reason == reason
        if bad.any():
            rows = parsed.rows_with(bad)
            ctx.flag(table, rows, column.name, f"type.{column.type}", TYPE_MESSAGES[reason],
                     values=parsed.uniques[parsed.codes[rows]].tolist())
    if column.choices:
        _check_choices(ctx, table, column, parsed, present)
    return parsed.column(column.dtype)


def _check_choices(ctx: Context, table: str, column: Column, parsed: Parsed,
                   present: np.ndarray) -> None:
    allowed = set(column.choices)
    if column.type == "roles":
        good = np.fromiter(
            (all(p.strip() in allowed for p in v.split(";")) for v in parsed.uniques),
            bool, len(parsed.uniques))
        text = N_("{value} holds a role that is not one of: {choices} (separate roles "
                 "with ;)")
    else:
        good = np.fromiter((v in allowed for v in parsed.uniques), bool, len(parsed.uniques))
        text = N_("{value} is not one of: {choices}")
    rows = parsed.rows_with(present & ~good)
    ctx.flag(table, rows, column.name, "enum", text,
             values=parsed.uniques[parsed.codes[rows]].tolist(),
             choices=", ".join(column.choices))
