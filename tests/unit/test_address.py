"""The address parser on a table of realistic messy variants."""

import pytest

from gridmap.domain.address import (
    MAX_ADDRESS_LENGTH,
    cn_to_int,
    normalize_text,
    parse_address,
)
from gridmap.errors import InvalidInput

FULL = "江苏省镇江市京口区正东路街道江滨社区锦绣花园3栋2单元301室"

# (input, expected parts); parts not listed must be None.
CASES = [
    (
        FULL,
        dict(
            province="江苏省",
            city="镇江市",
            district="京口区",
            street="正东路街道",
            community="江滨社区",
            compound="锦绣花园",
            building="3",
            unit="2",
            room="301",
        ),
    ),
    (
        "江滨社区 锦绣花园 ３栋２单元３０１",
        dict(community="江滨社区", compound="锦绣花园", building="3", unit="2", room="301"),
    ),
    ("锦绣花园三栋二单元三零一", dict(compound="锦绣花园", building="3", unit="2", room="301")),
    ("锦绣花园12-3-401", dict(compound="锦绣花园", building="12", unit="3", room="401")),
    ("锦绣花园12—3—401", dict(compound="锦绣花园", building="12", unit="3", room="401")),
    ("锦绣花园 12－3－401", dict(compound="锦绣花园", building="12", unit="3", room="401")),
    ("锦绣花园12栋3-401", dict(compound="锦绣花园", building="12", unit="3", room="401")),
    ("锦绣新村12-401", dict(compound="锦绣新村", building="12", room="401")),
    (
        "京口区锦绣花园十二幢3单元401号",
        dict(district="京口区", compound="锦绣花园", building="12", unit="3", room="401"),
    ),
    (
        "解放路88号锦绣花园B座1单元1202",
        dict(
            road="解放路",
            road_number="88",
            compound="锦绣花园",
            building="B",
            unit="1",
            room="1202",
        ),
    ),
    ("锦绣花园小区5号楼1单元502户", dict(compound="锦绣花园", building="5", unit="1", room="502")),
    (" 锦绣花园，3栋，2单元，301 ", dict(compound="锦绣花园", building="3", unit="2", room="301")),
    (
        "江苏镇江京口区阳光小区3栋",
        dict(province="江苏", city="镇江", district="京口区", compound="阳光小区", building="3"),
    ),
    ("碧水小区5号", dict(compound="碧水小区", building="5")),
    (
        "阳光家园二十一号楼一单元1101户",
        dict(compound="阳光家园", building="21", unit="1", room="1101"),
    ),
    ("锦绣花园3栋2单元3楼01", dict(compound="锦绣花园", building="3", unit="2", room="301")),
    (
        "正东路街道江滨社区书香名苑1栋1单元101附近",
        dict(
            street="正东路街道",
            community="江滨社区",
            compound="书香名苑",
            building="1",
            unit="1",
            room="101",
        ),
    ),
    ("江滨居委会锦绣花园3幢", dict(community="江滨社区", compound="锦绣花园", building="3")),
    (
        "象山镇金山村幸福里2栋",
        dict(street="象山镇", community="金山村", compound="幸福里", building="2"),
    ),
    ("锦绣花园A栋", dict(compound="锦绣花园", building="A")),
    ("锦绣花园a栋1单元101", dict(compound="锦绣花园", building="A", unit="1", room="101")),
    ("东方名苑一百零五栋", dict(compound="东方名苑", building="105")),
    ("中山路18号", dict(road="中山路", road_number="18")),
    (
        "中山路18号御景华庭2栋",
        dict(road="中山路", road_number="18", compound="御景华庭", building="2"),
    ),
    ("浦东新区世纪公寓3栋", dict(district="浦东新区", compound="世纪公寓", building="3")),
    ("江滨社区", dict(community="江滨社区")),
    # a compound named after a place ending in 市 is not a city once a community came first
    (
        "运河丹社区大市丽苑3栋1单元603室",
        dict(community="运河丹社区", compound="大市丽苑", building="3", unit="1", room="603"),
    ),
]

# Base addresses rendered through messy transformations: each must parse to the same parts.
BASES = [
    ("江滨社区", "锦绣花园", "3", "2", "301"),
    ("梦溪社区", "阳光家园", "12", "1", "1502"),
    ("金山社区", "碧水小区", "7", "3", "602"),
    ("宝塔社区", "翠湖新村", "21", "2", "101"),
    ("中山社区", "紫金公寓", "5", "1", "1102"),
]
CN = {"1": "一", "2": "二", "3": "三", "5": "五", "7": "七", "12": "十二", "21": "二十一"}
WIDE = str.maketrans("0123456789", "０１２３４５６７８９")


def _digits_cn(number: str) -> str:
    return "".join("零一二三四五六七八九"[int(d)] for d in number)


TRANSFORMS = {
    "plain": lambda c, p, b, u, r: f"{c}{p}{b}栋{u}单元{r}室",
    "no community": lambda c, p, b, u, r: f"{p}{b}栋{u}单元{r}",
    "spaces": lambda c, p, b, u, r: f" {c}  {p} {b} 栋 {u} 单元 {r} ",
    "punctuation": lambda c, p, b, u, r: f"{c}，{p}、{b}栋-{u}单元（{r}室）",
    "full width": lambda c, p, b, u, r: f"{c}{p}{b}栋{u}单元{r}室".translate(WIDE),
    "幢": lambda c, p, b, u, r: f"{p}{b}幢{u}单元{r}室",
    "号楼": lambda c, p, b, u, r: f"{p}{b}号楼{u}单元{r}号",
    "座": lambda c, p, b, u, r: f"{p}{b}座{u}单元{r}户",
    "chinese numerals": lambda c, p, b, u, r: f"{p}{CN[b]}栋{CN[u]}单元{_digits_cn(r)}",
    "shorthand": lambda c, p, b, u, r: f"{p}{b}-{u}-{r}",
    "full prefix": lambda c, p, b, u, r: f"江苏省镇江市京口区{c}{p}{b}栋{u}单元{r}室",
    "noise": lambda c, p, b, u, r: f"{p}{b}栋{u}单元{r}室附近",
    "小区 suffix": lambda c, p, b, u, r: f"{p}小区{b}栋{u}单元{r}",
    "building and unit only": lambda c, p, b, u, r: f"{c}{p}{b}栋{u}单元",
    "english punctuation": lambda c, p, b, u, r: f"{p}, {b}栋, {u}单元, {r}.",
    "unit shorthand": lambda c, p, b, u, r: f"{p}{b}栋{u}-{r}",
}


def _variant_cases():
    for base in BASES:
        community, compound, building, unit, room = base
        for name, render in TRANSFORMS.items():
            text = render(*base)
            expected = dict(compound=compound, building=building, unit=unit, room=room)
            if name == "building and unit only":
                expected["room"] = None
            if compound.endswith("小区") and name == "小区 suffix":
                continue
            yield pytest.param(text, expected, id=f"{compound}-{name}")


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_table(text, expected):
    parsed = parse_address(text)
    fields = (
        "province",
        "city",
        "district",
        "street",
        "community",
        "road",
        "road_number",
        "compound",
        "building",
        "unit",
        "room",
    )
    assert {f: getattr(parsed, f) for f in fields} == {f: expected.get(f) for f in fields}


@pytest.mark.parametrize(("text", "expected"), list(_variant_cases()))
def test_messy_variants(text, expected):
    parsed = parse_address(text)
    for field, value in expected.items():
        assert getattr(parsed, field) == value, (field, parsed)


def test_the_table_is_large():
    assert len(CASES) + len(list(_variant_cases())) >= 100


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("三", 3),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("二十一", 21),
        ("一百零五", 105),
        ("两", 2),
        ("三零一", 301),
        ("一千二百", 1200),
        ("〇", 0),
    ],
)
def test_cn_to_int(text, number):
    assert cn_to_int(text) == number


@pytest.mark.parametrize("junk", ["", "三A", "abc"])
def test_cn_to_int_refuses_junk(junk):
    with pytest.raises(InvalidInput):
        cn_to_int(junk)


def test_normalize_text():
    assert (
        normalize_text(" 江滨居委会 锦绣花园，３幢（二单元）三零一户 ")
        == "江滨社区锦绣花园3栋2单元301室"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   \t", "empty"),
        ("锦" * 10_000, "10,000 characters"),
        ("，。、！", "no Chinese"),
        ("!!!???", "no Chinese"),
    ],
)
def test_bad_addresses_say_what_is_wrong(text, message):
    with pytest.raises(InvalidInput, match=message):
        parse_address(text)


def test_limit_is_inclusive():
    parse_address("锦" * (MAX_ADDRESS_LENGTH - 4) + "3栋")


def test_parts_lists_only_named_levels():
    assert parse_address("锦绣花园3栋").parts() == {"compound": "锦绣花园", "building": "3"}
