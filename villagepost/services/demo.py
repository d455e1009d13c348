"""The example data: a demo registry of 平罗县, so a new clerk can look around before their data arrives.

It is a registry file of its own (演示数据-平罗县.sqlite in the per-user data folder), never mixed into
the clerk's: the bundled codes of 平罗县 (640221), the bundled example roster (144 建制村, 88 stations,
resources/demo) and one target (85% by the end of next year). The registry carries the setting
`demo=1`, so the window marks it 演示数据 in its title; removing it deletes the file and nothing else.
Built into a temporary file and renamed, so a cancelled or failed build leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from villagepost.core import clock
from villagepost.core.actor import Actor
from villagepost.core.errors import KnownError
from villagepost.core.messages import register
from villagepost.core.pacing import Measure
from villagepost.services import divisions, imports, targets
from villagepost.services.registry import Registry
from villagepost.storage.location import default_db_path
from villagepost.storage.models import Setting

register({
    "demo.built": ("演示数据已建好（{name}，站点 {stations} 个）：{path}",
                   "demo registry ready ({name}, {stations} stations): {path}"),
    "demo.removed": ("演示数据已删除：{path}", "demo registry removed: {path}"),
    "demo.absent": ("没有演示数据（{path} 不存在）", "there is no demo registry ({path} does not exist)"),
    "demo.not_demo": ("“{path}”不是演示数据，不能用此命令删除", "'{path}' is not the demo registry; not removed"),
})

DEMO_SCOPE = "640221"
DEMO_NAME = "平罗县"
DEMO_SETTING = "demo"
DEMO_ROSTER = "平罗县演示花名册.xlsx"
DEMO_ACTOR = Actor(name="演示")
Progress = Callable[[int, int, str], None]


def demo_path() -> Path:
    """Where the demo registry lives: beside the default registry."""
    return default_db_path().with_name(f"演示数据-{DEMO_NAME}.sqlite")


def roster_path() -> Path:
    return Path(str(resources.files("villagepost.resources") / "demo" / DEMO_ROSTER))


def is_demo(reg: Registry) -> bool:
    return reg.setting(DEMO_SETTING) == "1"


def _sidecars(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def build(path: Path | None = None, *, progress: Progress | None = None,
          cancelled: Callable[[], bool] | None = None) -> Path:
    """Build (or rebuild) the demo registry at `path` (default `demo_path()`); returns its path."""
    target = path or demo_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(f".{target.stem}.building.sqlite")
    for leftover in _sidecars(part):
        leftover.unlink(missing_ok=True)
    try:
        with Registry.open(part, actor=DEMO_ACTOR) as reg:
            divisions.load(reg, [DEMO_SCOPE], progress=progress, cancelled=cancelled)
            imports.import_roster(reg, roster_path())
            deadline = dt.date(clock.today().year + 1, 12, 31)
            targets.set_target(reg, DEMO_SCOPE, Measure.COVERAGE_RATE, 0.85, deadline, note="演示目标")
            with reg.write() as s:
                s.merge(Setting(key=DEMO_SETTING, value="1"))
        for old in _sidecars(target):
            old.unlink(missing_ok=True)
        part.replace(target)
    finally:
        for leftover in _sidecars(part):
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)
    return target


def remove(path: Path | None = None) -> Path:
    """Delete the demo registry (only a registry marked as demo); returns its path."""
    target = path or demo_path()
    if not target.exists():
        raise KnownError("demo.absent", path=str(target))
    with Registry.open(target, actor=DEMO_ACTOR) as reg:
        if not is_demo(reg):
            raise KnownError("demo.not_demo", path=str(target))
    for file in _sidecars(target):
        file.unlink(missing_ok=True)
    return target
