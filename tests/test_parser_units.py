"""The parser's rules, one at a time, on small made-up texts."""

from __future__ import annotations

import pytest

from pipeline.model import section_name
from pipeline.parser import parse
from pipeline.parser.dates import find_date
from pipeline.parser.markers import find_marker
from pipeline.parser.text import widen_punctuation
from pipeline.readers.source import SourceText


def doc_of(text: str, fmt: str = "text"):
    return parse(SourceText.from_text("<test>", fmt, text))


BODY = "这是一段足够长的正文内容，用来确认它会被当作正文段落处理而不是标题。"


@pytest.mark.parametrize("line,kind,label,number", [
    ("第一部分 总体战略", "part", "第一部分", 1),
    ("第三章 学前教育", "chapter", "第三章", 3),
    ("第二节 中华人民共和国主席", "section", "第二节", 2),
    ("第十一条 内容", "article", "第十一条", 11),
    ("十一、推进国家安全", "cn", "十一、", 11),
    ("二．今年目标", "cn", "二．", 2),
    ("（一）构建体制", "paren_cn", "（一）", 1),
    ("(十 八)全面提高", "paren_cn", "（十八）", 18),
    ("1.标题", "arabic", "1.", 1),
    ("2．标题", "arabic", "2．", 2),
    ("3、标题", "arabic", "3、", 3),
    ("2. 个人自评和党员互评：在学习讨论的基础上", "arabic", "2.", 2),
    ("（12）标题", "paren_arabic", "（12）", 12),
    ("⑶标题", "paren_arabic", "⑶", 3),
    ("⑤标题", "circled", "⑤", 5),
])
def test_markers(line, kind, label, number):
    m = find_marker(line)
    assert (m.kind, m.label, m.number) == (kind, label, number)


@pytest.mark.parametrize("line", ["一是加强学习", "一体化发展", "十分重要",
                                  "3.14亿元", "2022年", "——坚持党的领导", "同志们！",
                                  "2.万人参加", "3、个单位"])
def test_not_markers(line):
    m = find_marker(line)
    assert m is None


@pytest.mark.parametrize("text,iso", [
    ("2022-12-19 20:11:24", "2022-12-19"),
    ("（2022年10月16日）", "2022-10-16"),
    ("时间：2019-06-22", "2019-06-22"),
    ("２０１３年５月２３日", "2013-05-23"),
    ("二〇二二年十月十六日", "2022-10-16"),
    ("2022年2月30日", None),
])
def test_dates(text, iso):
    assert find_date(text) == iso


@pytest.mark.parametrize("raw,wide", [
    ("报告,就坚定不移", "报告，就坚定不移"),
    ("党委党校(行政学校)校长", "党委党校（行政学校）校长"),
    ("指出:“坚持”", "指出：“坚持”"),
    ("增长5.2%,增速", "增长5.2%，增速"),
    ("共1,000人", "共1,000人"),
    ("时间 20:11:24", "时间 20:11:24"),
    ("访问 https://www.gov.cn/a,b 查看", "访问 https://www.gov.cn/a,b 查看"),
    ("使用Python, Java等语言", "使用Python, Java等语言"),
    ('他说"好"', "他说“好”"),
])
def test_widen_punctuation(raw, wide):
    assert widen_punctuation(raw) == wide


def test_never_nfkc():
    text = "①坚持，“两个确立”（一）"
    assert widen_punctuation(text) == text


def test_levels_follow_the_document_not_a_table():
    doc = doc_of(f"标题\n\n一、第一部分\n\n{BODY}\n\n1.小节\n\n{BODY}\n\n二、第二部分\n\n{BODY}")
    assert [section_name(s) for s in doc.sections] == ["一、第一部分", "二、第二部分"]
    assert doc.sections[0].sections[0].label == "1." and doc.sections[0].sections[0].level == 2


def test_higher_rank_closes_lower():
    doc = doc_of(f"标题\n\n（一）先出现的小标题\n\n{BODY}\n\n二、大标题\n\n{BODY}")
    assert [(s.level, s.label) for s in doc.sections] == [(1, "（一）"), (1, "二、")]
    assert any(w.code == "numbering-starts-late" for w in doc.warnings)


def test_run_in_heading_split_at_first_full_stop():
    doc = doc_of(f"标题\n\n一、总体要求\n\n{BODY}\n\n（一）构建高水平体制。坚持和完善基本制度。再说一句。")
    sub = doc.sections[0].sections[0]
    assert sub.run_in and sub.title == "构建高水平体制"
    assert sub.body[0].text == "坚持和完善基本制度。再说一句。"


def test_salutations_and_openers_are_not_headings():
    doc = doc_of(f"标题\n\n同志们：\n\n{BODY}\n\n一是加强学习，提高本领。\n\n第一，必须坚持。\n\n各位代表！\n\n{BODY}")
    assert doc.sections == []
    assert [b.text for b in doc.body][:1] == ["同志们："]


def test_dash_lines_are_list_items_not_headings():
    doc = doc_of(f"标题\n\n{BODY}\n\n——经济总体回升向好。\n\n——科技创新实现新突破。")
    assert doc.sections == []
    items = [i for b in doc.body if b.type == "list" for i in b.items]
    assert [i.label for i in items] == ["——", "——"]


def test_hard_wrapped_lines_are_rejoined():
    text = ("标题\n\n活的灵魂：贯穿于毛泽东思想的各个组成部分的立场、观点和方法，是毛泽东思想\n"
            "的活的灵魂，三个方面，即实事求是，群众路线，独立自主。\n\n"
            "另一段落也被硬换行截断成了两行文字，这一行没有标点\n"
            "结束所以应当与下一行拼接起来才对。")
    doc = doc_of(text)
    assert doc.body[0].text.endswith("是毛泽东思想的活的灵魂，三个方面，即实事求是，群众路线，独立自主。")
    assert len(doc.body) == 2


def test_indents_and_trailing_spaces_removed():
    doc = doc_of(f"标题\n\n\u3000\u3000{BODY}\u00a0 \n\n\u2002\u2002{BODY}   ")
    assert [b.text for b in doc.body] == [BODY, BODY]


def test_markdown_headings_take_their_levels():
    doc = doc_of(f"# 宪法\n\n## 第一章 总纲\n\n第一条 {BODY}\n\n### 第一节 机构\n\n{BODY}", fmt="markdown")
    from pipeline.readers.markdown import read as md_read

    doc = parse(md_read(f"# 宪法\n\n## 第一章 总纲\n\n第一条 {BODY}\n\n### 第一节 机构\n\n{BODY}".encode(), "t.md"))
    assert doc.meta.title == "宪法"
    ch = doc.sections[0]
    assert (ch.label, ch.title, ch.level) == ("第一章", "总纲", 1)
    assert ch.body[0].label == "第一条"
    assert ch.sections[0].label == "第一节" and ch.sections[0].level == 2


def test_quote_speaker_and_source():
    doc = doc_of(f"标题\n\n习近平总书记在党的二十大报告中指出：“坚持以人民为中心的发展思想，维护人民根本利益。”{BODY}")
    q = doc.quotes[0]
    assert (q.speaker, q.source) == ("习近平总书记", "党的二十大报告")


def test_formulations_counted_once_each():
    doc = doc_of(f"标题\n\n增强“四个意识”、坚定“四个自信”、做到“两个维护”，落实“四个意识”。{BODY}")
    counts = {t.text: t.count for t in doc.terms}
    assert counts == {"四个意识": 2, "四个自信": 1, "两个维护": 1}


def test_table_of_contents_not_headings():
    toc = "\n".join(["目 录", "第一章 总则... 1", "第二章 目标... 3", "第三章 保障... 5"])
    doc = doc_of(f"标题\n\n{toc}\n\n第一章 总则\n\n{BODY}\n\n第二章 目标\n\n{BODY}")
    assert [s.label for s in doc.sections] == ["第一章", "第二章"]
    assert sum(1 for d in doc.discarded if d.reason == "table of contents") == 3


def test_deterministic():
    text = f"标题\n\n一、甲\n\n{BODY}“四个意识”\n\n二、乙\n\n{BODY}"
    assert doc_of(text) == doc_of(text)


def test_word_heading_styles_become_headings(tmp_path):
    import docx

    from pipeline.readers import read

    d = docx.Document()
    d.add_paragraph("学习材料标题", style="Title")
    d.add_paragraph("作者：张三  时间：2024-01-02")
    d.add_heading("第一部分 总体要求", level=1)
    d.add_paragraph(BODY)
    d.add_heading("一个没有编号的小标题", level=2)
    d.add_paragraph("（一）第一个小标题。这是连排标题后面的正文内容，足够长。")
    path = tmp_path / "t.docx"
    d.save(path)
    doc = read(path)
    assert doc.meta.title == "学习材料标题" and doc.meta.date == "2024-01-02"
    part = doc.sections[0]
    assert (part.label, part.title, part.level) == ("第一部分", "总体要求", 1)
    sub = part.sections[0]
    assert (sub.label, sub.title, sub.level) == ("", "一个没有编号的小标题", 2)
    assert sub.sections[0].run_in and sub.sections[0].level == 3


def test_standalone_heading_broken_across_blank_lines():
    doc = doc_of(f"标题\n\n{BODY}\n\n一、突出政治建设，把坚持\n\n党的领导落到实处\n\n{BODY}\n\n二、第二部分\n\n{BODY}")
    assert [section_name(s) for s in doc.sections] == ["一、突出政治建设，把坚持党的领导落到实处", "二、第二部分"]


def test_wechat_copy():
    text = "\n".join([
        "点击上方蓝字关注我们",
        "以党的二十大精神引领基层党建",
        "原创 张三 某某党建 2022-12-19 08:00 发表于北京",
        "来源 | 新华社",
        BODY,
        "一、提高政治站位",
        BODY + "增强“四个意识”。",
        "▲",
        "编辑丨李四  审核丨王五",
        "长按识别二维码关注我们",
        "阅读原文",
        "分享 收藏 点赞 在看",
    ])
    doc = doc_of(text)
    assert doc.meta.title == "以党的二十大精神引领基层党建"
    assert doc.meta.date == "2022-12-19"
    assert doc.meta.source == "新华社"  # the stated source wins over the account
    assert [a.name for a in doc.meta.authors] == ["张三"]
    assert [section_name(s) for s in doc.sections] == ["一、提高政治站位"]
    assert doc.sections[0].body[-1].text.endswith("增强“四个意识”。")
    reasons = {d.text: d.reason for d in doc.discarded}
    assert reasons["点击上方蓝字关注我们"] == "WeChat follow prompt"
    assert reasons["阅读原文"] == "WeChat buttons"
    assert reasons["长按识别二维码关注我们"] == "QR code prompt"
    assert "编辑丨李四  审核丨王五" in reasons


def test_wechat_account_is_the_source_when_none_is_stated():
    doc = doc_of(f"标题文字\n某某党建 2022-12-19 08:00 发表于北京\n{BODY}")
    assert (doc.meta.source, doc.meta.date, doc.meta.authors) == ("某某党建", "2022-12-19", [])


@pytest.mark.parametrize("line,reason", [
    ("www.4020.cn", "web address"),
    ("http://example.org/a/b.html", "web address"),
    ("免费TXT小说下载", "advertising"),
])
def test_download_site_frames_are_junk(line, reason):
    from pipeline.parser.junk import junk_reason
    assert junk_reason(line) == reason


def test_a_sentence_naming_a_download_is_not_junk():
    from pipeline.parser.junk import junk_reason
    assert junk_reason("各单位可登录门户网站免费下载学习资料，组织党员认真学习，并于月底前报送学习情况。") is None


def test_a_source_line_under_a_lead_and_a_link_named_like_a_page_title():
    text = ("---\ntitle: 国家主席发表新年贺词\n---\n\n> 新年前夕，国家主席通过广播电视和互联网，发表了新年贺词。\n\n"
            "来源：[双语全文！国家主席发表新年贺词 - Chinadaily.com.cn](https://example.org/a.html)\n\n"
            + BODY + "\n\n" + BODY + "\n")
    from pipeline.readers import read_source

    doc = parse(read_source(text.encode("utf-8"), "post.md"))
    assert doc.meta.source == "Chinadaily.com.cn"
    assert ("source line (kept as meta.source)" in [d.reason for d in doc.discarded])
    assert all("来源" not in b.text for b in doc.body)


def test_a_teaser_of_another_article_ends_in_a_link_to_it():
    from pipeline.parser.junk import junk_reason

    teaser = ("文脉颂中华·书院@家国 人民网文化频道与媒体团一同实地走访六大书院，深入挖掘书院文化中蕴含的丰富哲学思想、"
              "人文精神，为治国理政提供有益启示。【详细】")
    assert junk_reason(teaser) == "related links"
    assert junk_reason("各地要结合实际认真贯彻落实，具体办法详见附件【详细说明见第三部分】。") is None


def test_a_blog_footer_after_the_last_thematic_break_and_an_image_credit():
    from pipeline.readers import read_source

    text = ("# 学习读后感\n\n" + (BODY + "\n\n") * 8 + "注：图片来自网络。\n\n- - -\n\n"
            "This page is synchronized from the post: ['学习读后感 My Thoughts'](https://example.org/p)\n")
    doc = parse(read_source(text.encode("utf-8"), "post.md"))
    reasons = {d.text: d.reason for d in doc.discarded}
    assert reasons["注：图片来自网络。"] == "photo caption"
    assert any(r.startswith("page footer") for r in reasons.values())
    assert doc.body[-1].text == BODY


def test_an_english_paragraph_of_a_bilingual_text_after_a_break_is_kept_when_more_follows():
    from pipeline.readers import read_source

    text = ("# 新年贺词\n\n" + (BODY + "\n\n") * 8 + "---\n\n" + BODY + "\n\nThank you all!\n\n谢谢大家！\n")
    doc = parse(read_source(text.encode("utf-8"), "post.md"))
    assert "Thank you all!" in [b.text for b in doc.body]


def test_a_long_heading_after_a_numeral_and_a_space_is_kept_whole():
    heading = "四　离开实际调查就要产生唯心的阶级估量和唯心的工作指导，那末，它的结果，不是机会主义，便是盲动主义"
    text = "反对本本主义\n\n一　没有调查，没有发言权\n\n" + BODY + "\n\n" + heading + "\n\n" + BODY + "\n"
    doc = doc_of(text)
    assert [s.title for s in doc.sections][-1] == heading.split("　", 1)[1]


def test_a_clipped_page_named_after_its_title_and_site():
    from pipeline.readers import read_source

    text = ("---\n网址: https://example.org/info/1.htm\n---\n\n<center>" + "=" * 60 + "</center>\n\n"
            + (BODY + "\n\n") * 4)
    doc = parse(read_source(text.encode("utf-8"), "感悟历史魅力 凝聚奋进力量_党建工作_某某大学附属医院.md"))
    assert doc.meta.title == "感悟历史魅力 凝聚奋进力量"
    assert doc.meta.source == "某某大学附属医院"
    assert ("=" * 60, "separator line") in [(d.text, d.reason) for d in doc.discarded]
    assert "title-from-file-name" in [w.code for w in doc.warnings]


@pytest.mark.parametrize("name,title", [
    ("新建文本文档.txt", ""), ("文档1.docx", ""), ("seed_shiyishi.txt", ""), ("<stdin>", ""),
    ("关于召开会议的通知.docx", "关于召开会议的通知"),
    ("习近平在某会议上的讲话-新华网.html", "习近平在某会议上的讲话"),
])
def test_title_from_file_name(name, title):
    from pipeline.parser import title_from_file_name

    assert title_from_file_name(name) == title


def test_the_safety_net_keeps_a_line_a_rule_lost_and_says_so():
    from pipeline.parser import conserve

    text = "学习体会\n\n" + BODY + "\n\n丢失的这一行原本属于文章的正文内容。\n\n" + BODY + "\n"
    src = SourceText.from_text("<t>", "text", text)
    doc = parse(src)
    assert not [w for w in doc.warnings if w.code == "parser-lost"]
    doc.body = [b for b in doc.body if "丢失" not in b.text]  # as a faulty rule would
    assert conserve.recover(src, doc) == 1
    assert ("丢失的这一行原本属于文章的正文内容。", conserve.REASON) in [(d.text, d.reason) for d in doc.discarded]
    assert [w.field for w in doc.warnings if w.code == "parser-lost"] == ["text"]
    assert conserve.recover(src, doc) == 0  # nothing missing any more


def test_the_editors_headnote_goes_under_the_title():
    text = ("反对本本主义\n\n（一九三〇年五月）\n\n毛泽东的这篇文章是为了反对当时红军中的教条主义思想而写的。\n\n"
            + "\n\n".join([BODY] * 4) + "\n")
    doc = doc_of(text)
    assert doc.meta.notes[-1] == "毛泽东的这篇文章是为了反对当时红军中的教条主义思想而写的。"
    assert doc.body[0].text == BODY
    plain = doc_of("学习体会\n\n这篇文章写得很好，值得我们认真学习。\n\n" + "\n\n".join([BODY] * 4) + "\n")
    assert plain.body[0].text.startswith("这篇文章")  # not the editors: no 是/系/写于 after it


def test_a_place_between_a_posts_date_and_its_source_is_no_title():
    from pipeline.readers import read_source

    text = ("2022-05-26 14:27\n\n北京\n\n来源：澎湃新闻·澎湃号·政务\n\n" + "\n\n".join([BODY] * 4) + "\n")
    doc = parse(read_source(text.encode("utf-8"), "博物馆奇妙游！这个党支部感知大学校的力量_澎湃号·政务_澎湃新闻.md"))
    assert doc.meta.title == "博物馆奇妙游！这个党支部感知大学校的力量"
    assert ("北京", "place line") in [(d.text, d.reason) for d in doc.discarded]


def test_an_author_with_titles_in_brackets():
    from pipeline.parser.meta import authors_from

    [a] = authors_from("田向利（全国政协委员，四川省政协主席）")
    assert (a.name, a.titles) == ("田向利", ["全国政协委员", "四川省政协主席"])
    doc = doc_of("以改革举措加强国家战略腹地建设\n\n" + "\n\n".join([BODY] * 4)
                 + "\n\n作者：田向利（全国政协委员，四川省政协主席）\n\n文字编辑：司晋丽\n")
    assert [a.name for a in doc.meta.authors] == ["田向利"]


def test_a_clipped_feature_its_reporter_its_captions_and_the_day_in_its_address():
    from pipeline.readers import read_source

    text = ("---\n网址: http://www.news.cn/ci/20250409/dd43e837/c.html\n---\n\n"
            "新华网北京4月9日电 **题：高校博物馆：大学里的“大学”**\n\n新华网记者钱芳\n\n" + BODY + "\n\n"
            "![](http://www.news.cn/a.jpg)\n\n学生在中国农业大学中国饲料博物馆原料标本厅参观。新华社记者 任超 摄\n\n"
            + BODY + "\n\n![](http://www.news.cn/b.jpg)\n\n江苏省中医药博物馆里的查询系统。江苏省中医药博物馆供图\n\n"
            + BODY + "\n")
    doc = parse(read_source(text.encode("utf-8"), "高校博物馆：大学里的“大学”-新华网.md"))
    assert doc.meta.date == "2025-04-09"
    assert [a.name for a in doc.meta.authors] == ["钱芳"]
    captions = [d.text for d in doc.discarded if d.reason == "photo caption"]
    assert len(captions) == 2 and all("摄" not in b.text and "供图" not in b.text for b in doc.body)


def test_a_sentence_ending_in_paishe_after_a_picture_is_text():
    from pipeline.readers import read_source

    text = "# 标题\n\n" + BODY + "\n\n![](a.jpg)\n\n这些照片都是老党员们在当年用相机拍摄的。\n\n" + BODY + "\n"
    doc = parse(read_source(text.encode("utf-8"), "a.md"))
    assert "这些照片都是老党员们在当年用相机拍摄的。" in [b.text for b in doc.body]
    assert not [d for d in doc.discarded if d.reason == "photo caption"]


def test_a_sites_long_closing_notice_is_a_disclaimer():
    notice = ("更多精彩资讯请在应用市场下载“某某网”客户端。欢迎提供新闻线索，24小时报料热线400-800-0088；"
              "消费者也可通过某某网投诉平台线上投诉。版权声明：本文章版权归属某某网所有，未经授权不得转载。"
              "转载请联系：banquan@example.cn，不尊重原创的行为我们将追究责任。")
    doc = doc_of("某某活动举行\n\n" + "\n\n".join([BODY] * 4) + "\n\n" + notice + "\n")
    assert (notice, "disclaimer") in [(d.text, d.reason) for d in doc.discarded]
    assert doc.body[-1].text == BODY


def test_a_markdown_paragraph_set_bold_as_a_whole_is_a_subhead_even_ending_in_a_quote():
    from pipeline.readers import read_source

    text = ("# 高校博物馆\n\n" + BODY + "\n\n**“小而特”有大看头**\n\n" + BODY + "\n\n"
            "“博物馆应成为跨学科的对话场域。”他说。\n\n**办好大学里的“大学”**\n\n" + BODY + "\n")
    doc = parse(read_source(text.encode("utf-8"), "a.md"))
    assert [s.title for s in doc.sections] == ["“小而特”有大看头", "办好大学里的“大学”"]


def test_a_note_and_a_field_on_one_line_under_the_title_lose_nothing():
    doc = doc_of("在纪念大会上的讲话\n习近平\n（2025年9月3日，上午） 来源：新华社\n\n" + "\n\n".join([BODY] * 3) + "\n")
    assert doc.meta.source == "新华社" and doc.meta.notes == ["（2025年9月3日，上午）"]
    assert not [w for w in doc.warnings if w.code == "parser-lost"]
    assert "来源：新华社" in [d.text for d in doc.discarded]
