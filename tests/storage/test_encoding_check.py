"""The UTF-8 check of every text value (a flipped bit inside a name: SQLite keeps no checksums to see it)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from villagepost.storage import registry_checks


def _problems(path: Path) -> list[str]:
    engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(path), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return [p.detail for p in registry_checks.encoding_problems(conn)]
    finally:
        engine.dispose()


@pytest.mark.parametrize("batch", [3, 20_000])
def test_each_damaged_value_is_named_by_row_and_column_whatever_the_batch(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int) -> None:
    monkeypatch.setattr(registry_checks, "_BATCH", batch)
    db = tmp_path / "t.sqlite"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE station (id INTEGER PRIMARY KEY, name TEXT, phone VARCHAR(20), area REAL)")
    rows = [(f"和平村{i}号站", "13900000000", 1.5) for i in range(10)]
    con.executemany("INSERT INTO station (name, phone, area) VALUES (?, ?, ?)", rows)
    # Row 5: a 3-byte character cut to 2 bytes; row 9: a continuation byte with no lead, in another column.
    # Each value alone is bad, yet row 5's cut character followed by row 9's stray byte would not be.
    con.execute("UPDATE station SET name = CAST(X'e5928c' || X'e5b9' AS TEXT) WHERE id = 5")
    con.execute("UPDATE station SET phone = CAST(X'b3' || '9' AS TEXT) WHERE id = 9")
    con.commit()
    con.close()
    assert _problems(db) == [
        "station row 5: column name is not valid UTF-8 text (a damaged byte)",
        "station row 9: column phone is not valid UTF-8 text (a damaged byte)",
    ]


def test_whole_text_passes(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE division (code TEXT PRIMARY KEY, name TEXT, note CLOB)")
    con.executemany("INSERT INTO division VALUES (?, ?, ?)", [("640221100201", "和平村", None), ("64", "宁夏", "")])
    con.commit()
    con.close()
    assert _problems(db) == []
