"""Chinese names for the demo: streets, communities, compounds, roads and people."""

from __future__ import annotations

import random

PLACE_WORDS = [
    "江滨",
    "锦江",
    "金山",
    "梦溪",
    "宝塔",
    "中山",
    "解放",
    "桃园",
    "丹徒",
    "学府",
    "正东",
    "大市",
    "健康",
    "象山",
    "谏壁",
    "丁卯",
    "四牌",
    "北固",
    "焦山",
    "南山",
    "西津",
    "东吴",
    "润州",
    "古渡",
    "银山",
    "花山",
    "官塘",
    "新民",
    "永安",
    "和平",
    "长江",
    "运河",
    "京岘",
    "平昌",
    "青云",
    "瑞丰",
    "福康",
    "兴隆",
    "凤凰",
    "翠竹",
    "梅园",
    "兰亭",
    "松林",
    "柳岸",
    "荷塘",
    "桂花",
    "玉带",
    "云台",
    "龙泉",
    "鹤林",
    "白莲",
    "紫阳",
    "清风",
    "明月",
    "朝阳",
    "春晖",
    "秋实",
    "万寿",
    "仁和",
    "德润",
    "文昌",
]
COMPOUND_WORDS = [
    "锦绣",
    "阳光",
    "幸福",
    "金色",
    "碧水",
    "绿洲",
    "翠湖",
    "东方",
    "世纪",
    "香榭",
    "紫金",
    "银河",
    "丽景",
    "恒大",
    "万科",
    "华府",
    "星河",
    "滨江",
    "御景",
    "名都",
    "天禧",
    "盛世",
    "怡景",
    "康乐",
    "和美",
    "嘉园",
    "润景",
    "融创",
    "新城",
    "书香",
    "书苑",
    "康城",
    "凯旋",
    "金桥",
    "宝龙",
    "海棠",
    "芙蓉",
    "紫薇",
    "枫林",
    "月湖",
]
COMPOUND_SUFFIXES = ("花园", "小区", "家园", "新村", "公寓", "苑", "华庭", "名苑", "雅居", "山庄")
ROAD_SUFFIXES = ("路", "街", "大道")
SURNAMES = [
    "王",
    "李",
    "张",
    "刘",
    "陈",
    "杨",
    "赵",
    "黄",
    "周",
    "吴",
    "徐",
    "孙",
    "胡",
    "朱",
    "高",
    "林",
    "何",
    "郭",
    "马",
    "罗",
    "梁",
    "宋",
    "郑",
    "谢",
    "韩",
    "唐",
    "冯",
    "于",
]
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "国强",
    "玉兰",
    "志强",
    "海燕",
    "晓东",
    "文",
    "华",
    "红",
    "梅",
    "建国",
    "秀兰",
    "德明",
    "淑珍",
]
DEDICATED = (("学校", "实验小学"), ("医院", "人民医院"), ("企业", "科技园"), ("市场", "农贸市场"))


class Namer:
    """Hands out unique names deterministically from one random source."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def _unique(self, make) -> str:  # type: ignore[no-untyped-def]
        for _ in range(10000):
            name = make()
            if name not in self.used:
                self.used.add(name)
                return name
        raise RuntimeError("ran out of demo names")

    def place(self, suffix: str) -> str:
        def make() -> str:
            if len(self.used) < len(PLACE_WORDS) // 2:
                return self.rng.choice(PLACE_WORDS) + suffix
            return self.rng.choice(PLACE_WORDS) + self.rng.choice(PLACE_WORDS)[0] + suffix

        return self._unique(make)

    def compound(self) -> str:
        def make() -> str:
            word = self.rng.choice(COMPOUND_WORDS)
            if len(self.used) > 600:
                word = self.rng.choice(PLACE_WORDS) + word[0]
            return word + self.rng.choice(COMPOUND_SUFFIXES)

        return self._unique(make)

    def road(self, index: int, horizontal: bool) -> str:
        word = PLACE_WORDS[(index * 7 + (3 if horizontal else 0)) % len(PLACE_WORDS)]
        return word + ("路" if horizontal else "街")

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)

    def phone(self) -> str:
        return "1" + self.rng.choice("3589") + "".join(self.rng.choices("0123456789", k=9))
