"""Problems enterprises report through a public form (issue 6): sent without login through a unit's
"case" form link, with the public forms' spam checks and rate limit; staff review each report and
open a case about an organisation of the registry (found across scripts) or a new one, or reject it."""

import time

import pytest
from django.core.cache import cache

from qiao.ledger import services
from qiao.ledger.models import Case, CaseAction, CaseReport
from qiao.orgs.models import Organization

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _public_form_settings(settings):
    settings.QIAO_REGISTRATION_MIN_SECONDS = 0
    settings.QIAO_REGISTRATION_MAX_SUBMISSIONS = 50
    settings.QIAO_REGISTRATION_WINDOW_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff(network, make_user):
    return make_user("staff-a", network["a"], "staff")


@pytest.fixture
def staff_b(network, make_user):
    return make_user("staff-b", network["b"], "staff")


@pytest.fixture
def intake(network):
    from qiao.matching.models import Intake

    return Intake.objects.create(unit=network["a"], kind="case", title="企业问题直通车", introduction="请如实填写")


def url(intake):
    return f"/report/case/{intake.token}/"


def report_form(intake, /, **changes):
    from qiao.activities.registration_forms import make_stamp
    from qiao.matching.intake_forms import StampKey

    data = {
        "organization": "香港青年聯會",
        "region": "HK",
        "contact_name": "陳大文",
        "phone": "9123 4567",
        "email": "chan@example.com",
        "category": "customs",
        "title": "跨境货车通关时间过长",
        "description": "每日两班货车在口岸等候超过四小时。\n希望协调预约通关。",
        "consent": "on",
        "stamp": make_stamp(StampKey(intake)),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def send(client, intake, **changes):
    return client.post(url(intake), report_form(intake, **changes))


# ---------------------------------------------------------------- the public form


def test_the_link_is_the_intakes_public_url(intake):
    assert intake.public_url() == url(intake)


def test_the_form_is_shown_without_login(client, intake):
    page = client.get(url(intake))
    assert page.status_code == 200
    text = page.content.decode()
    assert "企业问题直通车" in text and "请如实填写" in text and 'name="stamp"' in text
    assert "to handle this problem" in text  # the consent statement of a problem report


@pytest.mark.parametrize("language", ["zh-hans", "zh-hant", "en"])
def test_the_form_in_three_languages(client, intake, language):
    assert client.get(f"{url(intake)}?lang={language}").status_code == 200


def test_an_unknown_or_closed_link_is_closed(client, intake, network):
    from qiao.matching.models import Intake

    assert client.get("/report/case/nonsense/").status_code == 404
    demand = Intake.objects.create(unit=network["a"], kind="demand", title="需求")
    assert client.get(f"/report/case/{demand.token}/").status_code == 404  # a link of another kind
    intake.active = False
    intake.save()
    assert client.get(url(intake)).status_code == 404
    assert send(client, intake).status_code == 404
    assert not CaseReport.objects.exists()


def test_a_valid_report_is_kept_for_review(client, intake, network):
    answer = send(client, intake)
    assert answer.status_code == 302 and answer["Location"].endswith("?sent=1")
    report = CaseReport.objects.get()
    assert report.unit == network["a"] and report.intake == intake and report.status == "pending"
    assert report.data["phone"] == "+85291234567"  # read as the import reads phones
    assert report.data["title"] == "跨境货车通关时间过长" and report.data["category"] == "customs"
    assert "to handle this problem" in report.data["consent_statement"]
    assert not Case.objects.exists() and not Organization.objects.exists()  # nothing else is touched
    thanks = client.get(answer["Location"]).content.decode()
    assert "We have received your report" in thanks


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"organization": ""}, "organization"),
        ({"category": "nonsense"}, "category"),
        ({"phone": "", "email": ""}, "phone"),
        ({"phone": "12"}, "phone"),
        ({"region": "nowhere"}, "region"),
        ({"email": "not-an-address"}, "email"),
        ({"consent": None}, "consent"),
    ],
)
def test_an_invalid_report_comes_back_with_the_problem_under_its_field(client, intake, changes, field):
    answer = send(client, intake, **changes)
    assert answer.status_code == 400
    assert field in answer.context["form"].errors
    assert not CaseReport.objects.exists()


def test_robots_are_refused(client, intake, settings):
    from qiao.activities.registration_forms import make_stamp
    from qiao.matching.intake_forms import StampKey

    settings.QIAO_REGISTRATION_MIN_SECONDS = 3
    too_fast = send(client, intake, stamp=make_stamp(StampKey(intake)))
    assert too_fast.status_code == 400 and "We could not accept the form" in too_fast.content.decode()
    earlier = make_stamp(StampKey(intake), time.time() - 10)
    honeypot = send(client, intake, homepage="http://spam.example", stamp=earlier)
    assert honeypot.status_code == 400
    forged = send(client, intake, stamp="forged")
    assert forged.status_code == 400
    assert not CaseReport.objects.exists()
    human = send(client, intake, stamp=make_stamp(StampKey(intake), time.time() - 30))
    assert human.status_code == 302 and CaseReport.objects.count() == 1


def test_too_many_reports_from_one_address(client, intake, settings):
    settings.QIAO_REGISTRATION_MAX_SUBMISSIONS = 2
    assert send(client, intake).status_code == 302
    assert send(client, intake).status_code == 302
    assert send(client, intake).status_code == 429
    assert CaseReport.objects.count() == 2


# ---------------------------------------------------------------- the review


@pytest.fixture
def report(client, intake):
    send(client, intake)
    return CaseReport.objects.get()


def test_the_review_finds_the_organisation_across_scripts(client, report, staff, make_org, network):
    known = make_org(network["a"], "香港青年联会", kind="association")
    client.force_login(staff)
    page = client.get(f"/ledger/reports/{report.pk}/")
    assert page.status_code == 200
    assert page.context["outcome"] == "same" and page.context["chosen"] == str(known.pk)
    assert "跨境货车通关时间过长" in page.content.decode()
    answer = client.post(
        f"/ledger/reports/{report.pk}/",
        {"decision": "accept", "organization": str(known.pk), "owner": staff.pk, "priority": "high"},
    )
    case = Case.objects.get()
    assert answer.status_code == 302 and answer["Location"] == case.get_absolute_url()
    assert case.organization == known and case.source == "public" and case.status == "open"
    assert case.unit == network["a"] and case.owner == staff and case.priority == "high"
    assert case.title == "跨境货车通关时间过长" and case.category == "customs" and case.raised_by_name == "陳大文"
    assert case.raised_on == services.local_today(staff, report.submitted_at)
    report.refresh_from_db()
    assert report.status == "accepted" and report.case == case and report.reviewed_by == staff
    assert CaseAction.objects.filter(case=case, kind="note", note__contains="企业问题直通车").exists()
    assert Organization.objects.count() == 1
    shown = client.get(case.get_absolute_url()).content.decode()
    assert "+85291234567" in shown  # the contact as sent, on the case's page


def test_accepting_may_create_the_organisation(client, report, staff, network):
    client.force_login(staff)
    answer = client.post(f"/ledger/reports/{report.pk}/", {"decision": "accept", "organization": "new"})
    assert answer.status_code == 302
    case = Case.objects.get()
    assert case.organization.name == "香港青年聯會" and case.organization.unit == network["a"]
    assert case.organization.kind == "association" and case.organization.region == "HK"
    # reviewed once only
    again = client.post(f"/ledger/reports/{report.pk}/", {"decision": "accept", "organization": "new"})
    assert again.status_code == 302 and Case.objects.count() == 1 and Organization.objects.count() == 1


def test_accepting_needs_an_organisation_choice(client, report, staff):
    client.force_login(staff)
    answer = client.post(f"/ledger/reports/{report.pk}/", {"decision": "accept", "organization": "999999"})
    assert answer.status_code == 400 and "organization" in answer.context["form"].errors
    assert not Case.objects.exists()


def test_rejecting_needs_a_note(client, report, staff):
    client.force_login(staff)
    refused = client.post(f"/ledger/reports/{report.pk}/", {"decision": "reject", "reason": " "})
    assert refused.status_code == 400 and "reason" in refused.context["form"].errors
    answer = client.post(f"/ledger/reports/{report.pk}/", {"decision": "reject", "reason": "重复提交"})
    assert answer.status_code == 302
    report.refresh_from_db()
    assert report.status == "rejected" and report.review_note == "重复提交" and not Case.objects.exists()


def test_another_base_never_sees_the_report(client, report, staff_b, make_org, network):
    make_org(network["b"], "香港青年联会")  # the other base's organisation is never proposed or linked
    client.force_login(staff_b)
    assert client.get(f"/ledger/reports/{report.pk}/").status_code == 404
    assert client.post(f"/ledger/reports/{report.pk}/", {"decision": "reject", "reason": "x"}).status_code == 404
    assert "跨境货车" not in client.get("/ledger/reports/").content.decode()
    report.refresh_from_db()
    assert report.status == "pending"


def test_a_reviewer_cannot_link_an_organisation_they_cannot_see(report, staff, make_org, network):
    foreign = make_org(network["b"], "乙方公司")
    with pytest.raises(Exception) as error:
        services.accept_report(staff, report, organization=foreign)
    assert "organization" in str(error.value)
    assert not Case.objects.exists()
    report.refresh_from_db()
    assert report.status == "pending"


def test_the_lists_show_what_waits(client, report, staff, intake):
    client.force_login(staff)
    page = client.get("/ledger/reports/").content.decode()
    assert f'id="report-{report.pk}"' in page
    forms = client.get("/matching/intakes/")
    assert forms.status_code == 200
    assert [item["waiting"] for item in forms.context["intakes"] if item["object"] == intake] == [1]
    review = client.get("/matching/submissions/")
    assert review.context["reports_waiting"] == 1 and "/ledger/reports/" in review.content.decode()


def test_staff_open_a_case_form_link(client, staff, network):
    from qiao.matching.models import Intake

    client.force_login(staff)
    answer = client.post(
        "/matching/intakes/add/", {"kind": "case", "title": "企业问题反映", "active": "on", "unit": network["a"].pk}
    )
    assert answer.status_code == 302
    intake = Intake.objects.get()
    assert intake.kind == "case" and client.get(intake.public_url()).status_code == 200
