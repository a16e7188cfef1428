"""Every command explains each of its options and ends its help with an example."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from archiver.cli import main_group


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()):
    yield prefix, group
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            yield from all_commands(command, (*prefix, name))
        else:
            yield (*prefix, name), command


COMMANDS = list(all_commands(main_group))


@pytest.mark.parametrize("path,command", COMMANDS,
                         ids=[" ".join(p) or "archiver" for p, _ in COMMANDS])
def test_help_explains_every_option_and_ends_with_an_example(path, command) -> None:
    result = CliRunner().invoke(main_group, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert (command.help or "").strip(), f"{path} has no description"
    for param in command.params:
        if isinstance(param, click.Option) and not param.hidden:
            assert param.help, f"option {param.opts} of {path} has no help"
    # "\b" keeps click from re-wrapping the example, so it can be copied as it is.
    epilog = (command.epilog or "").strip().lstrip("\b").strip()
    assert epilog.startswith("Example"), f"{path} help does not end with an example"
    assert "archiver" in epilog
    assert " ".join(result.output.split()).endswith(" ".join(epilog.split()))
