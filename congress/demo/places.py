"""The fictional county's geography and organisations: fixed tables, independent of the seed.

Every natural key the builder writes (body names, unit codes, station and constituency names)
comes from here, so a run with another `--seed` updates the same rows instead of adding new ones.

青山县 lies in a fictional prefecture-level city, 云岭市, placed in 浙江省 under the unassigned
city code 3399, so its division codes look right and collide with no real place.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from congress.models import Unit

PROVINCE = "浙江省"
CITY = "云岭市"
COUNTY = "青山县"
COUNTY_REGION_CODE = "339921"

# Landlines use the non-existent area code 0000 and mobiles the unassigned segment 100, so no
# demo number can ever reach a real phone, even when a later feature sends SMS to the roster.
LANDLINE_PREFIX = "0000-"
MOBILE_PREFIX = "100"

TERM_NUMBER = 18
TERM_START = dt.date(2022, 1, 5)

# (number, first day, last day, location) of the sessions of the 18th county people's congress.
SESSIONS = [
    (1, dt.date(2022, 1, 5), dt.date(2022, 1, 8), "青山县会议中心"),
    (2, dt.date(2023, 1, 9), dt.date(2023, 1, 12), "青山县会议中心"),
    (3, dt.date(2024, 1, 16), dt.date(2024, 1, 19), "青山县会议中心"),
    (4, dt.date(2025, 1, 13), dt.date(2025, 1, 16), "青山县行政中心大礼堂"),
    (5, dt.date(2026, 1, 12), dt.date(2026, 1, 15), "青山县行政中心大礼堂"),
]


@dataclass(frozen=True)
class Township:
    """A street, town or township: a handling unit, a congress body and a station's home."""

    code: str  # the unit code
    name: str
    kind: str  # Unit.Kind.STREET or Unit.Kind.TOWNSHIP
    region_code: str
    county_seats: int  # deputies to the county congress elected here
    township_seats: int  # township deputies kept on the demo roster (streets have none)
    term_number: int  # the township congress's own numbering
    villages: tuple[str, ...]  # villages, or residents' communities for a street
    road: str

    @property
    def is_street(self) -> bool:
        return self.kind == Unit.Kind.STREET

    @property
    def stem(self) -> str:
        """Return the name without 镇/乡/街道, as locals say it."""
        return self.name.removesuffix("街道").removesuffix("镇").removesuffix("乡")

    @property
    def body_name(self) -> str:
        if self.is_street:
            return f"{COUNTY}人大常委会{self.name}工作委员会"
        return f"{self.name}人民代表大会"

    @property
    def head_titles(self) -> tuple[str, str]:
        """Return the titles of the party secretary and of the congress's own chair there."""
        if self.is_street:
            return f"{self.name}党工委书记", f"{self.name}人大工委主任"
        return f"{self.name}党委书记", f"{self.name}人大主席"

    @property
    def mayor_title(self) -> str:
        if self.is_street:
            return f"{self.name}党工委副书记、办事处主任"
        return f"{self.name}党委副书记、{'镇长' if self.name.endswith('镇') else '乡长'}"

    def village_label(self, village: str) -> str:
        return f"{village}{'社区' if self.is_street else '村'}"


def _township(code, name, kind, region, county_seats, township_seats, term_number, villages, road) -> Township:
    return Township(
        code=code,
        name=name,
        kind=kind,
        region_code=f"{COUNTY_REGION_CODE}{region}",
        county_seats=county_seats,
        township_seats=township_seats,
        term_number=term_number,
        villages=tuple(villages.split()),
        road=road,
    )


_S, _T = Unit.Kind.STREET, Unit.Kind.TOWNSHIP

# Three streets, six towns and five townships: fourteen places, as in Changshan's "1+14+36".
# County seats add up to 200; township seats to 84.
TOWNSHIPS = [
    _township("T01", "城关街道", _S, "001000", 22, 0, 0, "人民路 解放路 文峰 西门 青山", "人民路"),
    _township("T02", "东城街道", _S, "002000", 20, 0, 0, "东门 新城 朝阳 金山", "青山大道"),
    _township("T03", "南湖街道", _S, "003000", 18, 0, 0, "南湖 湖滨 滨江 翠苑", "南湖路"),
    _township("T04", "白石镇", _T, "100000", 16, 8, 18, "白石 上塘 溪口 大坞 新丰 前山", "白石街"),
    _township("T05", "清溪镇", _T, "101000", 15, 8, 18, "清溪 下坂 柳塘 黄岗 洋田", "清溪路"),
    _township("T06", "龙潭镇", _T, "102000", 14, 8, 17, "龙潭 水碓 板桥 高坪 石塘 马鞍", "龙潭街"),
    _township("T07", "石门镇", _T, "103000", 14, 8, 18, "石门 岭头 樟树 后畈 金塘", "石门路"),
    _township("T08", "桃源镇", _T, "104000", 13, 8, 19, "桃源 杏坞 里洪 东岸 坑口 官庄", "桃源街"),
    _township("T09", "云台镇", _T, "105000", 12, 8, 18, "云台 山后 平坦 周家 毛家", "云台路"),
    _township("T10", "松岭乡", _T, "200000", 12, 8, 17, "松岭 大源 下宅 吴家 梓桐", "松岭街"),
    _township("T11", "竹坪乡", _T, "201000", 12, 7, 18, "竹坪 外洋 里坑 芳溪 石坞", "竹坪路"),
    _township("T12", "梅岭乡", _T, "202000", 11, 7, 18, "梅岭 横路 茶坪 高山 源头", "梅岭街"),
    _township("T13", "枫林乡", _T, "203000", 11, 7, 16, "枫林 塘坞 上方 汪家 泉井", "枫林路"),
    _township("T14", "茶山乡", _T, "204000", 10, 7, 18, "茶山 大桥 中坞 外宅 岩头", "茶山街"),
]

# Contact points per township: 36 in all, two or three each.
POINTS_PER_TOWNSHIP = {t.code: (3 if index < 8 else 2) for index, t in enumerate(TOWNSHIPS)}


@dataclass(frozen=True)
class UnitRow:
    code: str
    name: str
    short_name: str
    kind: str
    address: str
    parent: str = ""  # code of the parent unit


def _units() -> list[UnitRow]:
    gov = "G01"
    departments = [
        ("发展和改革委员会", "县发改委"),
        ("教育局", "县教育局"),
        ("公安局", "县公安局"),
        ("民政局", "县民政局"),
        ("财政局", "县财政局"),
        ("人力资源和社会保障局", "县人力社保局"),
        ("自然资源局", "县自然资源局"),
        ("生态环境局", "县生态环境局"),
        ("住房和城乡建设局", "县住建局"),
        ("交通运输局", "县交通运输局"),
        ("水利局", "县水利局"),
        ("农业农村局", "县农业农村局"),
        ("商务局", "县商务局"),
        ("文化和旅游局", "县文旅局"),
        ("卫生健康委员会", "县卫健委"),
        ("审计局", "县审计局"),
        ("应急管理局", "县应急管理局"),
        ("市场监督管理局", "县市场监管局"),
        ("医疗保障局", "县医保局"),
        ("城市管理局", "县城管局"),
    ]
    roads = ["人民路", "解放路", "文峰路", "青山大道", "南湖路", "滨江路", "东门街", "新城路"]
    rows = [UnitRow(gov, f"{COUNTY}人民政府", "县政府", Unit.Kind.GOVERNMENT, f"{COUNTY}城关街道人民路1号")]
    for index, (name, short) in enumerate(departments, start=1):
        road = roads[index % len(roads)]
        rows.append(
            UnitRow(
                f"D{index:02d}",
                f"{COUNTY}{name}",
                short,
                Unit.Kind.GOVERNMENT_DEPARTMENT,
                f"{COUNTY}{road}{index * 12 + 6}号",
                parent=gov,
            )
        )
    rows += [
        UnitRow("J01", f"{COUNTY}人民法院", "县法院", Unit.Kind.COURT, f"{COUNTY}青山大道99号"),
        UnitRow("J02", f"{COUNTY}人民检察院", "县检察院", Unit.Kind.PROCURATORATE, f"{COUNTY}青山大道101号"),
        UnitRow("J03", f"{COUNTY}监察委员会", "县监委", Unit.Kind.SUPERVISION_COMMISSION, f"{COUNTY}人民路3号"),
        UnitRow(
            "E01",
            f"国网{PROVINCE}电力有限公司{COUNTY}供电公司",
            "县供电公司",
            Unit.Kind.STATE_ENTERPRISE,
            f"{COUNTY}滨江路66号",
        ),
        UnitRow("E02", f"{COUNTY}自来水有限公司", "县自来水公司", Unit.Kind.STATE_ENTERPRISE, f"{COUNTY}南湖路28号"),
    ]
    for township in TOWNSHIPS:
        government = "办事处" if township.is_street else "人民政府"
        rows.append(
            UnitRow(
                township.code,
                f"{COUNTY}{township.name}{government}" if township.is_street else f"{township.name}{government}",
                township.name,
                township.kind,
                f"{COUNTY}{township.name}{township.road}1号",
            )
        )
    committee = f"{COUNTY}人大常委会"
    congress = f"{COUNTY}人民代表大会"
    office_address = f"{COUNTY}人民路3号"
    rows += [
        UnitRow("C01", f"{committee}办公室", "办公室", Unit.Kind.COMMITTEE_OFFICE, office_address),
        UnitRow("C02", f"{committee}人事代表工作委员会", "人事代表工委", Unit.Kind.COMMITTEE_OFFICE, office_address),
        UnitRow("C03", f"{committee}预算工作委员会", "预算工委", Unit.Kind.COMMITTEE_OFFICE, office_address),
        UnitRow("S01", f"{congress}法制委员会", "法制委", Unit.Kind.SPECIAL_COMMITTEE, office_address),
        UnitRow("S02", f"{congress}财政经济委员会", "财经委", Unit.Kind.SPECIAL_COMMITTEE, office_address),
        UnitRow("S03", f"{congress}教育科学文化卫生委员会", "教科文卫委", Unit.Kind.SPECIAL_COMMITTEE, office_address),
        UnitRow("S04", f"{congress}农业与农村委员会", "农业农村委", Unit.Kind.SPECIAL_COMMITTEE, office_address),
        UnitRow("S05", f"{congress}社会建设委员会", "社会建设委", Unit.Kind.SPECIAL_COMMITTEE, office_address),
    ]
    return rows


UNITS = _units()

OFFICE_UNIT = "C01"
EDUCATION_UNIT = "D02"


def landline(index: int) -> str:
    """Return a fake office landline for the index-th organisation."""
    return f"{LANDLINE_PREFIX}{6100000 + index * 1013}"
