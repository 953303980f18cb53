"""HTML reader: article extraction, metadata hints, dropped text, safety, bad input."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest

from pipeline.errors import InputError
from pipeline.readers import html, read, read_source

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
if not CORPUS.is_dir():
    CORPUS = Path("/work/shared/corpus")
BAXIANG = CORPUS / "baxiang_guiding.html"
DANGSHI = CORPUS / "dangshi_tiaoli.html"

HAN = re.compile(r"[\u4e00-\u9fff]")


def _read(path: Path):
    return html.read(path.read_bytes(), path.name)




def _write(page: str) -> Path:
    import tempfile

    folder = Path(tempfile.mkdtemp())
    path = folder / "page.html"
    path.write_text(page, encoding="utf-8")
    return path


def _print_area_han(path: Path) -> str:
    """Han characters of the article container between the print markers."""
    page = path.read_text(encoding="utf-8")
    part = page[page.index("<!--startprint-->"):page.index("<!--endprint-->")]
    tree = lxml.html.fromstring(part)
    for bad in tree.xpath("//script|//style"):
        bad.drop_tree()
    (con,) = tree.xpath("//div[@class='conTxt']")
    return "".join(HAN.findall(con.text_content()))


@pytest.fixture(scope="module")
def baxiang():
    return _read(BAXIANG)


@pytest.fixture(scope="module")
def dangshi():
    return _read(DANGSHI)


def test_baxiang_hints(baxiang):
    assert baxiang.format == "html"
    assert baxiang.encoding == "utf-8"
    # the article's own title, atop its text, not the page heading "每周一学（…）中共中央八项规定"
    assert baxiang.hints.title == "中共中央八项规定"
    assert baxiang.hints.breadcrumb == ["首页", "党建引领", "学习专栏"]
    assert baxiang.site == "绍兴市第一中学"
    assert baxiang.hints.authors == []


def test_baxiang_article_lines(baxiang):
    texts = [ln.text for ln in baxiang.lines]
    # the property line printed above the article goes to the parser with it
    assert texts[0].startswith("文章来源： 作者： 发布时间：2025年03月26日")
    assert [(ln.text, ln.heading) for ln in baxiang.lines if ln.heading] == [("中共中央八项规定", 1)]
    assert texts[2].startswith("中共中央政治局2012年12月4日召开会议")
    assert texts[-1] == "八、要厉行勤俭节约，严格遵守廉洁从政有关规定，严格执行住房、车辆配备等有关工作和生活待遇的规定。"
    assert len(texts) == 11  # property line, title, intro, 一 … 八
    assert all(ln.lineno == 421 for ln in baxiang.lines[1:])  # all <p> sit on source line 421


def test_baxiang_junk_goes_to_discarded(baxiang):
    texts = [ln.text for ln in baxiang.lines]
    for junk in ("网站地图", "上一篇", "下一篇", "推荐阅读", "版权所有", "打印正文"):
        assert not any(junk in t for t in texts), junk
        assert any(junk in d.text for d in baxiang.discarded), junk
    reasons = {d.text: d.reason for d in baxiang.discarded}
    assert reasons["网站地图"] == "page footer"
    assert reasons["推荐阅读"] == "related links"
    assert reasons["当前位置：首页 > 党建引领> 学习专栏"] == "page metadata (breadcrumb)"
    assert reasons["每周一学（2025年3月24日-30日）中共中央八项规定"] == "page title"
    prev = next(d for d in baxiang.discarded if d.text.startswith("上一篇"))
    assert prev.reason == "prev/next links"
    assert prev.line == 431
    # Script code is never text, not even discarded text.
    assert not any("CheckIsLogin1" in d.text or "jQuery" in d.text for d in baxiang.discarded)


def test_dangshi_first_and_last_lines(dangshi):
    texts = [ln.text for ln in dangshi.lines]
    assert texts[1] == "党史学习教育工作条例" and dangshi.lines[1].heading == 1
    # Two <span>s inside one <p> join without a space.
    assert texts[2:4] == ["（2024年1月18日中共中央政治局常委会会议审议批准", "2024年2月5日中共中央发布）"]
    assert texts[4] == "第一章 总则"
    assert texts[-1] == "（来源：新华社）"
    assert texts[-2] == "第三十四条 本条例自发布之日起施行。"


@pytest.mark.parametrize("path", [BAXIANG, DANGSHI], ids=lambda p: p.name)
def test_every_han_character_of_the_article_is_kept(path):
    st = _read(path)
    got = "".join(HAN.findall("".join(ln.text for ln in st.lines[2:])))
    assert got == _print_area_han(path)[len("".join(HAN.findall(st.lines[1].text))):]


def _renamed(data: bytes) -> bytes:
    for cls in (b"conTxt", b"printArea", b"mainContent"):
        data = data.replace(b'class="%s"' % cls, b'class="x%s"' % cls)
    return data


@pytest.mark.parametrize("path", [BAXIANG, DANGSHI], ids=lambda p: p.name)
def test_content_finder_without_known_containers(path):
    """With the CMS class names renamed, the density finder finds the same article."""
    st = html.read(_renamed(path.read_bytes()), "renamed.html")
    expected = _read(path)
    assert [ln.text for ln in st.lines] == [ln.text for ln in expected.lines]
    assert st.lines[1].lineno == 421
    assert any(d.text.startswith("下一篇") for d in st.discarded)


def test_content_finder_prefers_the_article_to_comments_and_sidebars():
    para = "这是正文的一段文字，讲清楚了事情的来龙去脉，也有足够的标点和长度。"
    comment = "评论者说：这篇文章写得很好，我完全同意作者的观点，值得大家认真学习。"
    page = ("<html><body><div id='nav'><a href='/'>首页</a> <a href='/a'>新闻</a></div>"
            f"<div class='main'><h1>标题文字在这里</h1><div class='text'><p>{para}</p><p>{para}</p>"
            f"<p>{para}</p></div><div class='comment-list'><p>{comment}</p><p>{comment}</p>"
            f"<p>{comment}</p><p>{comment}</p></div></div>"
            "<div class='sidebar'><ul><li><a href='/x'>相关新闻一</a></li><li><a href='/y'>相关新闻二</a>"
            "</li></ul></div></body></html>")
    st = html.read(page.encode("utf-8"), "c.html")
    texts = [ln.text for ln in st.lines]
    assert texts == ["标题文字在这里", para, para, para]
    assert st.lines[0].heading == 1
    reasons = {d.text: d.reason for d in st.discarded}
    assert reasons[comment] == "comments"


def test_text_after_a_stray_early_end_tag_is_kept():
    page = ("<html><body><div class='conTxt'><p>第一段正文，文字足够长，可以算作文章的内容。</p></div>"
            "</body></html><p>结尾后面还有一段文字。</p></html>")
    st = html.read(page.encode("utf-8"), "late.html")
    everything = [ln.text for ln in st.lines] + [d.text for d in st.discarded]
    assert "结尾后面还有一段文字。" in everything


def test_an_unsure_finder_keeps_the_page_and_warns():
    page = "<html><body><div><a href='/1'>链接一</a></div><div><a href='/2'>链接二</a></div></body></html>"
    st = html.read(page.encode("utf-8"), "links.html")
    assert [ln.text for ln in st.lines] == ["链接一", "链接二"]
    assert [w.code for w in st.warnings] == ["unsure-article"]


def test_hidden_text_and_captions_are_discarded_with_reasons():
    para = "正文段落的文字足够长，并且带有标点符号，说明这是文章的一部分。"
    page = (f"<html><body><div class='conTxt'><p>{para}</p><p><img src='a.jpg'></p>"
            f"<p>会场一角</p><p style='display:none'>隐藏的栏目名</p><p>{para}</p></div></body></html>")
    st = html.read(page.encode("utf-8"), "h.html")
    assert [ln.text for ln in st.lines] == [para, para]
    reasons = {d.text: d.reason for d in st.discarded}
    assert reasons["会场一角"] == "photo caption"
    assert reasons["隐藏的栏目名"] == "hidden text"


def test_truncated_title_is_completed_from_the_page(zh):
    para = "正文段落的文字足够长，并且带有标点符号，说明这是文章的一部分。"
    page = ("<html><head><title>关于进一步做好基层党建工作的若干...</title></head><body>"
            "<h1>关于进一步做好基层党建工作的若干...</h1><div class='conTxt'>"
            f"<p>原标题：《关于进一步做好基层党建工作的若干措施》</p><p>{para}</p></div></body></html>")
    st = html.read(page.encode("utf-8"), "t.html")
    assert st.hints.title == "关于进一步做好基层党建工作的若干措施"
    assert st.lines[0].text == st.hints.title and st.lines[0].heading == 1


PAGE = """<html><head><meta charset="{charset}"><title>测试标题_某某网</title></head>
<body><div class="nav"><a href="/">首页</a><a href="/x">要闻</a></div>
<div class="TRS_Editor">
<h2>一、总体要求</h2>
<p>第一段<b>加粗</b>文字。<br>第二行文字。</p>
<script>document.write('恶意')</script>
<noscript>请启用脚本</noscript>
<p>  </p>
<table><tr><td>单元格一</td><td>单元格二</td></tr></table>
<h3>（一）具体要求</h3><p>结尾。</p>
</div>
<div id="footer">版权所有 某某网</div></body></html>"""


def test_synthetic_page_blocks_headings_and_scripts():
    st = html.read(PAGE.format(charset="utf-8").encode("utf-8"), "page.html")
    got = [(ln.text, ln.heading) for ln in st.lines]
    # the <title> names no visible line, and a numbered heading is never the title
    assert got == [
        ("一、总体要求", 2),
        ("第一段加粗文字。", None),
        ("第二行文字。", None),
        ("单元格一", None),
        ("单元格二", None),
        ("（一）具体要求", 3),
        ("结尾。", None),
    ]
    assert st.hints.title == "测试标题"
    assert not any("恶意" in ln.text for ln in st.lines)
    assert not any("恶意" in d.text for d in st.discarded)
    reasons = {d.text: d.reason for d in st.discarded}
    assert reasons["请启用脚本"] == "script fallback text"
    assert reasons["版权所有 某某网"] == "page footer"
    assert reasons["首页要闻"] == "page navigation"  # inline links join into one line


def test_script_in_article_body_never_yields_text():
    page = ("<html><body><div class='conTxt'><p>正文第一段，足够长的文字内容在这里。</p>"
            "<script>document.write('恶意')</script><p>正文第二段。</p></div></body></html>")
    st = html.read(page.encode("utf-8"), "s.html")
    assert [ln.text for ln in st.lines] == ["正文第一段，足够长的文字内容在这里。", "正文第二段。"]


@pytest.mark.parametrize("charset", ["gbk", "gb2312", "GB2312"])
def test_declared_gbk_is_read_as_gb18030(charset):
    # 䶮 (U+4DAE) and € exist in GB18030 but not in GB2312/GBK proper.
    page = PAGE.format(charset=charset).replace("结尾。", "结尾䶮€。")
    st = html.read(page.encode("gb18030"), "gbk.html")
    assert st.encoding == "gb18030"
    assert st.lines[-1].text == "结尾䶮€。"


def test_resaved_utf8_page_with_stale_gbk_meta():
    st = html.read(PAGE.format(charset="gb2312").encode("utf-8"), "resaved.html")
    assert st.encoding == "utf-8"
    assert st.lines[0].text == "一、总体要求"


def test_property_line_metadata():
    page = ("<html><body><div class='path'>您的位置：首页 &gt; 新闻 &gt; 时政</div>"
            "<div class='info'>发布时间：2024-1-5 10:30 来源：新华社 作者：张三 李四</div>"
            "<div id='zoom'><p>正文内容正文内容正文内容正文内容正文内容。</p></div></body></html>")
    doc = read(_write(page))
    assert doc.meta.date == "2024-01-05"
    assert doc.meta.source == "新华社"
    assert [a.name for a in doc.meta.authors] == ["张三", "李四"]
    assert doc.meta.breadcrumb == ["首页", "新闻", "时政"]


def test_head_metadata_json_ld_and_meta_names():
    page = ("<html><head><title>某某文章标题_某某网</title>"
            "<script type='application/ld+json'>{\"@type\": \"NewsArticle\", \"headline\": "
            "\"某某文章标题\", \"datePublished\": \"2021-05-06T08:12:00+08:00\", "
            "\"author\": {\"@type\": \"Person\", \"name\": \"王小明\"}}</script>"
            "<meta name='ContentSource' content='某某日报'></head><body>"
            "<div class='x'><p>正文内容正文内容，正文内容正文内容正文内容。</p></div></body></html>")
    doc = read(_write(page))
    assert doc.meta.title == "某某文章标题"
    assert doc.meta.date == "2021-05-06"
    assert doc.meta.source == "某某日报"
    assert [a.name for a in doc.meta.authors] == ["王小明"]


def test_dispatch_by_extension():
    st = read_source(BAXIANG.read_bytes(), "page.htm")
    assert st.format == "html"


@pytest.mark.parametrize("data", [
    b"",
    b"   \n",
    b"<html></html>",
    b"<html><head><script>var a = 1;</script></head><body></body></html>",
    bytes(range(256)) * 20,
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00\xff" * 200,
    b"<html><body>" + b"<div>" * 3000 + b"x" + b"</div>" * 3000,
])
def test_bad_input_is_an_input_error(data):
    with pytest.raises(InputError) as err:
        html.read(data, "bad.html")
    msg = str(err.value)
    assert msg.startswith("bad.html: ")
    assert "\n" not in msg


def test_malformed_but_readable_html():
    page = b"<p>\xe6\xad\xa3\xe6\x96\x87<div><b>\xe6\x9c\xaa\xe9\x97\xad\xe5\x90\x88<td>\xe5\x8d\x95"
    st = html.read(page, "broken.html")
    assert [ln.text for ln in st.lines] == ["正文", "未闭合", "单"]


def test_xml_declaration_and_deep_nesting():
    page = '<?xml version="1.0" encoding="utf-8"?>\n<html><body>' + "<div>" * 1000 + "深处的正文" + "</div>" * 1000
    st = html.read(page.encode("utf-8"), "deep.xhtml")
    assert [ln.text for ln in st.lines] == ["深处的正文"]


@pytest.mark.parametrize("data", [
    b'<?xml version="1.0" encoding="utf-8"?><!DOCTYPE x><<<>>>&&&',
    b"<html><body><p>\xe6\xad\xa3</b></i></table><td><tr></body></html></p>",
    b"<meta charset=nonsense><p>\xd5\xfd\xce\xc4\xc4\xda\xc8\xdd</p>",
    b"<meta charset=utf-16><p>text</p>",
    b"<![CDATA[ x ]]><!-- unclosed comment <p>text",
    b"<html><body><p>a\x00b\x01c</p>",
])
def test_garbage_raises_nothing_but_input_error(data):
    try:
        st = html.read(data, "junk.html")
    except InputError as exc:
        assert "\n" not in str(exc)
    else:
        assert st.lines


def test_fuzz_only_input_errors():
    """Random tag soup: a SourceText or an InputError, never anything else."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    pieces = st.sampled_from(["<p>", "</p>", "<div class='conTxt'>", "</div>", "<br>", "<h2>",
                              "<script>", "</script>", "<!--", "-->", "<table><td>", "&nbsp;",
                              "&#0;", "&amp", "正文", "第一条", "\x00", "\ufffd", "<meta charset=gbk>",
                              "\xe9", "当前位置：首页 > 新闻", "发布时间：2024年13月40日"])

    @settings(max_examples=150, deadline=None)
    @given(st.lists(pieces, max_size=40), st.sampled_from(["utf-8", "gb18030", "utf-16"]))
    def check(parts, enc):
        data = "".join(parts).encode(enc, "replace")
        try:
            html.read(data, "fuzz.html")
        except InputError as exc:
            assert "\n" not in str(exc)

    check()


def test_pre_keeps_its_lines():
    page = ("<html><body><div class='conTxt'><p>代码示例如下所示，共两行文字内容：</p>"
            "<pre>第一行\n  第二行</pre></div></body></html>")
    st = html.read(page.encode("utf-8"), "pre.html")
    assert [ln.text for ln in st.lines] == ["代码示例如下所示，共两行文字内容：", "第一行", "  第二行"]


GOV_PAGE = """<html><head><meta charset="utf-8"><title>国务院办公厅关于做好基层减负工作的通知_国务院文件_中国政府网</title></head>
<body><div class="header"><a href="/">首页</a> <a href="/zhengce">政策</a></div>
<div class="bd1"><table>
<tr><td><b>索 引 号：</b></td><td>000014349/2024-00012</td><td><b>主题分类：</b></td><td>综合政务</td></tr>
<tr><td><b>发文机关：</b></td><td>国务院办公厅</td><td><b>成文日期：</b></td><td>2024年03月01日</td></tr>
<tr><td><b>标　　题：</b></td><td colspan="3">国务院办公厅关于做好基层减负工作的通知</td></tr>
<tr><td><b>发文字号：</b></td><td>国办发〔2024〕12号</td><td><b>发布日期：</b></td><td>2024年03月05日</td></tr>
</table></div>
<div class="article"><h1>国务院办公厅关于做好基层减负工作的通知</h1><div class="pages_content">
<p>为进一步做好基层减负工作，切实减轻基层负担，经国务院同意，现就有关事项通知如下。</p>
<p>一、精简文件会议。严格控制发文数量，能不发的坚决不发，能合并的坚决合并。</p>
<p>二、规范督查检查。统筹规范各类督查检查考核事项，坚决防止重复扎堆。</p>
</div></div><div class="footer">版权所有：中国政府网</div></body></html>"""


def test_a_property_table_above_the_title_gives_the_official_metadata():
    """Government portals print 发文机关, 成文日期, 发文字号 … one label a cell, above the title."""
    doc = read(_write(GOV_PAGE))
    assert doc.meta.title == "国务院办公厅关于做好基层减负工作的通知"
    assert doc.meta.date == "2024-03-01"  # written (成文) beats published
    assert doc.meta.source == "国务院办公厅"
    assert doc.meta.doc_number == "国办发〔2024〕12号"
    assert [s.label for s in doc.sections] == ["一、", "二、"]


def _page_parse(body: str):
    from pipeline.parser import parse

    page = (f"<html><head><title>外媒眼中的长假</title></head><body><h1>外媒眼中的长假</h1>"
            f"<div class='content'>{body}</div></body></html>")
    return parse(read_source(page.encode("utf-8"), "page.html"))


def test_bold_subheads_of_an_indented_page_and_their_lead_in_labels():
    para = "<p>　　报道称，这座城市再度充满活力，现在的景象与封锁时期截然不同，市民纷纷走上街头，商场和景区人流如织。</p>"
    body = (para + "<p><strong>　英国《泰晤士报》：</strong></p><p><strong>　　武汉再次充满欢声笑语</strong></p>"
            + para * 2 + "<p><strong>　美国《纽约时报》：</strong></p><p><strong>　　游客蜂拥前往黄鹤楼</strong></p>"
            + para * 2)
    doc = _page_parse(body)
    assert [s.title for s in doc.sections] == ["英国《泰晤士报》：武汉再次充满欢声笑语",
                                               "美国《纽约时报》：游客蜂拥前往黄鹤楼"]


def test_a_caption_in_small_type_under_a_picture_even_when_it_is_a_long_sentence():
    caption = "英国《泰晤士报》网站题为《中国启动黄金周，提振遭受重创的旅游业》的报道截图，图片来自该报网站的首页。"
    para = "<p>　　报道称，这座城市再度充满活力，现在的景象与封锁时期截然不同，市民纷纷走上街头，商场和景区人流如织。</p>"
    body = (para + "<center><img src='a.jpg'></center>"
            f"<p>　<font style='font-size: 9pt'>　{caption}</font></p>" + para)
    doc = _page_parse(body)
    assert ("photo caption", caption) in [(d.reason, d.text.strip("\u3000 ")) for d in doc.discarded]
    assert all(caption not in b.text for b in doc.body)


def test_without_a_source_line_the_page_owner_published_it():
    para = "<p>为全面推广使用好智慧党建管理服务平台，确保平台运转顺利，学校近日召开培训及答疑会，各院系党务工作者参加。</p>"
    page = ("<html><head><title>我校召开平台培训会</title></head><body><h1>我校召开平台培训会</h1>"
            f"<p>发布时间：2021-04-09</p><div class='content'>{para * 3}</div>"
            "<p class='copyright'>© 2020 版权所有 某某大学信息化中心 All Rights Reserved</p></body></html>")
    from pipeline.parser import parse

    doc = parse(read_source(page.encode("utf-8"), "page.html"))
    assert doc.meta.source == "某某大学信息化中心"
    stated = page.replace("<p>发布时间：2021-04-09</p>", "<p>发布时间：2021-04-09 来源：党委组织部</p>")
    assert parse(read_source(stated.encode("utf-8"), "page.html")).meta.source == "党委组织部"


_NEWS = "A股三大股指集体回调，其中沪指收盘下跌0.89%，两市合计成交超过5300亿元，行业板块几乎全线下跌。"


def test_a_page_that_opens_with_a_subhead_like_those_below_it():
    body = "<br><br>".join(["今日盘面回顾", _NEWS, "国内市场资讯", _NEWS, "国际市场资讯", _NEWS])
    doc = _page_parse(f"<p>{body}</p>")
    assert [s.title for s in doc.sections] == ["今日盘面回顾", "国内市场资讯", "国际市场资讯"]


def test_an_opening_line_longer_than_the_subheads_is_not_one_of_them():
    body = "<br><br>".join(["今天市场整体走弱不少", _NEWS, "国内市场资讯", _NEWS, "国际市场资讯", _NEWS])
    doc = _page_parse(f"<p>{body}</p>")
    assert [s.title for s in doc.sections] == ["国内市场资讯", "国际市场资讯"]
    assert doc.body[0].text == "今天市场整体走弱不少"


def test_a_class_that_names_a_heading_level_makes_a_subhead_even_under_a_picture():
    para = "<p><span class='bjh-p'>28岁的她曾担任当地的殡仪馆主任，负责接收死者，处理亡者后事，这份工作实在太过沉重。</span></p>"
    body = (para + "<div class='img-container'><img src='a.jpg'></div>"
            "<p><span class='bjh-h3'>曾在殡仪馆任职，每天和死亡打交道</span></p>" + para * 2
            + "<p><span class='bjh-h3'>深陷人鱼魅力，变身水下美人鱼</span></p>" + para * 2)
    doc = _page_parse(body)
    assert [s.title for s in doc.sections] == ["曾在殡仪馆任职，每天和死亡打交道", "深陷人鱼魅力，变身水下美人鱼"]


def test_a_wrapper_named_like_a_heading_is_not_one():
    para = "<p>28岁的她曾担任当地的殡仪馆主任，负责接收死者，处理亡者后事，这份工作实在太过沉重。</p>"
    doc = _page_parse(f"<div class='main-h2'>{para * 4}</div>")
    assert not doc.sections and len(doc.body) == 4


def _date_of_page(head: str, before_title: str = "") -> str | None:
    """The date parsed from an undated page with ``head`` in its <head>."""
    from pipeline.parser import parse

    page = (f"<html><head><title>某某活动举行</title>{head}</head><body>{before_title}"
            "<h1>某某活动举行</h1><div class='content'>"
            + "<p>活动于日前举行，来自各地的代表参加了活动，并就有关问题进行了深入交流和讨论。</p>" * 3
            + "</div></body></html>")
    return parse(read_source(page.encode("utf-8"), "page.html")).meta.date


def test_a_page_dated_only_by_its_last_change():
    assert _date_of_page("<meta itemprop='dateUpdate' content='2019-10-08 12:00:57'>") == "2019-10-08"


def test_baidu_page_data_gives_the_date():
    script = ("<script type='application/ld+json'>{\"@context\": \"https://ziyuan.baidu.com/contexts/"
              "cambrian.jsonld\", \"title\": \"某某活动举行\", \"pubDate\": \"2019-09-11T02:46:57\"}</script>")
    assert _date_of_page("", before_title=script) == "2019-09-11"


def test_what_little_follows_the_credits_is_not_the_article_but_an_outlet_there_is_its_source():
    para = "<p>江门警方提示，接到自称是公安、检察院、法院、银行等单位人员的来电切勿轻易相信，拿不准时可拨打110求证。</p>"
    body = (para * 8 + "<p>采写：南都记者 余毅菁 向雪妮</p><p>责任编辑：</p>"
            "<blockquote><p>香港警方：示威行动未发生致命事件</p><p>港铁公司车务营运总监表示，当晚因示威者的破坏行为，"
            "港铁公司启动疏散程序。</p></blockquote>,南方都市报")
    doc = _page_parse(body)
    assert doc.meta.source == "南方都市报"
    assert [a.name for a in doc.meta.authors] == ["余毅菁", "向雪妮"]
    assert all("港铁" not in b.text and "香港警方" not in b.text for b in doc.body)
    assert ("after the article's credits" in [d.reason for d in doc.discarded])


def test_the_day_in_the_canonical_address_is_a_last_resort_date():
    link = "<link rel='canonical' href='http://www.news.cn/ci/20250409/abc/c.html'>"
    assert _date_of_page(link) == "2025-04-09"


def test_two_credit_lines_naming_the_same_writers_give_each_writer_once():
    para = "<p>江门警方提示，接到自称是公安、检察院、法院、银行等单位人员的来电切勿轻易相信，拿不准时可拨打110求证。</p>"
    doc = _page_parse(para * 8 + "<p>采写：南都记者 余毅菁 向雪妮</p><p>作者：余毅菁 向雪妮</p><p>责任编辑：</p>"
                      "<p>香港警方：示威行动未发生致命事件</p>")
    assert [a.name for a in doc.meta.authors] == ["余毅菁", "向雪妮"]


def test_a_reposts_opening_display_headline_is_title_material():
    para = "<p>新华社石家庄7月31日电 国务委员王勇31日在河北检查指导防汛减灾工作，强调要压紧压实防汛责任。</p>"
    body = ("<p style='text-align:center'><b>王勇在河北检查指导防汛减灾工作时强调<br>进一步抓细抓实防汛责任措施"
            "<br>切实提高暴雨洪水防御应急能力</b></p>" + para * 3)
    from pipeline.parser import parse

    page = (f"<html><head><title>王勇在河北检查指导防汛减灾工作</title></head><body><h1>王勇在河北检查指导防汛减灾工作</h1>"
            f"<div class='content'>{body}</div></body></html>")
    doc = parse(read_source(page.encode("utf-8"), "page.html"))
    assert doc.meta.subtitle == "进一步抓细抓实防汛责任措施 切实提高暴雨洪水防御应急能力"
    assert doc.body[0].text.startswith("新华社石家庄")
