"""What a careful editor reads in each real document of ../shared/corpus and ../shared/corpus2.

Written by reading the files, not by running the parser.  One ``Expect`` per file; a field
given as a tuple lists every value an editor could defensibly choose (the first is ours).
``score`` compares a parsed Document with an Expect field by field: the corpus tests assert
it, and ``bench/corpus_score.py`` (``make corpus``) prints it as a scoreboard.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.model import Document, block_lines, section_name

_SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPUS = Path(os.environ.get("STUDYKIT_CORPUS", _SHARED / "corpus"))
CORPUS2 = Path(os.environ.get("STUDYKIT_CORPUS2", _SHARED / "corpus2"))

Authors = list[tuple[str, list[str]]]


@dataclass(frozen=True)
class Expect:
    title: str | tuple[str, ...]
    date: str | None | tuple[str | None, ...] = None
    source: str | tuple[str, ...] = ""
    # (name, titles); a tuple of such lists lists the acceptable alternatives
    authors: Authors | tuple[Authors, ...] = field(default_factory=list)
    # the first top-level headings as printed (label + title); a tuple: alternatives
    headings: list[str] | tuple[list[str], ...] = field(default_factory=list)
    count: int | None | tuple[int, ...] = 0  # number of top-level sections; None: not checked
    first: str = ""  # text that the body's first 150 characters contain
    last: str = ""  # text that the body's last 200 characters contain
    not_in_body: tuple[str, ...] = ()  # page junk, captions, credits: never body text


def _one_of(value, allowed) -> bool:
    return value in allowed if isinstance(allowed, tuple) else value == allowed


def body_text(doc: Document) -> str:
    """The article text a handout prints: body blocks and headings, in reading order."""
    parts = [line for b in doc.body for line in block_lines(b)]
    for sec in doc.walk():
        parts.append(section_name(sec))
        parts.extend(line for b in sec.body for line in block_lines(b))
    return "\n".join(parts)


def _squash(text: str) -> str:
    return re.sub(r"[\s\u3000\u00a0]+", "", text)


def score(doc: Document, exp: Expect) -> dict[str, bool]:
    """field → right or wrong; only the fields the expectation speaks about."""
    authors = [(a.name, a.titles) for a in doc.meta.authors]
    top = [section_name(s) for s in doc.sections]
    result = {
        "title": _one_of(doc.meta.title, exp.title),
        "date": _one_of(doc.meta.date, exp.date),
        "source": _one_of(doc.meta.source, exp.source),
        "authors": _one_of(authors, exp.authors),
    }
    wanted = exp.headings if isinstance(exp.headings, tuple) else (exp.headings,)
    result["headings"] = any(top[: len(h)] == h for h in wanted)
    if exp.count is not None:
        result["headings"] = result["headings"] and _one_of(len(top), exp.count)
    text = _squash(body_text(doc))
    body_ok = bool(text)
    if exp.first:
        body_ok = body_ok and _squash(exp.first) in text[:150]
    if exp.last:
        body_ok = body_ok and _squash(exp.last) in text[-200:]
    body_ok = body_ok and not any(_squash(junk) in text for junk in exp.not_in_body)
    result["body"] = body_ok
    return result


def expectations() -> dict[Path, Expect]:
    """Every corpus file with its expectation (files of both corpora, by path)."""
    return {**{CORPUS / n: e for n, e in CORPUS1.items()},
            **{CORPUS2 / n: e for n, e in CORPUS2_TEXT.items()},
            **{CORPUS2 / n: e for n, e in CORPUS2_OFFICE.items()}}


# --- ../shared/corpus ---------------------------------------------------------------

CORPUS1: dict[str, Expect] = {
    "seed_shiyishi.txt": Expect(
        "踔厉奋发勇毅前行 以党的二十大精神为指引书写新时代新答卷", "2022-12-19", "十一师融媒体中心",
        [("程秀娥", ["十一师党委常委", "副政委", "组织部部长", "党委党校（行政学校）校长"])],
        ["一、突出政治建设，把坚持党的领导落到实处", "二、突出政治标准，着力建设高素质专业化干部队伍",
         "三、突出政治功能，全面提升基层党组织组织力", "四、突出政治引领，努力开创新时代人才工作新局面"], 4,
        first="党的二十大报告", not_in_body=("A+ A A-", "当前位置")),
    "r20_report.txt": Expect(
        "高举中国特色社会主义伟大旗帜 为全面建设社会主义现代化国家而团结奋斗", "2022-10-16", "",
        [("习近平", [])],
        ["一、过去五年的工作和新时代十年的伟大变革", "二、开辟马克思主义中国化时代化新境界"], 15,
        first="同志们："),
    "r19_report_partial.utf16le.txt": Expect(
        "", None, "", [], ["二、新时代中国共产党的历史使命", "三、新时代中国特色社会主义思想和基本方略"], 12),
    "gwr2024.gb18030.txt": Expect(
        "政府工作报告", "2024-03-05", "", [("李强", ["国务院总理"])],
        ["一、2023年工作回顾", "二、2024年经济社会发展总体要求和政策取向", "三、2024年政府工作任务"], 3),
    "gwr2018_part.utf8bom.txt": Expect(
        "政府工作报告", "2018-03-05", "", [("李克强", ["国务院总理"])], ["一、过去五年工作回顾"], 1),
    "pd_feature_zhongchao.txt": Expect(
        "共同开创中朝两党两国关系的美好未来", "2019-06-23", "新华社",
        [("郝薇薇", []), ("李忠发", [])],
        ["真诚的朋友：友好邻邦常来常往", "宝贵的财富：传统友谊历久弥坚", "坚定的决心：维护地区和平稳定"], 3),
    "pd_news_songtao.txt": Expect(
        "谱写中朝友谊新篇，维护半岛和平稳定", "2019-06-22", "人民日报", [],
        ["一、两党两国最高领导人举旗定向，引领中朝友谊开启新篇章"], 3),
    "pd_short_zhaokezhi.gbk.txt": Expect(
        "赵克志会见朝鲜人民保安省参事李成哲", "2019-07-11", "人民日报", [("张璁", [])]),
    "pd_tiny_wangjiarui.txt": Expect(
        "王家瑞会见金正恩特使", "2013-05-23", "新华社", [("钱彤", [])]),
    # no 来源 line: the page's publisher (the school whose study column printed it) may stand
    "baxiang_guiding.html": Expect("中共中央八项规定", "2025-03-26", ("", "绍兴市第一中学"), [], [], 0),
    "dangshi_tiaoli.html": Expect(
        "党史学习教育工作条例", "2024-02-05", "新华社", [],
        ["第一章\u3000总则", "第二章\u3000领导体制和工作职责"], 6),
    "jiaoyu_gangyao.scrape.txt": Expect(
        "国家中长期教育改革和发展规划纲要", "2011-03-31", "", [],
        ["序言", "第一部分\u3000总体战略", "第二部分\u3000发展任务", "第三部分\u3000体制改革",
         "第四部分\u3000保障措施", "实施"], 6),
    "hongse_ziyuan.scrape.txt": Expect(
        "每周一学（2021年10月4日—10日）", "2021-10-07", "", [],
        ["中国共产党人精神谱系第一批伟大精神正式发布"], 2),
    "shiwuwu_jianyi.txt": Expect(
        "中共中央关于制定国民经济和社会发展第十五个五年规划的建议", "2025-10-23", "新华社", [],
        ["一、“十五五”时期是基本实现社会主义现代化的关键时期"], 15),
    "zfgzbg_jijianban.utf8bom.txt": Expect(
        "不到800字！政府工作报告极简版来了", None, "人民日报官微", [],
        ["一、五年成就", "二、今年目标", "三、今年重点工作"], 3),
    "tijian_tongzhi.gb18030.txt": Expect(
        "中共中央组织部办公厅 国家卫生健康委办公厅关于调整公务员录用体检有关项目检查标准的通知",
        "2025-11-11", ("", "中共中央组织部办公厅 国家卫生健康委办公厅")),
    "sizhong_gongbao.txt": Expect(
        "中国共产党第二十届中央委员会第四次全体会议公报", "2025-10-23", "新华社"),
    "xianfa.md": Expect(
        "中华人民共和国宪法", "2018-03-11", "", [],
        ["序言", "第一章\u3000总纲", "第二章\u3000公民的基本权利和义务", "第三章\u3000国家机构",
         "第四章\u3000国旗、国歌、国徽、首都"], 5),
    "maogai_study_notes.txt": Expect(
        "", None, "", [], ["1.毛泽东思想形成和发展的社会历史条件", "2.如何把握毛泽东思想的主要内容和活的灵魂"],
        None),
}


# --- ../shared/corpus2: saved web pages, text, Word ------------------------------------

CORPUS2_TEXT: dict[str, Expect] = {
    "cjddsb_jinrong_zhishi.html": Expect(
        "常德市金融系统积极开展“金融知识普及月 金融知识进万家”活动", "2019-09-23", "当代商报",
        [("刘玺东", []), ("易赛楠", [])],
        first="为持续推动金融消费者教育和金融知识普及工作",
        last="让金融的发展更好地满足人民日益增长的美好生活需要。",
        not_in_body=("活动现场", "志愿者们积极向市民宣传金融知识", "文/图", "阅读 539", "发布日期：",
                     "转载请注明", "热门文章", "上一篇", "留言与评论")),
    "gov_cmse_fabuhui.html": Expect(
        "天宫一号与神舟九号载人交会对接任务第二场新闻发布会", "2012-06-24",
        ("", "中国载人航天工程办公室", "中国载人航天工程官方网站", "中国载人航天官方网站"),
        [("武平", ["中国载人航天工程新闻发言人"])],
        first="很高兴又一次和大家见面。", last="下面，我愿意回答大家的提问。",
        not_in_body=("发布日期", "字号", "责任编辑", "系统管理员", "友情链接", "分享到")),
    "gov_zjfgw_deqing_touzi.html": Expect(
        "1-10月德清县固定资产投资结构趋稳趋优", "2016-11-22", ("德清县发改局", "省发改委"),
        first="全县固定资产投资完成246.79亿元", last="总体全县投资结构趋稳趋优。",
        not_in_body=("（德清县发改局）", "信息来源", "浏览次数")),
    "guancha_wangwen_maoyi.html": Expect(
        ("中美贸易“持久战”，中国人的斗志被激发", "王文：中美贸易“持久战”，中国人的斗志被激发"),
        "2019-09-07", "观察者网",
        ([("王文", ["中国人民大学重阳金融研究院执行院长", "观察者网专栏作者"])],
         [("王文", ["观察者网专栏作者", "中国人民大学重阳金融研究院执行院长"])],
         [("王文", ["观察者网专栏作者"])], [("王文", ["中国人民大学重阳金融研究院执行院长"])]),
        ["特朗普“速胜”企图已在穗莞深破产"], 1,
        first="中美贸易战正在变成一场持久战", last="中国无惧“比拼耐力”。",
        not_in_body=("【文/观察者网专栏作者 王文】", "华坚鞋业生产车间", "余下全文", "下一页",
                     "本文仅代表作者个人观点", "责任编辑", "作者最近文章", "热门评论")),
    "hospital_dangzhibu_dasai.html": Expect(
        ("【不忘初心 牢记使命】我院医技药剂党支部举办2019年中药、药学理论知识与专业技能大赛",
         "我院医技药剂党支部举办2019年中药、药学理论知识与专业技能大赛"),
        "2019-10-31", ("湖南省中医药研究院附属医院", ""),
        ([("李琴雯", ["职工通讯员"]), ("刘会", ["职工通讯员"])], [("李琴雯", []), ("刘会", [])]),
        # the "本站讯（职工通讯员 …）" lead stays at the head of the text, as a 电头 does
        first="为深入推进党建与业务工作紧密结合", last="提高医院的药学服务水平。",
        not_in_body=("供稿", "摄影/张艳", "编辑/苏芳", "来源：本站原创")),
    "huanqiu_buyidao.html": Expect(
        ("别笑！18人的“新八国联军”今天成立了", "补壹刀：别笑！18人的“新八国联军”今天成立了"),
        "2020-06-05", ("补壹刀微信公号", "补壹刀", "环球网"),
        [("叨叨姐", []), ("胡一刀", []), ("李小飞刀", [])],
        (["1", "2", "3"], []), (3, 0),
        first="西方世界的一些反华分子正试图串联起来。", last="自信一点，理性一点，可以吗。",
        not_in_body=("执笔/", "图片均来自网络", "责编：薛艺磊", "阅读数", "不感兴趣")),
    "ifeng_gugong.html": Expect(
        "故宫，你低调点！故宫：不，实力已不允许我继续低调", "2019-02-20", "中国新闻网",
        [("上官云", []), ("宋宇晟", [])],
        first="我的名字叫紫禁城", last="你期待吗？",
        not_in_body=("故宫博物院供图", "图片来源：东方IC", "图片来源：视觉中国", "中新社记者 杜洋 摄", "翻摄",
                     "刘关关 摄", "作者：上官云", "这是嵌套很深的节点", "特别声明", "下载客户端")),
    "netease_fenqu_fangkong.html": Expect(
        "国务院联防联控机制：湖北和武汉要严格管控防输出", "2020-02-29", "新华社", [],
        first="2月28日，国务院联防联控机制印发", last="不断提高疫情防控的科学性、精准性、针对性。",
        not_in_body=("原标题", "延伸阅读", "本文来源", "责任编辑", "跟贴")),
    "netease_jinghu_gaosu_fengbi.html": Expect(
        "5月20日至31日，京沪高速无锡至江阴大桥至广陵枢纽段封闭！", "2019-05-17", ("无锡交警", "苏皖城市报道"),
        [], ["01\u3000相关路段强制分流，听从交警指挥疏导", "02\u3000提前规划出行路线，绕行避开施工区域"], 2,
        first="下周一，", last="平安出行，安全到家。",
        not_in_body=("（点击看清晰大图）", "来源：无锡交警", "特别声明", "跟贴")),
    "qq_lengjing_shuju.html": Expect(
        ("数据业大整顿：爬虫与现金贷共生共荣，用户信息几元不等",
         "棱镜|数据业大整顿：爬虫与现金贷共生共荣，用户信息几元不等"),
        "2019-09-23", ("棱镜", "腾讯新闻《棱镜》", "腾讯网"), [("周纯", [])],
        ["“打蛇打七寸”", "兴于现金贷", "灰色地带中的“爬虫”"], 3,
        first="擅长清洗数据的第三方数据行业", last="第三方数据行业的整顿仍将持续。",
        not_in_body=("《棱镜》作者 周纯", "（某头部数据公司的部分报价单）", "返回腾讯网首页",
                     "正文已结束", "责任编辑", "为你推荐")),
    "thepaper_zhengwu_nansha_youlun.html": Expect(
        ("定了！广州南沙邮轮母港即将开通！地铁直达+无敌免税城……",
         "定了！广州南沙邮轮母港即将开通！地铁直达+无敌免税城......"),
        "2019-08-13", ("中国广州发布", "澎湃新闻·澎湃号·政务", "广州参考、广州南沙发布、羊城晚报"), [],
        (["11月17日开港，可停靠目前世界上最大邮轮", "在建地下通道连接地铁四号线",
          "11月启航：新邮轮开通四条国际航线"],
         ["11月17日开港，可停靠目前世界上最大邮轮", "在建地下通道连接地铁四号线",
          "国际邮轮母港航站楼登船路线抢先看", "11月启航：新邮轮开通四条国际航线"]),
        (3, 4),
        first="搭地铁去坐邮轮玩转东南亚", last="开始搓搓手了",
        not_in_body=("本文原标题", "▲广州日报全媒体图片记者", "编辑|禤志杰", "责编|", "校对|",
                     "扫描下方二维码", "回复【公租房】", "\ufffd", "特别声明")),
    "wechat_sanxing_s20.html": Expect(
        "三星 Galaxy S20 系列手机正式发布", ("2020-02-12", None), "爱否科技", [],
        first="今天凌晨，三星在美国旧金山举行发布会", last="拥有黑、金、紫三色可选。",
        not_in_body=("信息来源于网络", "经过文刃重新编排", "微信号", "FViewXFG", "功能介绍")),
    "wechat_yiriyiji_python.html": Expect(
        ("一日一技：在 Python 中实现延迟调用", "在 Python 中实现延迟调用"), ("2020-02-11", None),
        "未闻Code", [("kingname", [])],
        first="熟悉 Golang 的同学都知道", last="确保始终增加一条日期数据。",
        not_in_body=("摄影：产品经理", "产品经理的生日餐", "微信号", "itskingname", "功能介绍")),
    "zsnews_danggongwei_diaoyan.html": Expect(
        "顺德区大良街道党工委委员潘卓辉一行到众创金融街开展调研工作", "2019-03-06", "东区办事处",
        first="2019年2月27日下午", last="为中山经济发展提供创新驱动力。",
        not_in_body=("来源于：", "发布日期", "责任编辑", "龙慧", "打印本页", "关闭窗口", "现在位置")),
    "dangke_dangshi_zhengligao.txt": Expect(
        "党史学习教育专题讲课整理稿", None, "", [],
        ["一、新民主主义革命时期（1919—1949年）：开天辟地",
         "二、社会主义革命和建设时期（1949—1978年）：改天换地",
         "三、改革开放和社会主义现代化建设新时期（1978年—党的十八大）：翻天覆地",
         "四、中国特色社会主义新时代（党的十八大至今）：惊天动地"], 4,
        first="今天时间安排较紧", last="预祝本次培训班圆满成功，谢谢大家！",
        not_in_body=("党史学习教育专题讲课整理稿",)),
    "wechat_copy_dangyuan_mianduimian.txt": Expect(
        ("党建专栏 | 心贴心、面对面、实打实！公管学院举办系列一站式社区经验分享会",
         "党建专栏｜心贴心、面对面、实打实！公管学院举办系列一站式社区经验分享会",
         "心贴心、面对面、实打实！公管学院举办系列一站式社区经验分享会"),
        None, "", [], [], 0,
        first="保研有哪些要求？", last="培养更多可堪大用、能担重任的公管青年。"),
    "zhici_kaiban_dianli.txt": Expect(
        "在第18期入党积极分子培训班、第20期发展对象培训班开班典礼上的致辞", "2026-04-23", "", [], [], 0,
        first="大家下午好", last="最后，预祝本次培训班圆满顺利！谢谢大家！",
        not_in_body=("（2026年 4月23日）",)),
    "cehua_shengbo_huodong.docx": Expect(
        "公共管理学院“探寻楚韵文脉，厚植文化自信”参观湖北省博物馆主题活动策划书", None,
        ("公共管理学院本科生党建工作中心", ""), [],
        ["一、活动背景", "二、活动名称", "三、活动时间", "四、活动地点", "五、参加人员", "六、活动前期",
         "七、活动内容", "八、活动后期", "九、活动意义", "十、活动注意事项", "十一、活动预算"], 11,
        first="规划明确提出", last="总计"),
    "dangjian_zhishiku_styles.docx": Expect(
        "党建知识库（完整版）", None, "", [],
        ["一、党的基础理论知识", "二、党史学习核心内容", "三、基层党建工作实务", "四、党风廉政建设知识",
         "五、党员教育管理"], 5,
        first="中国共产党是中国工人阶级的先锋队"),
    "lihui_ziliao_2024.docx": Expect(
        # no author is printed for the whole; the file's author (core properties) is a name
        "", None, "", ([], [("周悦", [])]), ([], ["党建专栏|“心贴心、面对面、实打实”，系列社区经验分享会让公管学子收获满满！"]),
        (0, 2), first="Word文档"),
    "rudang_shenqing_hx.docx": Expect(
        "", "2023-11-20", "", ([("蓝鸿翔", [])], [("蓝鸿翔", ["申请人"])]),
        first="我志愿加入中国共产党"),
    "tuiwen_shengbo_canguan.docx": Expect(
        "探寻楚韵文脉，厚植文化自信", None, "", ([("梅帅", [])], [("梅帅", ["文字"])]),
        first="为响应“十五五”规划", last="勇担时代使命。",
        not_in_body=("来源：XXX", "文字：梅帅", "审核：XXX", "公共管理学院省博主题参观活动圆满完成")),
    "xinwengao_geshi_guifan.docx": Expect(
        "", None, "", [], first="方正小标宋简体", last="审核：指导老师、分管领导"),
}


# --- ../shared/corpus2: PDF, .doc and .wps (tests/test_readers_corpus2.py checks more) --------

CORPUS2_OFFICE: dict[str, Expect] = {
    "dangyuanwang_bowuguan_sizheng.pdf": Expect(
        "借智博物馆打造“行走的思政课堂”", None, "共产党员网",
        first="5月18日是第49个“国际博物馆日”。", last="助推数字文化产业发展。",
        not_in_body=("=====", "_先锋文汇_共产党员网")),
    "gmw_bowuguan_dasizheng.pdf": Expect(
        "在博物馆里上好“大思政课”", None, ("光明日报", "光明网"), [("苏雁", []), ("姬尊雨", [])],
        first="12月9日，一堂别开生面的思政课", last="丰富“大思政课”实践载体。",
        not_in_body=("=====", "-光明日报-光明网")),
    "gov_moe_bainian_jieli.pdf": Expect(
        "百年接力，党旗映照清华园", "2021-05-31", "光明日报", [("杨飒", [])],
        ["铭记历史，汲取信仰的力量", "牢记使命，感悟实践的真理"], 2,
        first="百年接力，强国有我！", last="陈旭表示。",
        not_in_body=("=====", "中华人民共和国教育部政府门户网站", "扫一扫分享本页")),
    "xjtu_zhuti_dangri.pdf": Expect(
        ("西安交大党委组织部（党校）党支部开展 “听党指挥 薪火百年”主题党日活动",
         "西安交大党委组织部（党校）党支部开展“听党指挥 薪火百年”主题党日活动"),
        None, "西安交通大学新闻网",
        first="12月23日，西安交通大学党委组织部（党校）党支部开展", last="提供坚强组织保障。",
        not_in_body=("=====", "-西安交通大学新闻网")),
    "gongwen_skeleton_test.pdf": Expect(
        "国防部关于放假的通知", "2012-12-12", "国防部", first="正文部分",
        not_in_body=("一份公文文件", "抄送", "印发")),
    "gongwen_skeleton_test.wps": Expect(
        "国防部关于放假的通知", "2012-12-12", "国防部", first="正文部分",
        not_in_body=("一份公文文件", "抄送", "印发")),
    "gongwen_skeleton_test.doc": Expect(
        "国防部关于教育部放假的通知", "2012-12-12", "国防部", first="正文部分",
        not_in_body=("国防部下发文件", "抄送", "印发")),
    "zhuanzheng_shenqing.doc": Expect(
        ("", "转正申请书"), None, "", first="时光飞逝，加入公司已经有六个月时间有余。",
        last="和公司一起成长。"),
    "gongzuo_riji_utf8text.doc": Expect(
        ("", "又一次被自己打败啦！"), (None, "2019-05-14"), "",
        last="https://www.jianshu.com/p/ae50ce022f2b"),
    "linux_xuexi_ganwu.wps": Expect(
        ("", "下面介绍一下怎么才算掌握到这个技术点？"), None, "", last="希望这篇文章能帮到大家"),
}
