"""Dates as Chinese documents print them → ISO 8601."""

from __future__ import annotations

import datetime
import re

from pipeline.parser.text import ascii_digits, cn_to_int

_NUMERIC = re.compile(r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?")
_CN = re.compile(r"([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")


def _iso(y: int, m: int, d: int) -> str | None:
    try:
        return datetime.date(y, m, d).isoformat()
    except ValueError:
        return None


def find_dates(text: str) -> list[str]:
    """Every complete date in ``text``, in order, as YYYY-MM-DD."""
    text = ascii_digits(text)
    found: list[tuple[int, str]] = []
    for m in _NUMERIC.finditer(text):
        iso = _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if iso and 1900 <= int(m.group(1)) <= 2100:
            found.append((m.start(), iso))
    for m in _CN.finditer(text):
        year = int("".join(str(cn_to_int(c) or 0) for c in m.group(1)))
        month, day = cn_to_int(m.group(2)), cn_to_int(m.group(3))
        if month and day:
            iso = _iso(year, month, day)
            if iso:
                found.append((m.start(), iso))
    return [iso for _, iso in sorted(found)]


def find_date(text: str) -> str | None:
    dates = find_dates(text)
    return dates[0] if dates else None


def is_date_only(text: str) -> bool:
    """A line that is just a date (a signature date, a dateline under a title)."""
    t = ascii_digits(text).strip("（）() ")
    return bool(re.fullmatch(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{4}-\d{1,2}-\d{1,2}"
                             r"|[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日", t))
