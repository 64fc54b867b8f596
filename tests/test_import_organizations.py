"""Importing organisations from real spreadsheets (xlsx, and csv in GB18030 and Big5): headers in
Simplified, Traditional and English, registration numbers, kinds, parents, dry run, all-or-nothing
commit, idempotent re-import, linkage across scripts and scoping."""

import csv
import io
import itertools

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from qiao.core.models import ActionLog, ChangeRecord
from qiao.core.search import search
from qiao.identity import tw_ubn_sum, uscc_check_character
from qiao.imports import headers, readers, services
from qiao.orgs.models import Organization

SIMPLIFIED = ["机构名称", "英文名称", "类型", "地区", "统一社会信用代码", "上级机构", "网址", "电话"]
TRADITIONAL = ["機構名稱", "英文名稱", "機構類型", "所在地區", "統一社會信用代碼", "上級機構", "網址", "聯絡電話"]
ENGLISH = [
    "Organisation name",
    "Name in English",
    "Type",
    "Region",
    "Registration number",
    "Parent",
    "Website",
    "Phone",
]
FIELDS = ["name", "name_latin", "kind", "region", "registration_number", "parent", "website", "phone"]


def uscc(first_seventeen: str) -> str:
    return first_seventeen + uscc_check_character(first_seventeen)


def ubn(valid: bool = True) -> str:
    """A Taiwan Unified Business Number whose check holds (or not)."""
    for digits in itertools.product("0123456789", repeat=3):
        number = "04595" + "".join(digits)
        total = tw_ubn_sum(number)
        holds = total % 5 == 0 or (number[6] == "7" and (total + 1) % 5 == 0)
        if holds == valid:
            return number
    raise AssertionError


USCC = uscc("91440300MA5FABCDE")  # letters in the middle, as real codes have
UBN = ubn()
HK_BR = "12345678-000-05-24-A"  # a full certificate number: the BR number is its first 8 digits

GOOD = [
    ["香港青年聯會", "Hong Kong United Youth Association", "社團", "香港", "", "", "www.hkuya.org.hk", "2311 2345"],
    ["港青聯科技有限公司", "HKUYA Tech Limited", "企業", "香港", HK_BR, "香港青年聯會", "", ""],
    ["深圳前海创新研究院", "", "科研机构", "广东", USCC, "", "https://qh.example.cn", ""],
    ["台灣青年創業協會", "Taiwan Youth Startup Association", "", "臺灣", UBN, "", "", "02-2345-6789"],
]


def workbook(rows, header=TRADITIONAL, title="2024年合作機構名錄") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_file(rows, header, encoding) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def run(user, data, filename="orgs.xlsx"):
    sheet = readers.read_table(data, filename, isolate=False)
    return services.plan(user, sheet, headers.guess_mapping(sheet.headers, "organizations"), kind="organizations")


@pytest.fixture
def staff(network, make_user):
    return make_user("staff-a", network["a"], "staff")


@pytest.mark.parametrize("header", [SIMPLIFIED, TRADITIONAL, ENGLISH])
def test_headers_are_recognised_in_simplified_traditional_and_english(header):
    assert headers.guess_mapping(header, "organizations") == FIELDS


def test_dry_run_reads_numbers_kinds_and_parents_and_writes_nothing(staff):
    before = Organization.all_objects.count()
    plan = run(staff, workbook(GOOD))
    assert plan.kind == "organizations"
    assert plan.problems() == []
    assert plan.counts() == {"new": 4, "same": 0, "review": 0, "error": 0}
    youth, tech, institute, taiwan = (row.data for row in plan.rows)
    assert [row.number for row in plan.rows] == [3, 4, 5, 6]
    assert youth["kind"] == "association" and youth["region"] == "HK"
    assert youth["website"] == "https://www.hkuya.org.hk" and youth["phone"] == "+85223112345"
    assert (tech["registration_kind"], tech["registration_number"]) == ("hk_br", "12345678")
    assert tech["kind"] == "enterprise" and tech["parent_row"] == 3  # the parent is the row above
    assert (institute["registration_kind"], institute["registration_number"]) == ("uscc", USCC)
    assert institute["kind"] == "research" and institute["region"] == "MAINLAND"
    assert (taiwan["registration_kind"], taiwan["registration_number"]) == ("tw_ubn", UBN)
    assert taiwan["region"] == "TW" and taiwan["phone"] == "+886223456789"
    assert Organization.all_objects.count() == before


def test_problems_name_row_and_column(staff):
    bad_uscc = USCC[:-1] + ("0" if USCC[-1] != "0" else "1")
    rows = [
        ["壞的社會信用代碼", "", "企業", "內地", bad_uscc, "", "", ""],
        ["壞的統一編號", "", "企業", "台灣", ubn(valid=False), "", "", ""],
        ["不知是什麼", "", "外星機構", "火星", "", "不存在的總會", "not a url", ""],
        ["", "", "企業", "香港", "", "", "", ""],
        ["有I的代碼", "", "", "", "91440300IA5FABCDE1", "", "", ""],
    ]
    plan = run(staff, workbook(rows))
    assert plan.problems() == [
        "row 3, column E: not a valid registration number",
        "row 4, column E: not a valid registration number",
        "row 5, column D: not a region of origin we can read",
        "row 5, column C: not a kind of organisation we can read",
        "row 5, column G: not a web address",
        "row 5, column F: no such organisation in the registry or above in this file",
        "row 6, column A: a name is required (in Chinese or Latin letters)",
        "row 7, column E: not a valid registration number",
    ]
    assert plan.counts()["error"] == 5


def test_commit_is_all_or_nothing_and_skip_invalid_skips(staff, network):
    rows = [*GOOD, ["壞的統一編號", "", "企業", "台灣", ubn(valid=False), "", "", ""]]
    plan = run(staff, workbook(rows))
    before = Organization.all_objects.count()
    with pytest.raises(ValueError, match="problems"):
        services.commit(staff, network["a"], plan)
    assert Organization.all_objects.count() == before  # nothing half-written
    written = services.commit(staff, network["a"], plan, skip_invalid=True, source="orgs.xlsx")
    assert written == {"created": 4, "updated": 0, "unchanged": 0, "queued": 0, "skipped": 1}
    youth = Organization.objects.get(name="香港青年聯會")
    tech = Organization.objects.get(registration_number="12345678")
    assert tech.parent == youth and tech.unit == network["a"] and tech.registration_kind == "hk_br"
    assert Organization.objects.get(registration_number=USCC).kind == "research"
    taiwan = Organization.objects.get(registration_number=UBN)
    assert taiwan.kind == "association"  # no kind given: the name says 協會
    assert list(search(Organization.objects.all(), "香港青年联会")) == [youth]  # search keys were written
    assert ChangeRecord.objects.filter(object_id=youth.pk, action="create").exists()  # history was kept
    log = ActionLog.objects.get(action="qiao.import.committed")
    assert log.data["kind"] == "organizations" and log.data["created"] == 4 and log.data["source"] == "orgs.xlsx"


def test_reimport_changes_nothing(staff, network):
    services.commit(staff, network["a"], run(staff, workbook(GOOD)))
    again = run(staff, workbook(GOOD))
    assert again.counts() == {"new": 0, "same": 4, "review": 0, "error": 0}
    written = services.commit(staff, network["a"], again)
    assert written == {"created": 0, "updated": 0, "unchanged": 4, "queued": 0, "skipped": 0}
    assert Organization.objects.count() == 4


@pytest.mark.parametrize(("encoding", "header"), [("gb18030", SIMPLIFIED), ("big5", TRADITIONAL)])
def test_csv_files_in_chinese_encodings(staff, network, encoding, header):
    simplified = encoding == "gb18030"
    rows = [
        [
            "香港青年联会" if simplified else "香港青年聯會",
            "",
            "社团" if simplified else "社團",
            "香港",
            "",
            "",
            "",
            "",
        ],
        [
            "深圳前海创新研究院" if simplified else "深圳前海創新研究院",
            "",
            "",
            "广东" if simplified else "廣東",
            USCC,
            "",
            "",
            "",
        ],
    ]
    plan = run(staff, csv_file(rows, header, encoding), "orgs.csv")
    assert plan.problems() == []
    assert [row.data.get("kind") for row in plan.rows] == ["association", None]
    assert plan.rows[1].data["registration_number"] == USCC
    written = services.commit(staff, network["a"], plan)
    assert written["created"] == 2
    assert Organization.objects.get(registration_number=USCC).kind == "research"  # guessed from 研究院


def test_the_same_organisation_is_recognised_across_scripts(staff, network, make_org):
    known = make_org(network["a"], "香港青年联会")
    rows = [["香港青年聯會", "Hong Kong United Youth Association", "", "香港", "", "", "hkuya.org.hk", ""]]
    plan = run(staff, csv_file(rows, TRADITIONAL, "big5"), "orgs.csv")
    assert plan.counts()["same"] == 1 and plan.rows[0].target == known
    assert plan.rows[0].matches[0].labels == ["same name"]
    written = services.commit(staff, network["a"], plan)
    assert written["updated"] == 1
    known.refresh_from_db()
    assert known.name == "香港青年联会"  # never overwritten
    assert known.name_latin == "Hong Kong United Youth Association" and known.website == "https://hkuya.org.hk"
    assert Organization.objects.count() == 1


def test_english_names_alike(staff, make_org, network):
    known = make_org(network["a"], "香港青年联会", name_latin="Hong Kong United Youth Association")
    rows = [
        ["", "HONG KONG UNITED YOUTH ASSOCIATION", "", "香港", "", "", "", ""],  # only the English name: the same
        ["港青聯", "Hong Kong United Youth Association", "", "香港", "", "", "", ""],  # another name: to review
    ]
    only_english, another_name = (run(staff, workbook([row])).rows[0] for row in rows)
    assert only_english.outcome == "same" and only_english.target == known
    assert another_name.outcome == "review" and another_name.matches[0].labels == ["same English name"]


def test_the_same_registration_number_is_the_same_organisation(staff, network, make_org):
    known = make_org(network["a"], "前海创新研究院", registration_kind="uscc", registration_number=USCC)
    plan = run(staff, workbook([GOOD[2]]))
    assert plan.counts()["same"] == 1 and plan.rows[0].target == known
    assert plan.rows[0].matches[0].reasons == ["registration_number"]


def test_names_alike_but_for_the_legal_form_are_to_review(staff, network, make_org):
    association = make_org(network["a"], "香港青年協會")
    numbered = make_org(network["a"], "港青科技有限公司", registration_kind="hk_br", registration_number="87654321")
    rows = [
        ["香港青年協會有限公司", "", "", "香港", "", "", "", ""],  # a legal form more: review
        ["香港青年公司", "", "", "香港", "", "", "", ""],  # 公司 is not 協會: another organisation
        ["港青科技有限公司", "", "", "香港", "12345678", "", "", ""],  # the same name, another number: review
    ]
    plan = run(staff, workbook(rows))
    assert [row.outcome for row in plan.rows] == ["review", "new", "review"]
    assert plan.rows[0].matches[0].target == association and plan.rows[0].matches[0].reasons == ["name_similar"]
    assert plan.rows[2].matches[0].target == numbered
    assert plan.rows[2].matches[0].reasons == ["name", "registration_conflict"]
    with pytest.raises(ValueError, match="registry"):
        services.commit(staff, network["a"], plan)
    assert Organization.objects.count() == 2
    written = services.commit(staff, network["a"], plan, skip_invalid=True)
    assert written == {"created": 1, "updated": 0, "unchanged": 0, "queued": 0, "skipped": 2}


def test_parents_from_the_registry_and_rows_above(staff, network, make_org):
    federation = make_org(network["a"], "香港青年聯會", registration_kind="hk_br", registration_number="11112222")
    rows = [
        ["港青聯科技有限公司", "", "企業", "香港", "", "11112222", "", ""],  # the parent by its number
        ["港青聯教育中心", "", "社團", "香港", "", "港青聯科技有限公司", "", ""],  # the parent is the row above
        ["港青聯培訓部", "", "", "香港", "", "港青联教育中心", "", ""],  # in the other script
        ["港青聯體育會", "", "", "香港", "", "港青聯體育會", "", ""],  # its own parent
        ["港青聯音樂會", "", "", "香港", "", "港青聯合唱團", "", ""],  # a row below is not a parent
        ["港青聯合唱團", "", "", "香港", "", "", "", ""],
    ]
    plan = run(staff, workbook(rows))
    assert plan.problems() == [
        "row 6, column F: no such organisation in the registry or above in this file",
        "row 7, column F: no such organisation in the registry or above in this file",
    ]
    services.commit(staff, network["a"], plan, skip_invalid=True)
    tech = Organization.objects.get(name="港青聯科技有限公司")
    assert tech.parent == federation
    assert Organization.objects.get(name="港青聯教育中心").parent == tech
    assert Organization.objects.get(name="港青聯培訓部").parent.name == "港青聯教育中心"


def test_a_row_repeating_an_organisation_above_is_a_problem(staff):
    rows = [GOOD[0], ["香港青年联会", "", "", "香港", "", "", "", ""], GOOD[2], ["别名", "", "", "", USCC, "", "", ""]]
    plan = run(staff, workbook(rows))
    assert plan.problems() == [
        "row 4, column A: the same organisation is in a row above",
        "row 6, column E: the same organisation is in a row above",
    ]


def test_base_b_neither_sees_nor_links_base_a_organisations(network, make_user, make_org):
    make_org(network["a"], "香港青年联会", registration_kind="hk_br", registration_number="11112222")
    b_staff = make_user("staff-b", network["b"], "staff")
    rows = [
        ["香港青年聯會", "", "", "香港", "", "", "", ""],
        ["香港青年聯會（乙）", "", "", "香港", "11112222", "", "", ""],
        ["港青聯科技有限公司", "", "", "香港", "", "香港青年联会", "", ""],
    ]
    plan = run(b_staff, workbook(rows))
    assert [row.outcome for row in plan.rows] == ["new", "new", "new"]  # the parent is the first row
    assert all(not row.matches for row in plan.rows)
    alone = run(b_staff, workbook([rows[2]]))
    assert alone.problems() == ["row 3, column F: no such organisation in the registry or above in this file"]
    written = services.commit(b_staff, network["b"], plan)
    assert written["created"] == 3
    assert Organization.objects.filter(unit=network["b"]).count() == 3


def test_committing_needs_the_right_to_add_in_the_unit(network, make_user, staff):
    plan = run(staff, workbook(GOOD))
    with pytest.raises(PermissionDenied):
        services.commit(staff, network["b"], plan)
    viewer = make_user("viewer-a", network["a"], "viewer")
    with pytest.raises(PermissionDenied):
        services.commit(viewer, network["a"], run(viewer, workbook(GOOD)))
    assert Organization.objects.count() == 0


def test_import_command_for_organisations(network, make_user, tmp_path):
    make_user("admin", network["centre"], "admin", is_superuser=True)
    path = tmp_path / "orgs.xlsx"
    path.write_bytes(workbook(GOOD))
    out = io.StringIO()
    call_command("import", "organisations", str(path), "--unit", "base-a", "--dry-run", stdout=out)
    assert "rows: 4 new, 0 already known, 0 to review, 0 with problems" in out.getvalue()
    assert "B 英文名稱 → name_latin" in out.getvalue()
    assert Organization.objects.count() == 0
    call_command("import", "organizations", str(path), "--unit", "base-a", stdout=out)
    assert "committed: 4 created, 0 updated, 0 unchanged, 0 queued for review, 0 skipped" in out.getvalue()
    assert Organization.objects.count() == 4
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook([["壞的統一編號", "", "企業", "台灣", ubn(valid=False), "", "", ""]]))
    with pytest.raises(CommandError, match="problems"):
        call_command("import", "organisations", str(bad), "--unit", "base-a", stdout=out)
    assert "row 3, column E: not a valid registration number" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("import", "companies", str(path), "--unit", "base-a", stdout=out)


def test_linkage_takes_a_few_queries_per_batch_not_one_per_row(staff, make_org, network, django_assert_max_num_queries):
    make_org(network["a"], "香港青年联会")
    rows = [[f"港青聯第{n}分會", "", "社團", "香港", f"{10000000 + n}", "香港青年聯會", "", ""] for n in range(600)]
    data = workbook(rows)
    with django_assert_max_num_queries(20):
        plan = run(staff, data)
    assert plan.counts() == {"new": 600, "same": 0, "review": 0, "error": 0}
    assert all(row.data["parent_id"] for row in plan.rows)
