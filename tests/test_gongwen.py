"""Official documents (公文, GB/T 9704): each part in its place, from text, Word and PDF alike."""

from __future__ import annotations

import io

import pytest
from pdf_samples import FONT, write_pdf

from pipeline.model import Document, section_name
from pipeline.parser import parse
from pipeline.readers import read_source
from pipeline.readers.source import SourceText

NOTICE = """000123
机密★1年
特急
中共某某市委办公室文件

某办发〔2024〕12号

中共某某市委办公室
关于开展2024年度理论学习中心组学习的通知

各区委，市委各部委，市级国家机关各部门党组（党委），各人民团体党组：
　　为深入学习贯彻党的二十大精神，经市委同意，现就开展2024年度理论学习中心组学习有关事项通知如下。
　　一、学习内容
　　重点学习习近平新时代中国特色社会主义思想，深入学习党的二十大精神，做到学思用贯通。
　　二、组织方式
　　各单位要结合实际制定学习计划，认真组织实施，确保学习取得实效。

　　附件：1.2024年度理论学习中心组学习重点内容
　　　　　2.学习情况统计表

中共某某市委办公室
2024年3月5日
（此件发至县处级）

附件1

2024年度理论学习中心组学习重点内容

　　深入学习习近平新时代中国特色社会主义思想，深入学习党的二十大精神。

抄送：市人大常委会办公厅，市政府办公厅，
　　市政协办公厅。
中共某某市委办公室　　　　　　　　2024年3月6日印发
"""


def _parse_text(text: str, name: str = "通知.txt") -> Document:
    return parse(SourceText.from_text(name, "text", text))


def _blocks(blocks) -> list[str]:
    out = []
    for b in blocks:
        out.extend([b.label + b.text] if b.type != "list" else [i.label + i.text for i in b.items])
    return out


def _check_notice(doc: Document) -> None:
    meta = doc.meta
    assert meta.title == "中共某某市委办公室关于开展2024年度理论学习中心组学习的通知"
    assert meta.doc_number == "某办发〔2024〕12号"
    assert meta.addressees == ["各区委", "市委各部委", "市级国家机关各部门党组（党委）", "各人民团体党组"]
    assert meta.cc == ["市人大常委会办公厅", "市政府办公厅", "市政协办公厅"]
    assert meta.imprint == "中共某某市委办公室 2024年3月6日印发"
    assert meta.source == "中共某某市委办公室" and meta.date == "2024-03-05"
    names = [section_name(s) for s in doc.sections]
    assert names == ["一、学习内容", "二、组织方式", "附件1　2024年度理论学习中心组学习重点内容"]
    main_end = doc.sections[1].body
    assert [(b.type, b.text) for b in main_end if b.type in ("signature", "note")] == [
        ("signature", "中共某某市委办公室"), ("signature", "2024年3月5日"), ("note", "（此件发至县处级）")]
    assert _blocks(main_end)[1:4] == ["附件：", "1.2024年度理论学习中心组学习重点内容", "2.学习情况统计表"]
    assert doc.body and doc.body[0].text.startswith("为深入学习贯彻党的二十大精神")
    body = "".join(_blocks(doc.body)) + "".join(
        t for s in doc.walk() for t in _blocks(s.body))
    for gone in ("000123", "机密", "特急", "文件", "某办发", "各区委", "抄送", "印发"):
        assert gone not in body, gone
    reasons = {d.reason.split(" (")[0] for d in doc.discarded}
    assert {"份号", "密级", "紧急程度", "发文机关标志", "发文字号", "主送机关"} <= reasons


def test_notice_as_text() -> None:
    _check_notice(_parse_text(NOTICE))


def test_notice_as_word() -> None:
    import docx

    d = docx.Document()
    for line in NOTICE.splitlines():
        d.add_paragraph(line.strip("　"))
    buf = io.BytesIO()
    d.save(buf)
    _check_notice(parse(read_source(buf.getvalue(), "通知.docx")))


def test_notice_as_pdf(tmp_path) -> None:
    pytest.importorskip("weasyprint")
    css = f"""@page {{ size: A4; margin: 37mm 26mm 35mm 28mm;
        @bottom-center {{ content: "— " counter(page) " —"; font-family: {FONT}; font-size: 14pt; }} }}
      body {{ font-family: {FONT}; font-size: 16pt; line-height: 28pt; }}
      p {{ margin: 0; text-indent: 2em; }} .c {{ text-align: center; text-indent: 0; }}
      .l {{ text-indent: 0; }} .r {{ text-align: right; text-indent: 0; padding-right: 4em; }}
      .red {{ color: #d00; font-size: 36pt; font-weight: bold; line-height: 60pt; }}
      .t {{ font-size: 22pt; line-height: 36pt; }} .att {{ page-break-before: always; }}
      .rec {{ page-break-before: always; text-indent: 0; }}"""
    html = f"""<!doctype html><html><head><meta charset="utf-8"><style>{css}</style></head><body>
    <p class="l">000123</p><p class="l">机密★1年</p><p class="l">特急</p>
    <p class="c red">中共某某市委办公室文件</p><p class="c">某办发〔2024〕12号</p>
    <p class="c t">中共某某市委办公室</p><p class="c t">关于开展2024年度理论学习中心组学习的通知</p>
    <p class="l">各区委，市委各部委，市级国家机关各部门党组（党委），各人民团体党组：</p>
    <p>为深入学习贯彻党的二十大精神，经市委同意，现就开展2024年度理论学习中心组学习有关事项通知如下。</p>
    <p>一、学习内容</p><p>重点学习习近平新时代中国特色社会主义思想，深入学习党的二十大精神，做到学思用贯通。</p>
    <p>二、组织方式</p><p>各单位要结合实际制定学习计划，认真组织实施，确保学习取得实效。</p>
    <p>附件：1.2024年度理论学习中心组学习重点内容</p><p style="padding-left: 3em">2.学习情况统计表</p>
    <p class="r">中共某某市委办公室</p><p class="r">2024年3月5日</p><p>（此件发至县处级）</p>
    <p class="l att">附件1</p><p class="c t">2024年度理论学习中心组学习重点内容</p>
    <p>深入学习习近平新时代中国特色社会主义思想，深入学习党的二十大精神。</p>
    <p class="rec">抄送：市人大常委会办公厅，市政府办公厅，市政协办公厅。</p>
    <p class="l">中共某某市委办公室　　　　　　　　2024年3月6日印发</p></body></html>"""
    path = write_pdf(html, tmp_path / "通知.pdf")
    doc = parse(read_source(path.read_bytes(), path.name))
    _check_notice(doc)
    assert any(d.reason == "page number" for d in doc.discarded)


def test_notice_without_header_is_known_by_its_addressees() -> None:
    doc = _parse_text("关于召开2020年度第二次合伙人会议的通知\n各合伙人：\n"
                      "根据合伙协议的有关规定，定于12月11日召开合伙人会议，现将有关事项通知如下。\n"
                      "请各位合伙人按时参加。\n某某中心（有限合伙）\n2020年12月10日\n")
    assert doc.meta.title == "关于召开2020年度第二次合伙人会议的通知"
    assert doc.meta.addressees == ["各合伙人"] and doc.meta.date == "2020-12-10"
    assert doc.meta.source == "某某中心（有限合伙）"
    assert doc.body[0].text.startswith("根据合伙协议")


def test_a_speech_is_not_an_official_document() -> None:
    text = ("在全市工作会议上的讲话\n同志们：\n今天召开这次会议，主要任务是总结去年工作，部署今年任务。\n"
            "大家要认真抓好落实，确保各项任务完成。\n2024年1月5日\n")
    doc = _parse_text(text, "讲话.txt")
    assert doc.meta.addressees == [] and doc.meta.doc_number == "" and doc.meta.cc == []
    assert doc.body[0].text == "同志们："


def test_dashed_page_numbers_go_from_any_text() -> None:
    text = ("学习体会\n\n认真学习党的二十大报告，深刻领会其中的精神实质和丰富内涵。\n— 1 —\n"
            "要把学习成果转化为推动工作的实际行动，做到学以致用、用以促学。\n- 2 -\n")
    doc = _parse_text(text, "体会.txt")
    assert [(d.text, d.reason) for d in doc.discarded if d.reason == "page number"] == [
        ("— 1 —", "page number"), ("- 2 -", "page number")]
    assert all("—" not in b.text for b in doc.body)


def test_signer_line_and_joint_issuers() -> None:
    text = ("中共某某县委\n某某县人民政府\n文件\n某发〔2023〕5号          签发人：张三\n\n"
            "中共某某县委 某某县人民政府\n关于加强基层党建工作的意见\n\n各乡镇党委、政府，县直各单位：\n"
            "为进一步加强基层党建工作，提出如下意见。\n\n中共某某县委\n某某县人民政府\n2023年6月1日\n")
    doc = _parse_text(text)
    assert doc.meta.doc_number == "某发〔2023〕5号"
    assert doc.meta.title == "中共某某县委 某某县人民政府关于加强基层党建工作的意见"
    assert doc.meta.addressees == ["各乡镇党委、政府", "县直各单位"]
    assert doc.meta.source == "中共某某县委 某某县人民政府" and doc.meta.date == "2023-06-01"
    assert any("签发人" in d.reason for d in doc.discarded)


def test_a_forwarding_notice_keeps_its_own_signature_and_the_forwarded_document_apart() -> None:
    text = ("某政办发〔2024〕3号\n"
            "某某县人民政府办公室转发县教育局关于加强学校安全工作意见的通知\n"
            "各乡镇人民政府，县直各单位：\n"
            "县教育局《关于加强学校安全工作的意见》已经县政府同意，现转发给你们，请认真贯彻执行。\n"
            "某某县人民政府办公室\n2024年3月5日\n（此件公开发布）\n"
            "关于加强学校安全工作\n的意见\n县人民政府：\n"
            "为切实做好学校安全工作，现提出如下意见。\n一、落实安全责任\n各校要明确第一责任人。\n"
            "二、加强隐患排查\n每月开展一次全面排查。\n某某县教育局\n2024年2月20日\n")
    doc = _parse_text(text)
    assert doc.meta.date == "2024-03-05" and doc.meta.source == "某某县人民政府办公室"
    forwarded = doc.sections[-1]
    assert forwarded.title == "关于加强学校安全工作的意见" and forwarded.level == 1
    assert [s.label + s.title for s in forwarded.sections] == ["一、落实安全责任", "二、加强隐患排查"]
    assert [b.text for b in doc.body if b.type == "signature"] == ["某某县人民政府办公室", "2024年3月5日"]
    assert [(b.type, b.text) for b in forwarded.sections[-1].body[-2:]] == [
        ("signature", "某某县教育局"), ("signature", "2024年2月20日")]


def test_a_notice_without_a_forwarded_document_signs_at_its_end() -> None:
    text = ("某政办发〔2024〕4号\n某某县人民政府办公室关于印发工作要点的通知\n各乡镇人民政府：\n"
            "现将工作要点印发给你们，请认真贯彻执行。\n某某县人民政府办公室\n2024年3月5日\n")
    doc = _parse_text(text)
    assert doc.meta.date == "2024-03-05" and not doc.sections


def test_addressees_listing_bodies_of_one_kind_and_a_list_that_goes_on_after_a_paragraph() -> None:
    provinces = "、".join(["北京市", "天津市", "河北省", "山西省", "辽宁省", "吉林省", "黑龙江省", "上海市",
                           "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省"]) + "人民政府"
    text = ("某办发〔2024〕9号\n某某办公厅关于加强档案管理工作的通知\n"
            f"{provinces}，沈阳、北京、兰州军区：\n"
            "为做好档案管理工作，现通知如下：\n"
            "一、档案管理工作由各级档案部门统一归口管理，有关单位也要相应指定专人负责，并建立健全管理制度。\n"
            "二、要加强对历史档案的收集整理工作，设法查找散存在各单位和个人手中的文件资料，做到应收尽收。\n"
            "上述工作中的情况，要及时上报。\n"
            "三、对已发现的破损档案，其修复工作由档案部门负责。修复完成后要及时归档，不得擅自处理。\n"
            "某某办公厅\n2024年5月6日\n")
    doc = _parse_text(text)
    assert doc.meta.addressees == [provinces, "沈阳、北京、兰州军区"]
    assert not doc.sections
    items = [i.label for b in doc.body if b.type == "list" for i in b.items]
    assert items == ["一、", "二、", "三、"]


def test_a_labelled_line_between_title_and_addressees_is_set_aside() -> None:
    text = ("关于召开专题组织生活会的通知\n单 位：组织部\n二级党委、党总支,各党支部：\n"
            "根据学校安排，现就召开专题组织生活会有关事项通知如下。\n"
            "1. 学习教育：围绕学习教育，紧密结合全会精神学习。学习方法可以多种多样。\n"
            "2. 个人自评和党员互评：在学习讨论的基础上，以党支部为单位组织召开党员大会，党员个人进行党性分析。\n"
            "3. 民主测评：党支部发放测评表，对每名党员进行民主测评，并汇总统计测评表提出初步意见。\n"
            "党委组织部\n2016年11月23日\n")
    doc = _parse_text(text)
    assert doc.meta.title == "关于召开专题组织生活会的通知"
    assert doc.meta.addressees == ["二级党委、党总支", "各党支部"]
    assert ("单 位：组织部", "metadata line") in [(d.text, d.reason) for d in doc.discarded]
    assert doc.body[0].text.startswith("根据学校")
    assert [i.label for b in doc.body if b.type == "list" for i in b.items] == ["1.", "2.", "3."]
