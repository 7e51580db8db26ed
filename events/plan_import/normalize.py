"""One text for offsets, one same-length "folded" view for matching.

Spans point into the normalised text. Matching runs on a folded copy in which full-width and
half-width punctuation, dash variants and bracket variants are the same character; because the
fold is one character for one character, an offset found in the fold is an offset in the text.
"""

from __future__ import annotations

import re

_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060\u00ad"

_NORMALISE = {ord(c): " " for c in _SPACES}
_NORMALISE.update({ord(c): None for c in _INVISIBLE})
_NORMALISE.update({ord("\u2028"): "\n", ord("\u2029"): "\n", ord("\x0b"): "\n", ord("\x0c"): "\n"})


def normalise(text: str) -> str:
    """Unify line endings and exotic spaces; keep every visible character as written."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.translate(_NORMALISE)


def _fold_table() -> dict[int, str]:
    table = {c: chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}  # full-width ASCII
    for chars, to in (
        ("〔【［﹝〖", "["),
        ("〕】］﹞〗", "]"),
        ("—–―─－‐‑﹣", "-"),
        ("〜～", "~"),
        ("“”„″〝〞", '"'),
        ("‘’′", "'"),
        ("〈", "《"),
        ("〉", "》"),
        ("﹙", "("),
        ("﹚", ")"),
        ("﹐", ","),
        ("﹔", ";"),
        ("﹕", ":"),
        ("○〇Ｏ", "〇"),
    ):
        for c in chars:
            table[ord(c)] = to
    return table


_FOLD = _fold_table()


def fold(text: str) -> str:
    """Same length as ``text``: punctuation variants collapsed to one ASCII-ish form."""
    return text.translate(_FOLD)


# Lines a browser adds around an article: breadcrumbs, print/close links, view counters,
# share buttons, footers. Matched on the folded text of short lines only.
_NOISE = re.compile(
    r"首页\s*>|>\s*首页|当前位置|您的位置|您现在的位置|打印本页|关闭窗口|【?\s*打印\s*】|【?\s*关闭\s*】"
    r"|浏览次数|点击数|阅读次数|访问量|来源\s*:|发布时间\s*:|发布日期\s*:|信息来源|作者\s*:|编辑\s*:|责任编辑"
    r"|字[号体]\s*:?\s*[【\[]?\s*大\s*中\s*小|分享到|上一篇|下一篇|扫一扫|版权所有|ICP备|联系我们|网站地图"
    r"|返回顶部|返回列表|加入收藏|设为首页|Copyright|技术支持"
)


def is_noise(folded_line: str) -> bool:
    line = folded_line.strip()
    return bool(line) and len(line) <= 120 and bool(_NOISE.search(line))
