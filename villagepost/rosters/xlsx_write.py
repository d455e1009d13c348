"""Moved to villagepost.workbooks.xlsx_write (the rosters and the reports share it); kept so imports of the
old path keep working. New code imports villagepost.workbooks.xlsx_write."""

from villagepost.workbooks.xlsx_write import (
    COORD_FORMAT,
    DATE_FORMAT,
    ERROR_FILL,
    HEADER_FILL,
    HEADER_LOOK,
    LOCKED_FILL,
    MAX_CELL_TEXT,
    PLAIN,
    TEXT_FORMAT,
    CellValue,
    Column,
    Look,
    SavedFile,
    SheetWriter,
    date_value,
    display_width,
    looks_like_formula,
    new_workbook,
    save_atomically,
    set_value,
    simple_sheet,
    xml_safe,
)

__all__ = [
    "COORD_FORMAT", "DATE_FORMAT", "ERROR_FILL", "HEADER_FILL", "HEADER_LOOK", "LOCKED_FILL", "MAX_CELL_TEXT",
    "PLAIN", "TEXT_FORMAT", "CellValue", "Column", "Look", "SavedFile", "SheetWriter", "date_value",
    "display_width", "looks_like_formula", "new_workbook", "save_atomically", "set_value", "simple_sheet",
    "xml_safe",
]
