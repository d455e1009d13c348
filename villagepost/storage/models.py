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

    __table_args__ = (
        Index("ix_division_parent_code", "parent_code", "code"),
        Index("ix_division_initials", "initials"),
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
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    contact: Mapped[str | None] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(20))
    #: the day the station entered the registry: coverage counts from it when `opened` is unknown
    recorded_on: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    created_by: Mapped[str] = mapped_column(String(50), default="", server_default="")
    updated_by: Mapped[str] = mapped_column(String(50), default="", server_default="")
    notes: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("village_code", "name_key"),
        Index("ix_station_village_code", "village_code"),
    )


class Setting(Base):
    """Registry-wide settings that travel with the database (not with the PC): e.g. the denominator option."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


#: Settings keys
SETTING_EDITION = "division_edition"
SETTING_INCLUDE_VILLAGE_LIKE = "coverage_include_village_like"
