"""The table of document kinds is the one place a kind is described: every entry has its
template, a file word of its own and the words the cover letter and the register print."""

from __future__ import annotations

from pathlib import Path

import pytest

from archiver.errors import UsageError
from archiver.views import DOCUMENT_KINDS, KINDS, document_kind
from archiver.views.kinds import kind_of_title

TEMPLATES = Path(__file__).resolve().parents[2] / "report_templates"


@pytest.mark.parametrize("name", KINDS)
def test_every_kind_has_its_template_and_its_words(name: str) -> None:
    kind = DOCUMENT_KINDS[name]
    assert (TEMPLATES / kind.template).is_file()
    assert kind.file_word.isascii() and kind.file_word.replace("-", "").isalpha()
    # a kind only for the whole school (the school's attendance summary) names no class
    assert kind.scope_words and kind.register_name and ("{cls}" in kind.title
                                                        or kind.school_only)
    assert kind_of_title(kind.title.format(cls="7a")) == name


def test_file_words_differ_and_unknown_kinds_are_refused() -> None:
    words = [k.file_word for k in DOCUMENT_KINDS.values()]
    assert len(set(words)) == len(words)
    with pytest.raises(UsageError, match="unknown document kind 'cert'"):
        document_kind("cert")


def test_titles_for_a_student_and_the_school() -> None:
    register, messages = DOCUMENT_KINDS["register"], DOCUMENT_KINDS["messages"]
    assert register.title_for("7a", student=True, school=False) == \
        "Dziennik lekcyjny oddziału 7a – wyciąg dotyczący jednego ucznia"
    assert messages.title_for("", student=False, school=True) == "Wiadomości do całej szkoły"
