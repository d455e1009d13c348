"""Messages of the place checks: a station's coordinates against its province and its county."""

from __future__ import annotations

from villagepost.core.messages import register

register({
    "roster.value.coord.province": (
        "坐标（经度“{lon}”，纬度“{lat}”）不在{province}范围内（经度 {min_lon}–{max_lon}，纬度 {min_lat}–{max_lat}），"
        "请填写站点的实际经纬度",
        "the coordinates (longitude '{lon}', latitude '{lat}') are outside {province} (longitude {min_lon} to "
        "{max_lon}, latitude {min_lat} to {max_lat}); give the station's real position",
    ),
    "station.far_from_county": (
        "请核对坐标：站点离{county}其他 {others} 个站点的中位位置约 {km} 公里（超过 {limit} 公里）",
        "check the coordinates: the station is about {km} km from the median position of the {others} other "
        "stations of {county} (more than {limit} km)",
    ),
})
