"""Facts as typed objects: each line the user gives is read as a problem, progress or
context, and a problem goes under the 方面 a reviewer expects — under every year's list —
on the real e5 model. The lines here are written for these tests, apart from eval/."""

import pytest
from support import SIX

from assistant.app.chat import extract_request
from assistant.core import content
from assistant.core.types import FactChoice, FactKind, Request, Role
from assistant.draft.facts import FactReader, read_facts, split_facts
from assistant.draft.structure import choose_structure
from assistant.ingest.vectors import shared


@pytest.fixture(scope="module")
def reader(embeddings):
    return FactReader(shared(embeddings))


def kinds(reader, lines):
    return [k.kind for k in reader.kinds(lines)]


def test_progress_is_read_as_progress_even_when_it_sounds_negative(reader):
    progress = ["全年没有缺席一次支部组织生活", "学习笔记达到3万字", "群众来电投诉比上年下降40%",
                "未发生一起安全生产事故", "窗口办件按时办结率达到100%", "修订了机关请销假制度并严格执行",
                "不仅建成了社区助餐点12个，还开通了上门送餐服务",
                # the hazards are what was put right: a count of corrections is work done
                "督促企业整改安全隐患31处"]
    assert kinds(reader, progress) == [FactKind.PROGRESS] * len(progress)


def test_what_was_only_done_is_a_shortfall_whatever_verb_it_uses(reader):
    """"只完成了", "只有…完成了": the reviewed cue for a shortfall counts on its own, even where
    the words of work done ("完成了", "建成") pull the learned model the other way."""
    shortfalls = ["推进校园食堂明厨亮灶，全县只完成了12所", "医共体建设推进中，今年只有2个卫生院完成了信息系统对接",
                  "年度计划新建污水管网30公里，年底只建成22公里", "完成了养老机构消防检查，还有4家的隐患没有整改"]
    assert kinds(reader, shortfalls) == [FactKind.PROBLEM] * len(shortfalls)


def test_the_marks_of_formalism_are_problems_however_plainly_counted(reader):
    """A count of chat groups and check-in photos reads like a unit's plain facts, but it is
    形式主义; a line that cuts them back is progress."""
    assert kinds(reader, ["村里的工作群有30多个，要求村干部每天发照片打卡", "精简工作群23个，取消每日打卡"]) == [
        FactKind.PROBLEM, FactKind.PROGRESS]
    assert "形式主义" in reader.kinds(["村里的工作群有30多个，要求村干部每天发照片打卡"])[0].reason


def test_a_long_named_accident_that_did_not_happen_is_progress_and_says_why(reader):
    got = reader.kinds(["全年辖区未发生一起较大及以上道路交通安全事故"])[0]
    assert got.kind == FactKind.PROGRESS and "没有发生不好的情况" in got.reason


def test_late_found_and_left_over_are_problems_though_the_line_counts_things(reader):
    """A count is not work done when the line says it came late ("3天后才退回"), an
    inspection found it, the writer spread something improper, or it is what is left after
    the results ("已整改8个，还有2个没有整改到位")."""
    problems = ["收到服务对象送的两箱土特产，3天后才退回", "上级检查发现2本会议记录缺页",
                "在微信群里转发过1段妄议政策的视频", "去年反馈的问题已整改8个，还有2个没有整改到位"]
    assert kinds(reader, problems) == [FactKind.PROBLEM] * len(problems)
    # what was corrected, with nothing left over, is still progress
    assert kinds(reader, ["清理违规发放的补贴12笔，已全部追回"]) == [FactKind.PROGRESS]


def test_comparisons_and_rankings_are_read_by_what_they_measure(reader):
    """Against last year, an average or the rest of the county, up or down is good or bad by
    what is measured; a comparison without its own subject ("同比上升12%") measures the
    clause before it."""
    problems = ["辖区今年盗窃案件发案156起，同比上升9%", "科室今年申报的省级课题立项3项，比上年少4项",
                "窗口群众满意率91.5%，低于全市政务大厅平均水平", "今年食品抽检不合格批次全市最高"]
    progress = ["今年全县高考本科上线率全市第二", "门诊患者平均候诊时间比上年少了12分钟",
                "开展机构改革，压减内设科室3个", "全镇4个软弱涣散村党组织已全部销号"]
    assert kinds(reader, problems) == [FactKind.PROBLEM] * len(problems)
    assert kinds(reader, progress) == [FactKind.PROGRESS] * len(progress)
    # what enforcement counts is its work: more cases dealt with is more done
    enforced = ["今年查处无证经营案件41起，比上年多15起", "全年食品安全立案处罚56起，是上年的1.8倍"]
    assert kinds(reader, enforced) == [FactKind.PROGRESS] * len(enforced)


def test_caught_favoured_or_gambling_is_a_problem_and_a_rules_name_is_not(reader):
    problems = ["骑电动车不戴头盔，被交警拍到2次", "去年春节坐过供应商的车回老家",
                "周末和同学聚会打牌带彩", "本人分管的项目有3处被省里暗访曝光"]
    assert kinds(reader, problems) == [FactKind.PROBLEM] * len(problems)
    # "处分" inside a regulation's name is what was studied, not a punishment
    assert kinds(reader, ["支部8次集中学习全部参加，还抄写了纪律处分条例重点条款"]) == [FactKind.PROGRESS]


def test_a_favour_kept_or_a_workday_drink_is_a_problem_however_the_line_begins(reader):
    """A gift not given back, a dinner a company laid on, drinking on a working day: each is
    a confession, though the line opens like an itinerary or a holiday greeting."""
    problems = ["端午节前收到施工单位送的粽子礼盒1箱，没有及时退还",
                "去年10月到外省学习考察，晚上参加了当地供应商安排的宴请",
                "上个月在市里开会期间，工作日中午和老同事吃饭喝了酒",
                "1名出纳利用报销便利多次替亲戚垫付费用，被县纪委监委约谈"]
    assert kinds(reader, problems) == [FactKind.PROBLEM] * len(problems)
    # the same words, the bad thing not done
    assert kinds(reader, ["工作日午餐从未饮酒", "春节收到的2张购物卡已全部登记上交"]) == [FactKind.PROGRESS] * 2


def test_a_burden_cut_a_service_set_up_or_a_rule_written_is_progress(reader):
    """The line names the burden or the rule's subject (报表, 台账, 议事规则), and says it is done."""
    progress = ["机关发给基层的文件从每年600多份减到了200份", "街道设了一站式窗口，居民办证明跑一次就够了",
                "修订了局党组工作规则，明确了15项必须上会研究的事项"]
    assert kinds(reader, progress) == [FactKind.PROGRESS] * len(progress)
    # less than the target: the 完成 is a shortfall, not work done; a thing not 入选 is no honour
    problems = ["年度造林任务1.2万亩，实际完成9800亩", "今年申报市级文明单位没有入选"]
    assert kinds(reader, problems) == [FactKind.PROBLEM] * len(problems)


def test_a_dated_joining_is_background_and_members_recruited_are_work_done(reader):
    assert kinds(reader, ["本人2009年入党，现在承包鱼塘30亩"]) == [FactKind.CONTEXT]
    assert kinds(reader, ["今年发展党员3名，培养入党积极分子5名"]) == [FactKind.PROGRESS]


def test_a_place_name_does_not_turn_a_problem_into_progress(reader):
    """The unit's place name is noise to the reading: a long wait is a problem in every 区."""
    lines = [f"{p}区政务大厅窗口排队时间长" for p in ("门头", "黄浦", "南山", "越秀", "锦江", "雁塔")]
    assert kinds(reader, lines) == [FactKind.PROBLEM] * len(lines)


def test_problems_and_context_are_told_apart(reader):
    problems = ["全年到村里调研只有5次", "有2次中心组学习因开会缺席", "食堂午餐排队要20分钟以上",
                "分管的科室有1名干部上班时间经常离岗", "集体经济年收入下降到4万元"]
    context = ["分管财务和后勤", "2025年4月调任现职", "全局共有干部职工86人"]
    assert kinds(reader, problems) == [FactKind.PROBLEM] * len(problems)
    assert kinds(reader, context) == [FactKind.CONTEXT] * len(context)


def test_every_fact_has_a_reason_the_user_can_read(reader, embeddings):
    req = Request(role=Role.GEREN, year=2023, meeting="专题民主生活会",
                  facts=["全年到村里调研只有5次", "学习笔记达到3万字", "分管财务和后勤"])
    facts = read_facts(req, SIX, shared(embeddings), reader)
    assert [f.destination for f in facts] == ["problems", "preamble", "context"]
    assert all(f.reason and f.kind_reason for f in facts)
    assert facts[0].dimension == "工作作风" and "工作作风" in facts[0].reason
    assert facts[0].topics[0] == "research"


@pytest.mark.parametrize("year,meeting,expected", [
    (2023, "专题民主生活会", "廉洁自律"),
    (2025, "民主生活会", "带头敬畏人民、敬畏组织、敬畏法纪"),
    (2016, "民主生活会", "作风建设"),
])
def test_the_same_fact_lands_where_each_years_list_puts_it(reader, embeddings, year, meeting, expected):
    """公车 is one's own 廉洁 in 2023, 敬畏法纪 in 2025, 作风建设 (四风) in 2016."""
    req = Request(role=Role.GEREN, year=year, meeting=meeting, facts=["公务用车节假日停放不规范，有1次用公车办私事"])
    dims = choose_structure(req).dimensions
    fact = read_facts(req, dims, shared(embeddings), reader)[0]
    assert fact.kind == FactKind.PROBLEM and fact.dimension == expected


@pytest.mark.parametrize("line,meeting,year,role,dimension", [
    # putting in a word for a relative is 纪律, not 群众 or 担当
    ("表弟的饭店被查封后托我说情，我给执法大队长打了电话让他们放一放", "民主生活会", 2016, Role.GEREN, "纪律规矩"),
    # one's own travel not reported is 组织纪律, not 重大事项请示报告 (2024: 严守纪律)
    ("国庆期间因私外出去了外省，没有按规定向单位报备", "民主生活会", 2024, Role.GEREN, "带头增强党性、严守纪律、砥砺作风"),
    # a member's signed-in-and-gone at the branch's meeting: 执行纪律 of the 四个合格
    ("支部主题党日我签到后就回办公室赶材料了，有2次", "组织生活会", 2017, Role.ZHIBU, "执行纪律合格"),
    # someone overseen caught drunk at the wheel: the oversight, not one's own 生活
    ("局里1名驾驶员周末酒驾被交警查获，平时对他的教育提醒不够", "民主生活会", 2025, Role.BANZI,
     "带头坚决扛起管党治党责任"),
    ("对工程招标、资金拨付等廉政风险点排查不全", "民主生活会", 2024, Role.BANZI, "带头履行全面从严治党政治责任"),
    # the 班子's own criticism at its 组织生活会
    ("班子成员在支部组织生活会上相互批评辣味不足，多是提希望", "民主生活会", 2016, Role.BANZI, "组织生活"),
    ("在窗口服务时很少亮明党员身份，党徽也常常忘了戴", "组织生活会", 2024, Role.GEREN, "党员意识"),
    # a deadline a superior set, missed: carrying out what is decided above
    ("市委要求9月底前完成的网格员队伍整合，我们拖到12月才完成", "民主生活会", 2024, Role.BANZI,
     "带头严守政治纪律和政治规矩、维护党的团结统一"),
])
def test_what_a_fact_evidences_decides_its_place_in_any_list(reader, embeddings, line, meeting, year, role, dimension):
    dims = {2017: ["政治合格", "执行纪律合格", "品德合格", "发挥作用合格"]}.get(year)
    req = Request(role=role, year=year, meeting=meeting, facts=[line], dimensions=dims or [])
    dims = choose_structure(req).dimensions
    assert read_facts(req, dims, shared(embeddings), reader)[0].dimension == dimension


def test_a_users_own_list_weighs_its_items_as_the_registry_does(reader, embeddings):
    """A list the registry does not know (a notice's) still sends 廉政风险 and the rectifying
    of what supervision found to 从严治党, and the history of the Party to 党史 study."""
    dims = ["带头学习贯彻党的创新理论", "带头贯彻中央八项规定精神，持续改进作风", "带头落实全面从严治党责任"]
    req = Request(role=Role.GEREN, year=2026, dimensions=dims,
                  facts=["对局属单位工程招标环节的廉政风险点排查不全，有2个环节没有制定防控措施"])
    assert read_facts(req, dims, shared(embeddings), reader)[0].dimension == "带头落实全面从严治党责任"
    dims = ["坚定理想信念", "增强历史自觉", "弘扬优良传统", "加强党性锻炼"]
    req = Request(role=Role.GEREN, year=2021, dimensions=dims,
                  facts=["党史学习教育规定的书目只读完1本，其余的只看了导读"])
    assert read_facts(req, dims, shared(embeddings), reader)[0].dimension == "增强历史自觉"


def test_a_notices_list_sends_missed_work_to_the_item_that_is_about_it(reader, embeddings):
    """Two items of a notice may both speak of the work (为民造福 beside 履职尽责、担当作为):
    a target missed goes to the one that is about nothing else; and an item in the notice's
    own words (以钉钉子精神抓好工作落实) is where missed work goes, not an item nothing reaches."""
    fact = "全市公办养老机构护理型床位原定年底达到60%，实际只有38%"
    dims = ["带头深刻领悟“两个确立”的决定性意义", "带头贯彻落实党中央决策部署，履职尽责、担当作为",
            "带头为民造福，践行以人民为中心的发展思想", "带头落实全面从严治党政治责任"]
    req = Request(role=Role.BANZI, year=2022, dimensions=dims, facts=[fact])
    assert read_facts(req, dims, shared(embeddings), reader)[0].dimension == dims[1]
    # an item named for carrying out the Centre's decisions (令行禁止) takes a superior's
    # requirement met only in part, beside an item on 两个确立
    dims = ["带头深刻领悟“两个确立”的决定性意义", "带头贯彻落实党中央决策部署，做到令行禁止、落实见效",
            "带头践行以人民为中心的发展思想", "带头落实全面从严治党政治责任"]
    req = Request(role=Role.GEREN, year=2022, dimensions=dims,
                  facts=["县委要求6月底前完成的农村集体“三资”清查，我们拖到10月才报上去"])
    assert read_facts(req, dims, shared(embeddings), reader)[0].dimension == dims[1]
    dims = ["带头深入学习贯彻习近平新时代中国特色社会主义思想", "带头推动“十五五”开好局起好步，以钉钉子精神抓好工作落实",
            "带头树立和践行正确政绩观，坚持以人民为中心", "带头扛起全面从严治党政治责任"]
    req = Request(role=Role.BANZI, year=2026, dimensions=dims, facts=[fact])
    assert read_facts(req, dims, shared(embeddings), reader)[0].dimension == dims[1]


@pytest.mark.parametrize("line,dimension", [
    ("局党组会议研究人事调整时没有听取派驻纪检组意见", "带头严守政治纪律和政治规矩、维护党的团结统一"),
    ("分管领域1名干部违规收受服务对象礼品，被给予诫勉", "带头履行全面从严治党政治责任"),
    ("市里部署的营商环境整改任务，我局到年底还有2项没有完成", "带头严守政治纪律和政治规矩、维护党的团结统一"),
    ("招商引资到位资金只完成年度任务的60%", "带头在遵规守纪、清正廉洁前提下勇于担责、敢于创新"),
    # a plan or a date missed is the work itself, whatever the work is
    ("老年食堂原计划年底建成8个，因为选址反复，到12月还只建成3个", "带头在遵规守纪、清正廉洁前提下勇于担责、敢于创新"),
    # acting before asking is 请示报告, a political rule
    ("今年3月没有向县委请示，就调整了2个重点项目的建设地点", "带头严守政治纪律和政治规矩、维护党的团结统一"),
    # a subordinate's misconduct told in the next clause is still 管党治党
    ("局机关一名科长在办理企业资质审批时，违规收受中介公司财物", "带头履行全面从严治党政治责任"),
    # short of a required standard, or a task that does not reach everyone, is the work itself
    ("营商环境评价中，我局牵头的获得用水一项离全省优秀标准还有距离", "带头在遵规守纪、清正廉洁前提下勇于担责、敢于创新"),
    ("今年的双随机抽查集中在城区，对乡镇小作坊覆盖不够", "带头在遵规守纪、清正廉洁前提下勇于担责、敢于创新"),
    # work that stopped is the work, whatever field it is in
    ("农贸市场提升改造方案搁置了大半年，商户意见一直没协调好", "带头在遵规守纪、清正廉洁前提下勇于担责、敢于创新"),
    # talking with the offices one is in charge of is 管党治党 (一岗双责), not one's own 党性
    ("和分管科室负责人的谈心谈话全年只有1次", "带头履行全面从严治党政治责任"),
    # too little oversight of a company one answers for, told with a count
    ("局属检测公司出了数据造假问题，我对这家公司的监督检查一年只有一次", "带头履行全面从严治党政治责任"),
])
def test_what_a_fact_evidences_decides_its_place(reader, embeddings, line, dimension):
    """A subordinate's misconduct is 管党治党, a decision without the 纪检组 is 政治纪律, a
    superior's task not done is political execution, a missed target or date is 担当, acting
    before asking is 请示报告 (2024 list)."""
    req = Request(role=Role.BANZI, year=2024, facts=[line])
    dims = choose_structure(req).dimensions
    assert read_facts(req, dims, shared(embeddings), reader)[0].dimension == dimension


@pytest.mark.parametrize("role,meeting,year,line,dimension", [
    # a branch committee's own members are its 自身建设, not the members it educates
    (Role.BANZI, "专题组织生活会", 2023, "支部5名委员里有2名是去年底才补选的，对党务工作还不熟悉", "抓好自身建设"),
    (Role.BANZI, "专题组织生活会", 2023, "支委里有2名同志今年没有讲过党课，党务培训也没有参加", "抓好自身建设"),
    # fewer meetings than the rules ask is 组织生活 itself, however the minutes were kept
    (Role.BANZI, "专题组织生活会", 2023, "支委会全年应开12次，实际开了9次，有的会议记录是事后补写的", "严格组织生活"),
    # how the committee decides is its 作风 (民主作风), not its 政治引领
    (Role.BANZI, "组织生活会", 2025, "支委会讨论党员评议结果时，基本是书记一个人说了算，其他委员很少发表意见", "改进工作作风"),
    # the marks of 形式主义 are the committee's 作风, whatever work they burden
    (Role.BANZI, "组织生活会", 2025, "迎检材料多，一个党员示范岗的展板改了4稿", "改进工作作风"),
    (Role.BANZI, "组织生活会", 2025, "支部的工作群有12个，要求党员每天学习打卡截图", "改进工作作风"),
    # a branch that did not send its members to help people fails at serving people
    (Role.BANZI, "组织生活会", 2025, "家长对课后服务的满意度只有82%，支部没有组织党员教师拿出改进办法", "联系服务群众"),
])
def test_a_branch_committees_facts_go_where_its_list_holds_them(reader, embeddings, role, meeting, year, line,
                                                                 dimension):
    """A 支部委员会's list has an item for the committee itself, one for its 作风 and one for
    serving people: its own members, how it decides and whom it did not serve go there."""
    req = Request(role=role, meeting=meeting, year=year, facts=[line])
    dims = choose_structure(req).dimensions
    assert dimension in dims
    assert read_facts(req, dims, shared(embeddings), reader)[0].dimension == dimension


@pytest.mark.parametrize("line,topic", [
    ("一份举报材料因为牵涉县里一位老领导，我压了两个月没有提出处理意见", "斗争精神"),
    ("单位微信群里有人说党员先锋岗就是摆样子，我看到了没有回应", "意识形态"),
    ("对新出台的医保结算规则研究不深，审核中出错3次", "能力本领"),
])
def test_the_plan_names_what_a_fact_is_about(reader, embeddings, line, topic):
    """Holding back for fear of offending is 斗争精神, wrong words left unanswered 意识形态,
    rules not studied deeply enough 能力本领: the reason the plan shows says so."""
    req = Request(role=Role.GEREN, year=2024, facts=[line])
    fact = read_facts(req, choose_structure(req).dimensions, shared(embeddings), reader)[0]
    assert fact.reason.startswith(f"讲的是{topic}")


def test_the_users_choice_wins(reader, embeddings):
    line = "全年到村里调研只有5次"
    req = Request(role=Role.GEREN, year=2023, meeting="专题民主生活会", facts=[line],
                  choices=[FactChoice(text=line, kind=FactKind.PROBLEM, dimension="担当作为")])
    fact = read_facts(req, SIX, shared(embeddings), reader)[0]
    assert fact.dimension == "担当作为" and fact.user_set and fact.reason == "您指定的方面"
    req = req.model_copy(update={"choices": [FactChoice(text=line, kind=FactKind.CONTEXT)]})
    fact = read_facts(req, SIX, shared(embeddings), reader)[0]
    assert fact.kind == FactKind.CONTEXT and fact.destination == "context"


def test_split_facts_keeps_numbers_and_names_verbatim():
    text = "1. 全年调研只有4次；\n（2）“三会一课”缺席2次。\n- 2025年3月到任\n\n"
    assert split_facts(text) == ["全年调研只有4次", "“三会一课”缺席2次", "2025年3月到任"]


# --- who writes, for which meeting ------------------------------------------------------

@pytest.mark.parametrize("role,meeting,year,first,count", [
    ("个人", "组织生活会", 2024, "政治信仰", 6),
    ("支部", "组织生活会", 2024, "政治信仰", 6),
    ("个人", "专题组织生活会", 2024, "政治纪律", 6),
    ("班子", "专题组织生活会", 2023, "组织开展主题教育", 6),
    ("班子", "组织生活会", 2025, "发挥政治引领作用", 6),
    ("个人", "民主生活会", 2025, "带头强化政治忠诚、提高政治能力", 5),
    # a year with no member list of its own gets the common six, not 2023's 四个检视
    ("个人", "组织生活会", 2021, "政治信仰", 6),
    ("个人", "专题组织生活会", 2019, "政治信仰", 6),
    ("个人", "专题组织生活会", 2023, "检视学习贯彻党的创新理论情况", 4),
])
def test_roles_and_meetings_pick_their_list(role, meeting, year, first, count):
    s = choose_structure(Request(role=Role(role), meeting=meeting, year=year))
    assert s.dimensions[0] == first and len(s.dimensions) == count


def test_a_branch_meeting_never_gets_a_leadership_list():
    s = choose_structure(Request(role=Role.GEREN, meeting="组织生活会"))  # no year: the one being prepared
    assert s.dimensions[:3] == ["政治信仰", "党员意识", "理论学习"]


def test_every_list_of_the_registry_gives_every_topic_a_home(embeddings):
    from assistant.draft.facts import dimension_weights
    from assistant.draft.structure import load_registry

    for m in load_registry():
        w = dimension_weights(list(m.dimensions), shared(embeddings))
        assert (w.max(axis=0) >= 0.5).all(), m.id
        assert all(n in content.dimension_topics().dimensions for n in m.dimensions), m.id


@pytest.mark.parametrize("message,role", [
    ("我是局领导班子成员，帮我写个人对照检查材料", Role.GEREN),
    ("我是县教育局副局长，帮我写2025年民主生活会对照检查", Role.GEREN),
    ("帮我写一份局党组领导班子2024年度民主生活会对照检查材料", Role.BANZI),
    ("我是社区党支部的普通党员，帮我写2024年组织生活会对照检查", Role.GEREN),
])
def test_the_chat_understands_who_writes(message, role):
    req, wants = extract_request(message, Request())
    assert wants and req.role == role


def test_a_report_never_received_is_progress_and_a_warning_or_a_standing_neglect_a_problem(reader):
    """"Not one … was 通报" and "no complaint came in" tell a clean record, whatever the count
    word; being 提醒 by a superior, or never having done a thing, is a confession."""
    progress = ["今年发放贷款1200多笔，没有一笔被监管部门通报", "窗口推行一次性告知，热线全年没有接到一起乱收费投诉"]
    assert kinds(reader, progress) == [FactKind.PROGRESS] * len(progress)
    problems = ["季度报表两次出错，被县统计局提醒", "全村危房改造完成21户，剩下3户的现场我一直没去看"]
    assert kinds(reader, problems) == [FactKind.PROBLEM] * len(problems)


def test_a_close_call_names_the_other_place_and_the_users_choice_settles_it(reader, embeddings):
    """Where two 方面 of the list cover the same ground, a fact about it is a close call: the
    plan says where else it may belong and asks the writer to check; a clear fact is not
    flagged, and once the writer has placed the fact the question is gone."""
    from assistant.draft.explain import plan_lines
    from assistant.draft.facts import UNSURE_PLACEMENT

    dims = ["理论学习方面", "学思想方面", "廉洁自律方面"]
    study, gift = "党组中心组今年集中学习只有5次，多是传达文件", "收受过服务对象送的两张购物卡"
    req = Request(role=Role.BANZI, year=2024, meeting="民主生活会", facts=[study, gift], dimensions=dims)
    got = {f.text: f for f in read_facts(req, dims, shared(embeddings), reader)}
    assert got[study].dimension in dims[:2] and got[study].score < UNSURE_PLACEMENT
    assert got[study].alternative in dims[:2] and got[study].alternative != got[study].dimension
    assert got[gift].dimension == dims[2] and got[gift].alternative is None
    lines = "\n".join(plan_lines(list(got.values()), dims))
    assert f"也可能属于“{got[study].alternative}”，请确认" in lines and lines.count("也可能属于") == 1
    req = req.model_copy(update={"choices": [FactChoice(text=study, dimension=dims[1])]})
    fact = read_facts(req, dims, shared(embeddings), reader)[0]
    assert fact.dimension == dims[1] and fact.alternative is None
    assert "也可能属于" not in "\n".join(plan_lines([fact], dims))
