"""A date field that takes a day as the clerk types it, or says why not — the window's one date field.

Why not QDateEdit: with a display format of yyyy-MM-dd it silently ignores 20251231 or 2025/12/31 and
keeps the old day, so a target was saved with the default deadline while the clerk believed it was set.
This field reads what the rosters and the CLI read (core.days: 2025-12-31, 2025/12/31, 20251231,
2025年12月31日, 2025.12.31); anything else, or a day outside the allowed range, is shown in red under
the field at once, and the dialog refuses to save until it is fixed (`problem()`). A day before
`warn_before` (a deadline already past) is shown as a warning, and still accepted.

The calendar button opens Qt's calendar, which speaks the application's language (app.py sets the
default QLocale to the window's language, not the operating system's).

The API follows QDateEdit's where the callers used it (date() and setDate() with QDate, the minimum and
maximum, dateChanged), so a dialog swaps one for the other without other changes.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from villagepost.core.days import DAY_FORMS, DAY_FORMS_EN, DayError, check_range, parse_day
from villagepost.core.messages import DEFAULT_LANG

ERROR_STYLE = "color: #b00020;"
WARNING_STYLE = "color: #b36b00;"


def to_qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def to_date(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


class DayEdit(QWidget):
    """One day: typed in any of the roster's shapes or picked in a calendar; problems shown under it."""

    #: a new valid day was typed or picked (QDateEdit's signal)
    dateChanged = Signal(QDate)  # noqa: N815 (Qt's name)

    def __init__(self, parent: QWidget | None = None, *, lang: str = DEFAULT_LANG) -> None:
        super().__init__(parent)
        self.lang = lang
        self._day = dt.date(2000, 1, 1)
        self._minimum: dt.date | None = None
        self._maximum: dt.date | None = None
        self._problem: str | None = None
        #: days before this one are accepted with a warning (a deadline already past)
        self.warn_before: dt.date | None = None
        self.warning_text = self.tr("截止日期已过（今天是 {today}）")

        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText(DAY_FORMS_EN if lang == "en" else DAY_FORMS)
        self.edit.setToolTip(self.tr("可写成 {forms}，或点右边的按钮在日历中选择").format(
            forms=DAY_FORMS_EN if lang == "en" else DAY_FORMS))
        self.edit.textEdited.connect(self._typed)
        self.edit.editingFinished.connect(self._tidy)
        self.edit.setMinimumWidth(self.fontMetrics().horizontalAdvance("2025年12月31日") + 24)
        self.button = QToolButton(self)
        self.button.setText("…")
        self.button.setToolTip(self.tr("在日历中选择"))
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.clicked.connect(self.show_calendar)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        row.addWidget(self.edit, 1)
        row.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.message)
        self.setFocusProxy(self.edit)
        self._show(self._day)

    # --- QDateEdit's API -------------------------------------------------------------------------------
    def date(self) -> QDate:
        """The last valid day (typed or set); see `problem()` for text that is not one."""
        return to_qdate(self._day)

    def day(self) -> dt.date:
        return self._day

    def setDate(self, day: QDate | dt.date) -> None:  # noqa: N802 (Qt's name)
        """Show `day` (kept inside the minimum and maximum, as QDateEdit does)."""
        value = to_date(day) if isinstance(day, QDate) else day
        if self._maximum is not None:
            value = min(value, self._maximum)
        if self._minimum is not None:
            value = max(value, self._minimum)
        changed = value != self._day
        self._show(value)
        if changed:
            self.dateChanged.emit(to_qdate(value))

    def setMaximumDate(self, day: QDate | dt.date) -> None:  # noqa: N802 (Qt's name)
        self._maximum = to_date(day) if isinstance(day, QDate) else day
        if self._day > self._maximum:
            self.setDate(self._maximum)

    def maximumDate(self) -> QDate:  # noqa: N802 (Qt's name)
        return to_qdate(self._maximum or dt.date(9999, 12, 31))

    def setMinimumDate(self, day: QDate | dt.date) -> None:  # noqa: N802 (Qt's name)
        self._minimum = to_date(day) if isinstance(day, QDate) else day
        if self._day < self._minimum:
            self.setDate(self._minimum)

    def minimumDate(self) -> QDate:  # noqa: N802 (Qt's name)
        return to_qdate(self._minimum or dt.date(1, 1, 1))

    # --- typing ----------------------------------------------------------------------------------------
    def setText(self, text: str) -> None:  # noqa: N802 (as QLineEdit)
        """Type `text` as the clerk would (tests, and a pasted value)."""
        self.edit.setText(text)
        self._typed(text)

    def text(self) -> str:
        return self.edit.text()

    def problem(self) -> str | None:
        """Why the typed text is not an acceptable day (None when it is)."""
        return self._problem

    def _typed(self, text: str) -> None:
        try:
            day = parse_day(text)
            check_range(day, earliest=self._minimum, latest=self._maximum)
        except DayError as exc:
            self._set_problem(exc.message(self.lang))
            return
        self._set_problem(None)
        if day != self._day:
            self._day = day
            self.dateChanged.emit(to_qdate(day))
        self._show_warning()

    def _tidy(self) -> None:
        """Leaving the field: a valid day is shown in one shape (2025-12-31)."""
        if self._problem is None:
            self.edit.setText(self._day.isoformat())

    def _show(self, day: dt.date) -> None:
        self._day = day
        self.edit.setText(day.isoformat())
        self._set_problem(None)
        self._show_warning()

    def _set_problem(self, text: str | None) -> None:
        self._problem = text
        self.edit.setProperty("invalid", text is not None)
        self.edit.setStyleSheet("QLineEdit { border: 1px solid #b00020; background: #fff4f4; }" if text else "")
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setText(text or "")
        self.message.setVisible(text is not None)

    def _show_warning(self) -> None:
        if self._problem is not None:
            return
        past = self.warn_before is not None and self._day < self.warn_before
        if past:
            assert self.warn_before is not None
            self.message.setStyleSheet(WARNING_STYLE)
            self.message.setText(self.warning_text.format(today=self.warn_before.isoformat()))
        self.message.setVisible(past)

    def set_warn_before(self, day: dt.date | None) -> None:
        self.warn_before = day
        self._show_warning()

    def warning(self) -> str | None:
        """The warning shown under a valid day (a deadline already past), else None."""
        return self.message.text() if self._problem is None and self.message.isVisibleTo(self) else None

    # --- the calendar ----------------------------------------------------------------------------------
    def show_calendar(self) -> QCalendarWidget:
        """Qt's calendar under the field; picking a day sets it."""
        menu = QMenu(self)
        calendar = QCalendarWidget(menu)
        calendar.setObjectName("dayCalendar")
        calendar.setGridVisible(True)
        if self._minimum is not None:
            calendar.setMinimumDate(to_qdate(self._minimum))
        if self._maximum is not None:
            calendar.setMaximumDate(to_qdate(self._maximum))
        calendar.setSelectedDate(self.date())
        action = QWidgetAction(menu)
        action.setDefaultWidget(calendar)
        menu.addAction(action)

        def picked(day: QDate) -> None:
            self.setDate(day)
            menu.close()

        calendar.clicked.connect(picked)
        calendar.activated.connect(picked)
        menu.popup(self.mapToGlobal(QPoint(0, self.edit.height())))
        return calendar
