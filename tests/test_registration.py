"""Public registration for an activity (/register/<token>/): no login, three languages, consent,
places, closing date, rate limit, spam checks, and the same answer whoever registers."""

import datetime
import time

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

ALL_FIELDS = [
    "name",
    "name_latin",
    "gender",
    "birth_date",
    "region",
    "phone",
    "email",
    "document",
    "employer",
    "title",
    "first_visit",
]


@pytest.fixture(autouse=True)
def _registration_settings(settings):
    settings.QIAO_REGISTRATION_MIN_SECONDS = 0
    settings.QIAO_REGISTRATION_MAX_SUBMISSIONS = 10
    settings.QIAO_REGISTRATION_WINDOW_SECONDS = 600
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_activity(network):
    from qiao.activities.models import Activity, ActivityKind

    def make(**fields):
        today = timezone.localdate()
        values = {
            "unit": network["a"],
            # get_or_create: a transactional test before this one may have flushed the migrations' lists
            "kind": ActivityKind.objects.get_or_create(code="event", defaults={"name": "活动"})[0],
            "title": "港澳青年惠州行",
            "start_date": today + datetime.timedelta(days=10),
            "place": "惠州",
            "registration_open": True,
            "registration_token": f"tok{Activity.all_objects.count()}abcdef",
            "registration_fields": ALL_FIELDS,
        }
        values.update(fields)
        return Activity.objects.create(**values)

    return make


@pytest.fixture
def activity(make_activity):
    return make_activity()


def url(activity):
    return f"/register/{activity.registration_token}/"


def form(activity, **fields):
    from qiao.activities.registration_forms import make_stamp

    data = {"name": "李小明", "consent": "on", "stamp": make_stamp(activity)}
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def post(client, activity, **fields):
    return client.post(url(activity), form(activity, **fields))


def participations(activity):
    from qiao.activities.models import Participation

    return Participation.objects.filter(activity=activity)


# ---------------------------------------------------------------- the page


def test_the_page_needs_no_login_and_shows_the_chosen_fields_and_the_consent(client, make_activity):
    activity = make_activity(registration_fields=["phone"], consent_text="我同意主办方保存我的资料。")
    response = client.get(url(activity))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="name"' in page and 'name="phone"' in page and 'name="consent"' in page
    assert 'name="email"' not in page and 'name="document_number"' not in page
    assert "我同意主办方保存我的资料。" in page
    assert 'class="qiao-hp"' in page and "<script" not in page and "style=" not in page
    assert "csrfmiddlewaretoken" in page


def test_a_default_consent_statement_names_the_organiser(client, activity):
    page = client.get(url(activity)).content.decode()
    assert "基地甲" in page and "personal data" in page


def test_the_language_switcher_works_without_login_and_is_remembered(client, activity):
    response = client.get(url(activity) + "?lang=zh-hant")
    page = response.content.decode()
    assert '<html lang="zh-hant">' in page
    assert response.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "zh-hant"
    assert '<html lang="zh-hant">' in client.get(url(activity)).content.decode()
    assert '<html lang="en">' in client.get(url(activity) + "?lang=en").content.decode()
    assert '<html lang="en">' in client.get(url(activity) + "?lang=klingon").content.decode()


def test_public_url_and_the_field_list(rf, activity):
    from qiao.activities.registration_forms import FIELD_CODES, REGISTRATION_FIELDS, public_url

    assert public_url(activity, rf.get("/")) == f"http://testserver/register/{activity.registration_token}/"
    assert [code for code, _label in REGISTRATION_FIELDS] == ALL_FIELDS == list(FIELD_CODES)
    activity.registration_token = None
    assert public_url(activity, rf.get("/")) == ""


# ---------------------------------------------------------------- registering


def test_a_new_person_registers_and_appears_as_registered(client, activity):
    from qiao.core.models import ActionLog, ChangeRecord
    from qiao.core.search import search
    from qiao.people.models import Person

    response = post(
        client,
        activity,
        name="李小明",
        name_latin="LEE Siu Ming",
        gender="M",
        birth_date="1998-03-02",
        region="HK",
        phone="9123 4567",
        email="Siu.Ming@Example.com",
        document_kind="hkid",
        document_number="A123456(3)",
        employer="港大",
        first_visit="yes",
    )
    assert response.status_code == 302
    assert response["Location"] == f"/register/{activity.registration_token}/done/"
    thanks = client.get(response["Location"])
    assert "Thank you, you are registered for “港澳青年惠州行”." in thanks.content.decode()

    person = Person.objects.get(name="李小明")
    assert person.unit == activity.unit
    assert person.phones == ["+85291234567"] and person.emails == ["siu.ming@example.com"]
    assert [(d.kind, d.number) for d in person.documents.all()] == [("hkid", "A1234563")]
    assert person.gender == "M" and person.region == "HK" and person.birth_date == datetime.date(1998, 3, 2)
    assert person.consent_date == timezone.localdate()
    assert "personal data" in person.consent_scope and "港澳青年惠州行" in person.consent_source
    participation = participations(activity).get()
    assert (participation.person, participation.status, participation.source) == (person, "registered", "registration")
    assert participation.first_visit_declared is True
    # history without a user, search keys with the document and the phone
    record = ChangeRecord.objects.filter(content_type__model="person", object_id=person.pk, action="create").latest(
        "id"
    )
    assert record.user_id is None and record.after["phones"] == ["+85291234567"]
    assert list(search(Person.objects.all(), "A1234563")) == [person]
    assert list(search(Person.objects.all(), "91234567")) == [person]
    assert ActionLog.objects.get(action="qiao.registration.received").data["outcome"] == "new"


def test_consent_is_required(client, activity):
    from qiao.people.models import Person

    response = post(client, activity, consent=None)
    assert response.status_code == 200
    assert "Please agree to the statement to register." in response.content.decode()
    assert not participations(activity).exists() and not Person.objects.exists()


def test_the_name_is_required_even_when_the_organiser_did_not_choose_it(client, make_activity):
    activity = make_activity(registration_fields=["phone"])
    response = post(client, activity, name="  ")
    assert response.status_code == 200
    assert 'id="id_name"' in response.content.decode() and "is-invalid" in response.content.decode()
    assert not participations(activity).exists()


def test_without_the_first_visit_field_nothing_is_declared(client, make_activity):
    activity = make_activity(registration_fields=["phone"])
    assert post(client, activity, first_visit="yes").status_code == 302
    assert participations(activity).get().first_visit_declared is None


# ---------------------------------------------------------------- places and dates


def test_no_more_registrations_than_places(client, make_activity, make_person, network):
    from qiao.activities.models import Participation
    from qiao.people.models import Person

    activity = make_activity(capacity=2)
    assert post(client, activity, name="甲", phone="+85292111111").status_code == 302
    cancelled = make_person(network["a"], "丙")
    Participation.objects.create(activity=activity, person=cancelled, status="cancelled")
    assert "1 place left." in client.get(url(activity)).content.decode()
    assert post(client, activity, name="乙", phone="+85292222222").status_code == 302  # cancelled ones don't count
    people = Person.objects.count()

    page = client.get(url(activity)).content.decode()
    assert "All places are taken" in page and 'name="consent"' not in page
    response = post(client, activity, name="丁", phone="+85293333333")
    assert response.status_code == 200 and "All places are taken" in response.content.decode()
    assert participations(activity).exclude(status="cancelled").count() == 2
    assert Person.objects.count() == people  # nothing written


def test_the_last_place_taken_while_the_form_was_open_is_refused_under_lock(client, make_activity, make_person):
    from qiao.activities import registration_services
    from qiao.activities.models import Participation

    activity = make_activity(capacity=1)
    assert 'name="consent"' in client.get(url(activity)).content.decode()  # one place left when the form opens
    Participation.objects.create(activity=activity, person=make_person(activity.unit, "别人"))  # someone else took it
    with CaptureQueriesContext(connection) as queries:
        response = post(client, activity, name="迟到者")
    assert "All places are taken" in response.content.decode()
    assert participations(activity).count() == 1
    if connection.features.has_select_for_update:  # PostgreSQL: the activity row is held while counting
        locking = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
        assert locking and '"activities_activity"' in locking[0]
    # the service checks the places itself, after taking the lock, whatever the page said
    data = {"name": "再来", "name_latin": "", "phones": [], "emails": [], "documents": [], "first_visit": None}
    assert registration_services.register(activity.pk, data, statement="…") == registration_services.FULL


@pytest.mark.skipif(
    "postgresql" not in django_settings.DATABASES["default"]["ENGINE"],
    reason="a real race needs row locks (PostgreSQL); SQLite serialises every write anyway",
)
@pytest.mark.django_db(transaction=True)
def test_two_forms_at_the_same_moment_cannot_both_take_the_last_place(make_activity):
    """Two registrations in two threads (two database connections) race for one place."""
    import threading

    from django.db import connections

    from qiao.activities import registration_services

    activity = make_activity(capacity=1)
    barrier, outcomes = threading.Barrier(2), []

    def register(name, phone):
        data = {"name": name, "name_latin": "", "phones": [phone], "emails": [], "documents": [], "first_visit": None}
        try:
            barrier.wait()
            outcomes.append(registration_services.register(activity.pk, data, statement="…"))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=register, args=("甲", "+85292111111")),
        threading.Thread(target=register, args=("乙", "+85292222222")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [registration_services.FULL, registration_services.REGISTERED]
    assert participations(activity).count() == 1


def test_after_the_closing_date_the_page_is_gone(client, make_activity):
    activity = make_activity(registration_closes=timezone.now() - datetime.timedelta(minutes=1))
    response = client.get(url(activity))
    assert response.status_code == 410 and "Registration is closed" in response.content.decode()
    assert post(client, activity).status_code == 410
    assert not participations(activity).exists()
    later = make_activity(registration_closes=timezone.now() + datetime.timedelta(days=1))
    assert client.get(url(later)).status_code == 200


def test_a_past_activity_takes_no_registrations(client, make_activity):
    activity = make_activity(start_date=timezone.localdate() - datetime.timedelta(days=1))
    assert client.get(url(activity)).status_code == 410


def test_closed_unknown_and_deleted_say_the_same_and_nothing_more(client, make_activity):
    closed = make_activity(registration_open=False)
    deleted = make_activity()
    deleted.deleted_at = timezone.now()
    deleted.save()
    answers = {
        "closed": client.get(url(closed)),
        "unknown": client.get("/register/no-such-token/"),
        "deleted": client.get(url(deleted)),
        "closed, posted": client.post(url(closed), form(closed)),
    }
    assert [r.status_code for r in answers.values()] == [410, 404, 404, 410]
    texts = {r.content.decode().split("<main", 1)[1] for r in answers.values()}
    assert len(texts) == 1
    assert "港澳青年惠州行" not in texts.pop()
    assert client.get("/register/no-such-token/done/").status_code == 404
    assert not participations(closed).exists()


# ---------------------------------------------------------------- the registry stays private


def test_signing_up_twice_makes_one_participation_and_the_same_answer(client, activity):
    from qiao.people.models import DuplicateCandidate, Person

    first = post(client, activity, name="陳小華", phone="+85261234567")
    second = post(client, activity, name="陈小华", phone="6123 4567", region="HK")
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert participations(activity).count() == 1
    assert Person.objects.count() == 1 and not DuplicateCandidate.objects.exists()


def test_signing_up_again_after_cancelling_restores_the_place(client, activity):
    assert post(client, activity, name="陳小華", phone="+85261234567").status_code == 302
    participations(activity).update(status="cancelled")
    assert post(client, activity, name="陳小華", phone="+85261234567").status_code == 302
    assert participations(activity).get().status == "registered"


def test_a_known_person_is_linked_by_document_without_saying_so(client, activity, make_person, network):
    from qiao.people.models import Person

    newcomer = post(client, activity, name="张新人", phone="+85292000001")
    known = make_person(
        network["b"],  # another unit: the public form links against the whole registry
        "陳大文",
        documents=[{"kind": "hkid", "number": "A1234563"}],
        phones=["+85291234567"],
        employer="原公司",
    )
    response = post(
        client,
        activity,
        name="陈大文",
        document_number="A123456(3)",
        phone="+852 6123 0000",
        email="tai.man@example.com",
        employer="新公司",
    )
    assert response["Location"] == newcomer["Location"]  # the same answer as for someone new
    assert client.get(response["Location"]).content == client.get(newcomer["Location"]).content
    assert Person.objects.filter(name__in=["陈大文", "陳大文"]).count() == 1
    known.refresh_from_db()
    assert participations(activity).filter(person=known, status="registered").exists()
    assert known.phones == ["+85291234567", "+85261230000"] and known.emails == ["tai.man@example.com"]
    assert known.employer == "原公司"  # never overwritten
    assert known.unit == network["b"]


def test_a_known_person_is_linked_by_phone(client, activity, make_person, network):
    from qiao.people.models import Person

    known = make_person(network["a"], "黃美玲", birth_date=datetime.date(1995, 8, 1), phones=["+85291234567"])
    response = post(client, activity, name="黄美玲", birth_date="1995-08-01", phone="9123 4567", region="HK")
    assert response.status_code == 302
    assert participations(activity).get().person == known
    assert Person.objects.count() == 1


def test_a_possible_match_goes_to_the_review_queue(client, activity, make_person, network):
    from qiao.core.models import ActionLog
    from qiao.people.models import DuplicateCandidate, Person

    known = make_person(network["b"], "陳大文", name_latin="CHAN Tai Man", birth_date=datetime.date(1990, 5, 4))
    response = post(client, activity, name="陈大文", birth_date="1990-05-04")
    assert response.status_code == 302
    new = Person.objects.exclude(pk=known.pk).get()
    assert new.unit == activity.unit and new.consent_date is not None
    pair = DuplicateCandidate.objects.get()
    assert (pair.person, pair.other, pair.unit) == (new, known, activity.unit)
    assert participations(activity).get().person == new
    assert ActionLog.objects.get(action="qiao.registration.received").data["outcome"] == "review"


# ---------------------------------------------------------------- bad input


BAD = {
    "phone": "abc",
    "email": "not-an-address",
    "document_kind": "hkid",
    "document_number": "A1234567",
    "birth_date": "1990-13-45",
    "region": "OVERSEAS",
}


@pytest.mark.parametrize(
    "language, messages",
    [
        ("zh-hans", ["无法识别的电话号码", "不是有效的邮箱地址", "校验位不对", "无法识别的日期"]),
        ("zh-hant", ["無法識別的電話號碼", "不是有效的電郵地址", "校驗位不符", "無法識別的日期"]),
        ("en", ["Not a phone number we can read", "Not an e-mail address", "The check digit is wrong"]),
    ],
)
def test_bad_input_is_explained_field_by_field_in_the_readers_language(client, activity, language, messages):
    from qiao.people.models import Person

    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    response = post(client, activity, **BAD)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    for field, message in zip(("phone", "email", "document_number", "birth_date"), messages, strict=False):
        block = page.split(f'id="field-{field}"', 1)[1].split('<div class="mb-3"', 1)[0]
        assert message in block, (field, message)
    assert page.count('aria-invalid="true"') >= 5  # and the country an overseas person must give
    form_data = response.context["form"]
    assert set(form_data.errors) >= {"phone", "email", "document_number", "birth_date", "country"}
    assert not Person.objects.exists() and not participations(activity).exists()


def test_the_value_typed_stays_in_the_form(client, activity):
    page = post(client, activity, name="李小明", phone="abc").content.decode()
    assert 'value="李小明"' in page and 'value="abc"' in page


# ---------------------------------------------------------------- abuse


def test_too_many_forms_from_one_address_get_429(client, activity, make_activity, settings):
    for _ in range(10):
        assert post(client, activity, consent=None).status_code == 200
    response = post(client, activity)
    assert response.status_code == 429 and "Too many attempts" in response.content.decode()
    assert not participations(activity).exists()
    assert client.get(url(activity)).status_code == 200  # reading the page is not limited
    # another address, or another activity, is counted apart
    assert client.post(url(activity), form(activity), REMOTE_ADDR="10.1.2.3").status_code == 302
    other = make_activity()
    assert post(client, other).status_code == 302
    # X-Forwarded-For is ignored unless the installation says its proxy sets it
    forwarded = {"HTTP_X_FORWARDED_FOR": "10.9.9.9"}
    assert client.post(url(activity), form(activity, name="甲"), **forwarded).status_code == 429
    settings.QIAO_TRUST_X_FORWARDED_FOR = True
    assert client.post(url(activity), form(activity, name="乙"), **forwarded).status_code == 302


def test_a_filled_honeypot_is_refused_like_a_bad_form(client, activity):
    response = post(client, activity, homepage="http://spam.example")
    assert response.status_code == 200
    page = response.content.decode()
    assert "We could not accept the form." in page and "honeypot" not in page.lower()
    assert not participations(activity).exists()


def test_forms_sent_too_fast_too_late_or_for_another_activity_are_refused(client, activity, make_activity, settings):
    from qiao.activities.registration_forms import make_stamp

    settings.QIAO_REGISTRATION_MIN_SECONDS = 3
    stamps = {
        "too fast": make_stamp(activity),
        "too late": make_stamp(activity, at=time.time() - 3 * 3600),
        "another activity": make_stamp(make_activity(), at=time.time() - 10),
        "forged": "eyJhIjoxLCJ0IjowfQ:1abc:xyz",
        "missing": "",
    }
    for reason, stamp in stamps.items():
        response = post(client, activity, stamp=stamp)
        assert response.status_code == 200, reason
        assert "We could not accept the form." in response.content.decode(), reason
    assert not participations(activity).exists()
    # a person who took their time is welcome
    assert post(client, activity, stamp=make_stamp(activity, at=time.time() - 10)).status_code == 302


def test_other_methods_are_refused_plainly(client, activity):
    assert client.put(url(activity)).status_code == 405
    assert client.post(f"/register/{activity.registration_token}/done/").status_code == 405


FIELDS = ["name", "name_latin", "gender", "birth_date", "region", "country", "phone", "email"]
FIELDS += ["document_kind", "document_number", "employer", "title", "first_visit", "consent", "homepage"]
garbage = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=60)


@hypothesis_settings(
    max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.fixed_dictionaries({}, optional=dict.fromkeys(FIELDS, garbage)), stamped=st.booleans())
def test_garbage_never_makes_a_server_error(client, activity, settings, data, stamped):
    from qiao.activities.registration_forms import make_stamp

    settings.QIAO_REGISTRATION_MAX_SUBMISSIONS = 10_000
    if stamped:
        data["stamp"] = make_stamp(activity)
    response = client.post(url(activity), data)
    if any("\x00" in str(value) for value in data.values()):
        assert response.status_code == 400  # refused before any form sees it (core.middleware.RejectNulMiddleware)
        return
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert b"Traceback" not in response.content
