"""The many-schools orchestration without rendering: validation first, problems in one
line, password rules, and the exit code of a run where not all schools succeeded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from dask_schools import EPOCH, PASSWORD, TERM

from archiver.config import load_config
from archiver.errors import ArchiverError, ExitCode, PartialFailure, RefusedError, UsageError
from archiver.executor import SerialExecutor
from archiver.jobs.term_end_many import (
    ManyRequest,
    ManyResult,
    SchoolOutcome,
    raise_for_failures,
    run_term_end_many,
    validate_all,
)
from archiver.render.context import RunContext
from archiver.views import Period


class _NoRendering(SerialExecutor):
    """Fails the test if any school gets as far as rendering."""

    def map(self, fn, items, shared):  # type: ignore[override]
        raise AssertionError("nothing may be rendered here")


def _request(tmp_path: Path, sources, **kwargs) -> ManyRequest:
    return ManyRequest(sources=sources, term=TERM, out_dir=tmp_path / "out",
                       operator="CUW", state_dir=tmp_path / "state", **kwargs)


def test_every_export_is_checked_and_problems_hold_no_personal_data(
        tmp_path, schools, invalid_school, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    broken, last_name = invalid_school
    twin = tmp_path / "kopia.zip"
    shutil.copy(schools[0], twin)
    outcomes = validate_all(_request(tmp_path, [schools[0], broken, twin, schools[1]]),
                            Period(term=1), RunContext.create("CUW"), None)
    assert [o.bundle_name is not None for o in outcomes] == [True, False, False, True]
    assert outcomes[1].problem.startswith(f"{broken.name}: invalid export (")
    assert last_name not in outcomes[1].problem
    assert "same school and year as" in outcomes[2].problem
    assert outcomes[0].bundle_name.startswith("sp3-lipowo-demo_2025-2026_sem1_")


def test_a_term_the_schools_do_not_have_is_reported_per_school(tmp_path, schools) -> None:
    outcomes = validate_all(_request(tmp_path, schools), Period(term=7),
                            RunContext.create("CUW"), None)
    assert all(o.problem and "7" in o.problem for o in outcomes)


def test_generated_passwords_need_a_slip_folder_apart_from_the_bundles(tmp_path, schools):
    config = load_config(None)
    with pytest.raises(UsageError, match="--slip-out"):
        run_term_end_many(_request(tmp_path, schools), config, _NoRendering())
    a_file = tmp_path / "haslo.txt"
    a_file.write_text("")
    with pytest.raises(UsageError, match="must be a folder"):
        run_term_end_many(_request(tmp_path, schools, slip_dir=a_file), config, _NoRendering())
    with pytest.raises(UsageError, match="bundles' folder"):
        run_term_end_many(_request(tmp_path, schools, slip_dir=tmp_path / "out"), config,
                          _NoRendering())
    for inside_or_above in (tmp_path / "out" / "hasla", tmp_path):  # issue 13, finding 6
        with pytest.raises(RefusedError, match="bundle's medium"):
            run_term_end_many(_request(tmp_path, schools, slip_dir=inside_or_above), config,
                              _NoRendering())


def test_a_weak_shared_password_stops_before_any_school(tmp_path, schools) -> None:
    weak = tmp_path / "pw.txt"
    weak.write_text("szkola2026\n")
    with pytest.raises(ArchiverError) as raised:
        run_term_end_many(_request(tmp_path, schools, password_file=weak), load_config(None),
                          _NoRendering())
    assert raised.value.exit_code == ExitCode.REFUSED


def test_when_no_export_is_valid_nothing_is_rendered_and_the_code_is_theirs(
        tmp_path, invalid_school) -> None:
    pw = tmp_path / "pw.txt"
    pw.write_text(PASSWORD + "\n")
    result = run_term_end_many(_request(tmp_path, [invalid_school[0]], password_file=pw),
                               load_config(None), _NoRendering())
    with pytest.raises(ArchiverError) as raised:
        raise_for_failures(result)
    assert raised.value.exit_code == ExitCode.INVALID
    assert "none of the 1 exports" in str(raised.value)


def test_some_archived_some_not_is_exit_6() -> None:
    done = SchoolOutcome(Path("a.zip"), "a", result=object())  # type: ignore[arg-type]
    failed = SchoolOutcome(Path("b.zip"), problem="b.zip: invalid export (1 error(s))",
                           exit_code=ExitCode.INVALID)
    with pytest.raises(PartialFailure) as raised:
        raise_for_failures(ManyResult([done, failed]))
    assert raised.value.exit_code == ExitCode.PARTIAL == 6
    raise_for_failures(ManyResult([done]))  # all archived: no error
