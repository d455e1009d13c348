"""The example data: a demo registry of 平罗县 built from bundled files, marked, removable, never the clerk's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from villagepost.cli import main
from villagepost.core.errors import KnownError
from villagepost.services import demo, divisions
from villagepost.services.registry import Registry
from villagepost.services.stations import count_stations


def test_build_mark_and_remove(tmp_path: Path) -> None:
    path = demo.build(tmp_path / "演示.sqlite")
    assert path == tmp_path / "演示.sqlite"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["演示.sqlite"]  # no part or WAL file left
    with Registry.open(path) as reg:
        assert demo.is_demo(reg)
        assert divisions.unit_count(reg) == 198
        assert count_stations(reg) == 88
    assert demo.build(path) == path  # rebuilding replaces it
    assert demo.remove(path) == path
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(KnownError) as absent:
        demo.remove(path)
    assert absent.value.key == "demo.absent"


def test_a_registry_that_is_not_the_demo_is_never_removed(tmp_path: Path) -> None:
    own = tmp_path / "我的登记册.sqlite"
    with Registry.open(own) as reg:
        divisions.load(reg, ["640221"])
    with pytest.raises(KnownError) as refused:
        demo.remove(own)
    assert refused.value.key == "demo.not_demo" and own.exists()


def test_default_place_is_beside_the_default_registry(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(demo, "default_db_path", lambda: tmp_path / "VillagePost" / "villagepost.sqlite")
    assert demo.demo_path() == tmp_path / "VillagePost" / "演示数据-平罗县.sqlite"


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "d.sqlite"
    assert main(["demo", "build", "--path", str(path)]) == 0
    assert capsys.readouterr().out.strip() == f"演示数据已建好（平罗县，站点 88 个）：{path}"
    assert main(["--db", str(path), "--json", "coverage", "--scope", "640221", "--on", "2026-11-23"]) == 0
    assert json.loads(capsys.readouterr().out)["villages_total"] == 144
    assert main(["--lang", "en", "demo", "remove", "--path", str(path)]) == 0
    assert capsys.readouterr().out.strip() == f"demo registry removed: {path}"
    assert main(["--lang", "en", "demo", "remove", "--path", str(path)]) == 2
    assert capsys.readouterr().err.strip() == f"there is no demo registry ({path} does not exist)"
