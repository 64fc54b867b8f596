"""Bulletins (简报): the narrative of the default template with the figures approximated as offices do,
exact on request, in both scripts; a period or section without data saying so; the DOCX, XLSX and
Markdown files read back; the command's bad input; scoping (a base never reads another's records, a
centre reads everything below it); templates refused line by line; each figure computed once.

The data, counted by hand (2025 unless said):
    base A   A-0 2024-06-01  8 people (who come again in 2025: no first-timers)
             A-1 2025-03-10  1,046 people attend (623 HK, 423 MO), 2 more only registered
             A-2 2025-04-10  30 of them again (a talk)
             a project signed 2025-05-01, planned 346,123,456 yuan, 560,000 yuan landed 2025-06-01
    base B   B-1 2025-03-15  25 people (TW); a project signed 2025-05-02, planned 100,000,000 yuan
So base A in 2025: 2 batches, 1,076 person-times (→ 1070余), 1,046 people and 1,038 first-timers
(→ 上千), 3.46亿元 planned, 56万元 landed; the centre: 3 batches, 1,101 person-times, 1,063
first-timers (→ 1060余), 4.46亿元 planned.
"""

import datetime
import io
import os
import subprocess
import sys
import urllib.parse
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from qiao.reports import bulletin, bulletin_templates, documents, metrics, periods
from qiao.reports.models import BulletinTemplate
from tests import test_activities

root, kinds, make_activity = test_activities.root, test_activities.kinds, test_activities.make_activity

D = datetime.date
YEAR = periods.year(2025)
EMPTY = periods.year(2019)


def _crowd(unit, count: int, region: str, prefix: str):
    from qiao.people.models import Person

    Person.objects.bulk_create(Person(unit=unit, name=f"{prefix}{i}", region=region) for i in range(count))
    return list(Person.objects.filter(name__startswith=prefix).order_by("pk"))


def _attend(activity, people, status="attended"):
    from qiao.activities import aggregates
    from qiao.activities.models import Participation

    Participation.objects.bulk_create(
        Participation(activity=activity, person=p, status=status, unit_id=activity.unit_id, date=activity.start_date)
        for p in people
    )
    aggregates.refresh(activities=[activity.pk], people=[p.pk for p in people])


def _project(user, unit, name, planned, on):
    from qiao.orgs.models import Organization
    from qiao.projects import services
    from qiao.projects.models import Project

    investor = Organization.objects.create(unit=unit, name=f"{name}投资方", kind="enterprise", region="HK")
    return services.save_project(
        user,
        Project(
            unit=unit,
            name=name,
            investor=investor,
            kind="new",
            origin="HK",
            planned_amount=Decimal(planned),
            stage="signed",
            stage_on=on,
        ),
    )


@pytest.fixture
def data(network, root, make_activity):
    from qiao.projects import services

    hk = _crowd(network["a"], 623, "HK", "港")
    mo = _crowd(network["a"], 423, "MO", "澳")
    tw = _crowd(network["b"], 25, "TW", "台")
    waiting = _crowd(network["a"], 2, "HK", "候")
    _attend(make_activity(network["a"], D(2024, 6, 1)), hk[:8])
    a1 = make_activity(network["a"], D(2025, 3, 10))
    _attend(a1, hk + mo)
    _attend(a1, waiting, status="registered")
    _attend(make_activity(network["a"], D(2025, 4, 10), kind="talk"), hk[100:130])
    _attend(make_activity(network["b"], D(2025, 3, 15)), tw)
    signed = _project(root, network["a"], "港资电子厂", "346123456", D(2025, 5, 1))
    services.add_tranche(root, signed, amount=Decimal("560000"), on=D(2025, 6, 1))
    _project(root, network["b"], "台资储能项目", "100000000", D(2025, 5, 2))
    return network


def _build(user, unit, period=YEAR, **options):
    return bulletin.build(user, period=period, unit=unit, **options)


# ---------------------------------------------------------------- the narrative


def _stub_figures(period, totals):
    figures = bulletin.Figures.__new__(bulletin.Figures)
    figures.period, figures.where, figures.rows, figures.before = period, None, {}, {}
    figures.figures = {
        key: metrics.Figure(metrics.CATALOGUE[key], period, None, value) for key, value in totals.items()
    }
    return figures


def test_the_default_template_writes_the_offices_sentence():
    spec = bulletin_templates.parse(bulletin_templates.DEFAULT_TITLE, bulletin_templates.DEFAULT_BODY)
    period = periods.ytd(D(2026, 9, 30))
    totals = dict.fromkeys(spec.needs(), 0)
    totals.update({"activities.batches": 148, "activities.person_times": 11193, "activities.first_timers": 4236})
    writer = bulletin.Writer(
        spec, _stub_figures(period, totals), exact=False, lang="zh-hans", unit_name="惠州", today=D(2026, 9, 30)
    )
    lead = spec.sections[0].blocks[0]
    assert writer.paragraph(lead) == "今年以来，累计接待港澳台侨青年交流148批次共11193人次，其中4230余人首次来访。"


def test_base_bulletin_in_words_exact_and_traditional(data, root):
    made = _build(root, "base-a")
    assert made.title == "基地甲港澳台侨工作简报（2025年）"
    lead = made.paragraphs()[0]
    assert lead == (
        "2025年，累计接待港澳台侨青年交流2批次共1076人次，其中上千人首次来访；新签约招商项目1宗，计划投资总额3.46亿元。"
    )
    assert "资金到位56万元" in " ".join(made.paragraphs())
    assert "本期暂无精准匹配记录。" in made.paragraphs()  # a section without data says so in one line

    exact = _build(root, "base-a", exact=True)
    assert "其中1038人首次来访" in exact.paragraphs()[0]
    assert "计划投资总额34612.35万元" in exact.paragraphs()[0]

    template = BulletinTemplate(
        name="繁體",
        title="{unit}簡報",
        body="{period}，接待交流{activities.batches}批次共{activities.person_times}人次，"
        "其中{activities.first_timers}人首次来访；计划投资{projects.planned_amount}，资金到位{projects.landed_amount}。",
    )
    hant = _build(root, "base-a", lang="zh-hant", template=template)
    assert hant.title == "基地甲簡報"
    assert hant.paragraphs() == [
        "2025年，接待交流2批次共1070餘人次，其中上千人首次來訪；計劃投資3.46億元，資金到位56萬元。"
    ]


def test_a_period_without_data_says_so(data, root):
    made = _build(root, "base-a", period=EMPTY)
    assert made.empty
    assert made.paragraphs() == ["本期（2019年）基地甲暂无交流活动、项目、服务等业务记录。"]
    assert made.tables() == []


def test_a_clause_of_zeros_is_left_out(data, root):
    template = BulletinTemplate(
        name="t",
        title="t",
        body="开展交流{activities.batches}批次，其中实习{internships.interns}人；签约{projects.signed}宗。",
    )
    assert _build(root, "base-a", template=template).paragraphs() == ["开展交流2批次；签约1宗。"]


# ---------------------------------------------------------------- scoping


def test_a_base_reads_only_its_records_and_the_centre_everything_below(data, root, make_user):
    staff_a = make_user("staff-a", data["a"], "staff")
    for user in (root, staff_a):
        base = _build(user, "base-a", exact=True)
        assert base.paragraphs()[0].startswith("2025年，累计接待港澳台侨青年交流2批次共1076人次，其中1038人首次来访")
        by_unit = next(t for t in base.tables() if "各单位" in t.title)
        assert "基地乙" not in [label for label, _cells in by_unit.rows]
    with pytest.raises(ValidationError) as refused:
        _build(staff_a, "base-b")
    assert "unit" in refused.value.message_dict
    # everything staff A may see is base A (and its office)
    assert _build(staff_a, None, exact=True).paragraphs()[0] == base.paragraphs()[0]

    centre = _build(root, "centre", exact=True)
    assert "3批次共1101人次，其中1063人首次来访" in centre.paragraphs()[0]
    assert "计划投资总额44612.35万元" in centre.paragraphs()[0]
    by_unit = next(t for t in centre.tables() if "各单位" in t.title)
    rows = {label: [c.value for c in cells] for label, cells in by_unit.rows}
    assert rows["基地甲"][:2] == [2, 1076] and rows["基地乙"][:2] == [1, 25]
    assert [c.value for c in by_unit.total[1]][:2] == [3, 1101]


# ---------------------------------------------------------------- the files


def test_command_writes_docx_that_reads_back(data, tmp_path):
    from docx import Document
    from docx.oxml.ns import qn

    target = tmp_path / "简报.docx"
    call_command(
        "bulletin", "--unit", "base-a", "--year", "2025", "--lang", "zh-Hans", "--format", "docx", "-o", str(target)
    )
    document = Document(str(target))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "基地甲港澳台侨工作简报（2025年）" and document.paragraphs[0].style.name == "Title"
    assert any("累计接待港澳台侨青年交流2批次共1076人次，其中上千人首次来访" in t for t in texts)
    assert "一、青年交流" in [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    region = next(t for t in document.tables if t.rows[0].cells[0].text == "来源地")
    cells = {row.cells[0].text: [c.text for c in row.cells[1:]] for row in region.rows[1:]}
    assert cells["香港"] == ["623"] and cells["澳门"] == ["423"] and cells["合计"] == ["1046"]
    # A4, and the Chinese fonts named for East Asian text
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "宋体"
    assert document.styles["Heading 1"].element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    if documents.cjk_font():
        assert document.inline_shapes, "the charts are in the document"


def test_without_a_chinese_font_the_bulletin_has_no_charts(data, root, monkeypatch):
    from docx import Document

    monkeypatch.setattr(documents, "cjk_font", lambda: None)
    made = _build(root, "base-a")
    assert any(isinstance(b, bulletin.Chart) for s in made.sections for b in s.blocks)
    document = Document(io.BytesIO(documents.render(made, "docx")))
    assert not document.inline_shapes and document.tables


def test_command_writes_xlsx_and_markdown(data, tmp_path):
    from openpyxl import load_workbook

    book_path, md_path = tmp_path / "b.xlsx", tmp_path / "b.md"
    call_command("bulletin", "--unit", "centre", "--from", "2025-01-01", "--to", "2025-12-31", "-o", str(book_path))
    book = load_workbook(book_path)
    assert book.sheetnames[0] == "简报" and book.sheetnames[-1] == "定义"
    assert any(name.startswith("表") for name in book.sheetnames)
    definitions = [row[1] for row in book["定义"].iter_rows(values_only=True)]
    assert "activities.first_timers" in definitions
    units = book[next(name for name in book.sheetnames if "各单位" in name)]
    rows = {row[0]: row[1:] for row in units.iter_rows(min_row=3, values_only=True)}
    assert rows["基地甲"][:2] == (2, 1076) and rows["合计"][:2] == (3, 1101)

    call_command(
        "bulletin", "--unit", str(data["a"].pk), "--quarter", "2025Q1", "--format", "md", "--exact", "-o", str(md_path)
    )
    text = md_path.read_text(encoding="utf-8")
    assert text.startswith("# 基地甲港澳台侨工作简报（2025年第一季度）")
    assert "## 一、青年交流" in text and "| 来源地 |" in text
    assert "累计接待港澳台侨青年交流1批次共1046人次，其中1038人首次来访" in text


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--unit", "nowhere", "--year", "2025"], "unit"),
        (["--unit", "base-a", "--from", "2025-06-01", "--to", "2025-01-01"], "after it ends"),
        (["--unit", "base-a", "--from", "1970-01-01", "--to", "1970-12-31"], "before 1980"),
        (["--unit", "base-a", "--year", "2025", "--format", "pdf"], "--format"),
        (["--unit", "base-a", "--year", "2025", "--lang", "en"], "--lang"),
        (["--unit", "base-a", "--year", "2025", "--template", "不存在"], "template"),
        (["--unit", "base-a", "--year", "2025", "--user", "nobody"], "--user"),
    ],
)
def test_command_refuses_bad_input_and_writes_nothing(data, tmp_path, arguments, message):
    target = tmp_path / "b.docx"
    with pytest.raises(CommandError) as refused:
        call_command("bulletin", *arguments, "-o", str(target))
    assert message in str(refused.value)
    assert list(tmp_path.iterdir()) == []


def test_command_refuses_an_unwritable_file(data, tmp_path):
    with pytest.raises(CommandError, match="-o"):
        call_command("bulletin", "--unit", "base-a", "--year", "2025", "-o", str(tmp_path / "no" / "b.docx"))
    with pytest.raises(CommandError, match="folder"):
        call_command("bulletin", "--unit", "base-a", "--year", "2025", "-o", str(tmp_path))


def test_the_command_line_answers_bad_input_without_a_traceback(tmp_path):
    environment = {**os.environ, "QIAO_VAR_DIR": str(tmp_path / "var")}
    done = subprocess.run(
        [sys.executable, "-m", "qiao", "bulletin", "--unit", "x", "--year", "2025", "--format", "pdf", "-o", "b.pdf"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=environment,
        timeout=120,
    )
    assert done.returncode == 1
    assert "--format" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "b.pdf").exists()


# ---------------------------------------------------------------- the page


def test_the_page_previews_and_downloads_with_a_proper_name(data, client, make_user):
    staff_a = make_user("staff-a", data["a"], "staff")
    client.force_login(staff_a)
    assert client.get("/reports/bulletins/").status_code == 200
    query = {"unit": data["a"].pk, "period": "year", "year": "2025", "lang": "zh-hans", "format": "docx"}
    preview = client.get("/reports/bulletins/", {**query, "preview": "1"})
    assert preview.status_code == 200
    assert "2批次共1076人次" in preview.content.decode()
    download = client.get("/reports/bulletins/", {**query, "download": "1"})
    assert download.status_code == 200
    assert download["Content-Type"] == documents.CONTENT_TYPES["docx"]
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=utf-8''" in disposition
    assert urllib.parse.unquote(disposition.split("''", 1)[1]) == "简报_基地甲_2025-01-01_2025-12-31.docx"
    from docx import Document

    assert (
        Document(io.BytesIO(b"".join(download.streaming_content))).paragraphs[0].text
        == "基地甲港澳台侨工作简报（2025年）"
    )


def test_the_page_refuses_another_base_and_bad_periods(data, client, make_user):
    client.force_login(make_user("staff-a", data["a"], "staff"))
    query = {
        "unit": data["b"].pk,
        "period": "year",
        "year": "2025",
        "lang": "zh-hans",
        "format": "docx",
        "download": "1",
    }
    refused = client.get("/reports/bulletins/", query)
    assert refused.status_code == 400 and 'data-field="unit"' in refused.content.decode()
    inverted = {**query, "unit": data["a"].pk, "period": "range", "from": "2025-06-01", "to": "2025-01-01"}
    refused = client.get("/reports/bulletins/", inverted)
    assert refused.status_code == 400 and 'data-field="from"' in refused.content.decode()
    refused = client.get("/reports/bulletins/", {**query, "unit": data["a"].pk, "format": "pdf"})
    assert refused.status_code == 400 and 'data-field="format"' in refused.content.decode()


# ---------------------------------------------------------------- templates


@pytest.mark.parametrize(
    "body, line, words",
    [
        ("# 交流\n共{activities.nothing}批次。", 2, "activities.nothing"),
        ("# 交流\n\n表：activities.batches 按行业", 3, "行业"),
        ("图：activities.batches、activities.person_times 按月份", 1, "one metric"),
        ("共{activities.batches:明年}批次。", 1, "明年"),
        ("共{activities.people[region=XX]}人。", 1, "XX"),
        ("表：activities.batches 按类别 同比", 1, "同比"),
        ("表：unknown.metric", 1, "unknown.metric"),
    ],
)
def test_a_template_is_refused_naming_the_line(body, line, words):
    with pytest.raises(ValidationError) as refused:
        bulletin_templates.parse("{unit}简报", body)
    message = " ".join(refused.value.message_dict["body"])
    assert f"Line {line}:" in message and words in message


def test_a_template_typed_in_traditional_characters_reads_the_same():
    """Keywords and placeholder words typed in Traditional (a Hong Kong office's template) are read
    through OpenCC t2s; what the office wrote stays as written."""
    hant = bulletin_templates.parse(
        "{unit}簡報",
        "# 交流\n{時期}共{activities.person_times}人次，{activities.person_times:環比}。\n"
        "圖：activities.person_times 按月份 餅圖 | 各月人次\n表：activities.people 按來源地\n無數據：本期暫無交流。",
    )
    hans = bulletin_templates.parse(
        "{unit}简报",
        "# 交流\n{时期}共{activities.person_times}人次，{activities.person_times:环比}。\n"
        "图：activities.person_times 按月份 饼图 | 各月人次\n表：activities.people 按来源地\n无数据：本期暂无交流。",
    )
    assert hant.needs() == hans.needs()
    assert hant.sections[-1].empty == "本期暫無交流。"


def test_the_metric_catalogue_document_is_current():
    """docs/metrics.md is `qiao metrics` (Simplified Chinese): regenerate it when a metric changes."""
    out = io.StringIO()
    call_command("metrics", stdout=out)
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs", "metrics.md")
    with open(path, encoding="utf-8") as document:
        assert document.read() == out.getvalue(), "run: python -m qiao metrics > docs/metrics.md"


def test_the_default_template_passes_and_uses_only_what_it_names():
    spec = bulletin_templates.parse(bulletin_templates.DEFAULT_TITLE, bulletin_templates.DEFAULT_BODY)
    needs = spec.needs()
    assert needs["activities.person_times"].compare == {"last_year"}
    assert needs["activities.people"].bys == {"region"}
    assert "registry.organizations" not in needs


def test_each_figure_is_computed_once_and_only_those_used(data, root, monkeypatch):
    computed, broken_down, depth = [], [], [0]
    compute = metrics.compute

    def counting_compute(user, key, period, **options):
        computed.append((key, period))
        return compute(user, key, period, **options)

    def counted(original):
        def breakdown(self, where, period, by):  # the outermost call only (not a subclass's super())
            if not depth[0]:
                broken_down.append((self.key, by))
            depth[0] += 1
            try:
                return original(self, where, period, by)
            finally:
                depth[0] -= 1

        return breakdown

    monkeypatch.setattr(metrics, "compute", counting_compute)
    classes = {c for m in metrics.CATALOGUE.values() for c in type(m).__mro__ if "breakdown" in c.__dict__}
    for cls in classes:
        monkeypatch.setattr(cls, "breakdown", counted(cls.__dict__["breakdown"]))
    _build(root, "centre")
    assert computed and broken_down
    assert len(computed) == len(set(computed)) and len(broken_down) == len(set(broken_down))
    computed.clear()
    only = BulletinTemplate(name="t", title="t", body="共{activities.batches}批次。")
    _build(root, "centre", template=only)
    assert computed == [("activities.batches", YEAR)]


def test_managers_edit_their_templates_and_other_bases_get_404(data, client, make_user):
    manager_a = make_user("manager-a", data["a"], "manager")
    manager_b = make_user("manager-b", data["b"], "manager")
    staff_a = make_user("staff-a", data["a"], "staff")
    client.force_login(manager_a)
    refused = client.post(
        "/reports/bulletins/templates/new/",
        {
            "name": "基地甲月报",
            "unit": data["a"].pk,
            "title": "{unit}月报",
            "body": "# 交流\n共{activities.batchez}批次。",
        },
    )
    assert refused.status_code == 400
    assert "Line 2:" in refused.content.decode() and "activities.batchez" in refused.content.decode()
    saved = client.post(
        "/reports/bulletins/templates/new/",
        {
            "name": "基地甲月报",
            "unit": data["a"].pk,
            "title": "{unit}月报",
            "body": "# 交流\n共{activities.batches}批次。",
        },
    )
    assert saved.status_code == 302
    template = BulletinTemplate.objects.get(name="基地甲月报")
    assert template.unit == data["a"]
    assert client.get(f"/reports/bulletins/templates/{template.pk}/").status_code == 200
    # a manager cannot keep a template for another base
    foreign = client.post(
        "/reports/bulletins/templates/new/",
        {"name": "乙", "unit": data["b"].pk, "title": "t", "body": "共{activities.batches}批次。"},
    )
    assert foreign.status_code == 400 and not BulletinTemplate.objects.filter(name="乙").exists()

    client.force_login(manager_b)
    assert client.get(f"/reports/bulletins/templates/{template.pk}/").status_code == 404
    query = {"unit": data["b"].pk, "period": "year", "year": "2025", "lang": "zh-hans", "format": "md"}
    refused = client.get("/reports/bulletins/", {**query, "template": template.pk, "download": "1"})
    assert refused.status_code == 400 and 'data-field="template"' in refused.content.decode()

    client.force_login(staff_a)  # may use it, not change it
    assert client.get(f"/reports/bulletins/templates/{template.pk}/").status_code == 403
    assert client.get("/reports/bulletins/templates/new/").status_code == 403
    made = client.get("/reports/bulletins/", {**query, "unit": data["a"].pk, "template": template.pk, "download": "1"})
    assert (
        b"".join(made.streaming_content).decode()
        == "# 基地甲月报\n\n基地甲　" + made_on(staff_a) + "\n\n## 交流\n\n共2批次。\n"
    )
    # the shared default is stored on first use, and only system administrators change it
    shared = BulletinTemplate.objects.get(unit__isnull=True, name=bulletin_templates.DEFAULT_NAME)
    client.force_login(manager_a)
    assert client.get(f"/reports/bulletins/templates/{shared.pk}/").status_code == 403


def made_on(user) -> str:
    from qiao.core.days import local_today

    today = local_today(user)
    return f"{today.year}年{today.month}月{today.day}日"
