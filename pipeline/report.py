"""The `check` report: the outline as a tree, so a parse can be judged at a glance."""

from __future__ import annotations

from pipeline.model import Block, Document, Meta, Section, section_name


def _clip(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _meta_lines(meta: Meta, indent: str = "") -> list[str]:
    out = []
    fields = [("标题", meta.title), ("副标题", meta.subtitle), ("日期", meta.date or ""),
              ("来源", meta.source)]
    for label, value in fields:
        out.append(f"{indent}{label}：{value or '（无）'}")
    if meta.authors:
        names = "；".join(
            a.name + (f"（{'、'.join(a.titles)}）" if a.titles else "") for a in meta.authors)
        out.append(f"{indent}作者：{names}")
    else:
        out.append(f"{indent}作者：（无）")
    if meta.breadcrumb:
        out.append(f"{indent}位置：{' / '.join(meta.breadcrumb)}")
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


def _tree(sections: list[Section], depth: int, out: list[str]) -> None:
    for sec in sections:
        pad = "  " * depth
        mark = " [文章]" if sec.kind == "article" else (" [连排]" if sec.run_in else "")
        out.append(f"{pad}{'├─'} L{sec.level} {_clip(section_name(sec), 44)}{mark}"
                   f"  ({_block_summary(sec.body)})")
        if sec.meta is not None:
            out.extend(_meta_lines(sec.meta, pad + "   "))
        _tree(sec.sections, depth + 1, out)


def render_check(doc: Document) -> str:
    out = [f"文件：{doc.source_file}（{doc.encoding or '未知编码'}）"]
    out.extend(_meta_lines(doc.meta))
    out.append("")
    out.append("结构：")
    if doc.body:
        out.append(f"  （导语 {_block_summary(doc.body)}）")
    _tree(doc.sections, 1, out)
    if not doc.sections:
        out.append("  （没有识别出标题）")
    out.append("")
    out.append(f"引文 {len(doc.quotes)} 条，提法 {sum(1 for t in doc.terms if t.kind == 'formulation')} 个，"
               f"书名 {sum(1 for t in doc.terms if t.kind == 'book')} 个")
    out.append("")
    out.append(f"警告（{len(doc.warnings)}）：")
    out.extend(f"  ! [{w.code}] {w.message}" for w in doc.warnings)
    out.append(f"已删除的行（{len(doc.discarded)}）：")
    out.extend(f"  - 第{d.line}行 [{d.reason}] {_clip(d.text, 50)}" for d in doc.discarded)
    return "\n".join(out) + "\n"
