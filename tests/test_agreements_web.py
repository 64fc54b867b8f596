"""Cooperation agreements through the pages and the API: recording one with parties and commitments (and
nothing half-saved when a row is bad), the checklist ticked through htmx, ending and reopening, the list
with its filters, totals and export, the commitment list ("mine", overdue), the organisation's panel with
its sister institutions, scoping across units on every path (list, detail, export, API, htmx fragments,
guessed URLs), and a bounded number of queries."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from qiao.agreements import services
from qiao.agreements.models import Agreement, AgreementParty, Commitment
from qiao.core.days import local_today

D = datetime.date
SIGNED = D(2024, 3, 1)
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def staff(network, make_user):
    return make_user("staff-a", network["a"], "staff")


@pytest.fixture
def manager(network, make_user):
    return make_user("manager-a", network["a"], "manager")


@pytest.fixture
def staff_b(network, make_user):
    return make_user("staff-b", network["b"], "staff")


@pytest.fixture
def orgs(network, make_org):
    return {
        "pz": make_org(network["a"], "香港培正中学"),
        "gz": make_org(network["a"], "广州市第七中学"),
        "mo": make_org(network["a"], "澳门濠江中学"),
        "b": make_org(network["b"], "乙基地合作学校"),
    }


def _agreement(user, unit, title, parties, kind="strategic", units=(), commitments=None, **fields):
    fields.setdefault("signed_on", SIGNED)
    agreement = Agreement(unit=unit, title=title, kind=kind, **fields)
    return services.save_agreement(user, agreement, parties=parties, our_units=list(units), commitments=commitments)


@pytest.fixture
def book(network, staff, staff_b, orgs):
    """Agreements of base A (one sister pair, one expired with an overdue commitment) and one of base B."""
    sister = _agreement(
        staff,
        network["a"],
        "培正与七中姊妹学校协议",
        [(orgs["pz"], "姊妹学校"), (orgs["gz"], "姊妹学校")],
        kind="sister",
        units=[network["a"]],
        commitments=[{"text": "每年互访一次", "owner": staff, "due_on": D(2024, 9, 1)}],
    )
    expired = _agreement(
        staff,
        network["a1"],
        "实习基地协议",
        [orgs["mo"]],
        kind="internship_base",
        units=[network["a1"]],
        ends_on=D(2024, 12, 31),
        commitments=[{"text": "接收实习生", "due_on": D(2024, 6, 30)}],
    )
    theirs = _agreement(
        staff_b, network["b"], "乙基地人才交流协议", [orgs["b"]], kind="talent_exchange", units=[network["b"]]
    )
    return {"sister": sister, "expired": expired, "theirs": theirs}


def _form(orgs, network, **overrides):
    data = {
        "title": "港澳青年创业合作协议",
        "kind": "strategic",
        "unit": network["a"].pk,
        "signed_on": "2024-05-20",
        "starts_on": "",
        "ends_on": "2027-05-19",
        "scope": "创业孵化、导师交流",
        "notes": "",
        "our_units": [network["a"].pk],
        "party-TOTAL_FORMS": "3",
        "party-INITIAL_FORMS": "0",
        "party-0-organization": orgs["pz"].pk,
        "party-0-role": "甲方",
        "party-1-organization": "",
        "party-1-role": "",
        "party-2-organization": "",
        "party-2-role": "",
        "commitment-TOTAL_FORMS": "3",
        "commitment-INITIAL_FORMS": "0",
        "commitment-0-text": "",
        "commitment-1-text": "",
        "commitment-2-text": "",
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------- recording through the form


def test_recording_an_agreement_with_parties_and_commitments(client, staff, orgs, network):
    client.force_login(staff)
    assert client.get(reverse("agreements:agreement_add")).status_code == 200
    data = _form(
        orgs,
        network,
        **{
            "party-1-organization": orgs["gz"].pk,
            "commitment-0-text": "联合举办创业营",
            "commitment-0-owner": staff.pk,
            "commitment-0-due_on": "2024-10-01",
        },  # fmt: skip
    )
    response = client.post(reverse("agreements:agreement_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    agreement = Agreement.objects.get()
    assert response["Location"] == agreement.get_absolute_url()
    assert set(agreement.organizations.all()) == {orgs["pz"], orgs["gz"]}
    assert agreement.commitments.get().owner == staff
    page = client.get(agreement.get_absolute_url()).content.decode()
    assert "联合举办创业营" in page and 'data-status="in_force"' in page


def test_an_agreement_with_no_parties_gets_a_clear_message_on_the_form(client, staff, orgs, network):
    client.force_login(staff)
    response = client.post(
        reverse("agreements:agreement_add"),
        _form(orgs, network, **{"party-0-organization": "", "party-0-role": "", "our_units": []}),
    )
    assert response.status_code == 400
    assert "Name at least one organisation" in response.content.decode()
    assert not Agreement.all_objects.exists()


def test_a_bad_commitment_or_party_row_leaves_no_agreement_behind(client, staff, orgs, network):
    client.force_login(staff)
    bad_commitment = _form(orgs, network, **{"commitment-0-text": "提交报告", "commitment-0-due_on": "2020-01-01"})
    response = client.post(reverse("agreements:agreement_add"), bad_commitment)
    assert response.status_code == 400
    assert "Commitment 1" in response.content.decode()
    bad_party = _form(orgs, network, **{"party-1-organization": orgs["b"].pk})  # another base's organisation
    response = client.post(reverse("agreements:agreement_add"), bad_party)
    assert response.status_code == 400
    duplicate = _form(orgs, network, **{"party-1-organization": orgs["pz"].pk})
    response = client.post(reverse("agreements:agreement_add"), duplicate)
    assert response.status_code == 400 and "already a party" in response.content.decode()
    future = _form(orgs, network, signed_on=(local_today(staff) + datetime.timedelta(days=1)).isoformat())
    response = client.post(reverse("agreements:agreement_add"), future)
    assert response.status_code == 400 and 'data-field="signed_on"' in response.content.decode()
    assert not Agreement.all_objects.exists() and not AgreementParty.objects.exists()
    assert not Commitment.objects.exists()


def test_editing_keeps_parties_shown_and_the_add_page_prefills_an_organisation(client, staff, book, orgs, network):
    client.force_login(staff)
    page = client.get(f"{reverse('agreements:agreement_add')}?organization={orgs['pz'].pk}").content.decode()
    assert "香港培正中学" in page
    guessed = client.get(f"{reverse('agreements:agreement_add')}?organization={orgs['b'].pk}").content.decode()
    assert "乙基地合作学校" not in guessed
    sister = book["sister"]
    edit = client.get(reverse("agreements:agreement_edit", args=[sister.pk])).content.decode()
    assert "香港培正中学" in edit and "广州市第七中学" in edit
    data = _form(
        orgs,
        network,
        title="新名称",
        kind="sister",
        signed_on="2024-03-01",
        ends_on="",
        **{
            "party-TOTAL_FORMS": "5",
            "party-INITIAL_FORMS": "2",
            "party-0-organization": orgs["pz"].pk,
            "party-1-organization": orgs["mo"].pk,
            "party-3-organization": "",
            "party-4-organization": "",
        },  # fmt: skip
    )
    response = client.post(reverse("agreements:agreement_edit", args=[sister.pk]), data)
    assert response.status_code == 302
    sister.refresh_from_db()
    assert sister.title == "新名称" and set(sister.organizations.all()) == {orgs["pz"], orgs["mo"]}


# ---------------------------------------------------------------- the agreement's page


def test_the_checklist_is_ticked_added_edited_and_deleted_through_htmx(client, staff, book):
    client.force_login(staff)
    agreement = book["sister"]
    item = agreement.commitments.get()
    url = reverse("agreements:commitment", args=[item.pk])
    response = client.post(url, {"do": "done"}, **HTMX)
    assert response.status_code == 200
    assert f'id="commitment-{item.pk}"' in response.content.decode()
    item.refresh_from_db()
    assert item.done_on == local_today(staff) and item.done_by == staff
    client.post(url, {"do": "undo"}, **HTMX)
    item.refresh_from_db()
    assert item.done_on is None
    response = client.post(
        reverse("agreements:commitment_add", args=[agreement.pk]), {"text": "", "due_on": ""}, **HTMX
    )
    assert response.status_code == 400 and 'id="commitments-error"' in response.content.decode()
    response = client.post(
        reverse("agreements:commitment_add", args=[agreement.pk]), {"text": "共建课程", "due_on": "2025-01-01"}, **HTMX
    )
    assert response.status_code == 200 and "共建课程" in response.content.decode()
    added = agreement.commitments.get(text="共建课程")
    edit_url = reverse("agreements:commitment_edit", args=[added.pk])
    assert "commitment-edit" in client.get(edit_url, **HTMX).content.decode()
    response = client.post(edit_url, {"text": "共建两门课程", "due_on": "2025-02-01"}, **HTMX)
    assert response.status_code == 200 and response["HX-Retarget"] == "#commitments"
    response = client.post(edit_url, {"text": "x", "due_on": "2000-01-01"}, **HTMX)
    assert response.status_code == 400 and 'data-field="due_on"' in response.content.decode()
    client.post(url, {"do": "delete"}, **HTMX)
    assert list(agreement.commitments.values_list("text", flat=True)) == ["共建两门课程"]
    # without htmx: back to the page
    response = client.post(reverse("agreements:commitment", args=[added.pk]), {"do": "done"})
    assert response.status_code == 302 and response["Location"].endswith("#commitments")


def test_overdue_commitments_are_highlighted_in_the_readers_day(client, staff, book):
    client.force_login(staff)
    page = client.get(book["expired"].get_absolute_url()).content.decode()
    assert 'data-overdue="1"' in page and 'id="commitments-overdue"' in page
    assert 'data-status="expired"' in page


def test_ending_and_reopening_from_the_page(client, staff, manager, book):
    agreement = book["sister"]
    client.force_login(staff)
    response = client.post(reverse("agreements:agreement_end", args=[agreement.pk]), {"ended_on": "2024-04-01"})
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert not agreement.ended  # no reason given
    client.post(
        reverse("agreements:agreement_end", args=[agreement.pk]), {"ended_on": "2024-04-01", "end_reason": "学校停办"}
    )
    agreement.refresh_from_db()
    assert agreement.ended and agreement.ended_on == D(2024, 4, 1)
    page = client.get(agreement.get_absolute_url()).content.decode()
    assert 'data-status="ended"' in page and 'id="reopen"' not in page
    client.post(reverse("agreements:agreement_reopen", args=[agreement.pk]))
    agreement.refresh_from_db()
    assert agreement.ended  # staff may not reopen
    client.force_login(manager)
    assert 'id="reopen"' in client.get(agreement.get_absolute_url()).content.decode()
    client.post(reverse("agreements:agreement_reopen", args=[agreement.pk]))
    agreement.refresh_from_db()
    assert not agreement.ended


def test_follow_up_interactions_are_listed_for_the_reader(client, staff, staff_b, book, network):
    from django.utils import timezone

    from qiao.relations.models import Interaction

    agreement = book["sister"]
    now = timezone.now()
    Interaction.objects.create(
        unit=network["a"],
        kind="visit",
        occurred_at=now,
        occurred_on=now.date(),
        summary="回访培正",
        agreement=agreement,
    )
    Interaction.objects.create(
        unit=network["b"],
        kind="call",
        occurred_at=now,
        occurred_on=now.date(),
        summary="乙基地来电",
        agreement=agreement,
    )
    client.force_login(staff)
    page = client.get(agreement.get_absolute_url()).content.decode()
    assert "回访培正" in page and "乙基地来电" not in page


def test_history_and_soft_delete(client, staff, manager, book):
    agreement = book["sister"]
    client.force_login(staff)
    assert client.get(reverse("agreements:agreement_history", args=[agreement.pk])).status_code == 200
    client.force_login(manager)
    response = client.post(reverse("agreements:agreement_delete", args=[agreement.pk]))
    assert response.status_code == 302
    assert Agreement.all_objects.get(pk=agreement.pk).is_deleted
    assert client.get(agreement.get_absolute_url()).status_code == 404
    assert client.get(reverse("agreements:agreement_trash")).status_code == 200
    client.post(reverse("agreements:agreement_restore", args=[agreement.pk]))
    assert not Agreement.all_objects.get(pk=agreement.pk).is_deleted


# ---------------------------------------------------------------- lists


def test_the_list_filters_totals_and_export(client, staff, book, orgs, network):
    client.force_login(staff)
    url = reverse("agreements:agreement_list")
    page = client.get(url).content.decode()
    assert "培正与七中姊妹学校协议" in page and "实习基地协议" in page and "乙基地人才交流协议" not in page
    assert 'data-figure="sister_pairs">1<' in page
    for query, shown, hidden in [
        ("kind=sister", "培正与七中", "实习基地"),
        ("status=expired", "实习基地", "培正与七中"),
        (f"organization={orgs['pz'].pk}", "培正与七中", "实习基地"),
        (f"unit={network['a1'].pk}", "实习基地", "培正与七中"),
        (f"our_unit={network['a1'].pk}", "实习基地", "培正与七中"),
        ("q=七中", "培正与七中", "实习基地"),
        ("q=澳门濠江", "实习基地", "培正与七中"),
        ("signed_from=2024-03-02", "", "培正与七中"),
    ]:
        page = client.get(f"{url}?{query}", **HTMX).content.decode()
        assert shown in page and hidden not in page, query
    services.tick(staff, book["sister"].commitments.get())
    page = client.get(f"{url}?overdue=true", **HTMX).content.decode()
    assert "实习基地" in page and "培正与七中" not in page
    response = client.get(f"{url}?export=csv&kind=internship_base")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 2 and "实习基地协议" in rows[1] and "Expired" in rows[1]
    assert "澳门濠江中学" in ";".join(rows[1])
    assert client.get(f"{url}?export=xlsx").status_code == 200


def test_the_commitment_list_mine_overdue_done_and_export(client, staff, book):
    client.force_login(staff)
    url = reverse("agreements:commitment_list")
    page = client.get(url).content.decode()
    assert "每年互访一次" in page and "接收实习生" in page
    mine = client.get(f"{url}?owner=mine", **HTMX).content.decode()
    assert "每年互访一次" in mine and "接收实习生" not in mine
    overdue = client.get(f"{url}?overdue=true", **HTMX).content.decode()
    assert "接收实习生" in overdue and "每年互访一次" in overdue  # both due in 2024
    services.tick(staff, Commitment.objects.get(text="接收实习生"))
    assert "接收实习生" not in client.get(f"{url}?overdue=true", **HTMX).content.decode()
    assert "接收实习生" in client.get(f"{url}?done=true", **HTMX).content.decode()
    response = client.get(f"{url}?export=csv")
    assert response.status_code == 200 and "接收实习生" in response.content.decode("utf-8-sig")


def test_lists_cost_a_bounded_number_of_queries(client, staff, book, network, orgs, django_assert_max_num_queries):
    for n in range(15):
        _agreement(staff, network["a"], f"协议{n}", [orgs["pz"], orgs["gz"]], units=[network["a"]],
                   commitments=[{"text": f"承诺{n}", "due_on": D(2024, 5, 1)}])  # fmt: skip
    client.force_login(staff)
    with django_assert_max_num_queries(30):
        assert client.get(reverse("agreements:agreement_list")).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(reverse("agreements:commitment_list")).status_code == 200
    with django_assert_max_num_queries(25):
        client.get(reverse("agreements:agreement_list") + "?export=xlsx")


# ---------------------------------------------------------------- the organisation's page


def test_the_organisation_page_shows_its_agreements_and_sister_institutions(client, staff, staff_b, book, orgs):
    client.force_login(staff)
    page = client.get(orgs["pz"].get_absolute_url()).content.decode()
    assert 'id="organization-agreements"' in page and "培正与七中姊妹学校协议" in page
    assert f'data-sister="{orgs["gz"].pk}"' in page and orgs["gz"].get_absolute_url() in page
    client.force_login(staff_b)
    page = client.get(orgs["b"].get_absolute_url()).content.decode()
    assert "乙基地人才交流协议" in page and "培正" not in page


# ---------------------------------------------------------------- scoping


def test_another_bases_user_reaches_nothing_of_the_agreement(client, api, staff, staff_b, book):
    agreement = book["sister"]
    item = agreement.commitments.get()
    client.force_login(staff_b)
    for name in ("agreement", "agreement_edit", "agreement_delete", "agreement_history"):
        assert client.get(reverse(f"agreements:{name}", args=[agreement.pk])).status_code == 404, name
    for name in ("agreement_end", "agreement_reopen", "commitment_add", "agreement_delete"):
        assert client.post(reverse(f"agreements:{name}", args=[agreement.pk]), {"end_reason": "x"}).status_code == 404
    assert client.post(reverse("agreements:commitment", args=[item.pk]), {"do": "done"}, **HTMX).status_code == 404
    assert client.get(reverse("agreements:commitment_edit", args=[item.pk]), **HTMX).status_code == 404
    assert client.post(reverse("agreements:commitment_edit", args=[item.pk]), {"text": "x"}).status_code == 404
    client.post(reverse("agreements:agreement_bulk_delete"), {"pk": [agreement.pk]})
    assert not Agreement.all_objects.get(pk=agreement.pk).is_deleted
    listed = client.get(reverse("agreements:agreement_list"), **HTMX).content.decode()
    assert "培正" not in listed and "乙基地人才交流协议" in listed
    export = client.get(reverse("agreements:agreement_list") + "?export=csv").content.decode("utf-8-sig")
    assert "培正" not in export
    commitments = client.get(reverse("agreements:commitment_list") + "?export=csv").content.decode("utf-8-sig")
    assert "每年互访一次" not in commitments
    item.refresh_from_db()
    assert item.done_on is None
    b = api(staff_b)
    assert b.get(f"/api/agreements/{agreement.pk}/").status_code == 404
    assert b.patch(f"/api/agreements/{agreement.pk}/", {"title": "x"}, format="json").status_code == 404
    assert b.get(f"/api/commitments/{item.pk}/").status_code == 404
    assert b.patch(f"/api/commitments/{item.pk}/", {"done": True}, format="json").status_code == 404
    assert (
        b.post("/api/commitments/", {"agreement": agreement.pk, "text": "x"}, format="json").status_code == 400
    )  # the agreement looks nonexistent
    titles = [row["title"] for row in b.get("/api/agreements/").json()["results"]]
    assert titles == ["乙基地人才交流协议"]
    assert [row["text"] for row in b.get("/api/commitments/").json()["results"]] == []
    assert b.get("/api/agreements/figures/").json()["count"] == 1
    item.refresh_from_db()
    assert item.done_on is None and Agreement.all_objects.get(pk=agreement.pk).title != "x"


def test_the_centre_sees_every_base_and_a_viewer_only_reads(client, api, network, make_user, book):
    centre = make_user("viewer-centre", network["centre"], "viewer")
    client.force_login(centre)
    listed = client.get(reverse("agreements:agreement_list"), **HTMX).content.decode()
    assert "培正" in listed and "乙基地人才交流协议" in listed
    agreement = book["sister"]
    page = client.get(agreement.get_absolute_url()).content.decode()
    assert 'id="add-commitment"' not in page and 'id="edit-agreement"' not in page
    item = agreement.commitments.get()
    assert client.post(reverse("agreements:commitment", args=[item.pk]), {"do": "done"}).status_code == 404
    assert client.get(reverse("agreements:agreement_add")).status_code == 403
    assert api(centre).patch(f"/api/commitments/{item.pk}/", {"done": True}, format="json").status_code == 403
    item.refresh_from_db()
    assert item.done_on is None


def test_a_forged_unit_cannot_pull_an_agreement_across(client, api, staff, book, network, orgs):
    client.force_login(staff)
    data = _form(orgs, network, unit=network["b"].pk)
    response = client.post(reverse("agreements:agreement_add"), data)
    assert response.status_code == 400 and not Agreement.objects.filter(title="港澳青年创业合作协议").exists()
    response = api(staff).patch(f"/api/agreements/{book['sister'].pk}/", {"unit": network["b"].pk}, format="json")
    assert response.status_code == 400 and "unit" in response.json()
    assert Agreement.objects.get(pk=book["sister"].pk).unit == network["a"]


# ---------------------------------------------------------------- API


def test_api_create_with_parties_and_commitments_then_tick_off(api, staff, orgs, network):
    client = api(staff)
    payload = {
        "title": "联合实验室协议",
        "kind": "joint_lab",
        "unit": network["a"].pk,
        "signed_on": "2024-05-01",
        "ends_on": "2029-04-30",
        "parties": [{"organization": orgs["pz"].pk, "role": "共建方"}, {"organization": orgs["gz"].pk}],
        "our_units": [network["a"].pk],
        "commitments": [{"text": "投入设备", "owner": staff.pk, "due_on": "2024-12-31"}],
    }
    response = client.post("/api/agreements/", payload, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "in_force" and data["ended"] is False
    assert {p["organization"] for p in data["parties"]} == {orgs["pz"].pk, orgs["gz"].pk}
    assert data["commitments"][0]["text"] == "投入设备" and data["commitments"][0]["overdue"] is not None
    pk = data["id"]
    item = data["commitments"][0]["id"]
    response = client.patch(f"/api/commitments/{item}/", {"done": True}, format="json")
    assert response.status_code == 200 and response.json()["done"] is True
    assert response.json()["done_on"] == local_today(staff).isoformat()
    response = client.post(
        "/api/commitments/", {"agreement": pk, "text": "年度评估", "due_on": "2025-05-01"}, format="json"
    )
    assert response.status_code == 201
    assert client.get(f"/api/commitments/?agreement={pk}&done=false").json()["count"] == 1
    assert client.get("/api/commitments/?owner=mine").json()["count"] == 1
    response = client.patch(f"/api/agreements/{pk}/", {"parties": [{"organization": orgs["mo"].pk}]}, format="json")
    assert response.status_code == 200
    assert [p["name"] for p in response.json()["parties"]] == ["澳门濠江中学"]
    response = client.post(
        f"/api/agreements/{pk}/end/", {"ended_on": "2024-06-01", "end_reason": "实验室撤销"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "ended"
    assert client.get("/api/agreements/?status=ended").json()["count"] == 1
    assert client.get("/api/agreements/?status=in_force").json()["count"] == 0
    assert client.post(f"/api/agreements/{pk}/reopen/").status_code == 403  # managers only
    assert client.delete(f"/api/commitments/{item}/").status_code == 204


def test_api_bad_input_names_the_field_and_saves_nothing(api, staff, orgs, network):
    client = api(staff)
    base = {"title": "协议", "kind": "strategic", "unit": network["a"].pk, "signed_on": "2024-05-01"}
    response = client.post("/api/agreements/", base, format="json")
    assert response.status_code == 400 and "parties" in response.json()
    for extra, field in [
        ({"parties": [{"organization": orgs["b"].pk}], "our_units": [network["a"].pk]}, "parties"),
        ({"parties": [{"organization": orgs["pz"].pk}], "our_units": [network["b"].pk]}, "our_units"),
        ({"parties": [{"organization": orgs["pz"].pk}]}, "parties"),
        ({"kind": "sister", "parties": [{"organization": orgs["pz"].pk}], "our_units": [network["a"].pk]}, "parties"),
        (
            {"parties": [{"organization": orgs["pz"].pk}, {"organization": orgs["gz"].pk}], "ends_on": "2024-04-01"},
            "ends_on",
        ),  # fmt: skip
        (
            {"parties": [{"organization": orgs["pz"].pk}, {"organization": orgs["gz"].pk}], "signed_on": "2999-01-01"},
            "signed_on",
        ),  # fmt: skip
        (
            {
                "parties": [{"organization": orgs["pz"].pk}, {"organization": orgs["gz"].pk}],
                "commitments": [{"text": "ok"}, {"text": "", "due_on": "2024-06-01"}],
            },
            "commitments",
        ),  # fmt: skip
        ({"parties": "nonsense"}, "parties"),
        ({"kind": "nonsense"}, "kind"),
    ]:
        response = client.post("/api/agreements/", {**base, **extra}, format="json")
        assert response.status_code == 400, (extra, response.content)
        assert field in response.json(), (field, response.json())
    assert not Agreement.all_objects.exists() and not Commitment.objects.exists()
    assert client.get("/api/agreements/?signed_from=nonsense").status_code == 400
    assert client.get("/api/agreements/figures/?signed_from=nonsense").status_code == 400
    assert client.get("/api/commitments/?owner=99999999999999999999999").status_code == 200


def test_api_figures_take_the_list_filters(api, staff, book):
    client = api(staff)
    data = client.get("/api/agreements/figures/").json()
    assert data["count"] == 2 and data["sister_pairs"] == 1
    assert data["in_force"] + data["expired"] + data["ended"] == 2
    assert data["commitments"] == 2 and data["commitments_overdue"] == 2
    data = client.get(
        "/api/agreements/figures/?kind=internship_base&signed_from=2024-01-01&signed_to=2024-12-31"
    ).json()
    assert data["count"] == 1 and data["signed"] == 1 and data["signed_by_kind"]["internship_base"] == 1
    assert data["on"] == "2024-12-31" and data["in_force"] == 1  # in force on the last day of its term


def test_the_api_list_costs_a_bounded_number_of_queries(api, staff, network, orgs, django_assert_max_num_queries):
    for n in range(15):
        _agreement(staff, network["a"], f"协议{n}", [orgs["pz"], orgs["gz"]], units=[network["a"]],
                   commitments=[{"text": f"承诺{n}"}])  # fmt: skip
    client = api(staff)
    with django_assert_max_num_queries(12):
        assert client.get("/api/agreements/").json()["count"] == 15
    with django_assert_max_num_queries(10):
        assert client.get("/api/commitments/").json()["count"] == 15


def test_every_page_answers_in_three_languages_for_every_role(client, network, make_user, book):
    agreement, item = book["sister"], book["sister"].commitments.get()
    urls = [
        "/agreements/",
        "/agreements/?status=in_force&kind=sister&export=xlsx",
        "/agreements/add/",
        "/agreements/deleted/",
        "/agreements/commitments/",
        "/agreements/commitments/?owner=mine&overdue=1&done=false",
        "/agreements/commitments/?owner=abc&agreement=999999999999999999999",
        f"/agreements/{agreement.pk}/",
        f"/agreements/{agreement.pk}/edit/",
        f"/agreements/{agreement.pk}/history/",
        f"/agreements/{agreement.pk}/delete/",
        f"/agreements/commitments/{item.pk}/edit/",
        "/agreements/?signed_from=nonsense&status=nonsense",
        "/api/agreements/",
        "/api/agreements/figures/",
        f"/api/agreements/{agreement.pk}/history/",
        "/api/commitments/?overdue=true",
    ]
    for role, language in [("viewer", "zh-hans"), ("staff", "zh-hant"), ("manager", "en"), ("admin", "zh-hans")]:
        user = make_user(f"{role}-{language}", network["a"], role, language=language)
        client.force_login(user)
        for url in urls:
            status = client.get(url, HTTP_ACCEPT_LANGUAGE=language).status_code
            assert status in (200, 302, 400, 403, 404), (role, url, status)
