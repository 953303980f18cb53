"""PDFs made for the reader tests with WeasyPrint: real fonts, real layout, known text."""

from __future__ import annotations

from pathlib import Path

FONT = '"Noto Serif CJK SC", "Noto Sans CJK SC", serif'

PARAGRAPHS = [
    "党的二十大报告指出，全面建设社会主义现代化国家，必须坚持中国特色社会主义文化发展道路，"
    "增强文化自信，围绕举旗帜、聚民心、育新人、兴文化、展形象建设社会主义文化强国。",
    "学习贯彻党的二十大精神，要在全面学习、全面把握、全面落实上下功夫，把思想和行动统一到"
    "党中央决策部署上来，以奋发有为的精神状态推进各项工作。",
    "各级党组织要把学习宣传贯彻党的二十大精神作为当前和今后一个时期的首要政治任务，"
    "精心组织安排，确保学习全覆盖、无死角，推动学习往深里走、往心里走、往实里走。",
]
LATIN = "在 Python 3.12 中，the global interpreter lock 仍然存在；详见 PEP 703 and its discussion。"


def html_page(body: str, css: str = "") -> str:
    return f"""<!doctype html><html lang="zh"><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 25mm 26mm 30mm 28mm; }}
body {{ font-family: {FONT}; font-size: 12pt; line-height: 1.6; text-align: justify; }}
h1 {{ font-size: 20pt; text-align: center; font-weight: bold; margin: 0 0 1em; }}
h2 {{ font-size: 14pt; font-weight: bold; margin: 0.8em 0 0.3em; }}
p {{ text-indent: 2em; margin: 0; }}
{css}</style></head><body>{body}</body></html>"""


def write_pdf(html: str, path: Path) -> Path:
    import weasyprint

    weasyprint.HTML(string=html, base_url=str(path.parent)).write_pdf(path)
    return path
