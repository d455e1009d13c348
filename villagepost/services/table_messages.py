"""Texts of the window's table queries (村庄 and 站点 tabs), in Chinese and English."""

from __future__ import annotations

from villagepost.core.messages import register

register({
    "table.sort_unbounded": (
        "共有 {rows:,} 行，按“{column}”排序需要逐行计算，太慢。请先在左侧选择一个省或更小的范围（不超过 {limit:,} 行）再排序。",
        "{rows:,} rows: sorting by '{column}' computes every row and would be too slow; select a province or a "
        "smaller scope first (at most {limit:,} rows)",
    ),
    "table.unknown_sort": ("不能按“{column}”排序", "cannot sort by '{column}'"),
})
