"""Official documents (公文, GB/T 9704-2012): each part the standard defines, put in its place.

版头 — 份号, 密级和保密期限, 紧急程度, 发文机关标志, 发文字号 (and 签发人), the red
separator — is set aside (发文字号 → ``meta.doc_number``).  Then 标题 (``meta.title``),
主送机关 (``meta.addressees``), 正文, 附件说明, 发文机关署名 and 成文日期 (signature
blocks, ``meta.source``, ``meta.date``), 附注, the 附件 themselves (sections after the
body), and the 版记: 抄送 (``meta.cc``), 印发机关和印发日期 (``meta.imprint``).

The rules read the text only, so they hold for text, Word and PDF alike.  A
document counts as official when it has a 发文字号, a 版记, or a title naming a
公文 kind (…的通知) followed by an addressee line; otherwise nothing is touched
except page numbers printed between dashes ("— 3 —"), which no text contains.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pipeline.model import Block, Document, ListItem, Meta, Section
from pipeline.parser.dates import find_date, is_date_only
from pipeline.parser.lines import Line, Notes
from pipeline.parser.markers import find_marker
from pipeline.parser.meta import FrontMatter
from pipeline.parser.text import SENTENCE_END, squash_spaces, widen_punctuation
from pipeline.readers.furniture import is_dashed_folio, is_rule

# 国办发〔2024〕12号, 京政发[2023]5号, 国发（2024）1号; maybe with 签发人：张三 on the line
_NUMBER = r"[\u4e00-\u9fffA-Za-z]{1,20}\s*[〔［\[【(（]\s*\d{4}\s*[〕］\]】)）]\s*第?\s*\d{1,5}\s*号"
_DOC_NUMBER = re.compile(rf"(?P<number>{_NUMBER})(?:\s+(?P<signer>签发人\s*[:：]\s*\S.*))?"
                         rf"|(?P<signer2>签发人\s*[:：]\s*\S.*?)\s+(?P<number2>{_NUMBER})")
_COPY_NO = re.compile(r"(?:No\.?\s*)?\d{6}")
_SECRET = re.compile(r"(?:绝密|机密|秘密)(?:\s*[★*]\s*\S{1,10})?")
_URGENT = re.compile(r"特急|加急|特提|平急")
_KINDS = ("通知|通报|决定|决议|命令|令|公报|公告|通告|意见|报告|请示|批复|议案|函|纪要|"
          "办法|规定|方案|规划|细则|条例")
_TITLE_KIND = re.compile(rf".*(?:关于|转发|印发).*的?(?:{_KINDS})$|.*(?:{_KINDS})$")
_ABOUT = re.compile(r"(.{2,40}?)\s*关于")
# a labelled field ("发文字号：", "标　题：") is never a line of a title
_FIELDISH = re.compile(r"^\s*\S{1,6}?[ \u3000]*\S{0,3}\s*[:：]")
# a metadata line: a short label, a colon and a value
_LABELLED = re.compile(r"[\u4e00-\u9fff](?:\s?[\u4e00-\u9fff]){0,4}\s*[:：]\s*\S.{0,40}")
# 版记
_CC = re.compile(r"(抄送|分送|抄报|报送|发送)\s*[:：]\s*(.*)")
_KEYWORDS = re.compile(r"主题词\s*[:：]\s*(.*)")
_IMPRINT = re.compile(r"(.{2,40}?)\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*印\s*发)")
_PRINT_RUN = re.compile(r"[（(]?\s*共印\s*\d+\s*份\s*[)）]?")
# 主送: names of bodies (各…, …单位/部门/政府/委员会…), not people (同志们, 各位代表)
_BODY_WORD = re.compile(r"^各(?!位)|单位|部门|政府|委员会|委|党组|党委|机关|局|厅|部|办公室|办|院|校|"
                        r"处|科|室|中心|公司|集团|支部|总支|会|所|站|队|军区|社区|村|街道|合伙人|股东|成员")
_PEOPLE = re.compile(r"^(各位|同志们|同学们|朋友们|亲爱的|尊敬的|女士们|先生们)")
_ATTACH_NOTE = re.compile(r"附\s*件\s*[:：]\s*(.*)")
_ATTACH_HEAD = re.compile(r"附\s*件\s*([\d一二三四五六七八九十]{0,3})\s*[:：]?")
_ITEM = re.compile(r"(\d{1,2})\s*[.．、]\s*(.+)")
# a notice that forwards, issues or approves a document prints it after its own 落款
_FORWARDS = re.compile(r"转发|印发|批转|颁发|发布")


@dataclass
class Official:
    """What ``take`` found; ``finish`` puts it into the document."""

    lines: list[Line]  # the lines left for the front matter and body
    front: FrontMatter | None = None  # title (and notes) when the 公文 layout fixed them
    doc_number: str = ""
    addressees: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    imprint: str = ""
    organ: str = ""  # 发文机关, for meta.source
    title_above: list[int] = field(default_factory=list)  # a title printed above the 发文字号
    date: str | None = None  # 成文日期
    tail: list[Block] = field(default_factory=list)  # 附件说明, 署名, 成文日期, 附注
    # (label, lines, title): "附件1" and its lines, or a forwarded document under its title
    attachments: list[tuple[str, list[Line], str]] = field(default_factory=list)


def take(lines: list[Line], notes: Notes) -> tuple[list[Line], Official | None]:
    """Lines without page numbers, and the official document's parts if it is one."""
    kept: list[Line] = []
    for ln in lines:
        if not ln.blank and is_dashed_folio(ln.text):
            notes.discard(ln, "page number")
        else:
            kept.append(ln)
    lines = kept
    text_idx = [i for i, ln in enumerate(lines) if not ln.blank]
    if not text_idx:
        return lines, None
    off = Official(lines=lines)
    drop: dict[int, str] = {}  # line index → reason

    banner_end = _banner(lines, text_idx, off, drop)
    record_end = _record(lines, text_idx, off, drop)
    first = next((i for i in text_idx if i > banner_end), None)
    title_lines, addressee_end = _title_and_addressees(lines, text_idx, first, off, drop,
                                                      has_banner=banner_end >= 0,
                                                      title=off.title_above)
    official = bool(off.doc_number) or record_end < len(lines) or bool(off.addressees)
    if not official:
        return lines, None
    forwards = bool(title_lines) and bool(_FORWARDS.search(_join(lines[i].text for i in title_lines)))
    body_end = _signature(lines, text_idx, max(addressee_end, banner_end), record_end, off, drop,
                          forwards=forwards)
    _attachment_note(lines, text_idx, max(addressee_end, banner_end), body_end, off, drop)
    if title_lines:
        title = _join(lines[i].text for i in title_lines)
        meta = Meta(title=widen_punctuation(title))
        for i in range(title_lines[-1] + 1, max(addressee_end, title_lines[-1] + 1)):
            if not lines[i].blank and drop.get(i) == "note under the title":
                meta.notes.append(widen_punctuation(lines[i].text))
        m = _ABOUT.match(title)
        organ_from_title = m.group(1).strip() if m else ""
        off.organ = off.organ or organ_from_title
    out: list[Line] = []
    for i, ln in enumerate(lines):
        reason = drop.get(i)
        if reason is None:
            out.append(ln)
        elif reason not in ("kept", "note under the title"):
            notes.discard(ln, reason)
    off.lines = out
    if title_lines:
        # the title lines stay (the body starts after them): count what is left above
        kept_above = sum(1 for i in range(max(addressee_end, title_lines[-1] + 1)) if i not in drop)
        off.front = FrontMatter(meta=meta, body_start=kept_above)
    return out, off


def finish(doc: Document, off: Official, build: Callable[[list[Line]], Any]) -> None:
    """Fill the model's 公文 fields and put signature, notes and attachments in place."""
    meta = doc.meta
    meta.doc_number = off.doc_number
    meta.addressees = off.addressees
    meta.cc = off.cc
    meta.imprint = off.imprint
    if off.organ:
        meta.source = off.organ
    if off.date:
        meta.date = off.date
    if off.tail:
        _last_body(doc).extend(off.tail)
    for label, lines, title in off.attachments:
        tree = build(lines)
        text_lines = [ln for ln in lines if not ln.blank]
        if not title and text_lines and tree.body and tree.body[0].type == "paragraph" \
                and len(tree.body[0].text) <= 60 and tree.body[0].text[-1:] not in SENTENCE_END:
            title = tree.body.pop(0).text  # the attachment's own title under "附件1"
        sec = Section(level=1, label=label, title=title, body=tree.body, sections=tree.sections)
        _shift(sec.sections, 1)
        _sign_attachment(sec)
        doc.sections.append(sec)


def _sign_attachment(sec: Section) -> None:
    """An attached or forwarded document ends with its own 署名 and 成文日期 (国家地震局 /
    一九九六年一月二十五日): signature blocks, as the notice's own."""
    while sec.sections:
        sec = sec.sections[-1]
    body = sec.body
    if not body or body[-1].type != "paragraph" or not is_date_only(body[-1].text):
        return
    body[-1] = Block("signature", body[-1].text)
    k = len(body) - 2
    while k >= 0 and len(body) - k <= 3 and body[k].type == "paragraph" and not body[k].label \
            and _signer_like(body[k].text):
        body[k] = Block("signature", body[k].text)
        k -= 1


def _shift(sections: list[Section], by: int) -> None:
    for s in sections:
        s.level += by
        _shift(s.sections, by)


def _last_body(doc: Document) -> list[Block]:
    """The body the document's last paragraph is in: signatures go after it."""
    if not doc.sections:
        return doc.body
    sec = doc.sections[-1]
    while sec.sections:
        sec = sec.sections[-1]
    return sec.body


def _join(parts) -> str:
    out = ""
    for p in parts:
        p = squash_spaces(p)
        if out and re.search(r"[A-Za-z0-9]$", out) and re.match(r"[A-Za-z0-9]", p):
            out += " "
        out += p
    return out


# --- 版头 ---------------------------------------------------------------------

def _banner(lines: list[Line], idx: list[int], off: Official, drop: dict[int, str]) -> int:
    """The header above the title; returns the index of its last line, or -1."""
    for pos, i in enumerate(idx[:10]):
        m = _DOC_NUMBER.fullmatch(squash_spaces(lines[i].text))
        if not m:
            continue
        above = idx[:pos]
        if any(len(lines[j].text) > 40 or lines[j].text[-1] in SENTENCE_END for j in above):
            return -1
        off.doc_number = re.sub(r"\s+", "", m.group("number") or m.group("number2"))
        # Copied from a web page, the title often stands above the number: lines that end in
        # a kind of document (…的决定, …的通知) are the title, not the issuing body's header.
        plain = [j for j in above if not (_COPY_NO.fullmatch(squash_spaces(lines[j].text))
                                          or _SECRET.fullmatch(squash_spaces(lines[j].text))
                                          or _URGENT.fullmatch(squash_spaces(lines[j].text))
                                          or is_rule(lines[j].text))]
        if plain and _TITLE_KIND.fullmatch(lines[plain[-1]].text.strip()) \
                and not lines[plain[-1]].text.strip().endswith("文件"):
            k = len(plain) - 1
            while (k > 0 and len(plain) - k < 4 and not _FIELDISH.search(lines[plain[k - 1]].text)
                   and len(lines[plain[k - 1]].text) <= 40
                   and lines[plain[k - 1]].text.strip()[-1] not in SENTENCE_END + "：:"):
                k -= 1
            off.title_above = plain[k:]
            above = [j for j in above if j not in off.title_above]
        for j in above:
            t = squash_spaces(lines[j].text)
            if _COPY_NO.fullmatch(t):
                drop[j] = "份号 (copy number, 版头)"
            elif _SECRET.fullmatch(t):
                drop[j] = "密级 (classification, 版头)"
            elif _URGENT.fullmatch(t):
                drop[j] = "紧急程度 (urgency, 版头)"
            elif is_rule(t):
                drop[j] = "separator line (版头)"
            else:
                drop[j] = "发文机关标志 (issuing body's header, 版头)"
                if not off.organ:
                    off.organ = re.sub(r"\s*文件$", "", t) if t.endswith("文件") else ""
        drop[i] = "发文字号 (kept as meta.doc_number)" + ("; 签发人" if (m.group("signer")
                                                                   or m.group("signer2")) else "")
        end = i
        for j in idx[pos + 1:pos + 3]:
            if is_rule(lines[j].text):
                drop[j] = "separator line (版头)"
                end = j
            else:
                break
        # the organ from the header is only a fallback; the signature names it properly
        off.organ = ""
        return end
    return -1


# --- 标题 and 主送机关 ------------------------------------------------------------

def _title_and_addressees(lines: list[Line], idx: list[int], first: int | None, off: Official,
                          drop: dict[int, str], has_banner: bool,
                          title: list[int] | None = None) -> tuple[list[int], int]:
    """Title line indexes and the index after the addressee line(s) (or after the title).

    ``title``: lines already known to be the title (printed above the 发文字号); the
    addressees are then looked for from ``first`` on.
    """
    if first is None:
        return [], -1
    start = idx.index(first)
    known = bool(title)
    title = list(title or [])
    pos = start
    while not known and pos < len(idx) and len(title) < 4:
        t = lines[idx[pos]].text
        if len(t) > 40 or t[-1] in SENTENCE_END + "：:，、" or find_marker(t) \
                or (title and _LABELLED.fullmatch(squash_spaces(t))):
            break
        if title and t[0] in "（(" and t[-1] in "）)":
            break
        title.append(idx[pos])
        pos += 1
    if not title:
        return [], -1
    # a note in brackets under the title: （2024年1月5日市政府第3次常务会议通过）
    while pos < len(idx) and lines[idx[pos]].text[0] in "（(" and lines[idx[pos]].text[-1] in "）)" \
            and len(lines[idx[pos]].text) < 80:
        drop[idx[pos]] = "note under the title"
        pos += 1
    # a labelled line between title and 主送 (单位：组织部, 发布时间：…) is the page's metadata
    while pos < len(idx) and _LABELLED.fullmatch(squash_spaces(lines[idx[pos]].text)):
        drop[idx[pos]] = "metadata line"
        pos += 1
    # 主送: one to three lines, the last ending with ：
    names_text, used = "", []
    for k in range(pos, min(pos + 3, len(idx))):
        t = lines[idx[k]].text
        names_text += t
        used.append(idx[k])
        if t[-1] in "：:":
            break
    else:
        used = []
    addressees = _addressees(names_text) if used else []
    title_text = "".join(lines[i].text for i in title)
    if not addressees or not (has_banner or _TITLE_KIND.fullmatch(title_text)):
        if has_banner:
            return title, title[-1] + 1
        return [], -1
    off.addressees = addressees
    for i in used:
        drop[i] = "主送机关 (kept as meta.addressees)"
    return title, used[-1] + 1


def _addressees(text: str) -> list[str]:
    t = squash_spaces(text).rstrip("：:").strip()
    if not t or len(t) > 200 or "。" in t or _PEOPLE.match(t):
        return []
    names = [n.strip() for n in re.split(r"[，,；;]", t) if n.strip()]
    # a name may list bodies of one kind: 北京市、天津市、…甘肃省人民政府
    if not names or any(len(part) > 40 for n in names for part in n.split("、")):
        return []
    if not all(_BODY_WORD.search(n) for n in names):
        return []
    return names


# --- 版记 -----------------------------------------------------------------------

def _record(lines: list[Line], idx: list[int], off: Official, drop: dict[int, str]) -> int:
    """The 版记 at the end (抄送, 印发机关和印发日期); returns the index where it starts."""
    start = len(lines)
    k = len(idx) - 1
    parts: list[tuple[int, str]] = []
    while k >= 0 and len(idx) - k <= 12:
        i = idx[k]
        t = squash_spaces(lines[i].text)
        if _IMPRINT.fullmatch(t) or _PRINT_RUN.fullmatch(t) or _CC.fullmatch(t) \
                or _KEYWORDS.fullmatch(t) or (is_rule(t) and parts):
            parts.insert(0, (i, t))
            k -= 1
            continue
        # a wrapped 抄送 list: a line of names followed by more 版记 lines
        if parts and _CC.fullmatch(parts[0][1]) is None and k > 0 \
                and _CC.fullmatch(squash_spaces(lines[idx[k - 1]].text)) and len(t) <= 60:
            parts.insert(0, (i, t))
            k -= 1
            continue
        break
    if not any(_IMPRINT.fullmatch(t) or _CC.fullmatch(t) for _, t in parts):
        return start
    # a rule line just above belongs to it
    while k >= 0 and is_rule(lines[idx[k]].text):
        parts.insert(0, (idx[k], lines[idx[k]].text))
        k -= 1
    current: list[str] | None = None
    for i, t in parts:
        if m := _CC.fullmatch(t):
            current = off.cc
            off.cc.extend(_names(m.group(2)))
            drop[i] = f"版记: {m.group(1)} (kept as meta.cc)"
        elif m := _IMPRINT.fullmatch(t):
            off.imprint = m.group(1).strip() + " " + _nospace(m.group(2))
            drop[i] = "版记: 印发机关和印发日期 (kept as meta.imprint)"
            current = None
        elif _PRINT_RUN.fullmatch(t):
            off.imprint = (off.imprint + " " + _nospace(t)).strip()
            drop[i] = "版记: 印数 (kept in meta.imprint)"
        elif m := _KEYWORDS.fullmatch(t):
            drop[i] = "版记: 主题词 (subject words)"
            current = None
        elif is_rule(t):
            drop[i] = "separator line (版记)"
        elif current is not None:
            current.extend(_names(t))
            drop[i] = "版记: 抄送 (kept as meta.cc)"
    return parts[0][0]


def _nospace(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _names(text: str) -> list[str]:
    return [n.strip() for n in re.split(r"[，,；;]", text.strip().rstrip("。.")) if n.strip()]


# --- 署名, 成文日期, 附注, 附件 --------------------------------------------------------

def _signature(lines: list[Line], idx: list[int], body_start: int, record_start: int,
               off: Official, drop: dict[int, str], *, forwards: bool = False) -> int:
    """Find 成文日期 and 署名 above the 版记; returns the index where the body ends."""
    tail = [i for i in idx if body_start <= i < record_start and i not in drop]
    end = record_start  # where the last 附件 ends
    forwarded = _forwarded(lines, tail) if forwards else []
    if forwarded:
        # the forwarded document: its title lines, then everything up to the 版记
        title = _join(squash_spaces(lines[tail[p]].text) for p in forwarded)
        lo, end = tail[forwarded[-1]] + 1, record_start
        part = [ln for j, ln in enumerate(lines[lo:end], start=lo) if j not in drop]
        for j in range(tail[forwarded[0]], end):
            drop.setdefault(j, "kept")
        end = tail[forwarded[0]]
        tail = tail[:forwarded[0]]
    # attachments: a line "附件" / "附件1" standing alone after the date starts each one
    heads = [p for p, i in enumerate(tail) if _ATTACH_HEAD.fullmatch(squash_spaces(lines[i].text))
             and not _ATTACH_NOTE.fullmatch(lines[i].text)]
    date_pos = None
    for p in range(len(tail) - 1, -1, -1):
        t = lines[tail[p]].text
        if is_date_only(t) and not t.startswith(("（", "(")):
            after = tail[p + 1:heads[0]] if heads and heads[0] > p else tail[p + 1:]
            if all(_is_note(lines[i].text) for i in after):
                date_pos = p
                break
        if len(tail) - p > 40:
            break
    if date_pos is None:
        return record_start
    date_i = tail[date_pos]
    off.date = find_date(lines[date_i].text)
    signers: list[int] = []
    p = date_pos - 1
    while p >= 0 and len(signers) < 3:
        t = lines[tail[p]].text
        if not _signer_like(t):
            break
        signers.insert(0, tail[p])
        p -= 1
    names = [squash_spaces(lines[i].text) for i in signers]
    if any(re.search(r"[\u4e00-\u9fff]", n) for n in names):
        off.organ = " ".join(names)
    for i in signers:
        off.tail.append(Block("signature", widen_punctuation(squash_spaces(lines[i].text))))
        drop[i] = "kept"
    off.tail.append(Block("signature", squash_spaces(lines[date_i].text)))
    drop[date_i] = "kept"
    first_att = next((q for q in heads if q > date_pos), None)
    for i in tail[date_pos + 1:first_att if first_att is not None else len(tail)]:
        off.tail.append(Block("note", widen_punctuation(lines[i].text)))
        drop[i] = "kept"
    if first_att is not None:
        starts = [q for q in heads if q >= first_att]
        for n, q in enumerate(starts):
            end_pos = starts[n + 1] if n + 1 < len(starts) else len(tail)
            head = squash_spaces(lines[tail[q]].text).rstrip("：:")
            lo, hi = tail[q], (tail[end_pos] if end_pos < len(tail) else end)
            part = [ln for j, ln in enumerate(lines[lo + 1:hi], start=lo + 1) if j not in drop]
            off.attachments.append((head.replace(" ", ""), part, ""))
            for j in range(lo, hi):
                drop.setdefault(j, "kept")
    if forwarded:
        off.attachments.append(("", part, widen_punctuation(title)))
    return signers[0] if signers else date_i


def _forwarded(lines: list[Line], tail: list[int]) -> list[int]:
    """Positions (in ``tail``) of the title of a document printed after the notice's 落款.

    The 落款 is the first 署名 + 成文日期 that is followed, after any 附注, by one to three
    short lines that together name a 公文 kind (…的报告) and then by more text.
    """
    for p in range(1, len(tail)):
        t = lines[tail[p]].text
        if not is_date_only(t) or t.startswith(("（", "(")) or not _signer_like(lines[tail[p - 1]].text):
            continue
        q = p + 1
        while q < len(tail) and _is_note(lines[tail[q]].text):
            q += 1
        title: list[int] = []
        while q < len(tail) - 1 and len(title) < 3:
            s = squash_spaces(lines[tail[q]].text)
            if len(s) > 40 or s[-1] in SENTENCE_END + "：:，,、；;" or _FIELDISH.match(s):
                break
            title.append(q)
            q += 1
            joined = _join(squash_spaces(lines[tail[r]].text) for r in title)
            if len(joined) >= 8 and _TITLE_KIND.fullmatch(joined):
                return title
    return []


def _signer_like(text: str) -> bool:
    """A 署名 line: short, not a sentence, not a field or a list item."""
    return (len(text) <= 30 and text[-1] not in SENTENCE_END + "：:，、" and "：" not in text
            and ":" not in text and not find_marker(text) and not _ATTACH_NOTE.match(text))


def _is_note(text: str) -> bool:
    """附注 under the date: （此件公开发布）, （联系人：张三，电话：…）."""
    return text[0] in "（(" and text[-1] in "）)" and len(text) <= 120


def _attachment_note(lines: list[Line], idx: list[int], body_start: int, body_end: int,
                     off: Official, drop: dict[int, str]) -> None:
    """附件说明 at the end of the body: "附件：1.名称" and further numbered names."""
    body = [i for i in idx if body_start <= i < body_end and i not in drop]
    start = None
    for p in range(len(body) - 1, max(len(body) - 12, -1), -1):
        if _ATTACH_NOTE.fullmatch(lines[body[p]].text):
            start = p
            break
    if start is None:
        return
    first = _ATTACH_NOTE.fullmatch(lines[body[start]].text).group(1).strip()
    items: list[tuple[str, str]] = []
    loose: list[str] = []
    texts = [first] + [lines[i].text for i in body[start + 1:]]
    for t in texts:
        if not t:
            continue
        m = _ITEM.fullmatch(t)
        if m:
            items.append((f"{m.group(1)}.", m.group(2).strip()))
        elif items:
            items[-1] = (items[-1][0], items[-1][1] + t)  # a name that wrapped
        else:
            loose.append(t)
    blocks: list[Block] = []
    if items and not loose:
        blocks.append(Block("paragraph", "附件："))
        blocks.append(Block("list", items=[ListItem(lab, widen_punctuation(txt)) for lab, txt in items]))
    else:
        blocks.append(Block("paragraph", widen_punctuation("".join(loose) or first), label="附件："))
    off.tail[0:0] = blocks
    for i in body[start:]:
        drop[i] = "kept"
