"""Labelled metadata and credits as articles print them, and who can be an author.

"来源：新华社", "作者：郝薇薇;李忠发  时间：2019-06-23", WeChat's "来源 | 新华社" and
"原创 张三 某某党建 2024年03月05日 08:30 浙江", credits such as "文/图 刘玺东 易赛楠",
"执笔/叨叨姐、胡一刀&李小飞刀" and "【文/观察者网专栏作者 王文】".  Toolbar fragments that
pages glue into these lines ("字号：A- A A+", "举报") are not values.

An author is a person: a Chinese name (with titles where printed), a pen name, or an
account handle.  Never a number or CMS id, a placeholder or computer account name
("Administrator", "微软用户", "User"), a button or link text ("分享", "听全文"), a part
heading ("引言"), an organisation (which may be a source), or an editor.
"""

from __future__ import annotations

import re

from pipeline.parser.text import HAN_CLASS, squash_spaces

# label → what it gives; the longest label wins where one contains another
DATE_LABELS = ("成文日期", "印发日期", "发布时间", "发布日期", "发表时间", "发表日期", "发表于", "发布于", "时间",
               "日期", "更新时间", "最后更新")
SOURCE_LABELS = ("资料来源", "文章来源", "稿件来源", "信息来源", "新闻来源", "本文来源", "来源于", "来源", "出处",
                 "转自", "摘自", "稿源", "发文机关", "发布机构", "发布机关", "发文单位", "发布单位", "单位")
AUTHOR_LABELS = ("作者", "撰稿", "撰文", "执笔", "采写", "文字", "文", "记者", "通讯员", "文/图", "文图", "文字、图片",
                 "申请人", "报告人", "汇报人", "主讲人", "讲述人", "整理")
STAFF_LABELS = ("编辑", "责任编辑", "责编", "审核", "校对", "排版", "美编", "初审", "复审", "终审", "编审",
                "摄影", "摄", "图", "图片", "图文", "视频", "供稿", "监制", "统筹", "策划", "主编")
OTHER_LABELS = ("点击数", "浏览次数", "阅读", "阅读数", "原标题", "本文原标题", "所属分类", "分类", "标签",
                "索引号", "主题分类", "主题词", "标题", "有效性", "效力状态",
                "关键词", "发文字号", "文号")
_ALL = sorted(DATE_LABELS + SOURCE_LABELS + AUTHOR_LABELS + STAFF_LABELS + OTHER_LABELS,
              key=len, reverse=True)
_ALT = "|".join(re.escape(label) for label in _ALL)
# Labels of two characters or more are labels even glued to the value before them
# ("来源：证券时报网作者：李在山"); a one-character label (文/, 图：) only after a break.
_LONG_ALT = "|".join(re.escape(label) for label in _ALL if len(label) >= 2)
_SHORT_ALT = "|".join(re.escape(label) for label in _ALL if len(label) < 2)
# "来源：新华社", WeChat's "来源 | 新华社" / "编辑丨张三", credits "文/王文" "执笔/叨叨姐"
_FIELD = re.compile(rf"((?<![{HAN_CLASS}])(?:{_SHORT_ALT})|{_LONG_ALT})\s*(?:[:：]|\s[|｜丨]\s?|[|｜丨]|/(?!\d))\s*")
_SPACED_DATE_LABEL = re.compile(r"(更新时间|发布时间|发表时间|发布日期|发表于|发布于)\s+"
                                r"(\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}日?.{0,30})$")
_TRAILING_DATETIME = re.compile(r"\s*(\d{4}[-/.年]\s*\d{1,2}[-/.月]\s*\d{1,2}日?(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?)$")
_LEADING_DATETIME = re.compile(
    r"(\d{4}[-/.年]\s*\d{1,2}[-/.月]\s*\d{1,2}日?)(\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?")
# Page buttons glued into property lines: "字号：A- A A+", "【字体：大 中 小】", "举报", "打印".
_UI_BITS = re.compile(r"(?:字号|字体)\s*[:：]?\s*(?:[大中小]|A\s*[+-]?|T\s*[+-]?|\s)+|【[^】]{0,10}】|"
                      r"\b(?:举报|打印|收藏|分享|关闭|评论)\b|(?<=\s)(?:举报|打印|收藏|分享|关闭)(?=\s|$)|"
                      r"[\[(（]\s*(?:打印|关闭|收藏)\s*[\])）]")
_WECHAT_BYLINE = re.compile(
    r"(?:原创\s*)?(?:(\S{1,12})\s+)?(\S{1,20})\s+"
    r"(\d{4}[-年]\d{1,2}[-月]\d{1,2}日?(?:\s*\d{1,2}:\d{2})?|昨天|前天|今天|\d{1,2}天前|\d{1,2}小时前)"
    r"\s*(?:发表于\S{0,10}|\S{2,6})?")
_CREDIT_SLASH = re.compile(rf"(?<![{HAN_CLASS}])[文图]\s*/\s*[图文](?=\s)")
# What an adoption or publication note says happened on its date.
_EVENT = re.compile(r"(?:通过|公布|发布|施行|修正|修订|印发|批准|审议|讲话|发表|刊发)$|(?:通过|公布|发布|施行|修正|修订|批准)的")
# "来自北京", "发表于浙江", "IP属地：浙江": where, not who
_WHERE = re.compile(r"(?:来自|发表于|发布于|IP属地|ip属地)")
# A bare outlet or issuing body: "中国新闻网", "补壹刀微信公号", "苏皖城市报道".
OUTLET = re.compile(rf"[{HAN_CLASS}A-Za-z0-9《》·]{{2,20}}(?:网|报|社|台|电视台|日报|晚报|杂志|新闻|报道|"
                    r"发布|公众号|公号|微信公号|频道|传媒|融媒体中心|通讯社)")
# A credit line in brackets: "【文/观察者网专栏作者 王文】", "（文/图 刘玺东 易赛楠）".
_BRACKETED = re.compile(r"[【（(\[]\s*(.+?)\s*[】）)\]]")

ANONYMOUS = frozenset({"佚名", "本站", "本站原创", "本网", "本网原创", "原创", "未知", "admin", "管理员",
                       "网络", "互联网", "网友", "系统管理员", "匿名", "不详", "无", "暂无", "xxx", "XXX"})
# Said of a source, "this site": the site itself is the source.
THIS_SITE = re.compile(r"本站|本网|本平台|本站原创|本网原创|原创")
PLACEHOLDER_NAMES = frozenset({
    "administrator", "admin", "user", "owner", "author", "name", "unknown", "guest", "root", "test",
    "python-docx", "微软用户", "微软中国", "microsoft office 用户", "microsoft office user",
    "windows 用户", "windows user", "lenovo", "dell", "hp", "acer", "asus", "thinkpad", "mac", "apple",
    "用户", "作者", "编辑", "记者", "xxx",
})
# Names of a site's columns and pages, which a CMS puts in the <title> of every article
# it files there and at the top of a copied page: never an article's title.
COLUMN_WORDS = frozenset({
    "首页", "正文", "详情", "详情页", "内容", "文章详情", "内容详情", "新闻详情", "新闻动态", "新闻中心",
    "通知公告", "工作动态", "要闻", "时政要闻", "重要讲话", "领导讲话", "学习园地", "党建动态", "图片新闻",
    "综合新闻", "媒体聚焦", "专题专栏", "信息公开", "政策文件", "最新动态", "学院新闻", "学校新闻",
})
# Button and link texts, part headings and UI words that pages put where a name would be.
NOT_NAMES = frozenset({
    "分享", "评论", "收藏", "点赞", "在看", "关注", "转发", "举报", "打印", "关闭", "返回", "更多", "听全文",
    "阅读原文", "原文", "全文", "引言", "前言", "序言", "结束语", "结语", "后记", "附件", "附录", "正文",
    "昨天", "前天", "今天", "刚刚", "本站", "本网", "首页", "来源", "作者", "编辑", "责编", "通讯员", "记者",
    "时间", "日期", "图集", "视频", "专题", "要闻", "重要讲话", "新闻", "动态", "整合", "报道",
    "摄影", "供稿", "图片", "文字", "网友", "小编", "同志们", "朋友们", "大家好",
})
_ORG_END = re.compile(r"(?:党支部|支部|党委|党组|委员会|委|办公室|办公厅|办|局|厅|部|处|科|室|院|所|校|学校|大学|"
                      r"学院|中心|公司|集团|协会|学会|联合会|工会|团委|政府|法院|检察院|医院|银行|社|报|台|网|站|"
                      r"中队|大队|支队|队|组|研究会|促进会|商会|基金会)$")
_HAN_NAME = re.compile(rf"[{HAN_CLASS}]{{2,4}}|[{HAN_CLASS}]{{1,6}}[·•][{HAN_CLASS}]{{1,8}}")
_HANDLE = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]{1,29}")
_NAME_SPLIT = re.compile(r"[;；、,，/&＆\s]+|和(?=[\u4e00-\u9fff]{2,4}$)")


def _surnames() -> tuple[frozenset[str], tuple[str, ...]]:
    from importlib import resources

    text = resources.files("pipeline.data").joinpath("surnames.txt").read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    return frozenset(lines[0]), tuple(lines[1].split())


_SINGLE_SURNAMES, _COMPOUND_SURNAMES = _surnames()


def has_surname(name: str) -> bool:
    """'程秀娥', '欧阳明': a Chinese personal name starts with a surname."""
    return name[:1] in _SINGLE_SURNAMES or name.startswith(_COMPOUND_SURNAMES)


def plausible_person(name: str, labelled: bool = True) -> bool:
    """A person's (or pen) name or an account handle; not a label, button, number or body.

    A name the page labels (作者：叨叨姐) may be a pen name; a name standing alone (a line
    under the title, a bracket at the end, a dateline's reporter) is a person's name and
    starts with a surname, which tells it from a widget's word (图集, 重要讲话, 整合).
    """
    name = name.strip()
    if not name or name in NOT_NAMES or name.lower() in PLACEHOLDER_NAMES or name in ANONYMOUS:
        return False
    if _HAN_NAME.fullmatch(name):
        if not labelled and not has_surname(name.replace("·", "")):
            return False
        return not _ORG_END.search(name) or len(name) <= 2
    return bool(_HANDLE.fullmatch(name)) and "@" not in name and not name.isdigit()


def is_organisation(text: str) -> bool:
    text = text.strip()
    return 3 <= len(text) <= 30 and bool(_ORG_END.search(text)) and not re.search(r"\d", text)


# Words that follow the names in a credit: "（记者陈智 整合）", "（记者 张三 报道）".
_CREDIT_VERBS = re.compile(r"(?:整合|报道|采写|编译|综合|摄影?|供稿|整理|发自\S{0,6})$")


def split_names(value: str, labelled: bool = True) -> list[str]:
    """'郝薇薇;李忠发' / '叨叨姐、胡一刀&李小飞刀' / '南都记者 余毅菁 向雪妮' → the names only."""
    names = [n.strip() for n in _NAME_SPLIT.split(value) if n.strip()]
    names = [n for n in names if not re.search(r"(?:记者|通讯员|特约评论员|编辑)$", n)
             and not _CREDIT_VERBS.fullmatch(n)]
    return [n for n in names if plausible_person(n, labelled)]


def clean_value(value: str) -> str:
    """A field's value without glued toolbar words and stray separators."""
    value = _UI_BITS.sub(" ", value)
    return squash_spaces(value).strip(" |｜丨:：-—_,，;；")


def label_only(text: str) -> bool:
    """'发文机关：' — a label whose value the page set in the next cell."""
    compact = re.sub(r"[\s\u3000]+", "", text)
    m = _FIELD.match(compact)
    return bool(m) and m.end() == len(compact)


# How much a labelled date says about the document itself: when it was written (成文),
# then published, then any time, then when the page was updated.
DATE_RANK = {"成文日期": 4, "印发日期": 4, "发布时间": 3, "发布日期": 3, "发表时间": 3, "发表日期": 3,
             "时间": 2, "日期": 2, "更新时间": 1, "最后更新": 1}


_SPACED_LABEL = re.compile(rf"(?<![{HAN_CLASS}])((?:[{HAN_CLASS}][ \u3000]+){{1,5}}[{HAN_CLASS}])(?=\s*[:：])")


def _close_spaced_labels(text: str) -> str:
    """'索 引 号：' and '标　　题：' (labels spaced out to line up in a table) read as labels."""
    return _SPACED_LABEL.sub(lambda m: re.sub(r"[ \u3000]+", "", m.group(1)), text)


def parse_fields(text: str) -> dict[str, str] | None:
    """'作者：郝薇薇;李忠发  时间：2019-06-23' → {'作者': …, '时间': …}; None if no field.

    Also WeChat's "原创 张三 某某党建 2022-12-19 08:00 发表于北京" (author, account, time)
    and bracketed credits.  Keys are the labels as printed (see the *_LABELS tuples).
    """
    text = squash_spaces(_close_spaced_labels(text))
    bracketed = _BRACKETED.fullmatch(text)
    if bracketed and _FIELD.match(bracketed.group(1)):
        text = bracketed.group(1)
    wechat = _WECHAT_BYLINE.fullmatch(text) if ("发表于" in text or text.startswith("原创")) else None
    if wechat:
        author, account, when = wechat.groups()
        fields = {"时间": when, "公众号": account}
        if author:
            fields["作者"] = author
        return fields
    fields: dict[str, str] = {}
    spaced = _SPACED_DATE_LABEL.match(text)  # "更新时间 2012年12月10日, 格林尼治标准时间10:41"
    if spaced:
        return {spaced.group(1): spaced.group(2)}
    trail = _TRAILING_DATETIME.search(text)
    if trail and trail.start() > 0 and len(text[: trail.start()]) <= 20 \
            and not _FIELD.search(text[: trail.start()]) and not re.search(r"[，。；！？]", text):
        # "中国网 2019-11-25 10:37:31": the outlet, then the time; "金融市场 棱镜 …": a
        # channel first, which says nothing
        head = text[: trail.start()].strip(" ·|｜丨")
        fields = {"时间": trail.group(1)}
        if OUTLET.fullmatch(head):
            fields["来源"] = head
            return fields
        # "程秀娥  十一师融媒体中心  2022年12月19日": the writer, the outlet, the date
        tokens = head.split()
        people = [t for t in tokens if plausible_person(t, labelled=False)]
        outlets = [t for t in tokens if OUTLET.fullmatch(t) or is_organisation(t)]
        if len(tokens) >= 2 and len(people) + len(outlets) == len(tokens):
            if people:
                fields["作者"] = " ".join(people)
            if outlets:
                fields["来源"] = outlets[0]
        return fields
    lead = _LEADING_DATETIME.match(text)
    if lead:
        fields["时间"] = lead.group(0)
        text = text[lead.end():].strip()
    text = _CREDIT_SLASH.sub("文图：", _UI_BITS.sub(" ", text)).strip()
    matches = list(_FIELD.finditer(text))
    if not matches:
        if not fields:
            return None
        rest = text.strip(" ·|｜丨-—")
        if not rest:
            return fields
        # "2019-05-17 · 某某报道": a date, then the outlet that published it, or its authors
        if OUTLET.fullmatch(rest):
            fields["来源"] = rest
            return fields
        if _WHERE.match(rest):
            return fields if len(rest) <= 12 else None
        if _EVENT.search(rest) and len(rest) <= 60:
            fields["说明"] = rest  # "1982年12月4日 第五届全国人民代表大会第五次会议通过"
            return fields
        names = rest.split()
        if (1 <= len(names) <= 6 and len(rest) <= 40 and all(plausible_person(n) for n in names)
                and any(has_surname(n) for n in names)):
            fields["作者"] = rest
            return fields
        return None
    if text[: matches[0].start()].strip():
        return None  # a sentence that mentions 来源：, not a metadata line
    for k, m in enumerate(matches):
        end = matches[k + 1].start() if k + 1 < len(matches) else len(text)
        fields.setdefault(m.group(1), clean_value(text[m.end():end]))
    return fields


def field_kind(label: str) -> str:
    """'date', 'source', 'author', 'staff', 'account' or 'other' for a field label."""
    if label in DATE_LABELS:
        return "date"
    if label in SOURCE_LABELS:
        return "source"
    if label in AUTHOR_LABELS:
        return "author"
    if label in STAFF_LABELS:
        return "staff"
    if label == "公众号":
        return "account"
    return "other"


_CONTRIBUTED = re.compile(rf"[{HAN_CLASS}、，,\s]{{2,40}}(?:供稿|供图|提供|投稿)")


def is_credit_line(text: str) -> bool:
    """A closing line of credits: '某某党支部供稿  摄影/张艳  编辑/苏芳', '编辑|张三 责编|李四'."""
    text = squash_spaces(text)
    if len(text) > 100:
        return False
    if _CONTRIBUTED.fullmatch(text):
        return True
    m = _CONTRIBUTED.match(text)
    rest = text[m.end():].strip() if m else text
    fields = parse_fields(rest) if rest else None
    return bool(fields) and all(field_kind(k) in ("staff", "author", "source", "date") for k in fields)
