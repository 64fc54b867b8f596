"""Demo investment projects, service-ledger cases and service records.

About twenty projects of the demo enterprises at every stage — Hong Kong capital increases
(增资扩产) planned in 亿元 in production, a Macao fund signed, a Taiwan display project negotiating, a
few dropped — with their tranches (one landed above its plan, with the note saying why), so the
board, the totals and the production rate read like the offices' reports. Cases of every status,
with task lists assigned to the demo users: some overdue and some due in the next days counted from
the day the demo is loaded, so the home pages show them. About thirty service records.

Projects go through `qiao.projects.services` (moves and tranches dated in the past); cases, tasks and
actions are saved with their past dates as the ledger would have recorded them over the weeks.
"""

from __future__ import annotations

import datetime
import decimal

from django.utils import timezone

WAN = decimal.Decimal(10_000)

# name, investor (a demo organisation), origin, country, kind, industry code, planned (万元), unit key,
# liaison, stages with how many days ago each was reached, tranches (days ago, 万元, note),
# referral association (or None), referral person (index into the demo people, or None)
PROJECTS = [
    ("港惠新能源储能电池二期增资扩产项目", "港惠新能源科技有限公司", "HK", "", "expansion", "energy-storage", 120000,
     "a", "base-a-staff", [("lead", 920), ("visited", 890), ("negotiating", 820), ("signed", 700), ("landed", 610),
                           ("in_production", 420)],
     [(610, 50000, ""), (480, 40000, ""), (300, 30000, "")], "香港惠州工商聯合會", 0),
    ("灣區智聯车载智能终端增资扩产项目", "灣區智聯科技（惠州）有限公司", "HK", "", "expansion", "smart-terminals",
     32000, "a", "base-a-staff", [("lead", 760), ("visited", 740), ("negotiating", 690), ("signed", 600),
                                   ("landed", 540), ("in_production", 380)],
     [(540, 20000, ""), (400, 12000, "")], "香港惠州社團聯合總會", None),
    ("港资生物制药创新药生产基地项目", "惠州港资生物制药有限公司", "HK", "", "new", "pharmaceuticals", 85000, "a",
     "base-a-staff", [("lead", 640), ("visited", 610), ("negotiating", 540), ("signed", 420), ("landed", 150)],
     [(150, 30000, ""), (40, 20000, "")], None, 3),
    ("仲愷智能驾驶测试及研发基地项目", "仲愷智能駕駛科技有限公司", "HK", "", "new", "new-energy-vehicles", 50000,
     "a1", "base-a-staff", [("lead", 300), ("visited", 270), ("negotiating", 200)], [], "香港仲愷鄉親會", None),
    ("香港应用科技研究院惠州联合创新中心", "香港應用科技研究院", "HK", "", "platform", "ai", 15000, "centre",
     "centre-manager", [("lead", 990), ("visited", 975), ("negotiating", 930), ("signed", 880), ("landed", 800),
                        ("in_production", 620)],
     [(800, 8000, ""), (700, 7000, "")], None, 5),
    ("大亞灣精细化工新材料扩产项目", "大亞灣石化港資企業有限公司", "HK", "", "expansion", "petrochemicals", 260000,
     "c", "base-c-manager", [("lead", 1300), ("visited", 1280), ("negotiating", 1150), ("signed", 1000),
                              ("landed", 900), ("in_production", 600)],
     [(900, 100000, ""), (750, 100000, ""), (500, 60000, ""),
      (200, 10000, "企业追加环保设施投入1亿元，到位资金超出原计划，已书面确认。")], "香港大亞灣同鄉聯誼會", None),
    ("博羅綠美现代农业产业园项目", "博羅綠美農業科技有限公司", "HK", "", "new", "agriculture", 15000, "b",
     "base-b-staff", [("lead", 1100), ("visited", 1090), ("negotiating", 1000), ("signed", 930), ("landed", 860),
                      ("in_production", 700)],
     [(860, 15000, "")], "香港博羅同鄉會", None),
    ("惠港通跨境物流枢纽项目", "惠港通物流有限公司", "HK", "", "new", "logistics", 60000, "hk", "hk-staff",
     [("lead", 150), ("visited", 120), ("negotiating", 60)], [], None, None),
    ("港澳青年创新创业基地扩容项目", "香港灣區青年創業孵化器有限公司", "HK", "", "expansion", "professional-services",
     8000, "centre", "centre-manager", [("lead", 700), ("visited", 690), ("negotiating", 640), ("signed", 600),
                                        ("landed", 560), ("in_production", 480)],
     [(560, 5000, ""), (470, 3000, "")], "香港惠州青年聯會", 1),
    ("惠陽港青文创产业园项目", "惠陽港青文創有限公司", "HK", "", "new", "culture", 3000, "b", "base-b-staff",
     [("lead", 40), ("visited", 12)], [], "香港惠陽同鄉會", None),
    ("香港人才集团华南人力资源服务总部项目", "香港人才集團有限公司", "HK", "", "new", "consulting", 5000, "hk",
     "hk-staff", [("lead", 9)], [], None, None),
    ("澳惠中药配方颗粒生产线项目", "澳惠中醫藥科技有限公司", "MO", "", "new", "tcm", 40000, "b", "base-b-staff",
     [("lead", 1000), ("visited", 980), ("negotiating", 900), ("signed", 820), ("landed", 700), ("in_production", 450)],
     [(700, 25000, ""), (520, 15000, "")], "澳門惠州同鄉會", None),
    ("澳門跨境电商运营中心项目", "澳門跨境電商服務有限公司", "MO", "", "new", "logistics", 6000, "b",
     "base-b-staff", [("lead", 500), ("visited", 470), ("negotiating", 420), ("dropped", 330)], [], None, None),
    ("粤澳产业投资基金", "澳門惠澳投資有限公司", "MO", "", "fund", "investment", 100000, "centre",
     "centre-manager", [("lead", 420), ("visited", 400), ("negotiating", 300), ("signed", 90)], [],
     "澳門廣東青年聯合會", None),
    ("台惠精密零部件扩产项目", "台惠精密機械股份有限公司", "TW", "", "expansion", "equipment", 45000, "a",
     "base-a-staff", [("lead", 880), ("visited", 860), ("negotiating", 800), ("signed", 720), ("landed", 640),
                      ("in_production", 500)],
     [(640, 20000, ""), (560, 15000, ""), (420, 10000, "")], "台灣惠州同鄉會", None),
    ("鴻惠 Mini LED 显示模组项目", "鴻惠光電科技有限公司", "TW", "", "new", "displays", 150000, "c",
     "base-c-manager", [("lead", 200), ("visited", 180), ("negotiating", 90)], [], None, None),
    ("台商惠州电子SMT产线技改项目", "台商惠州電子有限公司", "TW", "", "expansion", "electronics", 12000, "a1",
     "base-a-staff", [("lead", 1200), ("visited", 1190), ("negotiating", 1100), ("signed", 1050), ("landed", 980),
                      ("in_production", 800)],
     [(980, 12000, "")], None, None),
    ("南洋惠商东南亚进口食品分拨中心", "南洋惠商贸易有限公司", "OVERSEAS", "新加坡", "new", "logistics", 8000, "hk",
     "hk-staff", [("lead", 70), ("visited", 30)], [], "新加坡惠州會館", None),
    ("星惠跨境支付研发中心", "星惠金融科技私人有限公司", "OVERSEAS", "新加坡", "platform", "fintech", 5000,
     "centre", "centre-manager", [("lead", 20)], [], None, None),
    ("惠州港澳医疗器械扩产项目", "惠州港澳醫療器械有限公司", "MO", "", "expansion", "medical-devices", 18000, "c",
     "base-c-manager", [("lead", 600), ("visited", 560), ("dropped", 480)], [], None, None),
    ("港澳青年创业基地运营二期项目", "港澳青年創新創業基地運營有限公司", "HK", "", "expansion", "education", 6000,
     "a", "base-a-staff", [("lead", 820), ("visited", 800), ("negotiating", 760), ("signed", 700), ("landed", 650),
                           ("in_production", 560)],
     [(650, 6000, "")], "香港青年創業家協會", None),
    ("亿纬锂能储能电池新基地项目", "亿纬锂能股份有限公司", "MAINLAND", "", "new", "lithium-battery", 300000, "c",
     "base-c-manager", [("lead", 110), ("visited", 95), ("negotiating", 30)], [], "香港惠州工商聯合會", None),
]  # fmt: skip
DROPPED_REASONS = {
    "澳門跨境电商运营中心项目": "企业调整业务布局，运营中心改设在横琴。",
    "惠州港澳医疗器械扩产项目": "产品注册证办理周期过长，投资方决定暂缓扩产。",
}
PROJECT_NOTES = {
    "visited": "走访企业香港总部，了解投资意向。",
    "negotiating": "就用地、厂房和扶持政策进行洽谈。",
    "signed": "在投资推介会上签约。",
    "landed": "首笔资金到位。",
    "in_production": "项目建成投产。",
}

# organisation, project name (or None), unit key, owner, category, title, description, raised by,
# raised (days ago), priority, due (days from today), status, note, days ago resolved/closed,
# tasks (title, assignee, due in days from today, done), actions (kind, days ago, note), source
CASES = [
    ("港惠新能源科技有限公司", "港惠新能源储能电池二期增资扩产项目", "a", "base-a-staff", "land",
     "二期厂房用地指标落实", "企业二期扩产需新增工业用地约80亩，希望年内完成用地预审。", "陈总", 40, "high", -5,
     "in_progress", "", None,
     [("收集企业用地申请材料", "base-a-staff", -25, True), ("协调自然资源局召开用地专题会", "base-a-staff", -3, False),
      ("向企业反馈用地预审意见", "base-a-staff", 2, False)],
     [("visit", 38, "走访企业，企业反映二期用地指标迟迟未落实，影响设备进场。"),
      ("meeting", 20, "组织自然资源局、园区管委会与企业召开协调会，明确预审材料清单。"),
      ("call", 4, "电话跟进自然资源局，预审意见正在会签。")], "staff"),
    ("灣區智聯科技（惠州）有限公司", None, "a", "base-a-staff", "talent", "港籍高管个税补贴申领",
     "企业5名港籍高管申请大湾区个人所得税优惠政策补贴，对申报口径有疑问。", "黃經理", 12, "normal", 10, "open", "",
     None,
     [("指导企业准备申报材料", "base-a-staff", 1, False), ("向税务局咨询申报口径", "base-a-staff", 5, False)],
     [("call", 11, "电话了解企业高管人数及在内地工作天数。")], "staff"),
    ("惠州港资生物制药有限公司", "港资生物制药创新药生产基地项目", "a", "base-a-staff", "approvals",
     "药品生产许可证现场检查安排", "新车间已建成，企业希望尽快安排药品生产许可证现场检查。", "李博士", 25, "urgent",
     -2, "in_progress", "", None,
     [("向市场监管局报送检查申请", "base-a-staff", -15, True), ("协助企业完成自查整改", "base-a-staff", -1, False),
      ("跟进检查时间安排", "base-a-staff", 3, False)],
     [("reply", 18, "市场监管局回复：已受理，需企业先完成自查。"), ("visit", 9, "到企业新车间查看自查整改情况。")],
     "staff"),
    ("大亞灣石化港資企業有限公司", "大亞灣精细化工新材料扩产项目", "c", "base-c-manager", "customs",
     "进口催化剂通关时效", "企业从欧洲进口的催化剂通关时间较长，影响生产计划。", "張生", 60, "high", -10,
     "in_progress", "", None,
     [("对接惠州海关了解查验要求", "base-c-manager", -40, True), ("协助企业申请提前申报", "base-c-manager", -12, False),
      ("回访企业确认通关时效", "base-c-manager", 6, False)],
     [("meeting", 45, "与惠州海关、企业召开现场会，海关建议采用“提前申报”模式。"),
      ("message", 13, "微信向企业发送提前申报操作指引。")], "staff"),
    ("博羅綠美農業科技有限公司", "博羅綠美现代农业产业园项目", "b", "base-b-staff", "policy",
     "现代农业产业园补贴申报", "企业申报市级现代农业产业园建设补贴，需协助准备材料。", "何小姐", 70, "normal", 20,
     "resolved", "已协助企业完成申报，补贴资金120万元已拨付。", 5,
     [("梳理补贴申报条件", "base-b-staff", -60, True), ("协助企业准备申报材料", "base-b-staff", -40, True),
      ("跟进农业农村局审核", "base-b-staff", -10, True)],
     [("visit", 65, "走访产业园，了解建设投入情况。"), ("reply", 8, "农业农村局回复：补贴已审核通过，资金已拨付。")],
     "staff"),
    ("台惠精密機械股份有限公司", "台惠精密零部件扩产项目", "a", "base-a-staff", "financing", "设备融资租赁对接",
     "企业扩产需进口数控设备约3000万元，希望对接融资租赁。", "林經理", 200, "normal", -150, "closed",
     "已对接两家融资租赁公司，企业与其中一家签约。", 160,
     [("梳理企业融资需求", "base-a-staff", -190, True), ("组织银企对接会", "base-a-staff", -170, True)],
     [("meeting", 175, "组织两家融资租赁公司与企业面谈。"), ("note", 158, "企业已签约，回访满意，予以销号。")],
     "staff"),
    ("澳惠中醫藥科技有限公司", "澳惠中药配方颗粒生产线项目", "b", "base-b-staff", "approvals",
     "澳门已上市中成药在内地注册", "企业希望其在澳门上市的中成药简化在内地的注册程序。", "鄭先生", 120, "low", -30,
     "cannot_resolve", "药品注册属国家药监局事权，现行政策暂无简化通道，已向企业解释并报上级研究。", None,
     [("向市场监管局咨询注册政策", "base-b-staff", -100, True), ("向企业书面答复", "base-b-staff", -80, True)],
     [("reply", 95, "市场监管局回复：须按国家药品注册管理办法办理。")], "staff"),
    ("惠港通物流有限公司", "惠港通跨境物流枢纽项目", "hk", "hk-staff", "customs", "跨境物流车辆备案",
     "企业新增10辆粤港直通货车，需办理车辆备案。", "周生", 20, "high", 0, "in_progress", "", None,
     [("收集车辆资料", "hk-staff", -10, True), ("协助企业提交备案申请", "hk-staff", 0, False)],
     [("call", 19, "电话了解企业新增车辆情况。")], "staff"),
    ("香港人才集團有限公司", "香港人才集团华南人力资源服务总部项目", "hk", "hk-staff", "talent", "港澳员工社保办理",
     "企业计划派驻惠州的港籍员工咨询在内地参加社会保险的办理流程。", "麥小姐", 6, "normal", 3, "open", "", None,
     [("整理港澳居民参保办事指南", "hk-staff", 2, False)], [], "staff"),
    ("惠陽港青文創有限公司", "惠陽港青文创产业园项目", "b", "base-b-staff", "other", "园区互联网专线开通",
     "企业入驻园区后需开通国际互联网专线，运营商回复周期较长。", "葉先生", 30, "normal", -4, "in_progress", "",
     None,
     [("联系运营商了解办理条件", "base-b-staff", -20, True), ("协调运营商加快施工", "base-b-staff", -6, False)],
     [("call", 28, "联系运营商，对方表示需企业补充用途说明。")], "staff"),
    ("台商惠州電子有限公司", "台商惠州电子SMT产线技改项目", "a1", "base-a-staff", "land", "厂房租赁续期",
     "企业租用的标准厂房即将到期，希望续租并扩大面积。", "蔡經理", 500, "normal", -470, "closed",
     "已协调园区平台公司续租五年，并新增厂房面积2000平方米。", 480,
     [("对接园区平台公司", "base-a-staff", -490, True), ("协助签订续租合同", "base-a-staff", -475, True)],
     [("meeting", 488, "与园区平台公司、企业协商续租条件。")], "staff"),
    ("澳門跨境電商服務有限公司", None, "b", "base-b-staff", "policy", "跨境电商综试区政策咨询",
     "企业咨询惠州跨境电商综合试验区的扶持政策。", "梁小姐", 90, "low", -60, "resolved",
     "已向企业讲解综试区政策并提供申报指南。", 70,
     [("整理综试区政策要点", "base-b-staff", -80, True)],
     [("visit", 85, "走访企业讲解政策。")], "staff"),
    ("仲愷智能駕駛科技有限公司", "仲愷智能驾驶测试及研发基地项目", "a1", "base-a-staff", "approvals",
     "智能网联汽车道路测试牌照", "企业申请在仲恺开放道路开展自动驾驶测试，需办理测试牌照。", "吳工", 15, "high", 14,
     "open", "", None,
     [("了解道路测试管理规定", "base-a-staff", -5, True), ("协调交通运输局组织专家评审", "base-a-staff", 7, False)],
     [("call", 14, "电话了解企业测试车辆和安全员配置。")], "staff"),
    ("鴻惠光電科技有限公司", "鴻惠 Mini LED 显示模组项目", "c", "base-c-manager", "land", "Mini LED 项目选址",
     "企业希望在大亚湾找到约150亩、可快速动工的工业用地。", "鴻惠 黃總", 35, "urgent", 1, "in_progress", "", None,
     [("梳理可供地块清单", "base-c-manager", -20, True), ("陪同企业实地踏勘", "base-c-manager", 1, False),
      ("向企业提交选址比较报告", "base-c-manager", 10, False)],
     [("visit", 22, "陪同企业查看两个备选地块。")], "staff"),
    ("南洋惠商贸易有限公司", "南洋惠商东南亚进口食品分拨中心", "hk", "hk-staff", "customs", "进口食品检验检疫",
     "企业咨询东南亚进口食品的检验检疫要求。", "Kelvin 許", 50, "normal", -20, "closed",
     "已协助企业取得检验检疫要求清单，企业表示满意。", 25,
     [("向海关咨询检验检疫要求", "hk-staff", -40, True)],
     [("reply", 30, "海关书面回复检验检疫要求清单。")], "staff"),
    ("港澳青年創新創業基地運營有限公司", None, "a", None, "talent", "港澳青年实习岗位对接",
     "通过公开表单反映：希望为暑期港澳大学生对接实习岗位。", "陳小姐", 2, "normal", None, "open", "", None, [], [],
     "public"),
]  # fmt: skip

# kind code, to (person index or organisation name), unit key, by, days ago, people served, summary
SERVICES = [
    ("policy-consultation", 0, "a", "base-a-staff", 3, 1, "解答港澳青年创业补贴申请条件。"),
    ("policy-consultation", "香港惠州青年聯會", "hk", "hk-staff", 10, 35, "为青年联会会员宣讲就业创业政策。"),
    ("policy-consultation", 4, "b", "base-b-staff", 15, 1, "讲解人才住房申请流程。"),
    ("policy-consultation", "港惠新能源科技有限公司", "a", "base-a-staff", 21, 6, "讲解增资扩产奖励政策。"),
    ("policy-consultation", 9, "c", "base-c-manager", 28, 2, "解答子女入学政策。"),
    ("government-service", 1, "hk", "hk-staff", 5, 1, "协助办理“跨境通办”社保查询。"),
    ("government-service", 6, "hk", "hk-staff", 12, 1, "协助办理港澳居民居住证。"),
    ("government-service", 12, "a", "base-a-staff", 40, 1, "协助办理个体工商户登记。"),
    ("government-service", "香港人才集團有限公司", "hk", "hk-staff", 19, 4, "协助办理外派员工居住登记。"),
    ("visit", "灣區智聯科技（惠州）有限公司", "a", "base-a-staff", 8, 3, "走访企业，了解增资扩产进展。"),
    ("visit", "大亞灣石化港資企業有限公司", "c", "base-c-manager", 14, 5, "走访企业，了解进口原料通关情况。"),
    ("visit", "澳惠中醫藥科技有限公司", "b", "base-b-staff", 33, 3, "走访企业，了解生产经营情况。"),
    ("visit", "台惠精密機械股份有限公司", "a", "base-a-staff", 47, 2, "走访企业，了解用工需求。"),
    ("matchmaking", "鴻惠光電科技有限公司", "c", "base-c-manager", 9, 4, "组织上下游企业对接会。"),
    ("matchmaking", "惠港通物流有限公司", "hk", "hk-staff", 26, 3, "对接跨境电商企业物流需求。"),
    ("matchmaking", 15, "centre", "centre-manager", 60, 1, "推荐对接投资机构。"),
    ("employment", 2, "a", "base-a-staff", 4, 1, "提供就业指导，推荐实习岗位。"),
    ("employment", "香港大學", "centre", "centre-manager", 30, 22, "为港大学生举办就业创业指导讲座。"),
    ("employment", 20, "b", "base-b-staff", 55, 1, "协助完善创业计划书。"),
    ("housing", 3, "a", "base-a-staff", 18, 3, "协助申请人才住房，携家属入住。"),
    ("housing", 24, "c", "base-c-manager", 75, 2, "协助申请租房补贴。"),
    ("schooling", 5, "b", "base-b-staff", 25, 2, "协助两名子女办理入学。"),
    ("schooling", 30, "hk", "hk-staff", 90, 1, "协助办理插班手续。"),
    ("legal", 7, "centre", "centre-manager", 11, 1, "提供跨境商事合同法律咨询。"),
    ("legal", "星惠金融科技私人有限公司", "centre", "centre-manager", 38, 2, "讲解内地支付业务许可要求。"),
    ("financing", "台惠精密機械股份有限公司", "a", "base-a-staff", 170, 2, "对接融资租赁公司。"),
    ("financing", "港澳青年創新創業基地運營有限公司", "a", "base-a-staff", 44, 8, "组织青年创业团队与银行对接。"),
    ("financing", 40, "b", "base-b-staff", 66, 1, "介绍港澳青年创业贴息贷款。"),
    ("other", "香港惠州社團聯合總會", "hk", "hk-staff", 16, 48, "接待社团访问团，介绍惠州营商环境。"),
    ("other", 11, "a1", "base-a-staff", 7, 1, "协助联系街道办理租房备案。"),
]  # fmt: skip


def load(units: dict, orgs: list, people: list, admin) -> dict:
    """Add the demo projects, cases and service records. Returns counts."""
    from qiao.core.models import User

    today = timezone.localdate()
    users = {user.username: user for user in User.objects.all()}
    by_name = {org.name: org for org in orgs}
    projects = _projects(today, units, by_name, people, users, admin)
    cases, tasks = _cases(today, units, by_name, projects, users)
    services = _services(today, units, by_name, people, users)
    return {"projects": len(projects), "cases": cases, "tasks": tasks, "services": services}


def _ago(today: datetime.date, days: int) -> datetime.date:
    return today - datetime.timedelta(days=days)


def _projects(today, units, by_name, people, users, admin) -> dict:
    from qiao.activities.models import Activity
    from qiao.matching.models import Field
    from qiao.projects import services
    from qiao.projects.models import Project

    fields = {f.code: f for f in Field.objects.all()}
    activities = list(Activity.objects.order_by("-start_date").values_list("pk", "start_date"))
    made = {}
    for (name, investor, origin, country, kind, industry, planned, unit, liaison, stages, tranches, referral,
         adviser) in PROJECTS:  # fmt: skip
        first = stages[0]
        project = services.save_project(
            admin,
            Project(
                unit=units[unit],
                name=name,
                investor=by_name[investor],
                origin=origin,
                origin_country=country,
                industry=fields.get(industry),
                kind=kind,
                planned_amount=decimal.Decimal(planned) * WAN,
                referral_organization=by_name.get(referral) if referral else None,
                referral_person=people[adviser] if adviser is not None else None,
                liaison=users[liaison],
                stage=first[0],
                stage_on=_ago(today, first[1]),
                description=f"{investor}计划投资{_yi(planned)}。",
            ),
            note=f"{referral}推荐，企业有意在惠州投资。" if referral else "",
        )
        landed_at = dict(stages).get("landed")
        pending = sorted(tranches, reverse=True)  # oldest first
        for stage, days in stages[1:]:
            if stage == "in_production":  # the tranches before production are in place by then
                pending = _add_tranches(admin, project, today, pending, until=days)
            if stage == "dropped":
                project = services.move(admin, project, stage, on=_ago(today, days), reason=DROPPED_REASONS[name])
                continue
            if stage == "landed":
                pending = _add_tranches(admin, project, today, pending, until=landed_at)
            project = services.move(admin, project, stage, on=_ago(today, days), note=PROJECT_NOTES.get(stage, ""))
        _add_tranches(admin, project, today, pending, until=0)
        project.refresh_from_db()
        if project.signed_on:
            project.signing_activity_id = _signing_activity(activities, project.signed_on)
            if project.signing_activity_id:
                project = services.save_project(admin, project)
        if adviser is not None:
            services.add_person(admin, project, people[adviser + 1], role="投资方代表")
        made[name] = project
    return made


def _yi(wan: int) -> str:
    from qiao.text.amounts import format_amount

    yuan = decimal.Decimal(wan) * WAN
    return format_amount(yuan, "yi" if wan >= 10_000 else "wan")


def _add_tranches(admin, project, today, pending, *, until: int) -> list:
    """Add the tranches dated `until` days ago or earlier; return the others."""
    from qiao.projects import services

    later = []
    for days, amount, note in pending:
        if days < until:
            later.append((days, amount, note))
            continue
        services.add_tranche(
            admin, project, amount=decimal.Decimal(amount) * WAN, on=_ago(today, days), note=note, confirm=bool(note)
        )
        project.refresh_from_db()
    return later


def _signing_activity(activities, signed_on: datetime.date):
    """A demo activity held up to three weeks before the signing date (a promotion event), if any."""
    for pk, day in activities:
        if day <= signed_on:
            return pk if (signed_on - day).days <= 20 else None
    return None


def _cases(today, units, by_name, projects, users) -> tuple[int, int]:
    from qiao.ledger.models import Case, CaseAction, CaseTask

    tz = timezone.get_current_timezone()
    count = tasks = 0
    for (org, project, unit, owner, category, title, description, raised_by, raised, priority, due, status, note,
         finished, task_rows, action_rows, source) in CASES:  # fmt: skip
        raised_on = _ago(today, raised)
        due_date = today + datetime.timedelta(days=due) if due is not None else None
        finished_on = _ago(today, finished) if finished is not None else None
        case = Case.objects.create(
            unit=units[unit],
            organization=by_name[org],
            project=projects.get(project) if project else None,
            category=category,
            title=title,
            description=description,
            raised_by_name=raised_by,
            raised_on=raised_on,
            priority=priority,
            owner=users.get(owner) if owner else None,
            due_date=max(due_date, raised_on) if due_date else None,
            status=status,
            status_note=note,
            resolved_on=finished_on if status in ("resolved", "closed") else None,
            closed_on=finished_on if status == "closed" else None,
            source=source,
        )
        count += 1
        for task_title, assignee, task_due, done in task_rows:
            task_day = max(today + datetime.timedelta(days=task_due), raised_on)
            done_day = min(task_day, finished_on or today, today)
            CaseTask.objects.create(
                case=case,
                title=task_title,
                assignee=users[assignee],
                due_date=task_day,
                done=done,
                done_at=datetime.datetime.combine(done_day, datetime.time(16, 30), tzinfo=tz) if done else None,
                done_by=users[assignee] if done else None,
            )
            tasks += 1
        for kind, days, text in action_rows:
            CaseAction.objects.create(case=case, kind=kind, on=max(_ago(today, days), raised_on), note=text,
                                      by=users.get(owner))  # fmt: skip
    return count, tasks


def _services(today, units, by_name, people, users) -> int:
    from qiao.ledger.defaults import ensure
    from qiao.ledger.models import ServiceKind, ServiceRecord

    ensure()  # the migration's list, unless it was edited or flushed since
    kinds = {kind.code: kind for kind in ServiceKind.objects.all()}
    for code, to, unit, by, days, served, summary in SERVICES:
        person = people[to] if isinstance(to, int) else None
        ServiceRecord.objects.create(
            unit=units[unit],
            kind=kinds[code],
            on=_ago(today, days),
            person=person,
            organization=by_name[to] if person is None else None,
            people_served=served,
            summary=summary,
            by=users[by],
        )
    return len(SERVICES)
