"""Texts of the dashboard and the targets editor that are errors (KnownError keys, zh and en).

Labels and captions go through Qt's translation (`tr`); errors go through the message catalogue like
every other KnownError, so a refusal reads the same in a message box and in the error log.
"""

from __future__ import annotations

from villagepost.core.messages import register

register({
    "dashboard.export_failed": (
        "无法写入图片“{path}”。请检查该文件夹是否可写、磁盘是否已满，或换一个位置保存。",
        "cannot write the image '{path}'; check that the folder is writable and the disk is not full, "
        "or save it elsewhere",
    ),
    "dashboard.export_empty": (
        "图表还没有显示出来，无法导出。请先打开“统计”页等图表画好后再导出。",
        "the chart has not been drawn yet; open the dashboard and export once it shows",
    ),
})
