"""Public forms (issue 5): an enterprise sends a demand and a person sends their talent profile,
without login, through a unit's public form link; staff review what arrives and link it to the
registry (the organisation of a demand; the person of a profile) before anything uses it."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from qiao import identity

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def uscc(first_seventeen: str = "91441300MA4UX7K2Q") -> str:
    return first_seventeen + identity.uscc_check_character(first_seventeen)


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
def make_intake(network):
    from qiao.matching.models import Intake

    def make(kind="demand", unit=None, **fields):
        values = {"kind": kind, "title": "惠州企业人才需求征集" if kind == "demand" else "港澳人才登记", "active": True}
        values.update(fields)
        return Intake.objects.create(unit=unit or network["a"], **values)

    return make


@pytest.fixture
def demand_intake(make_intake):
    return make_intake("demand")


@pytest.fixture
def profile_intake(make_intake):
    return make_intake("profile")


def url(intake):
    return f"/submit/{intake.kind}/{intake.token}/"


def field_id(code):
    from qiao.matching.models import Field

    return str(Field.objects.get(code=code).pk)


def demand_form(intake, /, **changes):
    from qiao.activities.registration_forms import make_stamp
    from qiao.matching.intake_forms import StampKey

    data = {
        "organization_name": "惠州亿纬锂能股份有限公司",
        "region": "MAINLAND",
        "registration_kind": "",
        "registration_number": uscc(),
        "contact_name": "王经理",
        "contact_phone": "138 1234 5678",
        "contact_email": "hr@example.com",
        "kind": "job",
        "title": "锂电池研发工程师",
        "description": "负责动力电池电芯设计。\n要求熟悉电池管理系统。",
        "fields": [field_id("lithium-battery")],
        "skills": "电池管理系统, Python",
        "min_degree": "master",
        "min_experience_years": "3",
        "languages": ["mandarin", "english"],
        "place": "惠州仲恺",
        "work_mode": "full_time",
        "headcount": "2",
        "amount_min": "1.5万",
        "amount_max": "25000",
        "amount_period": "month",
        "valid_until": (TODAY() + datetime.timedelta(days=60)).isoformat(),
        "consent": "on",
        "stamp": make_stamp(StampKey(intake)),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def profile_form(intake, /, **changes):
    from qiao.activities.registration_forms import make_stamp
    from qiao.matching.intake_forms import StampKey

    data = {
        "name": "陳大文",
        "name_latin": "CHAN Tai Man",
        "gender": "M",
        "birth_date": "1995-03-02",
        "region": "HK",
        "phone": "9123 4567",
        "email": "taiman@example.com",
        "document_kind": "hkid",
        "document_number": "A123456(3)",
        "employer": "香港科技园",
        "title": "电池工程师",
        "degree": "master",
        "institution": "香港科技大学",
        "field_of_study": "化学工程",
        "graduation_year": "2019",
        "fields": [field_id("lithium-battery")],
        "skills": "鋰電池, BMS",
        "experience_years": "5",
        "languages": ["cantonese", "english", "mandarin"],
        "work_modes": ["full_time"],
        "availability": "available",
        "residence": "香港",
        "profile": "五年鋰電池研發經驗。",
        "consent": "on",
        "contact_consent": "on",
        "stamp": make_stamp(StampKey(intake)),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def field_errors(response, name) -> str:
    """The text of the field's box on the page (its label, input and messages), in lower case."""
    page = response.content.decode()
    start = page.find(f'id="field-{name}"')
    assert start >= 0, f"no field {name} on the page"
    end = min(i for i in (page.find('id="field-', start + 1), page.find("</form>", start)) if i >= 0)
    return page[start:end].lower()


def counts():
    from qiao.matching.models import Demand, ProfileSubmission
    from qiao.orgs.models import Organization
    from qiao.people.models import Person

    return (Demand.all_objects.count(), ProfileSubmission.objects.count(), Person.all_objects.count(),
            Organization.all_objects.count())  # fmt: skip


# ---------------------------------------------------------------- the public demand form


def test_the_demand_form_needs_no_login_and_offers_the_taxonomy_grouped_by_top_field(client, demand_intake):
    response = client.get(url(demand_intake))
    assert response.status_code == 200
    page = response.content.decode()
    assert "惠州企业人才需求征集" in page and "基地甲" in page
    assert page.count("<details") >= 8  # one group per top field
    assert f'value="{field_id("lithium-battery")}"' in page
    assert 'name="consent"' in page and 'class="qiao-hp"' in page and "<script" not in page and "style=" not in page


def test_the_form_speaks_the_visitors_language(client, demand_intake):
    response = client.get(url(demand_intake) + "?lang=zh-hant")
    page = response.content.decode()
    assert '<html lang="zh-hant">' in page
    assert "鋰電池" in page  # the taxonomy in Traditional Chinese too
    assert '<html lang="en">' in client.get(url(demand_intake) + "?lang=en").content.decode()


def test_an_enterprise_sends_a_demand_and_it_waits_for_review(client, demand_intake):
    from qiao.matching.models import Demand

    response = client.post(url(demand_intake), demand_form(demand_intake))
    assert response.status_code == 302 and response["Location"].endswith("?sent=1")
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200 and 'id="thanks"' in thanks.content.decode()

    demand = Demand.objects.get()
    assert demand.status == "submitted" and demand.organization is None
    assert demand.unit == demand_intake.unit
    assert demand.title == "锂电池研发工程师" and demand.kind == "job"
    assert demand.description == "负责动力电池电芯设计。\n要求熟悉电池管理系统。"
    assert [f.code for f in demand.fields.all()] == ["lithium-battery"]
    assert demand.languages == ["mandarin", "english"] and demand.min_degree == "master"
    assert (demand.amount_min, demand.amount_max) == (15000, 25000)
    assert demand.headcount == 2 and demand.min_experience_years == 3
    assert demand.contact_phone == "+8613812345678" and demand.contact_email == "hr@example.com"
    assert demand.submitted["organization"] == {
        "name": "惠州亿纬锂能股份有限公司",
        "registration_kind": "uscc",
        "registration_number": uscc(),
        "region": "MAINLAND",
    }
    assert demand.submitted["intake"] == demand_intake.pk


def test_an_anonymous_post_cannot_choose_the_unit_or_the_status(client, network, demand_intake):
    from qiao.matching.models import Demand

    data = demand_form(demand_intake, unit=str(network["b"].pk), status="open", organization="1", intake="999")
    assert client.post(url(demand_intake), data).status_code == 302
    demand = Demand.objects.get()
    assert demand.unit == network["a"] and demand.status == "submitted" and demand.organization is None


BAD_DEMANDS = [
    ("organization_name", "", "This field is required"),
    ("registration_number", uscc()[:-1] + ("0" if uscc()[-1] != "0" else "1"), "not a valid registration number"),
    ("region", "", "This field is required"),
    ("region", "ATLANTIS", "Select a valid choice"),
    ("contact_name", "", "This field is required"),
    ("contact_phone", "call me maybe", "not a phone number we can read"),
    ("contact_phone", "13812345678 / 13987654321", "Give one phone number"),
    ("contact_email", "hr@", "valid email"),
    ("kind", "", "This field is required"),
    ("kind", "free-lunch", "Select a valid choice"),
    ("title", "", "This field is required"),
    ("title", "x" * 201, "at most 200 characters"),
    ("fields", ["999999"], "Select a valid choice"),
    ("min_degree", "phd", "Select a valid choice"),
    ("min_experience_years", "-1", "greater than or equal to 0"),
    ("min_experience_years", "99", "less than or equal to 60"),
    ("languages", ["klingon"], "Select a valid choice"),
    ("work_mode", "on-the-moon", "Select a valid choice"),
    ("headcount", "0", "greater than or equal to 1"),
    ("headcount", "two", "Enter a whole number"),
    ("amount_min", "about a lot", "Write an amount in yuan"),
    ("amount_max", "8000", "below the lower end"),
    ("amount_period", "per-fortnight", "Select a valid choice"),
    ("valid_until", (datetime.date.today() - datetime.timedelta(days=2)).isoformat(), "in the past"),
    ("valid_until", "2025-13-45", "Enter a valid date"),
    ("consent", None, "Please agree to the statement"),
]


@pytest.mark.parametrize(
    ("name", "value", "message"), BAD_DEMANDS, ids=[f"{n}-{i}" for i, (n, _v, _m) in enumerate(BAD_DEMANDS)]
)
def test_a_demand_with_bad_input_is_refused_field_by_field_and_nothing_is_written(
    client, demand_intake, name, value, message
):
    before = counts()
    response = client.post(url(demand_intake), demand_form(demand_intake, **{name: value}))
    assert response.status_code == 400
    assert message.lower() in field_errors(response, name)
    assert 'aria-invalid="true"' in field_errors(response, name) or name in ("fields", "languages", "consent")
    assert counts() == before


def test_a_taiwan_business_number_is_checked_when_the_type_is_given(client, demand_intake):
    bad = demand_form(demand_intake, registration_kind="tw_ubn", registration_number="12345678", region="TW")
    response = client.post(url(demand_intake), bad)
    assert response.status_code == 400 and "check character is wrong" in field_errors(response, "registration_number")
    short = demand_form(demand_intake, registration_kind="uscc", registration_number="12345")
    response = client.post(url(demand_intake), short)
    assert response.status_code == 400 and "does not have the format" in field_errors(response, "registration_number")
    good = demand_form(demand_intake, registration_kind="tw_ubn", registration_number="04595257", region="TW")
    assert client.post(url(demand_intake), good).status_code == 302


def test_a_demand_needs_a_phone_or_an_e_mail(client, demand_intake):
    response = client.post(url(demand_intake), demand_form(demand_intake, contact_phone="", contact_email=""))
    assert response.status_code == 400 and "give a phone or an e-mail" in field_errors(response, "contact_phone")


def test_the_form_keeps_what_was_typed_when_it_comes_back(client, demand_intake):
    response = client.post(url(demand_intake), demand_form(demand_intake, headcount="0"))
    page = response.content.decode()
    assert 'value="锂电池研发工程师"' in page
    assert f'value="{field_id("lithium-battery")}" id="id_fields_{field_id("lithium-battery")}" checked' in page


def test_a_filled_honeypot_or_a_forged_stamp_is_refused_without_saying_why(client, demand_intake):
    before = counts()
    response = client.post(url(demand_intake), demand_form(demand_intake, homepage="http://spam.example"))
    assert response.status_code == 400 and "We could not accept the form" in response.content.decode()
    response = client.post(url(demand_intake), demand_form(demand_intake, stamp="forged"))
    assert response.status_code == 400
    assert counts() == before


def test_closed_unknown_and_wrong_kind_links_get_a_friendly_404(client, demand_intake, profile_intake):
    demand_intake.active = False
    demand_intake.save()
    for address in (url(demand_intake), "/submit/demand/no-such-token/", f"/submit/demand/{profile_intake.token}/"):
        response = client.get(address)
        assert response.status_code == 404
        assert "This form is closed" in response.content.decode() and "Traceback" not in response.content.decode()
    before = counts()
    assert client.post(url(demand_intake), demand_form(demand_intake)).status_code == 404
    assert counts() == before


def test_too_many_forms_from_one_address_are_refused(client, demand_intake, settings):
    settings.QIAO_REGISTRATION_MAX_SUBMISSIONS = 2
    for _ in range(2):
        client.post(url(demand_intake), demand_form(demand_intake, headcount="0"))
    response = client.post(url(demand_intake), demand_form(demand_intake))
    assert response.status_code == 429 and counts()[0] == 0


# ---------------------------------------------------------------- the public profile form


def test_a_person_sends_a_profile_and_nothing_touches_the_registry(client, profile_intake, make_person, network):
    from qiao.matching.models import ProfileSubmission
    from qiao.people.models import Person

    make_person(network["a"], documents=[{"kind": "hkid", "number": "A1234563"}])
    people = Person.all_objects.count()
    response = client.post(url(profile_intake), profile_form(profile_intake))
    assert response.status_code == 302 and response["Location"].endswith("?sent=1")
    assert "update it" in client.get(response["Location"]).content.decode()

    submission = ProfileSubmission.objects.get()
    assert submission.status == "pending" and submission.unit == profile_intake.unit and submission.person is None
    data = submission.data
    assert data["documents"] == [["hkid", "A1234563"]]
    assert data["phones"] == ["+85291234567"] and data["emails"] == ["taiman@example.com"]
    assert data["birth_date"] == "1995-03-02" and data["region"] == "HK"
    assert data["education"] == {"degree": "master", "institution": "香港科技大学", "field": "化学工程", "year": 2019}
    assert data["fields"] == ["lithium-battery"] and data["contact_consent"] is True
    assert "基地甲" in data["consent_statement"]
    assert submission.consent_at is not None
    assert Person.all_objects.count() == people


def test_consent_to_be_kept_on_record_is_required_and_the_other_is_optional(client, profile_intake):
    from qiao.matching.models import ProfileSubmission

    response = client.post(url(profile_intake), profile_form(profile_intake, consent=None))
    assert response.status_code == 400
    assert "without it we cannot keep your profile" in field_errors(response, "consent")
    assert ProfileSubmission.objects.count() == 0
    assert client.post(url(profile_intake), profile_form(profile_intake, contact_consent=None)).status_code == 302
    assert ProfileSubmission.objects.get().data["contact_consent"] is False


BAD_PROFILES = [
    ("name", "", "This field is required"),
    ("name", "é™ˆå¤§æ–‡", "garbled"),
    ("region", "", "This field is required"),
    ("country", "", "Give the country for an overseas person"),
    ("gender", "maybe", "Select a valid choice"),
    ("birth_date", (datetime.date.today() + datetime.timedelta(days=3)).isoformat(), "in the future"),
    ("birth_date", "yesterday", "Enter a valid date"),
    ("document_number", "A123456(4)", "check digit is wrong"),
    ("document_number", "12345", "format of this document"),
    ("document_kind", "library-card", "Select a valid choice"),
    ("phone", "not a number", "not a phone number we can read"),
    ("email", "taiman@", "not an e-mail address"),
    ("degree", "wizard", "Select a valid choice"),
    ("graduation_year", "2300", "less than or equal to 2100"),
    ("graduation_year", "1066", "greater than or equal to 1940"),
    ("experience_years", "90", "less than or equal to 70"),
    ("work_modes", ["sleeping"], "Select a valid choice"),
    ("availability", "someday", "Select a valid choice"),
    ("fields", ["abc"], "is not a valid value"),
]


@pytest.mark.parametrize(
    ("name", "value", "message"), BAD_PROFILES, ids=[f"{n}-{i}" for i, (n, _v, _m) in enumerate(BAD_PROFILES)]
)
def test_a_profile_with_bad_input_is_refused_field_by_field_and_nothing_is_written(
    client, profile_intake, name, value, message
):
    changes = {name: value}
    if name == "country":
        changes["region"] = "OVERSEAS"
    if name == "document_number" and value == "12345":
        changes["document_kind"] = "hkid"
    before = counts()
    response = client.post(url(profile_intake), profile_form(profile_intake, **changes))
    assert response.status_code == 400
    assert message.lower() in field_errors(response, name)
    assert counts() == before


def test_a_profile_needs_a_phone_or_an_e_mail(client, profile_intake):
    response = client.post(url(profile_intake), profile_form(profile_intake, phone="", email=""))
    assert response.status_code == 400 and "give a phone or an e-mail" in field_errors(response, "phone")


# ---------------------------------------------------------------- public form links (staff)


def test_staff_open_a_form_link_and_see_its_link_and_qr_code(client, staff, network):
    from qiao.matching.models import Intake

    client.force_login(staff)
    response = client.post(
        "/matching/intakes/add/",
        {
            "kind": "profile",
            "title": "港澳青年人才登记",
            "introduction": "欢迎登记",
            "active": "on",
            "unit": network["a"].pk,
        },
    )
    assert response.status_code == 302
    intake = Intake.objects.get()
    assert intake.unit == network["a"] and intake.kind == "profile" and len(intake.token) >= 16
    page = client.get("/matching/intakes/").content.decode()
    assert f"http://testserver/submit/profile/{intake.token}/" in page
    assert "<svg" in page and "data:image/png;base64," in page


def test_what_a_form_receives_cannot_change_and_a_closed_form_can_reopen(client, staff, make_intake):
    intake = make_intake("demand")
    client.force_login(staff)
    data = {"kind": "profile", "title": "新标题", "active": "on", "unit": intake.unit_id}
    assert client.post(f"/matching/intakes/{intake.pk}/edit/", data).status_code == 302
    intake.refresh_from_db()
    assert intake.kind == "demand" and intake.title == "新标题"
    client.post(f"/matching/intakes/{intake.pk}/edit/", {"toggle": "close"})
    intake.refresh_from_db()
    assert not intake.active and client.get(url(intake)).status_code == 404
    client.post(f"/matching/intakes/{intake.pk}/edit/", {"toggle": "open"})
    intake.refresh_from_db()
    assert intake.active and client.get(url(intake)).status_code == 200


def test_form_links_are_scoped_like_every_owned_record(client, staff_b, network, make_user, make_intake):
    intake = make_intake("demand", unit=network["a"])
    client.force_login(staff_b)
    assert intake.token not in client.get("/matching/intakes/").content.decode()
    assert client.get(f"/matching/intakes/{intake.pk}/edit/").status_code == 404
    assert client.post(f"/matching/intakes/{intake.pk}/edit/", {"toggle": "close"}).status_code == 404
    intake.refresh_from_db()
    assert intake.active
    client.force_login(make_user("viewer-a", network["a"], "viewer"))
    assert client.get("/matching/intakes/add/").status_code == 403
    assert intake.token not in client.get("/matching/intakes/").content.decode()


# ---------------------------------------------------------------- review: demands


def send_demand(client, intake, **changes):
    from qiao.matching.models import Demand

    assert client.post(url(intake), demand_form(intake, **changes)).status_code == 302
    return Demand.all_objects.order_by("-id").first()


def test_review_links_a_demand_to_the_organisation_with_its_number_and_opens_it(
    client, staff, demand_intake, make_org, network
):
    from qiao.core.models import ChangeRecord

    org = make_org(network["a"], name="亿纬锂能", registration_kind="uscc", registration_number=uscc())
    demand = send_demand(client, demand_intake)
    client.force_login(staff)
    page = client.get(f"/matching/submissions/demands/{demand.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "亿纬锂能" in text and "same registration number" in text
    assert f'value="{org.pk}" checked' in text

    response = client.post(f"/matching/submissions/demands/{demand.pk}/", {"decision": "open", "organization": org.pk})
    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.status == "open" and demand.organization == org
    change = ChangeRecord.objects.filter(object_id=demand.pk, content_type__model="demand").first()
    assert change.user_name == "staff-a" and change.before["status"] == "submitted" and change.after["status"] == "open"


def test_review_finds_the_organisation_by_its_name_in_the_other_script(client, staff, demand_intake, make_org, network):
    org = make_org(network["a"], name="惠州億緯鋰能股份有限公司")
    demand = send_demand(client, demand_intake, registration_number="")
    client.force_login(staff)
    text = client.get(f"/matching/submissions/demands/{demand.pk}/").content.decode()
    assert f'value="{org.pk}" checked' in text and "same name" in text


def test_review_creates_the_organisation_from_the_submitted_data(client, staff, demand_intake):
    from qiao.orgs.models import Organization

    demand = send_demand(client, demand_intake)
    client.force_login(staff)
    assert (
        'value="new" id="organization-new" checked'
        in client.get(f"/matching/submissions/demands/{demand.pk}/").content.decode()
    )
    client.post(f"/matching/submissions/demands/{demand.pk}/", {"decision": "open", "organization": "new"})
    demand.refresh_from_db()
    org = Organization.objects.get()
    assert demand.status == "open" and demand.organization == org
    assert (org.name, org.registration_kind, org.registration_number, org.region, org.kind, org.unit) == (
        "惠州亿纬锂能股份有限公司",
        "uscc",
        uscc(),
        "MAINLAND",
        "enterprise",
        demand_intake.unit,
    )


def test_opening_needs_an_organisation_and_rejecting_needs_a_reason(client, staff, demand_intake):
    from qiao.core.models import ChangeRecord

    demand = send_demand(client, demand_intake)
    client.force_login(staff)
    address = f"/matching/submissions/demands/{demand.pk}/"
    response = client.post(address, {"decision": "open"})
    assert response.status_code == 400 and "Choose the organisation" in response.content.decode()
    response = client.post(address, {"decision": "reject", "reason": "  "})
    assert response.status_code == 400 and "Say why the demand is rejected" in response.content.decode()
    demand.refresh_from_db()
    assert demand.status == "submitted"
    client.post(address, {"decision": "reject", "reason": "招聘信息不完整，已电话联系企业补充。"})
    demand.refresh_from_db()
    assert demand.status == "rejected" and demand.review_note == "招聘信息不完整，已电话联系企业补充。"
    change = ChangeRecord.objects.filter(object_id=demand.pk, content_type__model="demand").first()
    assert change.user_name == "staff-a" and change.after["review_note"] == demand.review_note
    # a second decision on the same form changes nothing
    client.post(address, {"decision": "open", "organization": "new"})
    demand.refresh_from_db()
    assert demand.status == "rejected" and demand.organization is None


def test_organisations_the_reviewer_may_not_see_are_never_proposed(client, staff, demand_intake, make_org, network):
    make_org(network["b"], name="亿纬锂能", registration_kind="uscc", registration_number=uscc())
    demand = send_demand(client, demand_intake)
    client.force_login(staff)
    text = client.get(f"/matching/submissions/demands/{demand.pk}/").content.decode()
    assert "亿纬锂能</a>" not in text and "same registration number" not in text


# ---------------------------------------------------------------- review: talent profiles


def send_profile(client, intake, **changes):
    from qiao.matching.models import ProfileSubmission

    assert client.post(url(intake), profile_form(intake, **changes)).status_code == 302
    return ProfileSubmission.objects.order_by("-id").first()


def test_review_links_the_profile_to_the_person_with_the_same_document_and_updates_them(
    client, staff, profile_intake, make_person, network
):
    from qiao.core.models import ChangeRecord
    from qiao.people.models import Person

    person = make_person(
        network["a"],
        name="陈大文",
        employer="旧公司",
        phones=["+85261234567"],
        documents=[{"kind": "hkid", "number": "A1234563"}],
    )
    submission = send_profile(client, profile_intake)
    client.force_login(staff)
    page = client.get(f"/matching/submissions/profiles/{submission.pk}/").content.decode()
    assert f'value="{person.pk}" checked' in page and "same identity document" in page
    assert "旧公司" in page and "香港科技园" in page  # what accepting would change

    response = client.post(
        f"/matching/submissions/profiles/{submission.pk}/", {"decision": "accept", "person": person.pk}
    )
    assert response.status_code == 302
    assert Person.all_objects.count() == 1
    person = Person.objects.get(pk=person.pk)
    assert person.name == "陈大文"  # the same name in the other script is not rewritten
    assert person.employer == "香港科技园" and person.title == "电池工程师"
    assert person.phones == ["+85261234567", "+85291234567"] and person.emails == ["taiman@example.com"]
    assert person.birth_date == datetime.date(1995, 3, 2) and person.region == "HK"
    assert person.consent_date == TODAY() and "港澳人才登记" in person.consent_source
    assert [(e.degree, e.institution, e.year) for e in person.education.all()] == [("master", "香港科技大学", 2019)]
    talent = person.talent
    assert [f.code for f in talent.fields.all()] == ["lithium-battery"]
    assert talent.contact_consent and talent.availability == "available" and talent.experience_years == 5
    assert talent.languages == ["cantonese", "english", "mandarin"] and talent.residence == "香港"
    submission.refresh_from_db()
    assert submission.status == "accepted" and submission.person == person and submission.reviewed_by == staff

    changes = ChangeRecord.objects.filter(content_type__model="person", object_id=person.pk, user_name="staff-a")
    assert any("港澳人才登记" in (c.after or {}).get("consent_source", "") for c in changes)


def test_review_creates_a_new_person_when_nobody_matches(client, staff, profile_intake, make_person, network):
    from qiao.people.models import Person

    make_person(network["a"], name="李小明", name_latin="LEE Siu Ming")
    submission = send_profile(client, profile_intake)
    client.force_login(staff)
    page = client.get(f"/matching/submissions/profiles/{submission.pk}/").content.decode()
    assert 'id="no-candidates"' in page and 'value="new" id="person-new" checked' in page
    client.post(f"/matching/submissions/profiles/{submission.pk}/", {"decision": "accept", "person": "new"})
    person = Person.objects.get(name="陳大文")
    assert person.unit == profile_intake.unit and person.name_latin == "CHAN Tai Man"
    assert [(d.kind, d.number) for d in person.documents.all()] == [("hkid", "A1234563")]
    assert person.phones == ["+85291234567"] and person.consent_date == TODAY()
    assert person.talent.contact_consent is True and person.profile == "五年鋰電池研發經驗。"


def test_a_later_form_from_the_same_person_updates_them_again(client, staff, profile_intake):
    from qiao.matching.models import TalentProfile
    from qiao.people.models import Person

    first = send_profile(client, profile_intake)
    client.force_login(staff)
    client.post(f"/matching/submissions/profiles/{first.pk}/", {"decision": "accept", "person": "new"})
    person = Person.objects.get()
    client.logout()
    second = send_profile(
        client,
        profile_intake,
        employer="比亚迪",
        availability="unavailable",
        contact_consent=None,
        phone="",
        email="new@example.com",
    )
    client.force_login(staff)
    page = client.get(f"/matching/submissions/profiles/{second.pk}/").content.decode()
    assert f'value="{person.pk}" checked' in page
    client.post(f"/matching/submissions/profiles/{second.pk}/", {"decision": "accept", "person": person.pk})
    person.refresh_from_db()
    assert Person.all_objects.count() == 1 and TalentProfile.objects.count() == 1
    assert person.employer == "比亚迪" and person.emails == ["taiman@example.com", "new@example.com"]
    assert person.talent.availability == "unavailable" and person.talent.contact_consent is False
    assert person.education.count() == 1  # the same education is not added twice


def test_a_rejected_profile_leaves_the_registry_alone(client, staff, profile_intake):
    from qiao.people.models import Person

    submission = send_profile(client, profile_intake)
    client.force_login(staff)
    address = f"/matching/submissions/profiles/{submission.pk}/"
    assert client.post(address, {"decision": "reject"}).status_code == 400
    assert client.post(address, {"decision": "accept"}).status_code == 400  # nobody chosen
    client.post(address, {"decision": "reject", "reason": "重复提交"})
    submission.refresh_from_db()
    assert submission.status == "rejected" and submission.review_note == "重复提交"
    assert Person.all_objects.count() == 0
    assert client.post(address, {"decision": "accept", "person": "new"}).status_code == 302  # reviewed already
    assert Person.all_objects.count() == 0


def test_only_people_the_reviewer_may_see_are_proposed(client, staff, profile_intake, make_person, network):
    make_person(network["b"], name="陳大文", documents=[{"kind": "hkid", "number": "A1234563"}])
    submission = send_profile(client, profile_intake)
    client.force_login(staff)
    page = client.get(f"/matching/submissions/profiles/{submission.pk}/").content.decode()
    assert 'id="no-candidates"' in page and "基地乙" not in page


# ---------------------------------------------------------------- review: who sees what


def test_staff_of_another_base_neither_see_nor_review_the_submissions(
    client, staff_b, demand_intake, profile_intake, network, make_user
):
    demand = send_demand(client, demand_intake)
    submission = send_profile(client, profile_intake)
    for user in (staff_b, make_user("viewer-a", network["a"], "viewer")):
        client.force_login(user)
        listing = client.get("/matching/submissions/").content.decode()
        assert "锂电池研发工程师" not in listing and "陳大文" not in listing
        for address, data in (
            (f"/matching/submissions/demands/{demand.pk}/", {"decision": "open", "organization": "new"}),
            (f"/matching/submissions/profiles/{submission.pk}/", {"decision": "accept", "person": "new"}),
        ):
            assert client.get(address).status_code == 404
            assert client.post(address, data).status_code == 404
    demand.refresh_from_db()
    submission.refresh_from_db()
    assert demand.status == "submitted" and submission.status == "pending"


def test_staff_of_the_unit_and_above_see_what_waits(client, staff, demand_intake, profile_intake, network, make_user):
    send_demand(client, demand_intake)
    send_profile(client, profile_intake)
    for user in (staff, make_user("staff-centre", network["centre"], "staff")):
        client.force_login(user)
        listing = client.get("/matching/submissions/").content.decode()
        assert "锂电池研发工程师" in listing and "陳大文" in listing and "惠州亿纬锂能股份有限公司" in listing


def test_review_pages_speak_three_languages(client, staff, demand_intake, profile_intake):
    demand = send_demand(client, demand_intake)
    submission = send_profile(client, profile_intake)
    client.force_login(staff)
    for language in ("zh-hans", "zh-hant", "en"):
        client.cookies["django_language"] = language
        for address in (
            "/matching/intakes/",
            "/matching/submissions/",
            f"/matching/submissions/demands/{demand.pk}/",
            f"/matching/submissions/profiles/{submission.pk}/",
        ):
            response = client.get(address)
            assert response.status_code == 200, (language, address)
