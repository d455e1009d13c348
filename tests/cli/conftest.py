"""Fixtures of the CLI tests: run `villagepost` in process, and a database on each backend."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from villagepost.cli import main
from villagepost.services.registry import Registry

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    """`run(*argv)` -> (exit code, stdout, stderr) of `villagepost *argv`."""

    def call(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return call


def db_label(reg: Registry) -> str:
    """What a user passes to --db for this registry (file path, or the URL with its password)."""
    return str(reg.location.path) if reg.location.path else reg.location.url.render_as_string(hide_password=False)


@pytest.fixture
def db_with(make_registry: Callable[..., Registry]) -> Callable[..., str]:
    """`db_with(*scopes)` -> --db string of a registry on the parametrised backend with those scopes loaded."""

    def make(*scopes: str) -> str:
        reg = make_registry(*scopes)
        label = db_label(reg)
        reg.close()
        return label

    return make
