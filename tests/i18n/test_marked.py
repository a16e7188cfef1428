"""Every message an error carries to the user is marked for translation where it is raised.

An AST walk of the library: at each raise site of an ArchiverError class (and its
subclasses, wherever defined), no text of the message, its hint or its problems may be a
bare string literal or f-string: it must come from `_()`, `N_()`, `ngettext()` or
`Message()` (and `.format()` fills the values in). The same holds for what a verification
report says (report.add, Problem, checked/not_checked/notes/problems items), the action of
storage_error and the `what=` a written file is called. With test_catalogs' check that
every marked message has a
Polish msgstr, an error a user sees cannot stay English under a Polish locale.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import archiver
from archiver import errors

PACKAGE = Path(archiver.__file__).parent
# The developer's benchmark prints English on purpose (DEVELOPERS.md: developer logs).
NOT_USER_FACING = ("bench",)
MARKERS = {"_", "N_", "ngettext", "gettext", "Message"}
# Text that is also data, shown to the user later: a report's problems and what it checked,
# the action of a storage error, the `what` a file is called in messages.
REPORT_LISTS = {"checked", "not_checked", "notes", "problems"}
LETTERS = re.compile(r"[^\W\d_]")


@functools.cache
def error_classes() -> frozenset[str]:
    """ArchiverError and every subclass: those in errors.py and those defined elsewhere."""
    names = {name for name, obj in vars(errors).items()
             if isinstance(obj, type) and issubclass(obj, errors.ArchiverError)}
    grew = True
    while grew:
        grew = False
        for tree in _trees().values():
            for node in ast.walk(tree):
                if (isinstance(node, ast.ClassDef) and node.name not in names
                        and any(_name(b) in names for b in node.bases)):
                    names.add(node.name)
                    grew = True
    return frozenset(names)


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


_cache: dict[Path, ast.Module] = {}


def _trees() -> dict[Path, ast.Module]:
    if not _cache:
        for path in sorted(PACKAGE.rglob("*.py")):
            relative = path.relative_to(PACKAGE)
            if relative.parts[0] in NOT_USER_FACING or relative.stem in NOT_USER_FACING:
                continue
            _cache[path] = ast.parse(path.read_text(encoding="utf-8"))
    return _cache


def text_literals(node: ast.AST) -> list[ast.AST]:
    """String literals holding words that would reach the message as they are."""
    if isinstance(node, ast.Constant):
        return [node] if isinstance(node.value, str) and LETTERS.search(node.value) else []
    if isinstance(node, ast.JoinedStr):
        words = [v for v in node.values if isinstance(v, ast.Constant)
                 and LETTERS.search(str(v.value))]
        return [node] if words else []
    if isinstance(node, ast.Call):
        func = node.func
        if _name(func) in MARKERS and not isinstance(func, ast.Attribute):
            return []
        if isinstance(func, ast.Attribute) and func.attr == "format":
            return text_literals(func.value) + [
                lit for part in [*node.args, *(k.value for k in node.keywords)]
                for lit in text_literals(part)]
        if isinstance(func, ast.Attribute) and func.attr == "join" and node.args:
            return text_literals(node.args[0])
        return []  # another function's result: its own business
    if isinstance(node, ast.BinOp):
        return text_literals(node.left) + text_literals(node.right)
    if isinstance(node, ast.IfExp):
        return text_literals(node.body) + text_literals(node.orelse)
    if isinstance(node, ast.BoolOp):
        return [lit for value in node.values for lit in text_literals(value)]
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return [lit for elt in node.elts for lit in text_literals(elt)]
    if isinstance(node, ast.ListComp | ast.GeneratorExp | ast.SetComp):
        return text_literals(node.elt)
    return []


def shown_later(node: ast.AST, classes: frozenset[str]) -> list[ast.AST]:
    """The parts of a call that become text a user reads."""
    if isinstance(node, ast.AugAssign) and _name(node.target) in REPORT_LISTS:
        return [node.value]
    if not isinstance(node, ast.Call):
        return []
    func, name = node.func, _name(node.func)
    parts = [k.value for k in node.keywords if k.arg == "what"]
    if name in classes:
        parts += [*node.args, *(k.value for k in node.keywords)]
    elif name in ("Problem", "problem", "storage_error") and node.args:
        parts += node.args[:2] if name == "storage_error" else node.args[:1]
    elif (name == "add" and isinstance(func, ast.Attribute) and _name(func.value) == "report"
          and node.args):
        parts.append(node.args[0])
    elif (name == "append" and isinstance(func, ast.Attribute)
          and _name(func.value) in REPORT_LISTS and node.args):
        parts.append(node.args[0])
    return parts


def unmarked_raise_sites() -> list[str]:
    classes = error_classes()
    found = []
    for path, tree in _trees().items():
        for node in ast.walk(tree):
            for part in shown_later(node, classes):
                for lit in text_literals(part):
                    text = ast.unparse(lit)
                    found.append(f"{path.relative_to(PACKAGE.parent)}:{lit.lineno}: "
                                 f"{text[:70]}")
    return found


def test_every_message_for_the_user_is_marked_for_translation_where_it_is_made() -> None:
    """Wrap the text in _() (or ngettext), fill values with .format(), `make messages`,
    and give it a Polish msgstr in archiver/i18n/locale/pl/LC_MESSAGES/archiver.po."""
    assert unmarked_raise_sites() == []


def test_the_walk_sees_an_unmarked_message() -> None:
    """The check itself: a bare literal, an f-string and a concatenation are found; a
    marked template with its values, a separator and a variable are not."""
    sample = ast.parse(
        'RefusedError("plain words")\n'
        'StorageError(f"{path} is full")\n'
        'UsageError(_("fine {x}").format(x=1), hint="give " + name)\n'
        'RefusedError(_("fine"), hint=", ".join(names))\n'
        'VerificationError(message, problems=[f"expected {a}" for a in b])\n'
        'report.add("checksum mismatch", name)\n'
        'report.checked.append(f"{n} entries")\n'
        'report.notes.append(Message("fine {x}", x=1))\n'
        'write_whole(path, data, what="a slip")\n'
        'write_whole(path, data, what=N_("fine"))\n')
    hits = [lit for node in ast.walk(sample) for part in shown_later(node, error_classes())
            for lit in text_literals(part)]
    assert [ast.unparse(h) for h in hits] == [
        "'plain words'", "f'{path} is full'", "'give '", "f'expected {a}'",
        "'checksum mismatch'", "f'{n} entries'", "'a slip'"]
