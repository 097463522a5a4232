"""Parsing messy Chinese addresses into their parts.

Standard order, coarse to fine: 省 市 区 街道 社区 路 门牌号 小区 楼栋 单元 室.  Real input
is messy: full-width digits (３栋), Chinese numerals (三栋, 十二幢), synonyms (栋/幢/号楼/座,
室/号/户), missing levels, spaces and punctuation, and the ``12-3-401`` shorthand for
building 12, unit 3, room 401.  Parsing is pure; matching against the gazetteer (with typo
tolerance) is the database's job.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from gridmap.errors import InvalidInput

MAX_ADDRESS_LENGTH = 200
COMPOUND_SUFFIXES: tuple[str, ...] = tuple(
    sorted(
        (
            "花园",
            "小区",
            "家园",
            "新村",
            "公寓",
            "苑",
            "园",
            "府",
            "城",
            "庭",
            "居",
            "湾",
            "郡",
            "里",
            "坊",
            "广场",
            "大厦",
            "公馆",
            "华庭",
            "山庄",
            "名苑",
            "雅居",
            "嘉园",
            "新城",
        ),
        key=len,
        reverse=True,
    )
)
PROVINCES = (
    "北京",
    "天津",
    "上海",
    "重庆",
    "河北",
    "山西",
    "辽宁",
    "吉林",
    "黑龙江",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "海南",
    "四川",
    "贵州",
    "云南",
    "陕西",
    "甘肃",
    "青海",
    "台湾",
    "内蒙古",
    "广西",
    "西藏",
    "宁夏",
    "新疆",
    "香港",
    "澳门",
)

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN = "零〇一二两三四五六七八九十百千"
_HAN = r"[\u4e00-\u9fff]"
# A name inside one level: Chinese characters that do not cross into a finer level's marker.
_NAME = r"(?:(?!社区|街道|居委|小区)[\u4e00-\u9fff])"
_NOISE = ("附近", "旁边", "对面", "门口", "这里")

_PUNCT = re.compile(  # punctuation and spaces, and words that say nothing of the place
    r"[\s,，.。、;；:：!！?？'\"“”‘’()（）\[\]【】<>《》{}|/\\~`@$%^&*+=]+|" + "|".join(_NOISE)
)
_DASHES = re.compile(r"[—–－‐‑‒―_~〜]+")
_WORDS = (
    ("居委会", "社区"),
    ("居委", "社区"),
    ("号楼", "栋"),
    ("幢", "栋"),
    ("座", "栋"),
    ("栋楼", "栋"),
)
_HOUSEHOLD = re.compile(r"(\d+)号?户")
_CN_NUMBER = re.compile(f"[{_CN}]+(?=栋|单元|室|户|号|层|楼|-|$)")
_LONE_DASH = re.compile(r"-(?![0-9A-Z])|(?<![0-9A-Z])-")
_PROVINCE = re.compile(rf"^(?:{_NAME}{{2,7}}?(?:省|自治区)|(?:{'|'.join(PROVINCES)})(?=.))")
_CITY = re.compile(rf"^(?:{_NAME}{{2,6}}?(?:市|自治州|地区|盟)(?!场))")
_DISTRICT = re.compile(rf"^(?:{_HAN}{{1,4}}?(?<![小社园校景])(?:区|县|旗))")
_BARE_CITY = re.compile(rf"^({_HAN}{{2}})(?={_HAN}{{1,3}}(?<![小社园校景])(?:区|县))")
_STREET = re.compile(rf"^(?:{_NAME}{{2,6}}?(?:街道|镇|乡))")
_COMMUNITY = re.compile(rf"^(?:{_HAN}{{2,6}}?(?:社区|(?<!新)村))")
_ROAD = re.compile(rf"^(?P<road>{_HAN}{{1,8}}?(?:大道|路|街|巷|弄|胡同))(?:(?P<no>\d+)号)?")
_SHORTHAND = re.compile(r"(?P<b>[A-Z]?\d+[A-Z]?)-(?P<u>\d+)-(?P<r>\d+)$")
_SHORT_BR = re.compile(r"(?P<b>[A-Z]?\d+[A-Z]?)-(?P<r>\d{3,4})$")
_BUILDING = re.compile(r"(?P<b>[A-Z]?\d+[A-Z]?|[A-Z])栋")
_UNIT = re.compile(r"(?P<u>\d+)单元")
_UNIT_ROOM = re.compile(r"^(?P<u>\d+)-(?P<r>\d+)")
_ROOM = re.compile(r"^(?P<r>\d+)(?:室|号)?$")
_BARE_BUILDING = re.compile(r"(?P<b>\d+)号$")
_FLOOR_ROOM = re.compile(r"^(\d+)[层楼](\d{2})")
_MATCHABLE = re.compile(rf"{_HAN}|\d")


class ParsedAddress(NamedTuple):
    raw: str
    normalized: str
    province: str | None = None
    city: str | None = None
    district: str | None = None
    street: str | None = None
    community: str | None = None
    road: str | None = None
    road_number: str | None = None
    compound: str | None = None
    building: str | None = None
    unit: str | None = None
    room: str | None = None

    def parts(self) -> dict[str, str]:
        """The parts from community to room that the address names."""
        keys = ("community", "road", "road_number", "compound", "building", "unit", "room")
        return {k: v for k, v in self._asdict().items() if k in keys and v is not None}


def cn_to_int(text: str) -> int:
    """A Chinese numeral as an integer: 三→3, 十二→12, 一百零五→105; 三零一→301 digit-wise."""
    if not text or any(ch not in _CN_DIGITS and ch not in _CN_UNITS for ch in text):
        raise InvalidInput(f"{text!r} is not a Chinese numeral")
    if not any(ch in _CN_UNITS for ch in text):
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total, digit = 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
    return total + (digit or 0)


def normalize_text(text: str) -> str:
    """Half-width, no spaces or punctuation, one word per synonym, arabic numbers."""
    text = unicodedata.normalize("NFKC", text).upper()
    text = _DASHES.sub("-", text)
    text = _PUNCT.sub("", text)
    for word, replacement in _WORDS:
        text = text.replace(word, replacement)
    text = _CN_NUMBER.sub(lambda m: str(cn_to_int(m.group())), text)
    if "户" in text:
        text = _HOUSEHOLD.sub(r"\1室", text)
    return _LONE_DASH.sub("", text) if "-" in text else text


def _validate(text: str) -> None:
    if text is None or not text.strip():
        raise InvalidInput("address is empty")
    if len(text) > MAX_ADDRESS_LENGTH:
        raise InvalidInput(
            f"address is {len(text):,} characters; the limit is {MAX_ADDRESS_LENGTH}"
        )


def _peel(text: str, pattern: re.Pattern[str], named: bool) -> tuple[str | None, str]:
    """The level ``pattern`` finds at the start of ``text``, and the rest (``named``: the
    text has the level's word at all, a cheap test that saves most matches)."""
    match = pattern.match(text) if named else None
    if not match or match.end() == len(text) and pattern is not _COMMUNITY:
        return None, text
    return match.group(), text[match.end() :]


def _split_tail(text: str) -> tuple[str, dict[str, str | None]]:
    """Split 'compound + building/unit/room' into the compound text and the numbers."""
    parts: dict[str, str | None] = {"building": None, "unit": None, "room": None}
    for pattern in () if "栋" in text else (_SHORTHAND, _SHORT_BR):
        match = pattern.search(text)
        if match and (match.start() == 0 or not text[match.start() - 1].isdigit()):
            found = match.groupdict()
            parts.update(building=found["b"], unit=found.get("u"), room=found["r"])
            return text[: match.start()], parts
    match = _BUILDING.search(text)
    if not match:
        bare = _BARE_BUILDING.search(text)
        if bare and bare.start() > 0:
            parts["building"] = bare.group("b")
            return text[: bare.start()], parts
        return text, parts
    head, rest = text[: match.start()], text[match.end() :]
    parts["building"] = match.group("b")
    unit = _UNIT.match(rest)
    if unit:
        parts["unit"], rest = unit.group("u"), rest[unit.end() :]
    else:
        unit_room = _UNIT_ROOM.match(rest)
        if unit_room:
            parts["unit"], parts["room"] = unit_room.group("u"), unit_room.group("r")
            return head, parts
    if "层" in rest or "楼" in rest:
        rest = _FLOOR_ROOM.sub(r"\1\2", rest)  # 3楼01 → 301
    room = _ROOM.match(rest)
    if room:
        parts["room"] = room.group("r")
    return head, parts


def _compound(text: str) -> str | None:
    if not text:
        return None
    if text.endswith("小区") and any(text[:-2].endswith(s) for s in COMPOUND_SUFFIXES):
        text = text[:-2]
    return text or None


def parse_address(text: str) -> ParsedAddress:
    """Parse a messy Chinese address; levels it does not name are None."""
    _validate(text)
    normalized = normalize_text(text)
    if not _MATCHABLE.search(normalized):
        raise InvalidInput(f"address {text[:40]!r} has no Chinese text or numbers to match")
    rest = normalized
    province, rest = _peel(
        rest, _PROVINCE, "省" in rest or "自治区" in rest or rest.startswith(PROVINCES)
    )
    city, rest = _peel(rest, _CITY, "市" in rest or "州" in rest or "地区" in rest or "盟" in rest)
    if city is None and province:
        bare = _BARE_CITY.match(rest)
        if bare:
            city, rest = bare.group(1), rest[bare.end() :]
    district, rest = _peel(rest, _DISTRICT, "区" in rest or "县" in rest or "旗" in rest)
    street, rest = _peel(rest, _STREET, "街道" in rest or "镇" in rest or "乡" in rest)
    community, rest = _peel(rest, _COMMUNITY, "社区" in rest or "村" in rest)
    road = road_number = None
    match = _ROAD.match(rest)
    if match and (match.group("no") or _looks_like_compound(rest[match.end() :])):
        road, road_number, rest = match.group("road"), match.group("no"), rest[match.end() :]
    head, numbers = _split_tail(rest)
    return ParsedAddress(
        raw=text,
        normalized=normalized,
        province=province,
        city=city,
        district=district,
        street=street,
        community=community,
        road=road,
        road_number=road_number,
        compound=_compound(head),
        **numbers,
    )


def _looks_like_compound(text: str) -> bool:
    head = _split_tail(text)[0]
    return len(head) >= 2 and any(head.endswith(s) for s in COMPOUND_SUFFIXES)
