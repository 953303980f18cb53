"""Discussion questions never built on a word cut in two, a question or a bare subject."""

from __future__ import annotations

from pipeline.enrich.questions import questions
from pipeline.parser import parse
from pipeline.readers.source import SourceText


def _doc(text: str):
    return parse(SourceText.from_text("<t>", "text", text))


def test_a_notice_requires_work_of_bodies_not_of_a_word_that_contains_yao():
    text = ("某政办发〔2024〕3号\n某某县人民政府办公室转发县教育局关于加强学校安全工作意见的通知\n"
            "各乡镇人民政府，县直各单位：\n"
            "县教育局《关于加强学校安全工作的意见》已经县政府同意，现转发给你们，请认真贯彻执行。\n"
            "学校安全工作是一项十分重要而艰巨的任务，关系到师生生命安全。\n"
            "各乡镇人民政府要切实履行属地责任，加强校园周边环境治理。\n"
            "各级教育部门要充分发挥主管部门的作用，协助学校搞好安全工作。\n"
            "某某县人民政府办公室\n2024年3月5日\n")
    asked = [q.text for q in questions(_doc(text))]
    assert asked[0] == "通知转发的县教育局关于加强学校安全工作意见主要有哪些内容？"
    assert not any("十分重" in q for q in asked)
    assert "通知要求各乡镇人民政府做好哪些工作？" in asked


def test_no_question_is_built_on_a_sentence_that_asks():
    paras = ["什么是调查时要注意的社会阶级？这是每个同志必须弄清楚的问题。",
             "我们必须坚持实事求是的思想路线，一切从实际出发，理论联系实际。",
             "马克思主义的本本是要学习的，但是必须同我国的实际情况相结合。",
             "共产党人必须牢记全心全意为人民服务的根本宗旨，始终同人民群众心连心。"]
    text = "反对本本主义\n\n" + "\n\n".join(paras * 3) + "\n"
    asked = [q.text for q in questions(_doc(text))]
    assert asked and not any("什么是调查" in q for q in asked)


def test_a_speech_s_salutations_and_its_dateline_are_no_key_points():
    from pipeline.enrich.keypoints import key_points

    text = ("在纪念大会上的讲话\n\n新华社北京9月3日电\n\n全国同胞们，\n尊敬的各位国家元首、政府首脑和国际组织代表，\n"
            "同志们、朋友们：\n\n今天，我们隆重集会，纪念抗日战争胜利80周年，共同铭记历史、缅怀先烈、珍爱和平、开创未来。\n\n"
            "中国人民抗日战争是艰苦卓绝的伟大战争，取得了近代以来反抗外敌入侵的第一次完全胜利。\n")
    points = [p.text for sec in key_points(_doc(text)) for p in sec.points]
    assert points and not any(p.startswith(("新华社", "全国同胞们", "尊敬的", "同志们")) for p in points)


def test_a_key_point_never_stops_at_a_frame_or_an_object_before_its_verb():
    from pipeline.enrich.keypoints import condense

    framed = ("新时代新征程，全国各族人民要在中国共产党坚强领导下，坚持马克思列宁主义、毛泽东思想、邓小平理论，"
              "全面贯彻新时代中国特色社会主义思想，坚定不移走中国特色社会主义道路，为民族复兴伟业而团结奋斗！")
    assert not condense(framed).endswith("领导下")
    inserted = ("各地、各部门，特别是地震重点监视防御区所在地，要尽早组织开展防震减灾宣传教育活动。"
                "在宣传教育活动中，要注意方式方法。")
    assert condense(inserted).endswith("宣传教育活动")


def test_names_set_one_per_line_are_all_on_the_slides():
    from pipeline.enrich.keypoints import key_points

    names = ["工业无产阶级", "手工业工人", "雇农", "贫农", "城市贫民", "游民", "手工业者", "小商人"]
    text = ("反对本本主义\n\n我们的主要目的，是要明了社会各阶级的政治经济情况，得到正确的阶级估量。\n\n"
            "什么是调查时要注意的社会阶级？下面那些就是：\n\n" + "\n\n".join(names)
            + "\n\n这些阶级的状况，都是我们调查时要注意的，我们的斗争策略就是对这许多阶级阶层的策略。\n")
    points = [p.text for sec in key_points(_doc(text)) for p in sec.points]
    assert "什么是调查时要注意的社会阶级：工业无产阶级、手工业工人、雇农、贫农、城市贫民" in points
    assert "游民、手工业者、小商人" in points


def test_a_quotation_set_in_quotes_has_its_own_quotes_made_single():
    from pipeline.writers.context import quoted

    assert quoted("马克思主义的“本本”是要学习的。") == "“马克思主义的‘本本’是要学习的。”"


def test_a_booklet_heading_breaks_between_words_only():
    from pipeline.writers.booklet.kinsoku import WJ
    from pipeline.writers.booklet.typeset import heading_filter

    html = str(heading_filter("离开实际调查就要产生唯心的工作指导"))
    assert f"指{WJ}导" in html and f"工{WJ}作" in html
    assert f"作{WJ}指" not in html  # a break may fall between 工作 and 指导
