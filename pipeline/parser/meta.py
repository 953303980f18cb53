"""Front matter: title, subtitle, byline, date and source lines above the body.

Also the metadata that shows up inside or after the body: datelines
("新华社北京5月22日电", "本报讯（记者 张三）"), "（来源：新华社）" at the end, a signature date.

A title the format states (a Markdown ``#``, a Word title, the line a web page's head
agrees with; ``heading == 1`` on the first line) is the title: the short lines under it
are then read as byline, credits and outlet, and whatever they are not goes back to the
body.  Without one, the title is the last group of title-like lines above the body, and
a group above it that differs is the page's own title (a column or site heading).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.model import Author, Meta
from pipeline.parser.dates import find_date, find_dates, is_date_only
from pipeline.parser.fields import (
    ANONYMOUS,
    DATE_RANK,
    OUTLET,
    THIS_SITE,
    field_kind,
    is_organisation,
    parse_fields,
    plausible_person,
    split_names,
)
from pipeline.parser.lines import Line, Notes
from pipeline.parser.markers import PART_HEADING, find_marker
from pipeline.parser.text import (
    SENTENCE_END,
    ascii_digits,
    compact,
    squash_spaces,
    widen_punctuation,
)

OFFICE = ("书记|副书记|常委|委员|主任|部长|局长|厅长|处长|科长|校长|院长|主席|总理|总书记|政委|"
          "司令员|秘书长|理事长|董事长|总经理|经理|教授|研究员|讲师|主编|会长|社长|馆长|组长|队长|"
          "省长|市长|县长|区长|镇长|乡长|代表|总裁|署长|行长|所长|站长|团长|师长|军长|专家|博士|"
          "副主任|参事|大使|发言人|干部|党员|教师|学生|同志|负责人|作者|撰稿人|评论员|通讯员|记者|"
          "执行院长|研究员|学者|主持人|顾问")
_OFFICE_END = re.compile(rf"(?:{OFFICE})$")
_NAME = r"[\u4e00-\u9fff·]{2,4}"
_LONE_NAME = re.compile(rf"{_NAME}")
_TITLES_AND_NAME = re.compile(rf"(.*\S)\s+({_NAME})")
_NAME_AND_TITLES = re.compile(rf"({_NAME})\s+(\S.*)")
# a name run into the writer's affiliation: "方敏北京大学经济学院教授"
_GLUED_AFFILIATION = re.compile(r"([\u4e00-\u9fff]{2,3}?)([\u4e00-\u9fff]{2,20}(?:大学|学院|研究院|研究所|"
                                r"党校|中心|科学院|社科院)[\u4e00-\u9fff]{0,12}(?:教授|研究员|讲师|博士|主任|"
                                r"院长|所长|副教授|学者|专家|博士生|硕士生))")
_SALUTATION = re.compile(r".{1,12}[：:！!]")
_AGENCIES = "新华社|本报|中新社|人民日报|央视网|人民网|新华网|光明日报|经济日报|解放军报|中国新闻网|中新网"
# "新华社北京5月22日电", and the local "本站讯" / "本报讯" / "某某网讯" leads.
_DATELINE = re.compile(rf"[（(]?\s*({_AGENCIES}|[\u4e00-\u9fff]{{2,10}}?(?:网|报|社|台|客户端))[\u4e00-\u9fff]{{0,8}}?"
                       r"[\d０-９一二三四五六七八九十]{1,2}月[\d０-９一二三四五六七八九十]{1,3}日(?:电|讯)"
                       r"|^\s*(本站|本报|本网|[\u4e00-\u9fff]{2,8}?(?:网|报|台|社))讯(?=\s*[（(])")
_AGENCY = {"本报": "人民日报"}
_REPORTERS = re.compile(r"(?:记者|通讯员)\s*([\u4e00-\u9fff·、，,\s]{2,40}?)\s*[）)]")
_END_SOURCE = re.compile(r"[（(]\s*(?:来源|资料来源|稿件来源|转自|摘自)\s*[:：]\s*(.+?)\s*[）)]")
_SUBTITLE_FUSED = re.compile(rf"(.*[上中])((?:\S{{0,12}}(?:{OFFICE})[、，]?)+)\s+({_NAME})")


@dataclass
class FrontMatter:
    meta: Meta
    body_start: int  # index into the line list where the body begins
    page_title: str = ""  # a title the page printed above the article's own, if different
    field_date: str | None = None
    note_dates: list[str] = field(default_factory=list)
    # the title came from the format (a heading line), not from guessing
    stated_title: bool = False
    # a 来源 field said "本站原创" (this site): the source is the site itself
    this_site: bool = False


def _is_meta_line(text: str) -> bool:
    fields = parse_fields(text)
    return bool(fields) and len(text) < 120


def _is_body_start(line: Line, indented_body: bool) -> bool:
    t = line.text
    if line.heading is not None:
        return False
    if find_marker(t) is not None or PART_HEADING.fullmatch(t):
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


_PARTIAL_DATE = re.compile(r"[（(]?\d{4}\s*[年.\-/]\s*\d{1,2}\s*月?[）)]?")
_TOC_ENTRY = re.compile(r".*\S\s*(?:[.．·…]{2,})\s*\d{1,3}")


def _title_like(text: str) -> bool:
    if len(text) > 60 or text[-1] in "。；，、：:" or _TOC_ENTRY.fullmatch(text):
        return False
    # a long line with clauses is running text (perhaps hard-wrapped), not a title
    return not (len(text) > 30 and ("，" in text or "。" in text))


class _Front:
    """The state of one front-matter read."""

    def __init__(self, lines: list[Line], notes: Notes) -> None:
        self.lines = lines
        self.notes = notes
        self.meta = Meta()
        self.groups: list[list[Line]] = []
        self.current: list[Line] = []
        self.field_date: str | None = None
        self.note_dates: list[str] = []
        self.authors: list[Author] = []
        self.accounts: set[str] = set()  # sources that only name a WeChat account
        self.stated: Line | None = None  # the title line the format stated
        self.consumed: set[int] = set()  # ids of lines read as metadata
        self.this_site = False
        self.date_rank = 0  # how much the field date found so far says (DATE_RANK)
        self.labelled_title = ""  # a "标题：" field of a page's property table

    def close(self) -> None:
        if self.current:
            self.groups.append(self.current)
            self.current = []

    def consume(self, line: Line, reason: str, text: str | None = None) -> None:
        self.notes.discard(line, reason, text)
        self.consumed.add(id(line))


def parse_front(lines: list[Line], notes: Notes) -> FrontMatter:
    """Read the lines above the body."""
    st = _Front(lines, notes)
    indented_body = sum(1 for ln in lines if ln.indented and len(ln.text) > 30) >= 3
    look = _Look(lines)
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        t = line.text
        if line.blank:
            i += 1
            continue
        if line.table is not None:
            break
        if line.heading is not None:
            if st.stated is None and not st.groups and not st.current and line.heading <= 1:
                st.close()
                st.stated = line
                st.groups.append([line])
                i += 1
                continue
            if (st.stated is not None and st.groups == [[st.stated]] and not st.current
                    and not st.consumed and not st.meta.subtitle and len(t) <= 60
                    and find_marker(t) is None and not PART_HEADING.fullmatch(t)
                    and t[-1] not in SENTENCE_END):
                # a heading set right under the stated title is its subtitle (副题)
                st.meta.subtitle = widen_punctuation(t)
                st.consumed.add(id(line))
                i += 1
                continue
            break
        fields = parse_fields(t)
        if not fields and _is_body_start(line, indented_body):
            break
        if fields and len(t) < 160:
            st.close()
            _apply_fields(st, fields)
            st.consume(line, "metadata line")
            i += 1
            continue
        if t.startswith(("——", "—", "--", "－－")) and len(t) < 100:
            st.close()
            sub = "——" + t.lstrip("—-－ ")
            st.meta.subtitle = f"{st.meta.subtitle} {sub}".strip() if st.meta.subtitle else sub
            st.note_dates += find_dates(sub)
            st.consumed.add(id(line))
            i += 1
            continue
        if t[0] in "（(" and len(t) < 120:
            st.close()
            text, j = t, i
            while (text.count("（") + text.count("(") > text.count("）") + text.count(")")
                   and j + 1 < n and j - i < 3):
                j += 1
                if lines[j].text:
                    text += " " + lines[j].text
            for k in range(i, j + 1):
                st.consumed.add(id(lines[k]))
            # "（2025年9月3日，上午） 来源：新华社": fields after the brackets are fields
            close = max(text.rfind("）"), text.rfind(")"))
            after = parse_fields(text[close + 1:]) if 0 < close < len(text) - 1 else None
            if after:
                _apply_fields(st, after)
                notes.discard(line, "metadata line", text[close + 1:].strip())
                text = text[: close + 1]
            if is_date_only(text):
                st.note_dates.append(find_date(text) or "")
                notes.discard(line, "date line", text)
            else:
                st.meta.notes.append(widen_punctuation(text))
                st.note_dates += find_dates(text)
            i = j + 1
            continue
        if is_date_only(t):
            st.close()
            st.note_dates.append(find_date(t) or "")
            st.consume(line, "date line")
            i += 1
            continue
        if (_title_like(t) or _title_continues(lines, i)) and look.title(line):
            if st.current and look.visual and line.size != st.current[-1].size:
                st.close()  # a line in another size is another block: not the same title
            st.current.append(line)
            i += 1
            continue
        break
    st.close()
    body_start = i
    if not look.visual:
        body_start = _short_lines_are_body(st, body_start)
    if st.stated is not None:
        body_start = _after_stated_title(st, body_start)
        page_title = ""
    elif look.visual and len(st.groups) >= 2:
        body_start = _visual_title(st, body_start)
        page_title = ""
    else:
        page_title = _guessed_title(st)
    st.meta.authors = dedupe_authors(st.authors)
    if not st.meta.title and st.labelled_title:
        st.meta.title = st.labelled_title
    return FrontMatter(meta=st.meta, body_start=body_start, page_title=page_title,
                       field_date=st.field_date, note_dates=[d for d in st.note_dates if d],
                       stated_title=st.stated is not None, this_site=st.this_site)


class _Look:
    """Where the format says what lines looked like (Word, PDF), a title looks like one."""

    def __init__(self, lines: list[Line]) -> None:
        sizes: dict[float, int] = {}
        for ln in lines:
            if ln.size and len(ln.text) >= 20:
                sizes[ln.size] = sizes.get(ln.size, 0) + len(ln.text)
        self.visual = bool(sizes)
        self.body_size = max(sizes, key=sizes.get) if sizes else None

    def title(self, line: Line) -> bool:
        """Centred, larger than the body text, or a short bold line; anything if unknown."""
        if not self.visual or line.size is None or self.body_size is None:
            return True
        return (line.centered or line.size >= self.body_size + 1
                or (line.bold and len(line.text) <= 40))


def _title_continues(lines: list[Line], i: int) -> bool:
    """'在第18期入党积极分子培训班、' over '第20期发展对象培训班开班典礼上的致辞': one title."""
    t = lines[i].text
    if len(t) > 30 or t[-1] not in "、，,暨和与及的在对关于" or lines[i].indented:
        return False
    nxt = next((ln for ln in lines[i + 1: i + 3] if not ln.blank), None)
    return nxt is not None and _title_like(nxt.text) and len(nxt.text) <= 40


def join_title_lines(parts: list[str]) -> str:
    """Title lines as one title: a space between two phrases, none where the break falls
    inside one (after 、，：or a closing quote) or in a word set one character a line (策/划/书)."""
    out, prev = "", ""
    for part in (squash_spaces(p) for p in parts if p.strip()):
        if (out and out[-1] not in "、，,：:“‘《（(—”’》）)暨和与及的在对于" and part[0] not in "”’》）)"
                and len(part) > 2 and len(prev) > 2):
            out += " "
        out += part
        prev = part
    return out


def _short_lines_are_body(st: _Front, body_start: int) -> int:
    """A run of more than three short lines at the top is text set one phrase per line (as
    WeChat copies are), not a title: its first line (with a continuation) is the title."""
    for g, group in enumerate(st.groups):
        if st.stated is not None and group[0] is st.stated:
            continue
        byline = _take_byline(group, lone_ok=True)
        if len(group) - (len(byline[1]) if byline else 0) <= 3:
            continue
        keep = title_lines = 2 if group[0].text[-1] in "、，," else 1
        byline = _take_byline(group[keep:keep + 1], lone_ok=True)
        if byline is not None:  # the author's name under the title
            st.authors.append(byline[0])
            st.consume(group[keep], "byline")
            keep += 1
        first_body = group[keep]
        st.groups[g] = group[:title_lines]
        del st.groups[g + 1:]
        index = next(k for k, ln in enumerate(st.lines) if ln is first_body)
        for k in range(index, body_start):
            if id(st.lines[k]) in st.consumed:
                st.lines[k] = st.lines[k].emptied()
        return index
    return body_start


def _after_stated_title(st: _Front, body_start: int, title: str = "") -> int:
    """The format stated the title: the other short lines are bylines or go back to the body."""
    title_line = st.stated
    st.meta.title = title or widen_punctuation(title_line.text)
    leftovers: list[Line] = []
    for group in st.groups:
        if group[0] is title_line:
            continue
        if "".join(compact(ln.text) for ln in group) == compact(title_line.text):
            for ln in group:
                st.consume(ln, "title (repeated)")
            continue
        rest = _read_bylines(st, group, lone_ok=True)
        leftovers.extend(rest)
    if not leftovers:
        return body_start
    # Lines the front matter could not place are the article's own text: the body starts at
    # the first of them, and the metadata lines after it (already read) become blank.
    first = leftovers[0]
    index = next(k for k, ln in enumerate(st.lines) if ln is first)
    for k in range(index, body_start):
        if id(st.lines[k]) in st.consumed:
            st.lines[k] = st.lines[k].emptied()
    return index


def _visual_title(st: _Front, body_start: int) -> int:
    """The format shows sizes: the title is the block in the largest type (a cover page's
    title over an issuing body and a month, say); the blocks under it are read like the
    lines under a stated title, those above it are the page's own heading."""
    groups = st.groups
    top = max(range(len(groups)), key=lambda g: (max(ln.size or 0 for ln in groups[g]), -g))
    for g in groups[:top]:
        for ln in g:
            st.consume(ln, "front-matter line")
    title_lines = groups[top]
    st.meta.title = widen_punctuation(join_title_lines([ln.text for ln in title_lines]))
    st.stated = title_lines[0]
    st.groups = [[st.stated]] + groups[top + 1:]
    return _after_stated_title(st, body_start, st.meta.title)


def _guessed_title(st: _Front) -> str:
    """No stated title: the last title-like group is the title; bylines come off its end."""
    groups = st.groups
    if groups:
        last = groups[-1]
        byline = _take_byline(last, lone_ok=len(last) >= 2 or len(groups) >= 2
                              or bool(st.meta.subtitle) or bool(st.note_dates))
        if byline is not None:
            author, used = byline
            st.authors.append(author)
            for ln in used:
                st.consume(ln, "byline")
            del last[len(last) - len(used):]
            if not last:
                groups.pop()
    page_title = ""
    if not groups:
        return page_title
    title_lines = groups[-1]
    if len(groups) >= 2:
        first = "".join(compact(ln.text) for ln in groups[0])
        if first == "".join(compact(ln.text) for ln in title_lines):
            for ln in groups[0]:
                st.consume(ln, "page title (repeated below)")
        else:
            page_title = " ".join(squash_spaces(ln.text) for ln in groups[0])
            for ln in groups[0]:
                st.consume(ln, "page title")
        for g in groups[1:-1]:
            for ln in g:
                st.consume(ln, "front-matter line")
    title = join_title_lines([ln.text for ln in title_lines])
    if len(title) <= 3 and (st.consumed or st.field_date) and len(groups) == 1:
        # "北京" between a post's date and its 来源: where it was posted, not a title
        for ln in title_lines:
            st.consume(ln, "place line")
        return page_title
    title, fused_sub, fused_author = _split_fused(title)
    if fused_sub:
        st.meta.subtitle = fused_sub + (f" {st.meta.subtitle}" if st.meta.subtitle else "")
        st.note_dates = find_dates(fused_sub) + st.note_dates
    if fused_author:
        st.authors.insert(0, fused_author)
    st.meta.title = widen_punctuation(title)
    return page_title


def _read_bylines(st: _Front, group: list[Line], lone_ok: bool) -> list[Line]:
    """Bylines and outlets in a group of short lines under a stated title; the rest back."""
    rest: list[Line] = []
    k = 0
    while k < len(group):
        ln = group[k]
        text = squash_spaces(ln.text)
        taken = _take_byline(group[: k + 1], lone_ok=lone_ok)
        if taken is not None and len(taken[1]) == 1:
            author = taken[0]
            # "王文 / 某某大学某某研究院执行院长": a name, then its titles on the next line
            if not author.titles and k + 1 < len(group) and _OFFICE_END.search(group[k + 1].text):
                author.titles = [widen_punctuation(p) for p in re.split(r"[、\s]+",
                                                                       group[k + 1].text) if p]
                st.consume(group[k + 1], "byline")
                k += 1
            st.authors.append(author)
            st.consume(ln, "byline")
        elif (OUTLET.fullmatch(text) or (is_organisation(text) and len(group) - k <= 2)) \
                and (not st.meta.source or text == st.meta.source):
            st.meta.source = text
            st.consume(ln, "source line (kept as meta.source)")
        elif _PARTIAL_DATE.fullmatch(text):
            st.consume(ln, "date line (no day)")
        else:
            rest.append(ln)
        k += 1
    return rest


def _apply_fields(st: _Front, fields: dict[str, str]) -> str | None:
    """Fill meta from one metadata line; returns the best date seen so far."""
    meta = st.meta
    for key, value in fields.items():
        if not value:
            continue
        kind = field_kind(key)
        if kind == "date":
            # the date the document was written wins over its publication, which wins
            # over an update time; among equals the later line wins
            found = find_date(value)
            rank = DATE_RANK.get(key, 2)
            if found and rank >= st.date_rank:
                st.field_date, st.date_rank = found, rank
        elif kind == "source":
            st.this_site = st.this_site or bool(THIS_SITE.fullmatch(value.strip()))
            source = source_value(value)
            # a stated source wins over the WeChat account that reposted the article
            if source and (not meta.source or meta.source in st.accounts):
                meta.source = source
        elif kind == "account":
            if not meta.source and value not in ANONYMOUS:
                meta.source = value
                st.accounts.add(value)
        elif kind == "author":
            st.authors.extend(authors_from(value))
            units = credit_units(value)
            if units and not meta.source and "来源" not in "".join(fields):
                meta.source = units[0]  # only where the page states no source of its own
        elif key in ("原标题", "本文原标题"):
            meta.notes.append(widen_punctuation(f"{key}：{value}"))
        elif key in ("发文字号", "文号") and not meta.doc_number:
            meta.doc_number = widen_punctuation(value)
        elif key == "标题" and not st.labelled_title:
            st.labelled_title = widen_punctuation(value)
    return st.field_date


def source_value(value: str) -> str:
    """A 来源 value as an outlet name: '《光明日报》' → '光明日报'; placeholders give ''."""
    value = value.strip()
    if re.fullmatch(r"《[^》]+》", value):
        value = value[1:-1]
    if not value or value in ANONYMOUS or re.match(r"[Xx×]{2,}", value) or value in "|｜丨-":
        return ""
    return value


def authors_from(value: str) -> list[Author]:
    """'观察者网专栏作者 王文' → 王文 with his titles; '郝薇薇;李忠发' → two names."""
    value = squash_spaces(value)
    m = _TITLES_AND_NAME.fullmatch(value)
    if m and _OFFICE_END.search(m.group(1)) and plausible_person(m.group(2)):
        titles = [widen_punctuation(p) for p in re.split(r"[、\s]+", m.group(1)) if p]
        return [Author(m.group(2), titles)]
    m = _NAME_AND_TITLES.fullmatch(value)  # "李华 某某大学教授"
    if m and _OFFICE_END.search(m.group(2)) and plausible_person(m.group(1)):
        titles = [widen_punctuation(p) for p in re.split(r"[、\s]+", m.group(2)) if p]
        return [Author(m.group(1), titles)]
    m = re.fullmatch(r"([\u4e00-\u9fff·]{2,6})\s*[（(]([^（）()]{2,60})[）)]", value)
    if m and plausible_person(m.group(1)):  # "田向利（全国政协委员，四川省政协主席）"
        titles = [widen_punctuation(t) for t in re.split(r"[，,、；;]", m.group(2)) if t.strip()]
        if all(_OFFICE_END.search(t) for t in titles):
            return [Author(m.group(1), titles)]
    m = _GLUED_AFFILIATION.fullmatch(value)  # "方敏北京大学经济学院教授"
    if m and plausible_person(m.group(1), labelled=False):
        return [Author(m.group(1), [widen_punctuation(m.group(2))])]
    return [Author(n) for n in split_names(value)]


def credit_units(value: str) -> list[str]:
    """The units a credit names beside its people ("严夏蕾  集团党办"): who supplied it."""
    return [t for t in re.split(r"[\s、，,;；]+", squash_spaces(value))
            if is_organisation(t) and not plausible_person(t)]


def is_byline(text: str) -> bool:
    """A lone name (习近平) or titles then a name, as a line under a title."""
    if _LONE_NAME.fullmatch(text):
        return plausible_person(text, labelled=False)
    return bool(_TITLES_AND_NAME.fullmatch(text)) and len(text) <= 40


def _take_byline(lines: list[Line], lone_ok: bool) -> tuple[Author, list[Line]] | None:
    """'十一师党委常委、副政委 / 组织部部长…校长  程秀娥' or a lone '习近平'."""
    if not lines or "——" in lines[-1].text:
        return None
    last = squash_spaces(lines[-1].text)
    name, titles_part = None, ""
    m = _TITLES_AND_NAME.fullmatch(last)
    if m and (_OFFICE_END.search(m.group(1)) or "、" in m.group(1)) and plausible_person(m.group(2)):
        titles_part, name = m.group(1), m.group(2)
    elif (_LONE_NAME.fullmatch(last) and lone_ok and plausible_person(last, labelled=False)
          and not is_organisation(last)):
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


def dedupe_authors(authors: list[Author]) -> list[Author]:
    """One author per name, the titles of every mention kept."""
    seen: dict[str, Author] = {}
    for a in authors:
        if a.name in seen:
            for t in a.titles:
                if t not in seen[a.name].titles:
                    seen[a.name].titles.append(t)
        else:
            seen[a.name] = a
    return list(seen.values())


# --- metadata found in the body ----------------------------------------------

def dateline_source(text: str) -> tuple[str, list[str]]:
    """('新华社', ['钱彤']) from '新华社北京５月２２日电 （记者钱彤）…'; ('', [...]) for '本站讯（…）'."""
    m = _DATELINE.search(ascii_digits(text[:80]))
    if not m:
        return "", []
    agency = m.group(1) or ""
    agency = _AGENCY.get(agency, agency)
    if m.group(2):
        agency = "" if m.group(2) in ("本站", "本网") else _AGENCY.get(m.group(2), m.group(2))
    reporters: list[str] = []
    r = _REPORTERS.search(text[:120])
    if r:
        reporters = split_names(r.group(1), labelled=False)
    return agency, reporters


def end_source(text: str) -> str | None:
    """'（来源：新华社）' → '新华社'."""
    m = _END_SOURCE.fullmatch(text.strip())
    return m.group(1) if m else None
