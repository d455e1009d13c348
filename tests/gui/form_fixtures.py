"""Helpers of the forms' tests (template editor, inspection form and panel, print dialogs): a county
registry with real stations, file prompts with fixed answers, and an opener that records instead of
launching a viewer. Not a test module; the tests import from it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QWidget

from villagepost.gui.file_prompts import FilePrompts
from villagepost.services.imports import import_roster
from villagepost.services.registry import Registry

ROSTERS = Path(__file__).parents[1] / "rosters" / "data"
TODAY = dt.date(2026, 11, 23)
PINGLUO = "640221"
CHENGGUAN = "640221100"  # 城关镇: 9 operating stations in the roster
HEPING = "640221100201-01"  # 城关镇 和平村村邮站


def pingluo(make_registry: Callable[..., Registry]) -> Registry:
    """平罗县 with the stations of the clean roster A01 (imported through the real import service)."""
    reg = make_registry(PINGLUO)
    assert import_roster(reg, ROSTERS / "A01_pingluo_clean.xlsx", today=TODAY).exit_code == 0
    return reg


class ScriptedPrompts(FilePrompts):
    """File dialogs answered in advance: each call takes the next answer (None = the clerk cancelled)."""

    def __init__(self, *answers: Path | None) -> None:
        self.answers = list(answers)
        self.asked: list[tuple[str, str]] = []

    def _next(self, kind: str, title: str) -> Path | None:
        self.asked.append((kind, title))
        return self.answers.pop(0)

    def save_file(self, parent: QWidget, title: str, suggested: Path, filters: str) -> Path | None:
        return self._next("save", title)

    def open_file(self, parent: QWidget, title: str, filters: str) -> Path | None:
        return self._next("open", title)

    def folder(self, parent: QWidget, title: str, suggested: Path) -> Path | None:
        return self._next("folder", title)


class Opened(list[Path]):
    """An opener that remembers what it was asked to open."""

    def __call__(self, path: Path) -> None:
        self.append(Path(path))
