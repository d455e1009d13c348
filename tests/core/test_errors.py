"""Known errors cross a process boundary whole (a roster reader's child sends its refusal to the parent)."""

from __future__ import annotations

import pickle

from villagepost.core.errors import Cancelled, DamagedDatabase, DatabaseError
from villagepost.rosters.safety import RosterFileError


def test_a_roster_refusal_survives_pickling_with_its_reason_and_both_languages() -> None:
    sent = RosterFileError("damaged", "/tmp/花名册.xlsx", detail="第 3 行缺少结束标记", detail_en="row 3 is cut")
    got = pickle.loads(pickle.dumps(sent, protocol=pickle.HIGHEST_PROTOCOL))
    assert type(got) is RosterFileError
    assert (got.reason, got.file, got.key) == ("damaged", "花名册.xlsx", "roster.file.damaged")
    assert got.message("zh") == sent.message("zh") and "第 3 行缺少结束标记" in got.message("zh")
    assert got.message("en") == sent.message("en") and "row 3 is cut" in got.message("en")
    assert got.args == sent.args


def test_other_known_errors_survive_pickling() -> None:
    for sent in (Cancelled(), DatabaseError("db.bad_url", db="x://y"),
                 DamagedDatabase("/tmp/r.sqlite", "integrity: page 7", "/tmp/b.sqlite", "2026-12-01")):
        got = pickle.loads(pickle.dumps(sent))
        assert type(got) is type(sent)
        assert (got.key, got.params, got.args) == (sent.key, sent.params, sent.args)
        assert got.message("zh") == sent.message("zh")
