"""A base manager records a person's consent, withdraws it, downloads all the person's data as one file
and opens it, then erases the person after typing their name."""

import io
import json
import zipfile

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_consent_export_and_erasure_in_the_browser(page, network, make_user, make_person):
    make_user("manager-a", network["a"], "manager")
    person = make_person(
        network["a"], "歐陽靜儀", name_latin="AU YEUNG Ching Yee", phones=["+85261234567"], region="HK"
    )

    page.goto("/login/")
    page.fill("#id_username", "manager-a")
    page.fill("#id_password", "Qiao-test-pass-9")
    page.click("#login")
    page.wait_for_url("**/")

    page.goto(f"/people/{person.pk}/")
    page.click("#consent-add")
    page.select_option("#id_purpose", "publicity")
    page.fill("#id_given_on", "2024-01-05")
    page.select_option("#id_method", "written")
    page.fill("#id_note", "活動同意書")
    page.click("#save")
    page.wait_for_url(f"**/people/{person.pk}/**")
    consents = page.locator("#consents")
    assert "活動同意書" in consents.inner_text() and consents.locator(".consent-withdrawn").count() == 0

    consents.locator(".consent-withdraw").first.click()
    page.fill("#id_withdrawn_on", "2024-02-01")
    page.click("#save")
    page.wait_for_url(f"**/people/{person.pk}/**")
    assert "2024-02-01" in page.locator("#consents .consent-withdrawn").inner_text()

    with page.expect_download() as download_info:
        page.click("#privacy-export")
    download = download_info.value
    with zipfile.ZipFile(io.BytesIO(open(download.path(), "rb").read())) as archive:
        data = json.loads(archive.read("data.json"))
        summary = archive.read("summary.md").decode()
    assert data["person"]["name"] == "歐陽靜儀" and data["person"]["phones"] == ["+85261234567"]
    assert [c["withdrawn_on"] for c in data["linked"]["privacy.Consent.person"]["records"]] == ["2024-02-01"]
    assert "歐陽靜儀" in summary

    page.click("#privacy-erase")
    page.fill("#id_reason", "本人書面要求 2024-05-01")
    page.fill("#id_confirm_name", "歐陽")
    page.click("#erase")
    assert page.locator("[data-field=confirm_name]").count() == 1  # the name must match
    page.fill("#id_reason", "本人書面要求 2024-05-01")
    page.fill("#id_confirm_name", "歐陽靜儀")
    page.click("#erase")
    page.wait_for_url(f"**/people/{person.pk}/")
    assert page.locator("#privacy-erased").count() == 1
    assert "歐陽靜儀" not in page.locator("h1").inner_text()
    assert "6123" not in page.content()
