"""Chinese numerals as written in plans: 三, 十二, 二十, 两, 〇/零 in years."""

from __future__ import annotations

_DIGITS = {"〇": 0, "零": 0, "○": 0, "O": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}
CN_NUMERAL_CHARS = "〇零一二两三四五六七八九十百"


def to_int(token: str) -> int | None:
    """'3' → 3, '三' → 3, '十二' → 12, '二十' → 20, '一百' → 100; None when not a number."""
    token = token.strip()
    if not token:
        return None
    if token.isdigit():
        return int(token)
    if any(c not in _DIGITS and c not in "十百" for c in token):
        return None
    total, current = 0, 0
    for ch in token:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _DIGITS[ch]
    return total + current


def year_to_int(token: str) -> int | None:
    """'2019' or '二〇一九' (digit by digit, as 公文 dates are written)."""
    token = token.strip()
    if token.isdigit():
        return int(token)
    if len(token) == 4 and all(c in _DIGITS for c in token):
        return int("".join(str(_DIGITS[c]) for c in token))
    return None
