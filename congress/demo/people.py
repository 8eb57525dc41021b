"""Who the deputies are: employer and position, party, ethnicity, sex and age, as on a real roster."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from congress.demo.places import COUNTY, PROVINCE, Township


@dataclass(frozen=True)
class Profile:
    """What a roster says about a deputy apart from the name."""

    category: str
    occupation: str
    female: bool
    party: str
    ethnicity: str
    birth_date: dt.date


# Share of women, age range and party mix (CPC member, democratic party, non-party, masses) by category.
_CATEGORIES = {
    "leader": (0.15, (42, 58), (1.0, 0.0, 0.0, 0.0)),
    "official": (0.22, (35, 56), (1.0, 0.0, 0.0, 0.0)),
    "cadre": (0.3, (30, 52), (1.0, 0.0, 0.0, 0.0)),
    "village": (0.15, (35, 60), (1.0, 0.0, 0.0, 0.0)),
    "entrepreneur": (0.2, (32, 60), (0.45, 0.15, 0.1, 0.3)),
    "teacher": (0.55, (28, 56), (0.6, 0.15, 0.0, 0.25)),
    "doctor": (0.45, (30, 58), (0.55, 0.2, 0.0, 0.25)),
    "farmer": (0.3, (30, 62), (0.4, 0.0, 0.0, 0.6)),
    "worker": (0.3, (26, 55), (0.45, 0.0, 0.0, 0.55)),
    "other": (0.3, (30, 56), (0.55, 0.2, 0.05, 0.2)),
}

# How the seats left after a township's own leaders are filled, for county and township rosters.
COUNTY_MIX = {
    "village": 34,
    "entrepreneur": 16,
    "teacher": 9,
    "doctor": 8,
    "farmer": 12,
    "worker": 8,
    "official": 7,
    "other": 6,
}
TOWNSHIP_MIX = {"village": 35, "farmer": 25, "teacher": 10, "doctor": 8, "entrepreneur": 10, "worker": 7, "cadre": 5}
CITY_MIX = {"entrepreneur": 4, "village": 3, "teacher": 2, "doctor": 2, "farmer": 2, "worker": 2, "official": 2}

DEMOCRATIC_PARTIES = ("民盟盟员", "民建会员", "民进会员", "农工党党员", "九三学社社员", "致公党党员")
ETHNICITIES = (("汉族", 955), ("畲族", 30), ("回族", 7), ("苗族", 4), ("土家族", 4))

# County leaders elected to the county congress, one per township constituency in this order.
COUNTY_LEADERS = (
    f"中共{COUNTY}委书记",
    f"中共{COUNTY}委副书记、{COUNTY}人民政府县长",
    f"{COUNTY}人大常委会主任",
    f"中共{COUNTY}委副书记",
    f"{COUNTY}人大常委会副主任",
    f"{COUNTY}人大常委会副主任",
    f"{COUNTY}人民政府副县长",
    f"{COUNTY}监察委员会主任",
    f"{COUNTY}人民法院院长",
    f"{COUNTY}人民检察院检察长",
    f"{COUNTY}人民政府副县长",
)
COMMITTEE_CHAIR = COUNTY_LEADERS[2]

_COMPANY_WORDS = (
    "宏达",
    "恒丰",
    "金源",
    "瑞丰",
    "天元",
    "华盛",
    "鼎盛",
    "绿源",
    "青峰",
    "益民",
    "永兴",
    "新宇",
    "众诚",
    "远航",
    "兴隆",
    "康泰",
    "佳禾",
    "润泽",
)
_INDUSTRIES = (
    "竹木制品有限公司",
    "茶业有限公司",
    "油茶开发有限公司",
    "机械制造有限公司",
    "轴承有限公司",
    "新材料科技有限公司",
    "食品有限公司",
    "建材有限公司",
    "纺织有限公司",
    "电子科技有限公司",
    "农业开发有限公司",
    "旅游开发有限公司",
    "物流有限公司",
    "建设工程有限公司",
)
_PRODUCE = ("油茶", "茶叶", "柑橘", "蔬菜", "食用菌", "中药材", "生猪", "水稻", "山茶油", "毛竹")
_COUNTY_SCHOOLS = ("第一中学", "第二中学", "实验中学", "职业中等专业学校", "实验小学", "城南小学")
_DEPARTMENTS = (
    "教育局局长",
    "财政局局长",
    "农业农村局局长",
    "交通运输局局长",
    "卫生健康委员会主任",
    "住房和城乡建设局局长",
    "发展和改革委员会主任",
    "民政局局长",
)
_CLINICAL = ("内科", "外科", "儿科", "妇产科", "骨科", "急诊科", "中医科", "心血管内科")


def pick_category(rng: random.Random, mix: dict[str, int]) -> str:
    """Draw the kind of deputy for an open seat."""
    return rng.choices(list(mix), weights=list(mix.values()))[0]


def company(rng: random.Random) -> str:
    place = rng.choice((COUNTY, COUNTY, PROVINCE.removesuffix("省")))
    return f"{place}{rng.choice(_COMPANY_WORDS)}{rng.choice(_INDUSTRIES)}"


def occupation(rng: random.Random, category: str, township: Township, *, village: str = "") -> str:
    """Write the employer and position the way a roster does, e.g. 白石镇上塘村党支部书记、村委会主任."""
    place = f"{township.name}{township.village_label(village or rng.choice(township.villages))}"
    if category == "village":
        if township.is_street:
            return f"{place}党委书记、居委会主任"
        return f"{place}{rng.choice(('党支部书记', '党总支书记', '党委书记'))}、村委会主任"
    if category == "entrepreneur":
        return f"{company(rng)}{rng.choice(('董事长', '董事长、总经理', '总经理', '党支部书记、董事长'))}"
    if category == "teacher":
        school = rng.choice(
            [f"{COUNTY}{name}" for name in _COUNTY_SCHOOLS]
            + (
                [f"{COUNTY}{township.stem}小学", f"{COUNTY}{township.stem}幼儿园"]
                if township.is_street
                else [f"{township.name}中心小学", f"{township.name}初级中学", f"{township.name}中心幼儿园"]
            )
        )
        role = "园长" if school.endswith("幼儿园") else rng.choice(("校长", "副校长", "教师", "教师", "教研组长"))
        return f"{school}{role}"
    if category == "doctor":
        if township.is_street:
            local = (f"{township.name}社区卫生服务中心{rng.choice(('主任', '全科医生', '护士长'))}",)
        else:
            local = (f"{township.name}卫生院{rng.choice(('院长', '全科医生', '护士长'))}", f"{place}卫生室乡村医生")
        return rng.choice(
            (
                f"{COUNTY}人民医院{rng.choice(_CLINICAL)}主任医师",
                f"{COUNTY}中医院{rng.choice(('院长', '副院长', '针灸科主治医师'))}",
                f"{COUNTY}妇幼保健院{rng.choice(('院长', '儿保科主任'))}",
                *local,
            )
        )
    if category == "farmer":
        farms = (
            f"{township.name}{rng.choice(_PRODUCE)}专业合作社理事长",
            f"{COUNTY}{rng.choice(_COMPANY_WORDS)}家庭农场负责人",
        )
        return rng.choice(farms if township.is_street else (*farms, f"{place}村民", f"{place}种粮大户"))
    if category == "worker":
        return f"{company(rng)}{rng.choice(('车间主任', '班组长', '技术员', '一线职工', '质检员'))}"
    if category == "official":
        return f"{COUNTY}{rng.choice(_DEPARTMENTS)}"
    if category == "cadre":
        deputy_head = "副镇长" if township.name.endswith("镇") else "副乡长"
        return f"{township.name}{rng.choice(('党委委员、' + deputy_head, '人大副主席', '党委委员、纪委书记'))}"
    if category == "other":
        return rng.choice(
            (
                f"{COUNTY}公安局{township.stem}派出所所长",
                f"{COUNTY}人民法院{township.stem}人民法庭庭长",
                f"{PROVINCE.removesuffix('省')}{rng.choice(_COMPANY_WORDS)}律师事务所主任",
                f"{COUNTY}融媒体中心记者",
                f"国网{COUNTY}供电公司{township.stem}供电所所长",
            )
        )
    raise ValueError(f"unknown category {category!r}")


# Positions several people can hold at once; any other position goes to one deputy only.
_SHARED_POSITIONS = (
    "教师",
    "教研组长",
    "村民",
    "一线职工",
    "技术员",
    "质检员",
    "班组长",
    "种粮大户",
    "记者",
    "乡村医生",
    "全科医生",
    "主任医师",
    "车间主任",
)

_VILLAGE_POSTS = ("党支部副书记", "村委会副主任", "村委会委员", "村务监督委员会主任", "村民小组长", "妇联主席")
_COMMUNITY_POSTS = ("党委副书记", "居委会副主任", "居委会委员", "网格长", "妇联主席")


class Occupations:
    """Draw positions so that no post (a village's secretary, a school's head) is held twice."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._taken: set[str] = set()
        self._led: set[tuple[str, str]] = set()

    def claim(self, text: str) -> str:
        self._taken.add(text)
        return text

    def draw(self, category: str, township: Township) -> str:
        if category == "village":
            # A village has one secretary, however the post is styled.
            free = [v for v in township.villages if (township.code, v) not in self._led]
            if free:
                village = self._rng.choice(free)
                self._led.add((township.code, village))
                return self.claim(occupation(self._rng, category, township, village=village))
        else:
            for _attempt in range(20):
                text = occupation(self._rng, category, township)
                if text.endswith(_SHARED_POSITIONS) or text not in self._taken:
                    return self.claim(text)
        # Every such post here is taken: fall back to a lesser post in a village or community.
        posts = _COMMUNITY_POSTS if township.is_street else _VILLAGE_POSTS
        for _attempt in range(20):
            village = township.village_label(self._rng.choice(township.villages))
            text = f"{township.name}{village}{self._rng.choice(posts)}"
            if text not in self._taken:
                break
        return self.claim(text)


def profile(rng: random.Random, *, category: str, occupation: str, on: dt.date) -> Profile:
    """Draw sex, party, ethnicity and birth date for a deputy of `category`, aged as of `on`."""
    female_share, (youngest, oldest), party_mix = _CATEGORIES[category]
    female = rng.random() < female_share
    party_kind = rng.choices(("cpc", "democratic", "nonparty", "masses"), weights=party_mix)[0]
    party = {
        "cpc": "中共党员",
        "democratic": rng.choice(DEMOCRATIC_PARTIES),
        "nonparty": "无党派人士",
        "masses": "群众",
    }[party_kind]
    ethnicity = rng.choices([name for name, _ in ETHNICITIES], weights=[w for _, w in ETHNICITIES])[0]
    age = rng.randint(youngest, oldest)
    birth_date = dt.date(on.year - age, rng.randint(1, 12), rng.randint(1, 28))
    return Profile(
        category=category,
        occupation=occupation,
        female=female,
        party=party,
        ethnicity=ethnicity,
        birth_date=birth_date,
    )
