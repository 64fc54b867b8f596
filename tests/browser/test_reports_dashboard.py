"""A manager opens the statistics dashboard, clicks a figure and lands on the list of the records
behind it, as many as the figure said; clicking a bar of a chart does the same for that bar. The
charts, the map of origins included, are drawn from files of this server only."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PERIOD = "from=2025-11-01&to=2026-01-31"  # the period of tests/reports_data.py

BAR_UNDER_THE_MOUSE = """async (id) => {
  const holder = document.getElementById(id);
  holder.scrollIntoView({block: "center", behavior: "instant"});
  const chart = echarts.getInstanceByDom(holder);
  await new Promise((done) => { chart.on("finished", done); setTimeout(done, 3000); });  // the bars have grown
  const item = chart.getOption().series[0].data[0];
  const [x, y] = chart.convertToPixel({seriesIndex: 0}, [item.value / 2, 0]);
  const box = holder.getBoundingClientRect();
  return {x: box.left + x, y: box.top + y, value: item.value, key: item.key};
}"""


def test_click_a_figure_and_a_bar_and_land_on_as_many_records(page, live_server):
    from qiao.core.models import Membership, User
    from tests import reports_data

    built = reports_data.build()
    manager = User.objects.create_user("manager-centre", password="Qiao-test-pass-9")
    Membership.objects.create(user=manager, unit=built.centre, role="manager")
    elsewhere = []
    page.on("request", lambda r: None if r.url.startswith(live_server.url) else elsewhere.append(r.url))

    page.goto("/login/")
    page.fill("#id_username", "manager-centre")
    page.fill("#id_password", "Qiao-test-pass-9")
    page.click("#login")
    page.wait_for_url("**/")
    page.click("#nav-reports")
    page.click("#nav-reports + .dropdown-menu a[href='/reports/']")
    page.wait_for_url("**/reports/")
    page.goto(f"/reports/?{PERIOD}")
    # the comparisons arrive after the figures, into every card
    page.locator("[data-card='projects.signed'] [data-compare='last_year']").wait_for()
    assert page.locator("[data-card='projects.signed'] [data-compare='last_year']").get_attribute("data-change") == (
        "200.0"
    )
    assert page.locator("[data-comparing]").count() == 0

    figure = page.locator("[data-card='activities.person_times'] a[data-metric]")
    said = figure.get_attribute("data-value")
    assert said == "11"  # the hand count
    figure.click()
    page.wait_for_url("**/reports/metrics/activities.person_times/records/**")
    assert page.locator("[data-total]").get_attribute("data-total") == said
    assert page.locator("table tbody tr").count() == 11

    page.go_back()
    for chart in ("trend", "regions", "units", "industries", "origins"):
        page.locator(f"#chart-{chart}[data-drawn='1']").wait_for()
    bar = page.evaluate(BAR_UNDER_THE_MOUSE, "chart-units")  # batches of the centre's largest unit
    page.mouse.click(bar["x"], bar["y"])
    page.wait_for_url("**/reports/metrics/activities.batches/records/**by=unit**")
    assert f"value={bar['key']}" in page.url
    assert page.locator("[data-total]").get_attribute("data-total") == str(bar["value"])
    assert elsewhere == []
