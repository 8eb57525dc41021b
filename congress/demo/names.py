"""Chinese personal names for the demo roster, drawn from a seeded random generator."""

from __future__ import annotations

import random

# Common surnames, most frequent first, with some that are frequent in western Zhejiang
# (徐, 汪, 毛, 姜, 祝, 鲁) moved up; the weight falls with the rank.
_SURNAMES = (
    "王李张刘陈徐杨黄赵吴周汪孙毛郑朱胡郭何林高叶罗梁宋谢唐许韩冯邓曹彭曾姜肖田董袁潘余"
    "蒋蔡杜程苏魏吕丁任沈姚卢方崔钟谭陆范金石廖贾夏付白邹孟熊秦邱江尹薛段雷侯龙史陶黎"
    "贺顾郝龚邵万钱严覃武戴莫孔汤祝鲁童傅应饶占柴"
)
SURNAMES = tuple(_SURNAMES)
SURNAME_WEIGHTS = tuple(1 / (rank + 6) for rank in range(len(SURNAMES)))

MALE_CHARS = tuple(
    "伟强军建明国华平志勇杰涛斌鹏辉浩俊峰超海波宏刚林文正荣新春德忠胜永祥金良宇晨凯磊亮"
    "东兴成龙飞健彬毅立君鑫振远清水山松柏福利庆祖根法顺昌炳"
)
FEMALE_CHARS = tuple("芳娟敏静丽艳燕霞玲婷秀英红萍琴颖洁慧雪梅琳莉晶倩娜蓉佳月媛兰凤云菊素珍美瑶丹蕾")
NEUTRAL_CHARS = tuple("文晓海春建秋小爱思学新永少天国一佳志雨")


class NameMaker:
    """Make plausible names, never the same one twice, so the roster reads without ambiguity."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def make(self, *, female: bool) -> str:
        """Return a new two- or three-character name (about one in four has two)."""
        rng = self._rng
        own = FEMALE_CHARS if female else MALE_CHARS
        while True:
            surname = rng.choices(SURNAMES, weights=SURNAME_WEIGHTS)[0]
            if rng.random() < 0.25:
                given = rng.choice(own)
            else:
                first = rng.choice(NEUTRAL_CHARS) if rng.random() < 0.35 else rng.choice(own)
                given = first + rng.choice(own)
            name = surname + given
            if len(set(given)) == len(given) and name not in self._used:
                self._used.add(name)
                return name
