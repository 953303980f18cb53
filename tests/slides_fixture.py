"""A hand-made document shaped like the seed article, for the slides tests."""

from __future__ import annotations

from pipeline.model import Author, Block, Document, ListItem, Meta, Quote, Section

LONG = ("要贯彻落实《推进领导干部能上能下规定》，健全能上能下的选人用人机制，坚持原则、敢于担当，"
        "讲究方法、把握政策，推进干部能上能下常态化，形成能者上、优者奖、庸者下、劣者汰的良好局面。")


def para(text: str) -> Block:
    return Block(type="paragraph", text=text)


def sample_document() -> Document:
    """Two top-level sections (one long, with sub-sections), an intro, quotes, a signature."""
    first = Section(level=1, label="一、", title="突出政治建设，把坚持党的领导落到实处", body=[
        para("党的二十大报告中指出：“坚持不懈用习近平新时代中国特色社会主义思想凝心铸魂”。"
             "新时代党的创新理论是一本阐释社会变化规律和原理的“必修教材”。"),
        para("作为组织部部长，要进一步提高政治站位，认准“党是最高政治领导力量”这一“指南针”，"
             "深刻领悟“两个确立”的决定性意义。"),
        para("我们要在学懂弄通做实上下功夫。习近平总书记强调：“必须坚持人民至上，坚持自信自立，"
             "坚持守正创新，坚持问题导向。”"),
    ])
    subs = [Section(level=2, label=f"（{n}）", title=f"第{n}项工作要求，着眼完善上下贯通的组织体系",
                    body=[para(f"第{n}段：" + LONG), para(f"第{n}段补充：要着眼完善上下贯通、执行有力的"
                                                       "组织体系，抓好 2023 年 GDP 目标任务。")])
            for n in "一二三四"]
    second = Section(level=1, label="二、", title="突出政治标准，着力建设高素质专业化干部队伍",
                     body=[para("当前，十一师要实现经济社会高质量发展，迫切需要高素质的优秀干部共同担当。"),
                           Block(type="list", items=[ListItem("①", "信念坚定、为民服务"),
                                                     ListItem("②", "勤政务实、敢于担当")])],
                     sections=subs)
    return Document(
        meta=Meta(title="踔厉奋发勇毅前行", subtitle="——以党的二十大精神为指引书写新时代新答卷",
                  date="2022-12-19", source="十一师融媒体中心",
                  authors=[Author("程秀娥", ["十一师党委常委、副政委"])]),
        body=[para("习近平总书记作的党的二十大报告，就坚定不移全面从严治党作出总体部署。")],
        sections=[first, second],
        quotes=[Quote(text="坚持不懈用习近平新时代中国特色社会主义思想凝心铸魂",
                      speaker="习近平总书记", source="党的二十大报告",
                      section="一、突出政治建设，把坚持党的领导落到实处"),
                Quote(text="树立选人用人正确导向，选拔忠诚干净担当的高素质专业化干部，" * 4,
                      speaker="习近平总书记", section="（二）第二项工作要求，着眼完善上下贯通的组织体系")],
        source_file="seed.txt",
    )
