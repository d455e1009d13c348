"""The cell-value parsers: examples from real rosters and properties over generated values."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from villagepost.core.values import (
    LAT_RANGE,
    LON_RANGE,
    TRIM_CHARS,
    PartialDate,
    StationType,
    ValueKind,
    ValueProblem,
    cell_text,
    check_length,
    coordinate_problems,
    parse_coop,
    parse_coordinate,
    parse_date,
    parse_phone,
    parse_station_type,
    parse_village_code,
    trim,
    village_name_key,
)

TODAY = dt.date(2025, 11, 23)


def _kind(call: object) -> ValueKind:
    assert callable(call)
    with pytest.raises(ValueProblem) as caught:
        call()
    return caught.value.kind


# --- codes -------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    640221100200.0, 640221100200, "640221100200", "'640221100200", "６４０２２１１００２００",
    " 6402 2110 0200\u00a0", "6.40221100200E+11", "\ufeff640221100200\u200b",
])
def test_codes_accepted(value: object) -> None:
    assert str(parse_village_code(value)) == "640221100200"


@pytest.mark.parametrize("value", ["64052112213", "6405211042000", "640521104", "640521", "6405212052O1",
                                   "6.40521E+11", "640221000000", "-640221100200", 640221100200.5])
def test_codes_refused(value: object) -> None:
    assert _kind(lambda: parse_village_code(value)) == ValueKind.CODE_FORMAT


# --- station types, coop -------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("村邮站", StationType.VILLAGE_POST), ("快递超市", StationType.EXPRESS_SHOP),
    ("村邮站+快递超市", StationType.COMBINED),
    ("村邮站＋快递超市", StationType.COMBINED), ("村邮站 + 快递超市", StationType.COMBINED),
    ("村邮站　＋　快递超市", StationType.COMBINED), ("综合服务站", StationType.SERVICE_STATION),
    ("村级寄递物流综合服务站", StationType.SERVICE_STATION), (" 村邮站\u00a0", StationType.VILLAGE_POST),
])
def test_station_types(text: str, expected: StationType) -> None:
    assert parse_station_type(text) is expected


@pytest.mark.parametrize("text", ["小卖部代收点", "电商服务点", "村邮战", "待定", "代收点", "智能快件箱"])
def test_unknown_station_types(text: str) -> None:
    assert _kind(lambda: parse_station_type(text)) == ValueKind.UNKNOWN_STATION_TYPE


def test_coop_modes() -> None:
    assert parse_coop("邮快").value == "邮快合作"
    assert parse_coop("快电合作").value == "快电合作"
    assert _kind(lambda: parse_coop("随便")) == ValueKind.UNKNOWN_COOP


# --- dates -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "iso"), [
    (dt.date(2024, 3, 15), "2024-03-15"), (dt.datetime(2024, 3, 15, 14, 20), "2024-03-15"),
    (45366, "2024-03-15"), (45366.0, "2024-03-15"), (20240315, "2024-03-15"), ("2024.3.15", "2024-03-15"),
    ("2024/03/15", "2024-03-15"), ("2024-03-15", "2024-03-15"), ("2024年3月15日", "2024-03-15"),
    ("2024/03/15 00:00:00", "2024-03-15"), ("2024年3月", "2024-03"), ("2024-03", "2024-03"),
    ("2024.03", "2024-03"), ("2019年", "2019"), ("2019", "2019"), (2019, "2019"),
    ("２０２４年３月１５日", "2024-03-15"),
])
def test_dates(value: object, iso: str) -> None:
    assert parse_date(value, TODAY).iso == iso


@pytest.mark.parametrize(("value", "kind"), [
    ("2023/14/02", ValueKind.INVALID_DATE), ("2021年2月29日", ValueKind.INVALID_DATE), ("不详", ValueKind.INVALID_DATE),
    ("2088年8月8日", ValueKind.FUTURE_DATE), (dt.date(2042, 6, 1), ValueKind.FUTURE_DATE),
    ("2036.1.1", ValueKind.FUTURE_DATE), ("2062-5-20", ValueKind.FUTURE_DATE), ("2026年", ValueKind.FUTURE_DATE),
])
def test_bad_dates(value: object, kind: ValueKind) -> None:
    assert _kind(lambda: parse_date(value, TODAY)) == kind


def test_partial_date_bounds() -> None:
    month = PartialDate(2024, 2)
    assert (month.first_day, month.last_day, month.precision) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29), "month")
    year = PartialDate(2019)
    assert (year.iso, year.first_day, year.last_day) == ("2019", dt.date(2019, 1, 1), dt.date(2019, 12, 31))
    assert PartialDate.parse_iso("2024-03") == PartialDate(2024, 3)
    with pytest.raises(ValueError):
        PartialDate(2021, 2, 29)


_DATES = st.dates(min_value=dt.date(1950, 1, 1), max_value=TODAY)
_SHAPES = [
    lambda d: d, lambda d: dt.datetime.combine(d, dt.time(9, 30)), lambda d: f"{d.year}.{d.month}.{d.day}",
    lambda d: f"{d.year}/{d.month:02d}/{d.day:02d}", lambda d: d.isoformat(),
    lambda d: f"{d.year}年{d.month}月{d.day}日",
    lambda d: f"{d.year}/{d.month:02d}/{d.day:02d} 00:00:00", lambda d: int(d.strftime("%Y%m%d")),
    lambda d: (d - dt.date(1899, 12, 30)).days, lambda d: f"{d.year}-{d.month}-{d.day}",
]


@given(_DATES, st.sampled_from(range(len(_SHAPES))))
def test_every_date_shape_parses_back(day: dt.date, shape: int) -> None:
    assert parse_date(_SHAPES[shape](day), TODAY) == PartialDate.from_date(day)


@given(_DATES)
def test_month_and_year_shapes_keep_their_precision(day: dt.date) -> None:
    assert parse_date(f"{day.year}年{day.month}月", TODAY) == PartialDate(day.year, day.month)
    assert parse_date(f"{day.year}-{day.month:02d}", TODAY) == PartialDate(day.year, day.month)
    assert parse_date(f"{day.year}年", TODAY) == PartialDate(day.year)


# --- coordinates -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("107°16′28.34″E", 107.27453889), ("37°32′29.91″N", 37.54164167), ("107°3'11.41\"", 107.05316944),
    ("东经107°0'22.2\"", 107.00616667), ("北纬37°37'44.82\"", 37.62911667), ("107度28分35.61秒", 107.47655833),
    ("E107°22'45.78\"", 107.37938333), ("N37°43'44.57\"", 37.72904722), ("106°56.6841′", 106.944735),
    ("107 12 11.16", 107.2031), ("107.474585°", 107.474585), ("１０５．５３", 105.53), (105.409450, 105.40945),
    ("-37.442481", -37.442481), ("37°32′29.91″S", -37.54164167),
])
def test_coordinates(text: object, expected: float) -> None:
    assert math.isclose(parse_coordinate(text), expected, abs_tol=1e-6)


@pytest.mark.parametrize("text", ["abc", "107°61′0″", "107°10′70″", "1.2.3", ""])
def test_unreadable_coordinates(text: str) -> None:
    assert _kind(lambda: parse_coordinate(text)) == ValueKind.COORD_FORMAT


@given(st.integers(73, 135), st.integers(0, 59), st.decimals(0, "59.99", places=2),
       st.sampled_from(["{d}°{m}′{s}″E", "{d}°{m}'{s}\"", "东经{d}°{m}'{s}\"", "{d}度{m}分{s}秒", "E{d}°{m}'{s}\"",
                        "{d} {m} {s}"]))
def test_dms_round_trip(d: int, m: int, s: object, shape: str) -> None:
    text = shape.format(d=d, m=m, s=s)
    assert math.isclose(parse_coordinate(text), d + m / 60 + float(str(s)) / 3600, abs_tol=1e-6)


def test_coordinate_ranges() -> None:
    assert coordinate_problems(106.4, 38.9) == {}
    assert coordinate_problems(105409450, 37.3)["lon"].kind == ValueKind.COORD_OUT_OF_RANGE
    assert coordinate_problems(105.4, 3.754533)["lat"].kind == ValueKind.COORD_OUT_OF_RANGE
    assert set(coordinate_problems(0, 0)) == {"lon"}  # one mistake of the pair, reported once
    assert coordinate_problems(0, 0)["lon"].detail_key == "roster.value.coord.pair_range"
    assert coordinate_problems(37.589614, 105.6)["lon"].kind == ValueKind.COORD_SWAPPED
    assert coordinate_problems(140.94, 37.4)["lon"].kind == ValueKind.COORD_OUT_OF_RANGE
    assert LON_RANGE == (73.4, 135.1) and LAT_RANGE == (3.8, 53.6)


# --- phones ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    ("15675671692", "15675671692"), (15675671692.0, "15675671692"), ("156-7567-1692", "15675671692"),
    ("156 7567 1692", "15675671692"), ("'13221234567", "13221234567"), ("０９５２－７０５３７９４", "0952-7053794"),
    ("0952 - 7053794", "0952-7053794"), ("09527053794", "0952-7053794"), ("010-12345678", "010-12345678"),
    ("(0952)7053794", "0952-7053794"),
])
def test_phones(value: object, expected: str) -> None:
    assert parse_phone(value) == expected


@pytest.mark.parametrize("value", ["0953-1234", "1895301l234", "10953123456", "1375301234", "189530123456",
                                   "0955-12345", "9527053794", "138/139", "=1+2"])
def test_bad_phones(value: object) -> None:
    assert _kind(lambda: parse_phone(value)) == ValueKind.PHONE_FORMAT


@given(st.sampled_from("3456789"), st.text("0123456789", min_size=9, max_size=9), st.sampled_from(["", " ", "-"]))
def test_mobile_written_with_separators(second: str, rest: str, sep: str) -> None:
    number = f"1{second}{rest}"
    written = sep.join([number[:3], number[3:7], number[7:]])
    assert parse_phone(written) == number


# --- text -------------------------------------------------------------------------------------------

@given(st.text())
def test_trim_is_idempotent(text: str) -> None:
    once = trim(text)
    assert trim(once) == once
    assert not once or (once[0] not in TRIM_CHARS and once[-1] not in TRIM_CHARS)


@given(st.text(alphabet=st.sampled_from(" \u00a0\u3000\u200b\ufeff\t\n")), st.text(min_size=1).map(trim),
       st.text(alphabet=st.sampled_from(" \u00a0\u3000\u200b\ufeff\t\n")))
def test_trim_removes_only_the_padding(left: str, core: str, right: str) -> None:
    assert trim(left + core + right) == core


def test_free_text_limits_and_rare_characters() -> None:
    assert check_length("contact", "马" * 50) == "马" * 50
    assert _kind(lambda: check_length("contact", "马" * 51)) == ValueKind.FIELD_TOO_LONG
    assert _kind(lambda: check_length("station_name", "站" * 101)) == ValueKind.FIELD_TOO_LONG
    assert check_length("village", "𠀋" * 100) == "𠀋" * 100  # one code point each
    assert cell_text(" 😀村邮站\u200b") == "😀村邮站"


def test_cell_text_of_numbers_and_dates() -> None:
    assert cell_text(640221100200.0) == "640221100200"
    assert cell_text(105.40945) == "105.40945"
    assert cell_text(dt.datetime(2024, 3, 15)) == "2024-03-15"
    assert cell_text(None) == ""


@pytest.mark.parametrize(("written", "official"), [
    ("吴桥村", "吴桥村委会"), ("吴桥村民委员会", "吴桥村委会"), ("吴桥 村委会", "吴桥村委会"),
    ("兴民村", "兴民村委员会"),
    ("红旗（一）村", "红旗(一)村委会"),
])
def test_village_name_key(written: str, official: str) -> None:
    assert village_name_key(written) == village_name_key(official)


def test_village_name_key_keeps_distinct_names_apart() -> None:
    assert village_name_key("惠北村委会") != village_name_key("通惠村委会")


def test_published_outputs_get_the_users_usual_permissions(tmp_path: Path) -> None:
    import os
    import tempfile

    from villagepost.core.files import publish

    fd, name = tempfile.mkstemp(dir=tmp_path)
    os.close(fd)
    old = os.umask(0o022)
    try:
        publish(Path(name), tmp_path / "out.pdf")
    finally:
        os.umask(old)
    assert (tmp_path / "out.pdf").stat().st_mode & 0o777 == 0o644
    assert not Path(name).exists()
