"""The station editor checks a position like the CLI and the import: outside the province is a marked,
refused field; far from the county's other stations is saved with the service's warning shown in amber."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.rosters.roster_fixtures import DATA
from villagepost.gui.main_window import MainWindow
from villagepost.gui.station_editor import StationEditor
from villagepost.services import imports, station_ops
from villagepost.services.registry import Registry
from villagepost.services.station_checks import place_warnings

pytestmark = pytest.mark.gui

HEPING = "640221100201-01"  # 和平村村邮站 at 106.438139, 38.905924


@pytest.fixture
def pingluo(sqlite_registry: Callable[..., Registry]) -> Registry:
    reg = sqlite_registry("640221")
    assert imports.import_roster(reg, DATA / "A01_pingluo_clean.xlsx").status == "ok"
    return reg


def _editor(qtbot: QtBot, make_window: Callable[..., MainWindow], reg: Registry) -> StationEditor:
    editor = make_window(reg).open_station(HEPING)
    qtbot.waitUntil(lambda: editor.details is not None, timeout=5000)
    return editor


def _save(qtbot: QtBot, editor: StationEditor) -> None:
    editor.save()
    qtbot.waitUntil(lambda: not editor.busy and editor.error.isVisible(), timeout=5000)


def test_beijing_is_refused_and_a_far_point_saved_with_the_county_named(
        qtbot: QtBot, make_window: Callable[..., MainWindow], pingluo: Registry, tmp_path: Path) -> None:
    editor = _editor(qtbot, make_window, pingluo)
    editor.edits["lon"].setText("116.397128")
    editor.edits["lat"].setText("39.916527")
    _save(qtbot, editor)
    assert editor.marked_fields() == ["lon"]
    assert "不在宁夏回族自治区范围内（经度 104.18–107.76，纬度 35.13–39.49）" in editor.error.text()
    stored = station_ops.station_details(pingluo, HEPING)
    assert (stored.lon, stored.lat) == (106.438139, 38.905924)

    editor.edits["lon"].setText("106.42")
    editor.edits["lat"].setText("37.0")
    _save(qtbot, editor)
    assert editor.marked_fields() == []
    with pingluo.reading() as conn:
        (warning,) = place_warnings(conn, HEPING)
    assert editor.error.text() == "已保存。\n" + warning.message("zh")
    assert editor.error.text().startswith("已保存。\n请核对坐标：站点离平罗县其他 76 个站点的中位位置约 21")
    assert "#8a5a00" in editor.error.styleSheet()
    assert (station_ops.station_details(pingluo, HEPING).lon, station_ops.station_details(pingluo, HEPING).lat) \
        == (106.42, 37.0)
    if os.environ.get("VILLAGEPOST_SHOT_DIR"):
        editor.grab().save(str(Path(os.environ["VILLAGEPOST_SHOT_DIR"]) / "editor_far_warning.png"))

    # back among its neighbours: saved without a warning, in green
    editor.edits["lat"].setText("38.905924")
    editor.edits["lon"].setText("106.438139")
    _save(qtbot, editor)
    assert editor.error.text() == "已保存。" and "#1b7a2e" in editor.error.styleSheet()
