"""The general rules of the readers, each on a small document written for it.

Every rule here is one a careful editor states for all documents; the corpus tests show
them on real ones.
"""

from __future__ import annotations

import pytest

from pipeline.model import Document, section_name
from pipeline.parser import parse
from pipeline.readers.source import SourceText
from tests.corpus_expected import body_text


def _parse(text: str) -> Document:
    return parse(SourceText.from_text("t.txt", "text", text))


def _top(doc: Document) -> list[str]:
    return [section_name(s) for s in doc.sections]


SPEECH = """关于做好新时代基层党建工作的讲话

同志们：

今天召开这个会议，主要是总结工作、部署任务。下面，我讲三点意见。

一 提高政治站位
要深刻认识做好基层党建工作的重要意义，切实增强责任感和使命感。

二 突出工作重点
第一，抓好理论武装。
要把学习贯彻新思想作为首要政治任务，推动学习往深里走、往心里走。
第二，抓好班子建设。
要选优配强基层党组织书记，健全完善工作机制，不断提升组织力。

三 强化工作保障
(一)健全工作机制.各级党组织要建立健全责任体系，确保各项任务落到实处。
(二)加强督促检查.要定期开展督查，及时发现和解决问题。

结束语
同志们，让我们共同努力，奋力开创基层党建工作新局面。
"""


def test_heading_forms_of_speeches():
    doc = _parse(SPEECH)
    assert doc.meta.title == "关于做好新时代基层党建工作的讲话"
    assert _top(doc) == ["一 提高政治站位", "二 突出工作重点", "三 强化工作保障", "结束语"]
    two, three = doc.sections[1], doc.sections[2]
    # standalone 第一，… lines in a series are sub-points
    assert [section_name(s) for s in two.sections] == ["第一，抓好理论武装", "第二，抓好班子建设"]
    # half-width punctuation throughout: the run-in heading ends at a half-width full stop
    assert [(s.label, s.title, s.run_in) for s in three.sections] == [
        ("（一）", "健全工作机制", True), ("（二）", "加强督促检查", True)]
    assert three.sections[0].body[0].text.startswith("各级党组织要建立健全责任体系")


def test_enumerations_inside_paragraphs_stay_paragraphs():
    doc = _parse("学习体会\n\n第一，必须坚持党的领导，这是根本。第二，必须坚持人民至上，这是立场。"
                 "第三，必须坚持自我革命。\n\n全文完。其他内容在此。\n")
    assert doc.sections == []
    assert doc.body[0].text.startswith("第一，必须坚持党的领导")


def test_one_ordinal_line_is_no_series():
    doc = _parse("学习体会\n\n第一，抓好理论武装。\n要把学习贯彻新思想作为首要政治任务，推动学习往深里走。\n")
    assert doc.sections == []


def test_parts_without_numbers_and_parts_without_titles():
    doc = _parse("专题党课讲稿\n\n引言\n今天的党课，我们一起学习党的历史，汲取前进的力量。\n\n第一部分\n"
                 "中国共产党的百年奋斗历程波澜壮阔，我们从中汲取智慧和力量，坚定信心和决心。\n\n"
                 "第二部分\n新时代新征程，我们要牢记初心使命，奋力谱写新篇章，创造新的更大成就。\n\n"
                 "结束语\n同志们，让我们不忘初心、牢记使命。\n")
    assert _top(doc) == ["引言", "第一部分", "第二部分", "结束语"]
    assert doc.sections[1].body[0].text.startswith("中国共产党的百年奋斗历程")


def test_a_heading_never_takes_the_dash_line_under_it():
    doc = _parse("学习材料\n\n一、总体要求\n——坚持党的全面领导\n——坚持以人民为中心\n"
                 "各级党组织要把这项工作摆在重要位置，切实抓紧抓好。\n")
    assert _top(doc) == ["一、总体要求"]
    items = [i.text for b in doc.sections[0].body for i in b.items]
    assert items == ["坚持党的全面领导", "坚持以人民为中心"]


def test_hard_wrapped_text_is_rejoined_without_gluing_title_and_byline():
    paras = ["中国共产党第二十次全国代表大会，是在全党全国各族人民迈上全面建设社会主义现代化国家新征程、"
             "向第二个百年奋斗目标进军的关键时刻召开的一次十分重要的大会。",
             "大会的主题是：高举中国特色社会主义伟大旗帜，全面贯彻新时代中国特色社会主义思想，"
             "弘扬伟大建党精神，自信自强、守正创新，踔厉奋发、勇毅前行，为全面建设社会主义现代化"
             "国家、全面推进中华民族伟大复兴而团结奋斗。",
             "中国共产党已走过百年奋斗历程。我们党立志于中华民族千秋伟业，致力于人类和平与发展崇高"
             "事业，责任无比重大，使命无上光荣。"]
    lines = ["关于学习大会精神的体会", "张三"]
    for p in paras:
        lines += [p[i:i + 24] for i in range(0, len(p), 24)]
    doc = _parse("\n".join(lines) + "\n")
    assert doc.meta.title == "关于学习大会精神的体会"
    assert [a.name for a in doc.meta.authors] == ["张三"]
    assert [b.text for b in doc.body] == paras


WECHAT = """谱写中朝友谊新篇，维护半岛和平稳定
原创 组工学习 某某县委组织部 2024年03月05日 08:30 浙江
听全文
引言
同志们，今天我们在这里召开会议，主要任务是学习贯彻会议精神，部署下一阶段的工作。
一、提高政治站位
要深刻认识做好这项工作的重大意义，把思想和行动统一到党中央的决策部署上来。
二、抓好贯彻落实
要结合实际，细化措施，确保各项任务落到实处，取得实效。
结束语
让我们更加紧密地团结在以习近平同志为核心的党中央周围，奋力谱写新篇章。
（王小明）
IP属地：浙江
"""


def test_wechat_copy_in_its_current_form():
    doc = _parse(WECHAT)
    assert doc.meta.title == "谱写中朝友谊新篇，维护半岛和平稳定"
    assert doc.meta.date == "2024-03-05"
    assert doc.meta.source == "某某县委组织部"
    assert "王小明" in [a.name for a in doc.meta.authors]
    assert "听全文" not in [a.name for a in doc.meta.authors]
    assert _top(doc) == ["引言", "一、提高政治站位", "二、抓好贯彻落实", "结束语"]
    reasons = {d.text: d.reason for d in doc.discarded}
    assert reasons["听全文"] == "WeChat buttons" and reasons["IP属地：浙江"] == "WeChat buttons"
    assert "IP属地" not in body_text(doc)


@pytest.mark.parametrize("byline, names", [
    ("作者：Administrator", []), ("作者：微软用户", []), ("作者：分享 评论", []), ("作者：12345", []),
    ("作者：张三 李四", ["张三", "李四"]), ("文/王文", ["王文"]), ("作者：引言", []),
])
def test_authors_are_people(byline, names):
    doc = _parse(f"学习材料的标题\n{byline}\n\n正文第一段，说明事情的来龙去脉，文字足够长，足以成段。\n")
    assert [a.name for a in doc.meta.authors] == names


def test_editors_are_not_authors_and_an_empty_source_is_none():
    doc = _parse("学习材料的标题\n来源: | 编辑：张三 责任编辑：李四\n\n正文第一段，说明事情的来龙去脉，文字足够长，足以成段。\n")
    assert doc.meta.source == ""
    assert doc.meta.authors == []


@pytest.mark.parametrize("ending, source, author", [
    ("（德清县发改局）", "德清县发改局", None),
    ("（王小明）", "", "王小明"),
    ("（来源：新华社）", "新华社", None),
    ("（作者：李华 某某大学教授）", "", "李华"),
])
def test_closing_credits(ending, source, author):
    doc = _parse(f"学习材料的标题\n\n正文第一段，说明事情的来龙去脉，文字足够长，足以成段。\n{ending}\n")
    assert doc.meta.source == source
    assert [a.name for a in doc.meta.authors] == ([author] if author else [])
    assert ending not in body_text(doc)


def test_credits_with_titles_split_from_the_name():
    doc = _parse("学习材料的标题\n（作者：李华 某某大学教授）\n\n正文第一段，说明事情的来龙去脉，文字足够长，足以成段。\n")
    assert [(a.name, a.titles) for a in doc.meta.authors] == [("李华", ["某某大学教授"])]
