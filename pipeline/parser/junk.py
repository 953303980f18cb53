"""Page junk: toolbars, share buttons, prev/next links, copyright, captions.

Every removed line is recorded with a reason; nothing disappears silently.
"""

from __future__ import annotations

import re

from pipeline.parser.fields import COLUMN_WORDS
from pipeline.parser.lines import Line, Notes
from pipeline.parser.text import compact

# (pattern, reason) — matched against the whole cleaned line.
_LINE_RULES: list[tuple[re.Pattern[str], str]] = [(re.compile(p), r) for p, r in [
    (r"A\s*\+\s*A\s*A\s*-", "font-size toolbar"),
    (r"(【[^】]{1,8}】\s*)+", "page toolbar"),
    (r"\[?\s*(打印|关闭|收藏|返回顶部|关闭窗口|打印本页)\s*\]?(\s*\[?\s*(打印|关闭|收藏|返回顶部|关闭窗口)\s*\]?)*",
     "page toolbar"),
    (r"分享到[:：]?.*", "share buttons"),
    (r"(上一篇|下一篇|上一条|下一条)\s*[:：].*", "previous/next links"),
    (r"(责任编辑|责编|编辑|审核|校对|排版|美编|初审|复审|终审)\s*[:：|｜丨]\s*\S{0,20}"
     r"(\s*(责任编辑|责编|编辑|审核|校对|排版|美编|初审|复审|终审)\s*[:：|｜丨]\s*\S{0,20})*",
     "editor line"),
    # WeChat: follow prompts, reaction buttons, QR codes, "read more"
    (r".{0,6}(点击|关注)(上方|下方)?.{0,4}(蓝字|公众号|关注).{0,20}", "WeChat follow prompt"),
    (r"(?:听全文|收听全文|听语音|朗读本文).{0,10}|(?:IP|ip)属地\s*[:：]?\s*\S{0,10}|.{0,30}\s(?:IP|ip)属地\s*[:：]?\s*\S{0,10}",
     "WeChat buttons"),
    (r"(阅读原文|轻触阅读原文|在看|点赞|赞|分享|收藏|写留言|留言|知道了|取消|允许)"
     r"(\s*[|｜]?\s*(阅读原文|在看|点赞|赞|分享|收藏|写留言|留言))*", "WeChat buttons"),
    (r"(长按|扫描|识别).{0,10}二维码.{0,20}|.{0,10}扫码.{0,6}(关注|阅读|加入).{0,20}", "QR code prompt"),
    (r"(往期推荐|往期回顾|推荐阅读|精彩推荐|喜欢此内容的人还喜欢|微信扫一扫.{0,20}|预览时标签不可点"
     r"|继续滑动看下一个|向上滑动看下一个|文章已于.{0,20}修改|微信号[:：].{0,30}|功能介绍.{0,60})",
     "WeChat page furniture"),
    (r"[▲△▼↓↑→←■□◆◇●○★☆\s]{1,10}|END|-{3,}\s*END\s*-{3,}", "decoration"),
    (r"[=＝\-－—_＿~～*＊#＃·•\s]{3,}", "separator line"),
    (r".*(版权所有|Copyright|©|ICP[备证]|公网安备|All Rights Reserved).*", "copyright notice"),
    (r"(网站地图|怀旧网站|学校外网|校长信箱|反馈意见|联系我们|设为首页|加入收藏|\||｜)", "footer links"),
    (r"地址[:：].{0,60}(电话|邮编).*", "footer address"),
    (r"今天是.{0,30}", "date widget"),
    (r"(登录|注册)(\s*[|｜/]\s*(登录|注册))*", "login links"),
    (r"(字号|字体)\s*[:：].{0,20}", "font-size toolbar"),
    (r"(点击数|浏览次数|阅读量|阅读数)\s*[:：]?\s*\d*\s*次?", "hit counter"),
    (r"次", "hit counter"),
    (r"推荐阅读|相关阅读|相关新闻|相关链接|热点推荐|延伸阅读", "related links"),
    (r".{2,60}\[\s*\d{1,2}-\d{1,2}\s*\]", "related links"),
    (r"扫一扫.{0,30}|微信扫一扫.{0,30}|.{0,20}二维码.{0,20}", "share buttons"),
    (r"\S{2,20}\s+推荐", "recommendation note"),
    (r"(图|图片|照片)\s*[:：].{0,60}", "photo caption"),
    (r".{0,20}(?:供图|图片来源|图源|资料图片?|视觉中国|东方IC).{0,30}", "photo caption"),
    (r"(?:注\s*[:：])?\s*(?:文中|本文)?(?:图片|配图|插图)均?(?:来自|源自|来源于|取自)(?:网络|互联网)[。.]?.{0,20}",
     "photo caption"),
    (r"(?:正文|全文)已?结束.{0,30}|.{0,10}(?:发表评论|我要评论|参与评论|我要跟帖|评论（\d*）).{0,10}",
     "comment prompt"),
    (r".{0,12}回复\s*[【「\[].{1,12}[】」\]].{0,20}|.{0,20}点\s*[【「]?\s*在看\s*[】」]?.{0,20}|"
     r".{0,10}(?:点击|进入)菜单栏.{0,30}", "WeChat follow prompt"),
    (r"(?:Produced|Powered)\s+[Bb]y.{0,60}|技术支持[:：].{0,40}", "page footer"),
    (r"(?:返回)?(?:首页|主页|顶部|列表|上一页|下一页|上页|下页)(?:\s*[|｜>]\s*\S{0,8})*", "page navigation"),
    (r"[+＋]\s*\d{1,6}|\d{1,6}\s*(?:赞|人赞|人阅读|人已读|次阅读)", "counter"),
    (r"[┌┐└┘├┤┬┴┼─━│┃═║╔╗╚╝]+.*|.*[┌┐└┘─━═]{3,}.*", "decoration"),
    (r".{0,30}(?:免费|下载|请访问|欢迎访问).{0,30}(?:https?://|www\.)\S+.*|.{0,20}(?:https?://|www\.)\S+.{0,10}(?:下载|访问).*",
     "advertising"),
    (r"(?:https?://|www\.)[\w.-]+(?:/\S*)?", "web address"),
    (r".{0,10}免费.{0,12}下载.{0,10}", "advertising"),
    (r"分享至.{0,12}|用微信扫码.{0,20}|(?:昨天|前天|今天|刚刚|\d{1,2}(?:小时|分钟|天)前)", "page toolbar"),
    (r"(?:\+\s*)?关注(?:我们)?\S{0,10}|(?:图集|视频|专题|直播|音频|评论\s*\d*|收藏|点赞|打赏|字号|A\+|A-)",
     "page toolbar"),
]]

# A photo caption ends with the photographer: "新华社记者 李学仁/摄", "（张三 摄）".
_CAPTION = re.compile(r"(记者|通讯员|摄影)?\s*[\u4e00-\u9fff·]{2,8}\s*/\s*摄\s*[)）]?$"
                      r"|[（(]\s*[\u4e00-\u9fff·]{2,8}\s*摄\s*[)）]$|摄影\s*[:：]\s*\S{2,8}$")


# A teaser of another article: its summary ends in a link to it ("…启示。【详细】", "详情>>").
_TEASER_END = re.compile(r".{10,400}?(?:[【\[]\s*(?:详细|详情|全文|更多)\s*[】\]]|(?:详细|详情|更多)\s*(?:>>|»|＞＞))")


def junk_reason(text: str) -> str | None:
    """Why a line is page junk, or None if it is not."""
    if _TEASER_END.fullmatch(text):
        return "related links"
    if len(text) > 120:  # page junk is short; a long line can only be a caption
        return "photo caption" if "摄" in text[-20:] and len(text) < 300 and _CAPTION.search(text) else None
    for pattern, reason in _LINE_RULES:
        if pattern.fullmatch(text):
            return reason
    if "摄" in text and _CAPTION.search(text):
        return "photo caption"
    return None


_NAV_MARK = re.compile(r"(?:[您你]?(?:现在|当前)?(?:所在)?的?位置|当前位置)\s*[:：]")
_BREADCRUMB_SEP = re.compile(r"\s*(?:>|＞|»|›|/|／|→)\s*")
_BREADCRUMB_LINE = re.compile(r"(首页|主页|网站首页)(\s*(?:>|＞|»|›|/|／|→)\s*[^>＞»›/／→]{1,20}){1,6}\s*[>＞»›]?")
_FOOTER_START = re.compile(r"【?\s*(打印正文|打印本页|关闭窗口)\s*】?|(上一篇|下一篇)\s*[:：].*|网站地图")


def strip_junk(lines: list[Line], notes: Notes) -> tuple[list[Line], list[str]]:
    """Remove navigation, toolbars and footers; return (lines, breadcrumb)."""
    breadcrumb: list[str] = []
    start = 0
    # A "当前位置：" breadcrumb on a scraped page: everything above it is the
    # site's navigation, and the breadcrumb may span several lines.
    for i, line in enumerate(lines[: max(len(lines) * 2 // 3, 1)]):
        if _NAV_MARK.match(line.text):
            for nav in lines[:i]:
                if not nav.blank:
                    notes.discard(nav, "page navigation")
            crumb_text, j = line.text, i
            while crumb_text.rstrip().endswith((">", "＞", "»", "›")) and j + 1 < len(lines):
                j += 1
                if lines[j].blank:
                    continue
                crumb_text += lines[j].text
                notes.discard(lines[j], "breadcrumb")
            notes.discard(line, "breadcrumb")
            breadcrumb = _split_crumbs(_NAV_MARK.sub("", crumb_text))
            start = j + 1
            # the category name repeated as a heading under the breadcrumb
            k = start
            while k < len(lines) and lines[k].blank:
                k += 1
            if breadcrumb and k < len(lines) and lines[k].text == breadcrumb[-1]:
                notes.discard(lines[k], "category heading")
                start = k + 1
            break
    out: list[Line] = []
    footer = False
    for idx, line in enumerate(lines[start:], start=start):
        if line.blank or line.table is not None:
            out.append(line)
            continue
        if footer:
            notes.discard(line, "page footer")
            continue
        if not breadcrumb and idx < 12 and _BREADCRUMB_LINE.fullmatch(line.text):
            breadcrumb = _split_crumbs(line.text)
            notes.discard(line, "breadcrumb")
            continue
        if _FOOTER_START.fullmatch(line.text) and idx > len(lines) // 3:
            footer = _rest_is_footer(lines[idx + 1:])
        reason = junk_reason(line.text)
        if not reason and idx < 12 and compact(line.text) in COLUMN_WORDS:
            reason = "page navigation"  # a column name over a copied article
        if reason:
            notes.discard(line, reason)
            continue
        out.append(line)
    return out, breadcrumb


def _rest_is_footer(rest: list[Line]) -> bool:
    """After 【打印正文】 / 上一篇 only short link lines follow on a real page footer."""
    return all(len(line.text) < 80 for line in rest)


def _split_crumbs(text: str) -> list[str]:
    return [p for p in (s.strip() for s in _BREADCRUMB_SEP.split(text)) if p]
