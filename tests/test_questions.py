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
