"""Hand-built official documents (公文), as a reader of 通知 would fill the model."""

from __future__ import annotations

from pipeline.model import Block, Document, ListItem, Meta, Section

TITLE = "中共中央组织部办公厅 国家卫生健康委办公厅关于调整公务员录用体检有关项目检查标准的通知"
ADDRESSEES = ["各省、自治区、直辖市党委组织部、卫生健康委，", "中央和国家机关各部委、各人民团体组织人事部门，",
              "新疆生产建设兵团党委组织部、卫生健康委"]
TABLE = [["项目", "调整前", "调整后"],
         ["地中海贫血", "不合格", "血红蛋白高于90g/L的，合格"],
         ["多囊肾", "不合格", "未伴有尿蛋白阳性或肾功能不全的，合格"],
         ["桥本甲状腺炎", "视情况", "合格"]]


def official_notice(signer: str = "国家卫生健康委办公厅") -> Document:
    """A 通知 with every part GB/T 9704 names: 发文字号, 主送, headings, a table, 附件说明,
    署名 and 成文日期, 抄送 and 印发."""
    return Document(
        meta=Meta(title=TITLE, date="2025-11-11", doc_number="组厅字〔2025〕38号",
                  addressees=list(ADDRESSEES),
                  cc=["中央纪委国家监委机关", "最高人民法院", "最高人民检察院"],
                  imprint="中共中央组织部办公厅 2025年11月12日印发"),
        body=[Block("paragraph", "为进一步提高公务员录用体检工作科学化规范化水平，中央组织部、国家卫生健康委"
                                 "组织医学专家对公务员录用体检有关项目检查标准进行了调整，现通知如下。")],
        sections=[
            Section(1, "一、", "调整的项目", body=[
                Block("list", items=[
                    ListItem("（一）", "地中海贫血（地贫基因携带者、静止型、轻型）且血红蛋白高于90g/L，合格。"),
                    ListItem("（二）", "有多囊肾表现，未伴有尿蛋白阳性或肾功能不全的，合格。")]),
            ], sections=[
                Section(2, "（一）", "执行时间", run_in=True,
                        body=[Block("paragraph", "本通知自印发之日起施行。")]),
                Section(2, "（二）", "有关要求", run_in=True,
                        body=[Block("paragraph", "各地区各部门要高度重视，指导体检医疗机构准确把握、"
                                                 "认真执行公务员录用体检的程序、项目和标准。")]),
            ]),
            Section(1, "二、", "检查标准对照", body=[
                Block("table", text="表1　调整前后标准对照", rows=[list(r) for r in TABLE]),
                Block("paragraph", "附件：1.公务员录用体检通用标准（试行）（2025年修订）"),
                Block("paragraph", "2.公务员录用体检操作手册（试行）（2025年修订）"),
                Block("signature", signer),
                Block("signature", "2025年11月11日"),
            ]),
        ],
        source_file="tongzhi.txt")


def one_page_notice() -> Document:
    """A short 通知 without headings: one page of text."""
    return Document(
        meta=Meta(title=TITLE, date="2025-11-11"),
        body=[Block("paragraph", "各省、自治区、直辖市党委组织部、卫生健康委：", ),
              Block("paragraph", "为进一步提高公务员录用体检工作科学化规范化水平，现通知如下。"),
              Block("list", items=[ListItem("一、", "地中海贫血（地贫基因携带者、静止型、轻型）且血红蛋白高于90g/L，合格。"),
                                   ListItem("二、", "有多囊肾表现，未伴有尿蛋白阳性或肾功能不全的，合格。")]),
              Block("paragraph", "各地区各部门要高度重视，依法依规做好公务员录用体检工作。"),
              Block("signature", "中共中央组织部办公厅 国家卫生健康委办公厅"),
              Block("signature", "2025年11月11日")],
        source_file="tongzhi.txt")
