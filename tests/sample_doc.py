"""A hand-built Document shaped like the seed article, for tests that must not depend on the parser."""

from __future__ import annotations

from pipeline.model import Author, Block, Document, ListItem, Meta, Quote, Section, Term


def sample_document() -> Document:
    s1 = "一、突出政治建设，把坚持党的领导落到实处"
    s2 = "二、突出政治标准，着力建设高素质专业化干部队伍"
    return Document(
        meta=Meta(title="以党的二十大精神为指引书写新时代新答卷", subtitle="——踔厉奋发勇毅前行",
                  date="2022-12-19", source="十一师融媒体中心",
                  authors=[Author("程秀娥", ["十一师党委常委、副政委", "组织部部长"])]),
        body=[Block("paragraph", "习近平总书记作的党的二十大报告，就坚定不移全面从严治党进行了总体部署，"
                                 "学习贯彻党的二十大精神，必须坚持组织路线服务政治路线。")],
        sections=[
            Section(1, "一、", "突出政治建设，把坚持党的领导落到实处", body=[
                Block("paragraph", "党的二十大报告中指出：“坚持不懈用习近平新时代中国特色社会主义思想凝心铸魂”。"),
                Block("paragraph", "作为组织部部长，要深刻领悟“两个确立”的决定性意义，进一步增强“四个意识”、"
                                   "坚定“四个自信”、做到“两个维护”，结合“三会一课”开展学习。"),
            ], sections=[
                Section(2, "（一）", "构建学习体系", run_in=True, body=[
                    Block("paragraph", "坚持用“三个务必”武装头脑，指导实践。"),
                ]),
                Section(3, "1.", "抓好班子", body=[
                    Block("list", items=[ListItem("①", "抓学习；"), ListItem("②", "抓落实。")]),
                ]),
            ]),
            Section(1, "二、", "突出政治标准，着力建设高素质专业化干部队伍", body=[
                Block("paragraph", "要切实把“信念坚定、为民服务、勤政务实、敢于担当、清正廉洁”的好干部标准落实到选人用人实践中。"),
                Block("signature", "十一师党委组织部"),
            ]),
        ],
        quotes=[
            Quote("坚持不懈用习近平新时代中国特色社会主义思想凝心铸魂", speaker="党的二十大报告", section=s1),
            Quote("两个确立", section=s1),
            Quote("四个意识", section=s1),
            Quote("坚持不懈用习近平新时代中国特色社会主义思想凝心铸魂", section=s1),
            Quote("信念坚定、为民服务、勤政务实、敢于担当、清正廉洁", section=s2),
        ],
        terms=[Term("两个确立", section=s1), Term("四个意识", section=s1),
               Term("四个自信", section=s1), Term("两个维护", section=s1),
               Term("三会一课", section=s1), Term("三个务必", section=s1),
               Term("推进领导干部能上能下规定", kind="book", section=s2)],
        source_file="seed_shiyishi.txt",
    )
