"""Property tests of the invariant: whatever a web page or a Word file looks like, every Han
character a reader of it sees ends up in the model (body, metadata or ``discarded``)."""

from __future__ import annotations

import io
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.parser import parse
from pipeline.parser.text import han_chars
from pipeline.readers import read_source
from tests.conservation import docx_visible_text, html_visible_text
from tests.helpers import model_texts

SETTINGS = settings(max_examples=80, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

han = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
punct = st.sampled_from(list("，。、；：？！“”《》（）——"))
words = st.text(st.one_of(han, han, han, punct, st.sampled_from(list("ab1 "))), min_size=0, max_size=40)
names = st.sampled_from(["", "content", "article", "main", "nav", "sidebar", "comment-list", "share",
                         "footer", "related", "title", "source", "time", "author", "followBox",
                         "TRS_Editor", "conTxt", "x"])
styles = st.sampled_from(["", "", "", "display:none", "font-size:12px", "font-weight:bold",
                          "visibility:hidden"])
BLOCKS = ["div", "p", "section", "td", "li", "h1", "h2", "h3", "blockquote", "center", "pre"]
INLINE = ["span", "a", "b", "strong", "em", "font", "small"]


def _element(draw, depth: int) -> str:
    kind = draw(st.sampled_from(["text", "block", "inline", "script", "comment", "br", "img",
                                 "table", "list", "noscript"]))
    if depth > 4 or kind == "text":
        return draw(words)
    if kind == "br":
        return "<br>"
    if kind == "img":
        return "<img src='x.png' alt='图'>"
    if kind == "script":
        return f"<script>var s = '{draw(words)}';</script><style>.a{{}}</style>"
    if kind == "comment":
        return f"<!-- {draw(words)} -->"
    if kind == "noscript":
        return f"<noscript>{draw(words)}</noscript>"
    children = "".join(_element(draw, depth + 1) for _ in range(draw(st.integers(0, 4))))
    attrs = f" class='{draw(names)}' style='{draw(styles)}'"
    if kind == "table":
        cells = "".join(f"<td>{_element(draw, depth + 1)}</td>" for _ in range(draw(st.integers(1, 3))))
        return f"<table{attrs}><tr>{cells}</tr><tr><td>{children}</td></tr></table>"
    if kind == "list":
        return f"<ul{attrs}>" + "".join(f"<li>{_element(draw, depth + 1)}</li>" for _ in range(2)) + "</ul>"
    tag = draw(st.sampled_from(BLOCKS if kind == "block" else INLINE))
    return f"<{tag}{attrs}>{draw(words)}{children}</{tag}>"


@st.composite
def pages(draw) -> str:
    title = draw(words)
    meta = draw(st.sampled_from(["", f"<meta property='og:title' content='{title}'>",
                                 "<meta name='author' content='Administrator'>"]))
    body = "".join(_element(draw, 0) for _ in range(draw(st.integers(1, 6))))
    after = draw(st.sampled_from(["", f"</html><p>{draw(words)}</p>", f"</body><div>{draw(words)}</div>"]))
    return f"<html><head><title>{title}</title>{meta}</head><body>{body}</body></html>{after}"


def _missing(visible: str, doc) -> Counter[str]:
    have = Counter(han_chars("\n".join(model_texts(doc))))
    want = Counter(han_chars(visible))
    return Counter({c: n - have[c] for c, n in want.items() if have[c] < n})


@SETTINGS
@given(pages())
def test_every_visible_han_character_of_any_page_is_in_the_model(page):
    data = page.encode("utf-8")
    try:
        doc = parse(read_source(data, "p.html"))
    except Exception as exc:  # only the tool's own one-line errors are allowed
        from pipeline.errors import InputError

        assert isinstance(exc, InputError), exc
        assert not han_chars(html_visible_text(data)) or "no article text" in str(exc)
        return
    assert not _missing(html_visible_text(data), doc)
    assert all(d.reason for d in doc.discarded)


paragraph_styles = st.sampled_from(["Normal", "Normal", "Heading 1", "Heading 2", "Title", "Subtitle",
                                    "List Number"])


@st.composite
def word_documents(draw) -> bytes:
    import docx

    document = docx.Document()
    for _ in range(draw(st.integers(1, 8))):
        if draw(st.booleans()):
            document.add_paragraph(draw(words), style=draw(paragraph_styles))
        else:
            rows, cols = draw(st.integers(1, 3)), draw(st.integers(1, 3))
            table = document.add_table(rows=rows, cols=cols)
            for r in range(rows):
                for c in range(cols):
                    table.cell(r, c).text = draw(words)
            if rows > 1 and draw(st.booleans()):
                table.cell(0, 0).merge(table.cell(1, 0))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(word_documents())
def test_every_han_character_of_any_word_file_is_in_the_model(data):
    doc = parse(read_source(data, "w.docx"))
    assert not _missing(docx_visible_text(data), doc)
