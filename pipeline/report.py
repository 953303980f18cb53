"""The `check` report: the outline as a tree, so a parse can be judged at a glance.

What to review comes first (the warnings, each with what to do), then the
metadata (values that came from a correction are marked), the outline, and the
lines that were dropped, and last the study aids it gets (genre, aids left out and why,
formulations with no definition).
"""

from __future__ import annotations

from pipeline.model import Block, Correction, Document, Meta, Section, StudyAids, section_name

GENRE_NAMES = {"speech": "讲话报告", "commentary": "评论文章", "regulation": "法规条例",
               "notice": "通知公文", "news": "新闻报道", "notes": "学习笔记"}
AID_NAMES = {"excerpts": "重点摘编", "glossary": "名词解释", "questions": "思考讨论题",
             "quiz": "学习测试"}


def _norm(text: str) -> str:
    return "".join(text.split())


def _clip(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _corrected(field: str, fixes: dict[str, Correction]) -> str:
    fix = fixes.get(field)
    if fix is None:
        return ""
    was = f"；原为：{_clip(fix.was, 30)}" if fix.was else ""
    return f"  ［已改正，{fix.origin or '改正'}{was}］"


def _meta_lines(meta: Meta, indent: str = "", fixes: dict[str, Correction] | None = None) -> list[str]:
    out = []
    fixes = fixes or {}
    fields = [("标题", "title", meta.title), ("副标题", "subtitle", meta.subtitle),
              ("日期", "date", meta.date or ""), ("来源", "source", meta.source)]
    for label, key, value in fields:
        out.append(f"{indent}{label}：{value or '（无）'}{_corrected(key, fixes)}")
    if meta.authors:
        names = "；".join(
            a.name + (f"（{'、'.join(a.titles)}）" if a.titles else "") for a in meta.authors)
        out.append(f"{indent}作者：{names}{_corrected('authors', fixes)}")
    else:
        out.append(f"{indent}作者：（无）{_corrected('authors', fixes)}")
    if meta.breadcrumb:
        out.append(f"{indent}位置：{' / '.join(meta.breadcrumb)}")
    for label, value in (("发文字号", meta.doc_number), ("主送", "、".join(meta.addressees)),
                         ("抄送", "、".join(meta.cc)), ("印发", meta.imprint)):
        if value:
            out.append(f"{indent}{label}：{value}")
    for note in meta.notes:
        out.append(f"{indent}题注：{note}")
    return out


def _block_summary(blocks: list[Block]) -> str:
    paras = sum(1 for b in blocks if b.type != "list")
    items = sum(len(b.items) for b in blocks if b.type == "list")
    chars = sum(len(b.text) + sum(len(i.text) for i in b.items) for b in blocks)
    parts = [f"{paras} 段"]
    if items:
        parts.append(f"{items} 条列项")
    parts.append(f"{chars} 字")
    return "，".join(parts)


def _tree(sections: list[Section], depth: int, out: list[str],
          levels: dict[str, Correction]) -> None:
    for sec in sections:
        pad = "  " * depth
        mark = " [文章]" if sec.kind == "article" else (" [连排]" if sec.run_in else "")
        fix = next((levels[k] for k in (_norm(section_name(sec)), _norm(sec.label + sec.title),
                                         _norm(sec.title)) if k in levels), None)
        if fix is not None:
            mark += f" [已改级，原为 L{fix.was}]" if fix.was != "0" else " [已改为标题]"
        out.append(f"{pad}{'├─'} L{sec.level} {_clip(section_name(sec), 44)}{mark}"
                   f"  ({_block_summary(sec.body)})")
        if sec.meta is not None:
            out.extend(_meta_lines(sec.meta, pad + "   "))
        _tree(sec.sections, depth + 1, out, levels)


def _warning_lines(doc: Document, source_name: str, workspace: bool) -> list[str]:
    from pipeline.review import hint

    out = [f"警告（{len(doc.warnings)}）："]
    for w in doc.warnings:
        todo = hint(w, source_name, workspace)
        out.append(f"  ! [{w.code}] {w.message}" + (f" → {todo}" if todo else ""))
    return out


def _how_read(doc: Document) -> str:
    """"（PDF，12 页，文字层）", "（纯文本，gb18030）": how the source was read and, for text,
    its encoding (binary formats have none)."""
    parts = [doc.read_as] if doc.read_as else []
    if doc.encoding and doc.encoding not in doc.read_as:
        parts.append(doc.encoding)
    return f"（{'，'.join(parts)}）" if parts else ""


def render_check(doc: Document, source_name: str = "", workspace: bool = False) -> str:
    """The report; ``source_name`` and ``workspace`` say how warnings' hints are put
    (``-M`` on the command line, or the workspace's ``[articles."NAME"]`` table)."""
    fixes = {c.field: c for c in doc.corrections if c.field in
             ("title", "subtitle", "authors", "date", "source")}
    levels = {_norm(c.value.rsplit(" → ", 1)[0]): c for c in doc.corrections if c.field == "level"}
    out = [f"文件：{doc.source_file}{_how_read(doc)}"]
    out.extend(_warning_lines(doc, source_name, workspace))
    out.append("")
    out.extend(_meta_lines(doc.meta, fixes=fixes))
    out.append("")
    out.append("结构：")
    if doc.body:
        out.append(f"  （导语 {_block_summary(doc.body)}）")
    _tree(doc.sections, 1, out, levels)
    if not doc.sections:
        out.append("  （没有识别出标题）")
    out.append("")
    out.append(f"引文 {len(doc.quotes)} 条，提法 {sum(1 for t in doc.terms if t.kind == 'formulation')} 个，"
               f"书名 {sum(1 for t in doc.terms if t.kind == 'book')} 个")
    out.append("")
    if doc.corrections:
        out.append(f"改正（{len(doc.corrections)}）：")
        out.extend(f"  * {_correction_line(c)}" for c in doc.corrections)
    out.append(f"已删除的行（{len(doc.discarded)}）：")
    out.extend(f"  - 第{d.line}行 [{d.reason}] {_clip(d.text, 50)}" for d in doc.discarded)
    if doc.aids is not None:
        out.append("")
        out.extend(_aid_lines(doc.aids))
    return "\n".join(out) + "\n"


_NAMES = {"title": "标题", "subtitle": "副标题", "authors": "作者", "date": "日期", "source": "来源",
          "drop": "删除", "keep": "恢复", "level": "级别"}


def _correction_line(c: Correction) -> str:
    value = c.value or "（空）"
    if c.field == "level":
        value = value.replace(" → 0", " → 正文")
    return f"{_NAMES.get(c.field, c.field)}：{_clip(value, 50)}（{c.origin or '改正'}）"


def _aid_lines(aids: StudyAids) -> list[str]:
    """What the study aids will hold, what is left out and why, what needs a definition."""
    out = [f"学习辅导（文体：{GENRE_NAMES.get(aids.genre, aids.genre or '未知')}）："]
    counts = {"excerpts": len(aids.excerpts), "glossary": len(aids.glossary),
              "questions": len(aids.questions), "quiz": len(aids.quiz)}
    omitted = {o.aid: o.reason for o in aids.omitted}
    for aid, name in AID_NAMES.items():
        if aid in omitted:
            out.append(f"  {name}：不设——{omitted[aid]}")
        else:
            out.append(f"  {name}：{counts[aid]} 条")
    if aids.undefined:
        out.append(f"  没有释义、不印出的提法（{len(aids.undefined)}）——可用 --glossary 文件补充：")
        out.extend(f"    - {term}：no definition — add it with --glossary" for term in aids.undefined)
    return out
