"""What the user says in the chat, understood without an LLM: a drafting request in plain
words, or one of the revision commands the offline mode supports."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.core.types import Request, Role, dimension_key

SECTION_WORDS = {
    "preamble": ["前言", "开头", "开场白", "导语"],
    "rectification": ["整改落实情况", "上年度整改", "整改情况"],
    "causes": ["原因剖析", "原因分析", "原因", "根源"],
    "measures": ["整改措施", "努力方向", "措施"],
    "problems": ["存在的主要问题", "存在的问题", "问题部分", "问题"],
}
_UNIT_END = r"(?:局|委员会|委|办公室|中心|院|学校|校|公司|厅|街道|办事处|镇|乡|所|站|队|馆|部|处|科|社区|村)"
_POST_END = r"(?:主任|局长|书记|科长|处长|部长|主席|经理|校长|院长|委员|干部|党员|负责人|馆长|站长|所长|队长|组长|秘书长|副职|成员)"
_IDENTITY = re.compile(rf"(?:我是|本人是|我任|我担任)(?P<who>[^，,。；;！!？?\n]*?{_POST_END})")
_WANTS_DRAFT = re.compile(r"(写|起草|生成|出|拟|草拟).{0,20}(对照检查|材料|发言|生活会|剖析)")
# The answer to a "删掉…" preview: only these words, so a sentence that merely mentions them
# ("确认一下…") never deletes anything.
CONFIRM_DELETE = re.compile(r"^(?:确认删除|确定删除|确认|确定|删吧|可以删)[。！!]?$")
_FACT_LEAD = re.compile(r"^(?:今年|本年度|今年以来|另外|还有|此外|问题是|情况是|具体情况[是：:]?|事实[是：:]?|比如|例如|主要是)[，,：:]?")


@dataclass
class Command:
    kind: str  # draft | regenerate | add_item | add_fact | move | delete | confirm_delete | role | help
    target: str = ""  # preamble / problems / problems:<n> / causes / measures
    text: str = ""
    role: Role | None = None


def split_identity(who: str) -> tuple[str, str]:
    """'区教育局办公室主任' -> ('区教育局', '办公室主任')."""
    m = re.match(rf"^(?P<unit>.*?{_UNIT_END})(?P<post>.+{_POST_END})$", who)
    if m and len(m.group("post")) >= 2:
        return m.group("unit"), m.group("post")
    return "", who


def extract_request(message: str, base: Request) -> tuple[Request, bool]:
    """The request the message describes, on top of `base`; True when it asks for a draft."""
    data = base.model_dump()
    text = message.strip()
    m = _IDENTITY.search(text)
    if m:
        unit, post = split_identity(m.group("who"))
        data["post"] = post
        if unit:
            data["unit"] = unit
    year = re.search(r"((?:19|20)\d{2})\s*年", text)
    if year:
        data["year"] = int(year.group(1))
    if "专题组织生活会" in text:
        data["meeting"] = "专题组织生活会"
    elif "组织生活会" in text:
        data["meeting"] = "组织生活会"
    elif "专题民主生活会" in text or "主题教育" in text:
        data["meeting"] = "专题民主生活会"
    elif "民主生活会" in text:
        data["meeting"] = "民主生活会"
    if "主题教育" in text and not year:
        data["year"] = 2023
    role = role_of_message(text, identity=bool(m))
    if role is not None:
        data["role"] = role
    facts = facts_from_message(text)
    if facts:
        data["facts"] = list(dict.fromkeys([*base.facts, *facts]))
    wants = bool(_WANTS_DRAFT.search(text))
    return Request.model_validate(data), wants


_PERSONAL = re.compile(r"个人|班子成员|党组成员|党委委员|支部委员(?!会)|普通党员|我是(?:一名)?党员|本人的|我自己")
_COLLECTIVE = re.compile(r"支部委员会|支委会|班子(?:的)?(?:对照|材料|发言)|代表(?:领导)?班子|领导班子|党组(?:的)?(?:对照|材料)|党委(?:的)?(?:对照|材料)|班子")


def role_of_message(text: str, identity: bool = False) -> Role | None:
    """Who the material is for. A member of a 班子 writing their own material is 个人 (我是局
    领导班子成员，帮我写个人对照检查材料); at a 组织生活会 a 个人 is a 党员 and the 班子 is the
    支部委员会 (the meeting decides, see writer.writer_kind)."""
    if _PERSONAL.search(text):
        return Role.GEREN
    if _COLLECTIVE.search(text):
        return Role.BANZI
    return Role.GEREN if identity else None


def facts_from_message(text: str) -> list[str]:
    """Clauses that state facts: not who the user is, not what they ask for."""
    out = []
    for clause in re.split(r"[，,。；;！!？?\n]", text):
        c = clause.strip()
        if not c or _IDENTITY.search(c) or _WANTS_DRAFT.search(c) or re.search(r"帮我|请你|麻烦", c):
            continue
        c = _FACT_LEAD.sub("", c).strip()
        parts = [p.strip() for p in c.split("、")]
        if len(parts) > 1 and all(len(p) >= 4 for p in parts):
            out += parts
        elif len(c) >= 5:
            out.append(c)
    return out


def resolve_target(words: str, dimensions: list[str]) -> str:
    """'理论学习' -> 'problems:0'; '原因' -> 'causes'; '' when nothing matches."""
    w = words.strip(" ，,。“”\"'的部分这段里中")
    if not w:
        return ""
    for n, dim in enumerate(dimensions):
        core = re.sub(r"^在|方面$", "", dim)
        if w in dim or core in w:
            return dimension_key(n)
    for key, names in SECTION_WORDS.items():
        if any(name in w for name in names):
            return key
    # a few shared characters with one dimension only: 作风 -> 工作作风
    best = [n for n, dim in enumerate(dimensions) if len(set(w) & set(dim)) >= 2]
    return dimension_key(best[0]) if len(best) == 1 else ""


def parse_command(message: str, dimensions: list[str], has_draft: bool) -> Command:
    text = message.strip()
    m = re.search(r"(?:(个人|班子)(?:材料)?)?(?:改成|改为|换成)(个人|班子)", text)
    if m:
        return Command("role", role=Role(m.group(2)))
    m = re.search(r"把[“\"]?(.+?)[”\"]?(?:这一?条|这句|那一?条|那句)?(?:移到|挪到|调到|移至|移动到|调整到)(.+?)(?:里|中|里面|方面)?[。！!]?$", text)
    if m and has_draft:
        return Command("move", target=resolve_target(m.group(2), dimensions), text=m.group(1))
    m = re.search(r"把[“\"]?(.+?)[”\"]?(?:写进|写到|写入|放进|放到|加到|加进|补充到)(.+?)(?:里|中|里面|方面)?[。！!]?$", text)
    if m and has_draft:
        return Command("add_fact", target=resolve_target(m.group(2), dimensions), text=m.group(1))
    m = re.search(r"(?:给|在)?(.+?)(?:再)?(?:加|添|增加|补充|多写)一条", text)
    if m and has_draft:
        return Command("add_item", target=resolve_target(m.group(1), dimensions))
    m = re.search(r"(?:重写|重新生成|重新写|换一个说法|换个说法|再写一版|改写|换一版)(.*)", text)
    if m and has_draft:
        target = resolve_target(m.group(1), dimensions)
        if not target:  # "把理论学习重写一下"
            target = resolve_target(text[: m.start()].replace("把", ""), dimensions)
        return Command("regenerate", target=target)
    if has_draft and CONFIRM_DELETE.match(text):
        return Command("confirm_delete")
    m = re.search(r"^(?:删掉|删除|去掉|删去)[“\"]?(.+?)[”\"]?(?:这句|这条|这段)?[。！!]?$", text)
    if m and has_draft:
        return Command("delete", text=m.group(1).strip())
    if _WANTS_DRAFT.search(text) or not has_draft:
        return Command("draft")
    return Command("help")


# In LLM mode a message the offline grammar does not know changes the document only when it
# asks for a change; anything else ("今天天气怎么样") gets an answer and leaves it alone.
_CHANGE_REQUEST = re.compile(
    r"修改|改一下|改得|改成|改为|调整|润色|精简|压缩|缩短|扩充|展开|充实|具体一些|具体些|突出|强调|删|去掉|"
    r"补充|增加|换成|替换|写得|写成|写进|写上|语气|口吻|字数|太长|太短|太空|更加|再.{0,6}[些点]")


def is_change_request(message: str) -> bool:
    return bool(_CHANGE_REQUEST.search(message))


NOT_A_CHANGE = "这条消息不是修改文稿的要求，文稿没有改动。如需修改，请说明改哪一部分、怎么改，例如“把原因剖析写得更具体一些”。"


HELP = """我可以这样帮您修改（离线模式）：
- 「重写 理论学习」或「换一个说法 原因剖析」：重新生成某个方面或某一部分；
- 「给工作作风再加一条」：在该方面增加一条问题；
- 「把食堂排队时间长写进工作作风」：把一条事实作为事例写进指定方面；
- 「把食堂那条移到工作作风」：把含有这几个字的一条问题移到另一个方面；
- 「删掉 某句话」：先列出含有这句话的句子，您回复「确认删除」后才删去；
- 「个人改成班子」：按班子口吻重新起草。
也可以直接在右侧文稿中修改，修改会自动保存。"""
