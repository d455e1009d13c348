"""The command line loads only what the command it runs needs: `--version` and `--help` load no library."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

import pytest

from villagepost import cli

HEAVY = ("sqlalchemy", "openpyxl", "reportlab", "python_calamine", "PySide6", "alembic", "numpy", "psycopg")
_PROBE = """
import contextlib, io, json, sys
from villagepost.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        main(sys.argv[1:])
    except SystemExit:
        pass
heavy = {m.split(".")[0] for m in sys.modules} & set(json.loads(%r))
commands = sorted(m for m in sys.modules if m.startswith("villagepost.commands."))
print(json.dumps({"heavy": sorted(heavy), "commands": commands}))
"""


def _loaded(*argv: str) -> dict[str, list[str]]:
    probe = _PROBE % json.dumps(HEAVY)
    out = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True, check=True,
                         timeout=120).stdout
    return dict(json.loads(out.splitlines()[-1]))


@pytest.mark.parametrize("argv", [("--version",), ("--help",), ("--lang", "en", "--help")])
def test_version_and_help_load_no_library(argv: tuple[str, ...]) -> None:
    assert _loaded(*argv) == {"heavy": [], "commands": []}


def test_a_command_loads_only_its_own_module() -> None:
    loaded = _loaded("divisions", "--help")
    assert loaded["commands"] == ["villagepost.commands.divisions"]
    assert "openpyxl" not in loaded["heavy"] and "reportlab" not in loaded["heavy"]


def test_the_help_lines_are_the_ones_the_modules_register() -> None:
    """Every command of the table is registered by its module with the same help line, and no other."""
    registered: dict[str, str | None] = {}
    for module in cli._command_modules(None):
        parser = argparse.ArgumentParser()
        sub = parser.add_subparsers()
        module.register(sub, argparse.ArgumentParser(add_help=False))
        for action in sub._choices_actions:
            registered[action.dest] = action.help
    assert registered == {name: help_text for name, (_, help_text) in cli.COMMANDS.items()}
    assert {m.__name__.rsplit(".", 1)[-1] for m in cli._command_modules(None)} == {m for m, _ in cli.COMMANDS.values()}


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    for name in cli.COMMANDS:
        assert name in out


def test_the_command_leaves_without_the_last_full_collection(monkeypatch: pytest.MonkeyPatch) -> None:
    """`villagepost` (console script, `python -m`, the frozen entry) ends through `cli.leave`: what is alive
    is frozen, so the interpreter's final collection skips it; the exit code is main()'s."""
    import gc

    from villagepost import cli

    monkeypatch.setattr(cli, "main", lambda: 3)
    try:
        with pytest.raises(SystemExit) as ended:
            cli.run()
        assert ended.value.code == 3
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
