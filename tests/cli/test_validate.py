"""`archiver validate`: verdict, grouped problems, JSON, exit codes, no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from minimal_export import minimal_tables, write_minimal

from archiver.cli import main, main_group


def run(*args: str):
    return CliRunner().invoke(main_group, ["validate", *args])


def _broken(tmp_path, bad_rows: int = 1) -> Path:
    tables = minimal_tables()
    tables["lessons"].loc[0, "teacher_id"] = "nikt"
    tables["lessons"].loc[1, "period"] = "drugi"
    tables["lessons"].loc[3, "topic"] = None
    attendance = tables["attendance"]
    tables["attendance"] = attendance.loc[[0] * bad_rows + list(range(1, len(attendance)))]
    tables["attendance"] = tables["attendance"].reset_index(drop=True)
    return write_minimal(tmp_path, "folder", tables)


def test_valid_export_exits_zero(tmp_path) -> None:
    result = run(str(write_minimal(tmp_path, "zip")))
    assert result.exit_code == 0, result.output
    assert "VALID, 0 errors, 0 warnings" in result.output


def test_invalid_export_lists_problems_grouped_by_table(tmp_path) -> None:
    result = run(str(_broken(tmp_path)))
    assert result.exit_code == 1
    out = result.output
    assert "(folder): INVALID, 2 errors, 1 warning" in out
    assert "lessons: 2 error(s), 1 warning(s)" in out
    assert "error [reference] ×1" in out and "warning [topic.missing] ×1" in out
    assert ("'nikt' is not a staff_id of staff (lessons row 1 (line 2), column teacher_id)"
            in out)
    assert "'drugi' is not a whole number (lessons row 2 (line 3), column period)" in out


def test_output_is_capped_per_rule(tmp_path) -> None:
    result = run(str(_broken(tmp_path, bad_rows=30)), "--limit", "5")
    assert result.exit_code == 1
    assert "error [unique] ×29" in result.output
    assert "... and 24 more" in result.output
    assert result.output.count("repeats row 1") == 5


def test_json_prints_every_problem(tmp_path) -> None:
    result = run(str(_broken(tmp_path, bad_rows=30)), "--json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["valid"] is False and report["summary"] == {"errors": 31, "warnings": 1}
    first = report["errors"][0]
    assert set(first) == {"table", "row", "line", "column", "value", "rule", "message"}
    assert len([p for p in report["errors"] if p["rule"] == "unique"]) == 29


def test_json_of_a_valid_export(tmp_path) -> None:
    result = run(str(write_minimal(tmp_path, "sqlite")), "--json")
    assert result.exit_code == 0
    report = json.loads(result.output)
    assert report["valid"] is True and report["container"] == "sqlite"


def test_unreadable_input_is_one_line_and_exit_one(tmp_path, capsys) -> None:
    path = tmp_path / "eksport.zip"
    path.write_text("nie zip", encoding="utf-8")
    with pytest.raises(SystemExit) as stop:
        main(["validate", str(path)])
    assert stop.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("archiver: error: eksport.zip: not a zip archive")
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_unreadable_input_with_json_still_prints_json(tmp_path, capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["validate", str(tmp_path / "brak"), "--json"])
    assert stop.value.code == 1
    assert json.loads(capsys.readouterr().out)["readable"] is False


def test_usage_error_exits_two(capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["validate"])
    assert stop.value.code == 2
    with pytest.raises(SystemExit) as stop:
        main(["validate", "x", "--limit", "-1"])
    assert stop.value.code == 2


def test_a_lesson_warning_names_the_class_date_period_subject_and_teacher(tmp_path) -> None:
    """What a secretary needs to find the lesson in the register; the row stays at the end."""
    source = str(_broken(tmp_path))
    out = run(source).output
    assert ("class 8 b, 02.03.2026, period 3, Matematyka, Jan Kowalski: held lesson has no "
            "topic (lessons row 4 (line 5), column topic)") in out
    polish = CliRunner().invoke(main_group, ["validate", source],
                                env={"ARCHIVER_LANG": None, "LC_ALL": None, "LANG": "C"})
    assert polish.exit_code == 1
    assert ("klasa 8 b, 02.03.2026, lekcja 3, Matematyka, Jan Kowalski: odbyta lekcja nie ma "
            "tematu (lessons, wiersz 4 (linia 5), kolumna topic)") in polish.output
    report = json.loads(run(source, "--json").output)
    warning = report["warnings"][0]
    assert (warning["table"], warning["row"], warning["rule"]) == ("lessons", 4, "topic.missing")
