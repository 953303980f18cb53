"""Front matter: title, subtitle, byline, date and source lines above the body.

Also the metadata that shows up inside or after the body: datelines
("新华社北京5月22日电"), "（来源：新华社）" at the end, a signature date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.model import Author, Meta
from pipeline.parser.dates import find_date, find_dates, is_date_only
from pipeline.parser.lines import Line, Notes
from pipeline.parser.markers import find_marker
from pipeline.parser.text import (
    SENTENCE_END,
    ascii_digits,
    compact,
    squash_spaces,
    widen_punctuation,
)

_FIELD_NAMES = ("资料来源", "文章来源", "稿件来源", "信息来源", "来源", "发布时间", "发布日期", "时间",
                "日期", "作者", "撰稿", "记者", "通讯员", "编辑", "责任编辑", "审核", "点击数", "浏览次数")
# "来源：新华社", and WeChat's "来源 | 新华社" / "编辑丨张三"
_FIELD = re.compile(rf"({'|'.join(_FIELD_NAMES)})\s*(?:[:：]|\s[|｜丨]\s?|[|｜丨])\s*")
_LEADING_DATETIME = re.compile(r"(\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?)(\s+\d{1,2}:\d{2}(?::\d{2})?)?")
OFFICE = ("书记|副书记|常委|委员|主任|部长|局长|厅长|处长|科长|校长|院长|主席|总理|总书记|政委|"
          "司令员|秘书长|理事长|董事长|总经理|经理|教授|研究员|讲师|主编|会长|社长|馆长|组长|队长|"
          "省长|市长|县长|区长|镇长|乡长|代表|总裁|署长|行长|所长|站长|团长|师长|军长|专家|博士|"
          "副主任|参事|大使|发言人|干部|党员|教师|学生|同志|负责人")
_OFFICE_END = re.compile(rf"(?:{OFFICE})$")
_NAME = r"[\u4e00-\u9fff·]{2,4}"
_LONE_NAME = re.compile(rf"{_NAME}")
_TITLES_AND_NAME = re.compile(rf"(.*\S)\s+({_NAME})")
_SALUTATION = re.compile(r".{1,12}[：:！!]")
_DATELINE = re.compile(r"[（(]?\s*(新华社|本报|中新社|人民日报|央视网|人民网|新华网|光明日报|经济日报|解放军报)"
                       r"[\u4e00-\u9fff]{0,8}?[\d０-９一二三四五六七八九十]{1,2}月[\d０-９一二三四五六七八九十]{1,3}日(?:电|讯)")
_AGENCY = {"本报": "人民日报"}
_REPORTERS = re.compile(r"记者\s*([\u4e00-\u9fff·、，,\s]{2,40}?)\s*[）)]")
_END_SOURCE = re.compile(r"[（(]\s*(?:来源|资料来源|稿件来源|转自|摘自)\s*[:：]\s*(.+?)\s*[）)]")
_SUBTITLE_FUSED = re.compile(rf"(.*[上中])((?:\S{{0,12}}(?:{OFFICE})[、，]?)+)\s+({_NAME})")
_ANON = {"佚名", "本站", "本站原创", "未知", "admin", "管理员", "网络"}


@dataclass
class FrontMatter:
    meta: Meta
    body_start: int  # index into the line list where the body begins
    page_title: str = ""  # a title the page printed above the article's own, if different
    field_date: str | None = None
    note_dates: list[str] = field(default_factory=list)


_WECHAT_BYLINE = re.compile(r"(?:原创\s*)?(?:(\S{1,12})\s+)?(\S{1,20})\s+"
                            r"(\d{4}[-年]\d{1,2}[-月]\d{1,2}日?(?:\s*\d{1,2}:\d{2})?)\s*(?:发表于\S{0,10})?")


def parse_fields(text: str) -> dict[str, str] | None:
    """'作者：郝薇薇;李忠发  时间：2019-06-23' → {'作者': …, '时间': …}; None if no field.

    Also WeChat's "原创 张三 某某党建 2022-12-19 08:00 发表于北京" (author, account, time).
    """
    text = squash_spaces(text)
    wechat = _WECHAT_BYLINE.fullmatch(text) if "发表于" in text or text.startswith("原创") else None
    if wechat:
        author, account, when = wechat.groups()
        fields = {"时间": when, "公众号": account}
        if author:
            fields["作者"] = author
        return fields
    fields: dict[str, str] = {}
    lead = _LEADING_DATETIME.match(text)
    if lead:
        fields["时间"] = lead.group(0)
        text = text[lead.end():].strip()
    matches = list(_FIELD.finditer(text))
    if not matches:
        return fields or None
    if text[: matches[0].start()].strip():
        return None  # a sentence that mentions 来源：, not a metadata line
    for k, m in enumerate(matches):
        end = matches[k + 1].start() if k + 1 < len(matches) else len(text)
        fields.setdefault(m.group(1), text[m.end():end].strip())
    return fields


def _is_meta_line(text: str) -> bool:
    fields = parse_fields(text)
    return bool(fields) and len(text) < 120


def _split_names(value: str) -> list[str]:
    names = [n.strip() for n in re.split(r"[;；、,，/\s]+", value) if n.strip()]
    return [n for n in names if n not in _ANON and 2 <= len(n) <= 12]


def _is_body_start(line: Line, indented_body: bool) -> bool:
    t = line.text
    if line.heading is not None:
        return False
    if find_marker(t) is not None:
        return True
    if _SALUTATION.fullmatch(t) and not _is_meta_line(t):
        return True
    if _DATELINE.match(t):
        return True
    if indented_body and line.indented and len(t) > 30:
        return True
    if len(t) > 60 and not _is_meta_line(t):
        return True
    return bool(t[-1] in SENTENCE_END + "：:" and len(t) > 25 and not _is_meta_line(t))


_TOC_ENTRY = re.compile(r".*\S\s*(?:[.．·…]{2,})\s*\d{1,3}")


def _title_like(text: str) -> bool:
    if len(text) > 60 or text[-1] in "。；，、：:" or _TOC_ENTRY.fullmatch(text):
        return False
    # a long line with clauses is running text (perhaps hard-wrapped), not a title
    return not (len(text) > 30 and ("，" in text or "。" in text))


def parse_front(lines: list[Line], notes: Notes) -> FrontMatter:
    """Read the lines above the body."""
    meta = Meta()
    indented_body = sum(1 for ln in lines if ln.indented and len(ln.text) > 30) >= 3
    groups: list[list[Line]] = []
    current: list[Line] = []
    field_date: str | None = None
    note_dates: list[str] = []
    authors: list[Author] = []
    accounts: set[str] = set()  # sources that only name the WeChat account
    title_from_heading = False
    i = 0
    n = len(lines)

    def close() -> None:
        nonlocal current
        if current:
            groups.append(current)
            current = []

    while i < n:
        line = lines[i]
        t = line.text
        if line.blank:
            i += 1
            continue
        if line.heading is not None:
            if not groups and not current and not title_from_heading and line.heading <= 1:
                current.append(line)
                title_from_heading = True
                close()
                i += 1
                continue
            break
        fields = parse_fields(t)
        if not fields and _is_body_start(line, indented_body):
            break
        if fields and len(t) < 160:
            close()
            field_date = _apply_fields(meta, fields, authors, accounts) or field_date
            notes.discard(line, "metadata line")
            i += 1
            continue
        if t.startswith(("——", "—", "--", "－－")) and len(t) < 100:
            close()
            sub = "——" + t.lstrip("—-－ ")
            meta.subtitle = f"{meta.subtitle} {sub}".strip() if meta.subtitle else sub
            note_dates += find_dates(sub)
            i += 1
            continue
        if t[0] in "（(" and len(t) < 120:
            close()
            text, j = t, i
            while not re.search(r"[）)]\s*$", text) and j + 1 < n and j - i < 3:
                j += 1
                if lines[j].text:
                    text += " " + lines[j].text
            if is_date_only(text):
                note_dates.append(find_date(text) or "")
                notes.discard(line, "date line", text)
            else:
                meta.notes.append(widen_punctuation(text))
                note_dates += find_dates(text)
            i = j + 1
            continue
        if is_date_only(t):
            close()
            note_dates.append(find_date(t) or "")
            notes.discard(line, "date line")
            i += 1
            continue
        if _title_like(t):
            current.append(line)
            i += 1
            continue
        break
    close()
    body_start = i

    # Byline: the last title-like lines may be an author with titles.
    if groups:
        last = groups[-1]
        byline = _take_byline(last, lone_ok=len(last) >= 2 or len(groups) >= 2
                              or bool(meta.subtitle) or bool(note_dates))
        if byline is not None:
            author, used = byline
            authors.append(author)
            for ln in used:
                notes.discard(ln, "byline")
            del last[len(last) - len(used):]
            if not last:
                groups.pop()
    # A title fused with its subtitle and byline on one line.
    page_title = ""
    if groups:
        title_lines = groups[-1]
        if len(groups) >= 2:
            first = "".join(compact(ln.text) for ln in groups[0])
            if first == "".join(compact(ln.text) for ln in title_lines):
                for ln in groups[0]:
                    notes.discard(ln, "page title (repeated below)")
            else:
                page_title = " ".join(squash_spaces(ln.text) for ln in groups[0])
                for ln in groups[0]:
                    notes.discard(ln, "page title")
            for g in groups[1:-1]:
                for ln in g:
                    notes.discard(ln, "front-matter line")
        title = " ".join(squash_spaces(ln.text) for ln in title_lines)
        if title_from_heading and groups[0] is title_lines:
            title = title_lines[0].text
        title, fused_sub, fused_author = _split_fused(title)
        if fused_sub:
            meta.subtitle = fused_sub + (f" {meta.subtitle}" if meta.subtitle else "")
            note_dates = find_dates(fused_sub) + note_dates
        if fused_author:
            authors.insert(0, fused_author)
        meta.title = widen_punctuation(title)
    meta.authors = _dedupe_authors(authors)
    fm = FrontMatter(meta=meta, body_start=body_start, page_title=page_title,
                     field_date=field_date, note_dates=[d for d in note_dates if d])
    return fm


def _apply_fields(meta: Meta, fields: dict[str, str], authors: list[Author],
                  accounts: set[str]) -> str | None:
    """Fill meta from one metadata line; ``accounts``: sources that only name a WeChat account."""
    date = None
    for key, value in fields.items():
        if not value:
            continue
        if key in ("时间", "发布时间", "发布日期", "日期"):
            date = find_date(value) or date
        elif key in ("来源", "资料来源", "文章来源", "稿件来源", "信息来源"):
            # a stated source wins over the WeChat account that reposted the article
            if value not in _ANON and (not meta.source or meta.source in accounts):
                meta.source = value
        elif key == "公众号":
            if not meta.source:
                meta.source = value
                accounts.add(value)
        elif key in ("作者", "撰稿", "记者", "通讯员"):
            authors.extend(Author(name) for name in _split_names(value))
    return date


def is_byline(text: str) -> bool:
    """A lone name (习近平) or titles then a name, as a line under a title."""
    if _LONE_NAME.fullmatch(text):
        return True
    return bool(_TITLES_AND_NAME.fullmatch(text)) and len(text) <= 40


def _take_byline(lines: list[Line], lone_ok: bool) -> tuple[Author, list[Line]] | None:
    """'十一师党委常委、副政委 / 组织部部长…校长  程秀娥' or a lone '习近平'."""
    if not lines or "——" in lines[-1].text:
        return None
    last = squash_spaces(lines[-1].text)
    name, titles_part = None, ""
    m = _TITLES_AND_NAME.fullmatch(last)
    if m and (_OFFICE_END.search(m.group(1)) or "、" in m.group(1)):
        titles_part, name = m.group(1), m.group(2)
    elif _LONE_NAME.fullmatch(last) and lone_ok:
        name = last
    if name is None:
        return None
    used = [lines[-1]]
    title_lines = [titles_part] if titles_part else []
    k = len(lines) - 2
    while k >= 1 and _OFFICE_END.search(lines[k].text) and len(lines[k].text) <= 30:
        title_lines.insert(0, squash_spaces(lines[k].text))
        used.insert(0, lines[k])
        k -= 1
    titles: list[str] = []
    for part in title_lines:
        titles.extend(widen_punctuation(p) for p in re.split(r"[、\s]+", part) if p)
    return Author(name=name, titles=titles), used


def _split_fused(title: str) -> tuple[str, str, Author | None]:
    """'政府工作报告——2024年3月5日在…会议上国务院总理 李强' → title, subtitle, author."""
    if "——" not in title:
        return title, "", None
    head, _, rest = title.partition("——")
    if not head or len(head) > 30:
        return title, "", None
    author = None
    m = _SUBTITLE_FUSED.fullmatch(rest)
    if m:
        rest = m.group(1)
        author = Author(name=m.group(3), titles=[t for t in re.split(r"[、，]", m.group(2)) if t])
    return head.strip(), "——" + rest.strip(), author


def _dedupe_authors(authors: list[Author]) -> list[Author]:
    seen: dict[str, Author] = {}
    for a in authors:
        if a.name in seen:
            if a.titles and not seen[a.name].titles:
                seen[a.name].titles = a.titles
        else:
            seen[a.name] = a
    return list(seen.values())


# --- metadata found in the body ----------------------------------------------

def dateline_source(text: str) -> tuple[str, list[str]]:
    """('新华社', ['钱彤']) from '新华社北京５月２２日电 （记者钱彤）…'."""
    m = _DATELINE.search(ascii_digits(text[:80]))
    if not m:
        return "", []
    agency = _AGENCY.get(m.group(1), m.group(1))
    reporters: list[str] = []
    r = _REPORTERS.search(text[:120])
    if r:
        reporters = _split_names(r.group(1))
    return agency, reporters


def end_source(text: str) -> str | None:
    """'（来源：新华社）' → '新华社'."""
    m = _END_SOURCE.fullmatch(text.strip())
    return m.group(1) if m else None
