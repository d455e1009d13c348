"""The registry's tables as typed SQLAlchemy 2 models.

The division table mirrors the official codes (one row per unit, any level) and is never the place
where history lives: a unit whose code disappears from a later edition is flagged `retired`, so the
stations and events that point at it survive. Codes are compared as byte strings (COLLATE "C" on
PostgreSQL) so that prefix ranges such as `code BETWEEN '22' AND '22999…'` use the primary key.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def CodeString(length: int) -> String:  # noqa: N802  (reads as a column type)
    """A code column: plain VARCHAR on SQLite, byte-order collation on PostgreSQL."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Division(Base):
    """A unit of the official division codes: province, city, county, township or village-level unit."""

    __tablename__ = "division"

    code: Mapped[str] = mapped_column(CodeString(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    #: villagepost.core.divisions.Level (1 province … 5 village-level unit)
    level: Mapped[int] = mapped_column(SmallInteger)
    parent_code: Mapped[str | None] = mapped_column(CodeString(12), ForeignKey("division.code"))
    #: villagepost.core.divisions.VillageClass value for village-level units (村委会, 居委会, …)
    village_class: Mapped[str | None] = mapped_column(String(8))
    edition: Mapped[int] = mapped_column(SmallInteger)
    retired: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    #: full pinyin, lowercase, for sorting as clerks expect
    pinyin: Mapped[str] = mapped_column(String(400), default="", server_default="")
    #: pinyin initials, for search (`yjx` → 永吉县)
    initials: Mapped[str] = mapped_column(String(100), default="", server_default="")
    #: 建制村 (村委会, VVV 200–399) in this unit's subtree that are not retired; 1 or 0 for a village itself.
    #: Kept by the division loader so coverage totals never count 620k rows (DOMAIN.md §6 denominator).
    villages: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: 类似村委会 (VVV 500–599) likewise: added to `villages` when the registry setting says so
    villages_like: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    __table_args__ = (
        Index("ix_division_parent_code", "parent_code", "code"),
        Index("ix_division_initials", "initials"),
        Index("ix_division_level_code", "level", "code"),
    )


class Station(Base):
    """A delivery station standing in a village-level unit."""

    __tablename__ = "station"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: stable station code: the village code, a dash and a serial (`640221100200-01`); never reused
    code: Mapped[str] = mapped_column(CodeString(20), unique=True)
    village_code: Mapped[str] = mapped_column(CodeString(12), ForeignKey("division.code"))
    name: Mapped[str] = mapped_column(String(100))
    #: the name as compared for identity: NFKC, outer whitespace trimmed
    name_key: Mapped[str] = mapped_column(String(100))
    #: villagepost.core.stations.StationType value (村邮站, 快递超市, 村邮站+快递超市, …)
    station_type: Mapped[str | None] = mapped_column(String(20))
    #: planned | operating | suspended | closed
    status: Mapped[str] = mapped_column(String(12), default="operating", server_default="operating")
    coop: Mapped[str | None] = mapped_column(String(12))
    operator: Mapped[str | None] = mapped_column(String(100))
    #: opening date as known: "YYYY-MM-DD", "YYYY-MM" or "YYYY"
    opened: Mapped[str | None] = mapped_column(String(10))
    #: the day the current status began (suspended/closed/merged away), from the history
    status_since: Mapped[dt.date | None] = mapped_column(Date)
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    contact: Mapped[str | None] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(20))
    #: services offered (代收代投, 揽收寄件, …), canonical names joined by "、" in vocabulary order
    services: Mapped[str | None] = mapped_column(Text)
    #: express brands served (中通, 圆通, …), joined by "、"
    brands: Mapped[str | None] = mapped_column(Text)
    #: floor area in m²
    floor_area: Mapped[float | None] = mapped_column(Float)
    #: the day the station entered the registry: coverage counts from it when `opened` is unknown
    recorded_on: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    created_by: Mapped[str] = mapped_column(String(50), default="", server_default="")
    updated_by: Mapped[str] = mapped_column(String(50), default="", server_default="")
    notes: Mapped[str | None] = mapped_column(Text)
    #: bumped by every write to the row: an edit that started from an older version is refused (optimistic lock)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __table_args__ = (
        UniqueConstraint("village_code", "name_key"),
        Index("ix_station_village_code", "village_code"),
    )


class StationVillage(Base):
    """A further village a station serves besides the one it stands in (DOMAIN.md §6)."""

    __tablename__ = "station_village"

    station_code: Mapped[str] = mapped_column(CodeString(20), ForeignKey("station.code"), primary_key=True)
    village_code: Mapped[str] = mapped_column(CodeString(12), ForeignKey("division.code"), primary_key=True)

    __table_args__ = (Index("ix_station_village_village_code", "village_code"),)


class StationEvent(Base):
    """One dated fact of a station's history (villagepost.core.history.Event); never deleted.

    `id` is the recording order (`Event.seq`). An undo is a later event of kind ``undone`` naming the
    event it reverts; a merger lists its predecessors in `StationEventPartner`.
    """

    __tablename__ = "station_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: the station the event is about (for a merger: the successor)
    station_code: Mapped[str] = mapped_column(CodeString(20), ForeignKey("station.code"))
    #: villagepost.core.history.EventKind value
    kind: Mapped[str] = mapped_column(String(12))
    #: effective date: the last day of `known`, else the day it was recorded
    effective_on: Mapped[dt.date] = mapped_column(Date)
    #: the date as given ("YYYY-MM-DD", "YYYY-MM", "YYYY"); NULL = 日期缺失
    known: Mapped[str | None] = mapped_column(String(10))
    #: the type from this event on (merged, type_changed) or the type it opened as (opened, planned)
    new_type: Mapped[str | None] = mapped_column(String(20))
    #: for ``undone``: the event it reverts
    reverts: Mapped[int | None] = mapped_column(Integer, ForeignKey("station_event.id"))
    recorded_on: Mapped[dt.date] = mapped_column(Date)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    actor: Mapped[str] = mapped_column(String(50), default="", server_default="")
    note: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_station_event_station_code", "station_code", "id"),)


class StationEventPartner(Base):
    """The predecessors a merger names (they stay linked in the successor's history)."""

    __tablename__ = "station_event_partner"

    event_id: Mapped[int] = mapped_column(Integer, ForeignKey("station_event.id"), primary_key=True)
    station_code: Mapped[str] = mapped_column(CodeString(20), ForeignKey("station.code"), primary_key=True)

    __table_args__ = (Index("ix_station_event_partner_station_code", "station_code"),)


class StationSpan(Base):
    """Derived from the events (never edited by hand): the station's status and type over time.

    Half-open [start_on, end_on); end_on NULL = still so. Rebuilt for a station whenever its history
    changes, in the same transaction, so station counts on any date are one indexed GROUP BY.
    """

    __tablename__ = "station_span"

    station_code: Mapped[str] = mapped_column(CodeString(20), ForeignKey("station.code"), primary_key=True)
    start_on: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    end_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12))
    station_type: Mapped[str | None] = mapped_column(String(20))
    #: operating as a combined station (it covers the villages it serves)
    combined: Mapped[bool] = mapped_column(Boolean)
    #: the span starts on a recording day, not a known date (日期缺失)
    date_missing: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    __table_args__ = ({"sqlite_with_rowid": False},)


class VillageCover(Base):
    """Derived: the disjoint periods in which a village is served by some operating combined station.

    Because a village's periods are disjoint, "covered on D" is one row per village, and coverage of
    any scope at any date is `COUNT(*) … WHERE start_on <= D AND (end_on IS NULL OR end_on > D)`
    grouped by a code prefix (issue 5's speed targets).
    """

    __tablename__ = "village_cover"

    village_code: Mapped[str] = mapped_column(CodeString(12), primary_key=True)
    start_on: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    end_on: Mapped[dt.date | None] = mapped_column(Date)
    date_missing: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    __table_args__ = ({"sqlite_with_rowid": False},)


class Target(Base):
    """A dated target of a scope (DOMAIN.md §4): coverage rate or a count of stations of a type."""

    __tablename__ = "target"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(CodeString(12), ForeignKey("division.code"))
    #: villagepost.core.pacing.Measure value
    measure: Mapped[str] = mapped_column(String(16))
    #: a rate 0..1 (coverage_rate) or a count (station_count)
    value: Mapped[float] = mapped_column(Float)
    deadline: Mapped[dt.date] = mapped_column(Date)
    #: the type counted by a station_count target
    station_type: Mapped[str | None] = mapped_column(String(20))
    #: when the target was set: where the lag line of each township starts
    created_on: Mapped[dt.date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(50), default="", server_default="")
    note: Mapped[str | None] = mapped_column(Text)
    #: a removed target stays (with its audit rows); lists and pacing skip it
    removed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    removed_by: Mapped[str | None] = mapped_column(String(50))

    __table_args__ = (Index("ix_target_scope", "scope", "deadline"),)


class Setting(Base):
    """Registry-wide settings that travel with the database (not with the PC): e.g. the denominator option."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


#: Settings keys
SETTING_EDITION = "division_edition"
SETTING_INCLUDE_VILLAGE_LIKE = "coverage_include_village_like"


class ChecklistTemplate(Base):
    """A county's own inspection checklist (a city's or province's serves the counties below it).

    Units without a row print the default of resources/checklists (villagepost.core.checklists). Saving a
    template replaces all its items in one transaction.
    """

    __tablename__ = "checklist_template"

    scope: Mapped[str] = mapped_column(CodeString(12), ForeignKey("division.code"), primary_key=True)
    title: Mapped[str] = mapped_column(String(60))
    updated_on: Mapped[dt.date] = mapped_column(Date)
    updated_by: Mapped[str] = mapped_column(String(50), default="", server_default="")


class ChecklistItem(Base):
    """One question of a stored template, at its position (1…) under its category."""

    __tablename__ = "checklist_item"

    scope: Mapped[str] = mapped_column(CodeString(12), ForeignKey("checklist_template.scope"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(String(200))


class Inspection(Base):
    """One inspection of a station: when, by whom, and its overall remark; the answers are InspectionItem.

    `failed` (items answered 否) is kept on the row so "stations whose last inspection failed" and the
    due list are one indexed query over inspections, not a scan of every answer.
    """

    __tablename__ = "inspection"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    station_code: Mapped[str] = mapped_column(CodeString(20), ForeignKey("station.code"))
    inspected_on: Mapped[dt.date] = mapped_column(Date)
    inspector: Mapped[str] = mapped_column(String(50))
    #: the station's person who signed the form (负责人), when given
    operator: Mapped[str | None] = mapped_column(String(50))
    remark: Mapped[str | None] = mapped_column(Text)
    #: the title of the checklist answered (templates change; the answers keep their own texts)
    checklist_title: Mapped[str] = mapped_column(String(60))
    failed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    recorded_on: Mapped[dt.date] = mapped_column(Date)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    recorded_by: Mapped[str] = mapped_column(String(50), default="", server_default="")
    #: a removed inspection stays (with its audit rows); lists, due dates and failures skip it
    removed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    removed_by: Mapped[str | None] = mapped_column(String(50))

    __table_args__ = (Index("ix_inspection_station_code", "station_code", "inspected_on"),)


class InspectionItem(Base):
    """One answer of an inspection, with the item's category and text as they were asked."""

    __tablename__ = "inspection_item"

    inspection_id: Mapped[int] = mapped_column(Integer, ForeignKey("inspection.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(String(200))
    #: villagepost.core.checklists.Result value: pass | fail | na
    result: Mapped[str] = mapped_column(String(4))
    remark: Mapped[str | None] = mapped_column(Text)


class Account(Base):
    """A person who logs in: a role (villagepost.core.actor.Role) over division scopes. Never deleted.

    `password` is an scrypt hash with its own salt (villagepost.core.passwords). On PostgreSQL `pg_role`
    names the LOGIN role the account connects as; row-level security reads `account_scope` through it.
    """

    __tablename__ = "account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(32), unique=True)
    role: Mapped[str] = mapped_column(String(12))
    password: Mapped[str] = mapped_column(String(200))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    pg_role: Mapped[str | None] = mapped_column(String(63))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(50), default="", server_default="")


class AccountScope(Base):
    """One division code of an account's scope; the code "" stands for the whole registry (an administrator)."""

    __tablename__ = "account_scope"

    account_id: Mapped[int] = mapped_column(Integer, ForeignKey("account.id"), primary_key=True)
    code: Mapped[str] = mapped_column(CodeString(12), primary_key=True)


class AuditEntry(Base):
    """One changed field of one record: who, when (UTC), from where, old → new. Written in the change's
    own transaction and never updated or deleted.

    `scope` is the division code the record belongs to (a station's village, a target's scope), so the
    audit of a county is one index range; `field` "*" is a whole record created (`new` holds its values as
    JSON) or removed.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    user_name: Mapped[str] = mapped_column(String(50))
    source: Mapped[str] = mapped_column(String(300))
    table_name: Mapped[str] = mapped_column(String(40))
    record: Mapped[str] = mapped_column(String(40))
    scope: Mapped[str] = mapped_column(CodeString(12), default="", server_default="")
    field: Mapped[str] = mapped_column(String(40))
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_audit_log_scope_at", "scope", "at"),
        Index("ix_audit_log_record_at", "record", "at"),
        Index("ix_audit_log_user_name_at", "user_name", "at"),
        Index("ix_audit_log_at", "at"),
    )
