"""The right-hand panel: what the registry knows about the selected unit (services.divisions.show).

It answers the questions a clerk asks when clicking a unit: is this the right one (name, code, full path),
how big is it (units below it by level), and how many 建制村 does coverage count here (village committees,
with the other village-level classes beside them, since a county may choose to count 类似村委会 too).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from villagepost.core.divisions import Level, VillageClass, township_kind
from villagepost.services.divisions import UnitInfo
from villagepost.services.unit_figures import UnitFigures

#: lupdate finds `translate("context", "text")` calls; a wrapper function would hide them.
translate = QCoreApplication.translate


def level_label(level: Level) -> str:
    """How the panel names the units of a level (with the other names the level goes by)."""
    return {
        Level.PROVINCE: translate("UnitDetailsPanel", "省（自治区、直辖市）"),
        Level.CITY: translate("UnitDetailsPanel", "市（地区、自治州、盟）"),
        Level.COUNTY: translate("UnitDetailsPanel", "县（市辖区、县级市、旗）"),
        Level.TOWNSHIP: translate("UnitDetailsPanel", "乡镇（街道）"),
        Level.VILLAGE: translate("UnitDetailsPanel", "村级单位（各类合计，分类见下）"),
    }[level]


def class_label(vc: VillageClass) -> str:
    return {
        VillageClass.VILLAGE: translate("UnitDetailsPanel", "村委会（建制村）"),
        VillageClass.RESIDENTS: translate("UnitDetailsPanel", "居委会（社区）"),
        VillageClass.RESIDENTS_LIKE: translate("UnitDetailsPanel", "类似居委会"),
        VillageClass.VILLAGE_LIKE: translate("UnitDetailsPanel", "类似村委会（农场、林场生活区等）"),
    }[vc]


#: display order of the village classes: the one coverage counts first
CLASS_ORDER = (VillageClass.VILLAGE, VillageClass.RESIDENTS, VillageClass.RESIDENTS_LIKE, VillageClass.VILLAGE_LIKE)


def _value_label(parent: QWidget, name: str) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    return label


def _count_label(parent: QWidget, name: str) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class UnitDetailsPanel(QScrollArea):
    """Shows one UnitInfo; between selections it says what to do, and on an empty registry offers a load."""

    load_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget(self)
        self.setWidget(body)
        outer = QVBoxLayout(body)
        outer.setContentsMargins(16, 12, 16, 12)

        # -- message shown when nothing is selected or the registry is empty -------------------
        self.message = QLabel(body)
        self.message.setObjectName("detailsMessage")
        self.message.setWordWrap(True)
        self.load_button = QPushButton(self.tr("载入区划代码…"), body)
        self.load_button.clicked.connect(self.load_requested)
        outer.addWidget(self.message)
        outer.addWidget(self.load_button, 0, Qt.AlignmentFlag.AlignLeft)

        # -- the unit ---------------------------------------------------------------------------
        self.card = QWidget(body)
        # Numbers far from their captions are hard to read on a wide screen: keep the card compact.
        self.card.setMaximumWidth(self.fontMetrics().horizontalAdvance("村") * 40)
        card = QVBoxLayout(self.card)
        card.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel(self.card)
        self.title.setObjectName("detailsTitle")
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        card.addWidget(self.title)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.path = _value_label(self.card, "detailsPath")
        self.code = _value_label(self.card, "detailsCode")
        self.level = _value_label(self.card, "detailsLevel")
        self.kind = _value_label(self.card, "detailsClass")
        self.pinyin = _value_label(self.card, "detailsPinyin")
        self.edition = _value_label(self.card, "detailsEdition")
        form.addRow(self.tr("层级："), self.path)
        form.addRow(self.tr("区划代码："), self.code)
        form.addRow(self.tr("级别："), self.level)
        self.kind_caption = QLabel(self.tr("类别："), self.card)
        form.addRow(self.kind_caption, self.kind)
        form.addRow(self.tr("拼音："), self.pinyin)
        form.addRow(self.tr("代码版本："), self.edition)
        card.addLayout(form)

        self.counts_box = QGroupBox(self.tr("下辖单位"), self.card)
        counts = QGridLayout(self.counts_box)
        counts.setColumnStretch(0, 1)
        self.level_counts: dict[Level, QLabel] = {}
        self._level_captions: dict[Level, QLabel] = {}
        for row, level in enumerate(lv for lv in Level if lv > Level.PROVINCE):
            caption = QLabel(level_label(level), self.counts_box)
            value = _count_label(self.counts_box, f"count_{level.name.lower()}")
            counts.addWidget(caption, row, 0)
            counts.addWidget(value, row, 1)
            self._level_captions[level] = caption
            self.level_counts[level] = value
        card.addWidget(self.counts_box)

        # -- stations and coverage today (read after the unit, on the worker) ----------------------
        self.figures_box = QGroupBox(self.tr("站点与覆盖"), self.card)
        figures = QGridLayout(self.figures_box)
        figures.setColumnStretch(0, 1)
        self.figure_labels: dict[str, QLabel] = {}
        for row, (key, text) in enumerate((
                ("stations", self.tr("站点（全部状态）")), ("operating", self.tr("运营中的站点")),
                ("villages", self.tr("建制村")), ("covered", self.tr("已覆盖的建制村")), ("rate", self.tr("覆盖率")))):
            figures.addWidget(QLabel(text, self.figures_box), row, 0)
            value = _count_label(self.figures_box, f"figure_{key}")
            figures.addWidget(value, row, 1)
            self.figure_labels[key] = value
        self.figures_note = QLabel(self.figures_box)
        self.figures_note.setObjectName("figuresNote")
        self.figures_note.setWordWrap(True)
        figures.addWidget(self.figures_note, 5, 0, 1, 2)
        self.figures_box.hide()
        card.addWidget(self.figures_box)

        self.classes_box = QGroupBox(self.tr("村级单位分类"), self.card)
        classes = QGridLayout(self.classes_box)
        classes.setColumnStretch(0, 1)
        self.class_counts: dict[VillageClass, QLabel] = {}
        for row, vc in enumerate(CLASS_ORDER):
            classes.addWidget(QLabel(class_label(vc), self.classes_box), row, 0)
            value = _count_label(self.classes_box, f"class_{vc.name.lower()}")
            classes.addWidget(value, row, 1)
            self.class_counts[vc] = value
        note = QLabel(self.tr("村级寄递物流覆盖率按村委会（建制村）计算；是否计入类似村委会由各县决定。"),
                      self.classes_box)
        note.setWordWrap(True)
        note.setObjectName("classesNote")
        classes.addWidget(note, len(CLASS_ORDER), 0, 1, 2)
        card.addWidget(self.classes_box)
        outer.addWidget(self.card)
        outer.addStretch(1)

        self.info: UnitInfo | None = None
        self.show_hint()

    # --- states --------------------------------------------------------------------------------
    def _show_message(self, text: str, *, offer_load: bool) -> None:
        self.info = None
        self.card.hide()
        self.message.setText(text)
        self.message.show()
        self.load_button.setVisible(offer_load)

    def show_figures(self, figures: UnitFigures) -> None:
        """The unit's stations and coverage (only for the unit shown: an older answer is dropped)."""
        if self.info is None or figures.code != self.info.code:
            return
        values = {"stations": f"{figures.stations:,}", "operating": f"{figures.operating:,}",
                  "villages": f"{figures.villages_total:,}", "covered": f"{figures.villages_covered:,}",
                  "rate": f"{figures.rate * 100:.1f}%" if figures.villages_total else "—"}
        for key, text in values.items():
            self.figure_labels[key].setText(text)
        self.figures_note.setText(self.tr("截至 {day}；建制村{extra}").format(
            day=figures.on.isoformat(),
            extra=self.tr("含类似村委会") if figures.include_village_like else self.tr("不含类似村委会")))
        self.figures_box.show()

    def show_hint(self) -> None:
        """Nothing selected yet."""
        self._show_message(self.tr("在左侧目录中选择一个区划单位，即可在这里查看它的代码、所属关系和下辖单位数量。\n\n"
                               "也可以在左上方的搜索框中输入名称或拼音首字母（例如 yjx 查找永吉县），按回车。"),
                           offer_load=False)

    def show_empty_registry(self) -> None:
        """The registry holds no division codes: say so and offer the first-start load again."""
        self._show_message(self.tr("登记册中还没有区划代码。\n\n"
                               "请先载入本县（或本省、全国）的统计用区划代码，之后才能登记站点。"),
                           offer_load=True)

    def show_loading(self) -> None:
        self.message.setText(self.tr("正在读取…"))

    def show_unit(self, info: UnitInfo) -> None:
        self.info = info
        self.message.hide()
        self.load_button.hide()
        level = Level[info.level.upper()]
        self.title.setText(info.name + (self.tr("（已撤销）") if info.retired else ""))
        self.path.setText(info.path_text)
        self.code.setText(info.code)
        self.level.setText(level_label(level))
        is_village = level is Level.VILLAGE
        self.kind_caption.setVisible(is_village or level is Level.TOWNSHIP)
        self.kind.setVisible(is_village or level is Level.TOWNSHIP)
        if is_village:
            vc = VillageClass(info.village_class) if info.village_class else None
            self.kind.setText(class_label(vc) if vc is not None else self.tr("（代码不在编制规则的范围内）"))
        elif level is Level.TOWNSHIP:
            kind = township_kind(info.code)
            self.kind.setText(kind.value if kind is not None else "")
        self.pinyin.setText(f"{info.pinyin}  ({info.initials})" if info.pinyin else "—")
        self.edition.setText(self.tr("{year} 年版统计用区划代码").format(year=info.edition))
        for lv, label in self.level_counts.items():
            shown = lv > level
            label.setVisible(shown)
            self._level_captions[lv].setVisible(shown)
            label.setText(f"{info.counts.get(lv.name.lower(), 0):,}")
        self.counts_box.setVisible(not is_village)
        self.classes_box.setVisible(not is_village)
        self.figures_box.hide()  # until its figures arrive
        for vc, label in self.class_counts.items():
            label.setText(f"{info.village_classes.get(vc.value, 0):,}")
        self.card.show()
