"""Staff at work, for locust (bench/loadtest/run.py starts gunicorn and drives this file; see bench/RESULTS.md).

Each simulated user signs in through the login form as a real user of the demo data (password qiao-demo-2024;
QIAO_LOAD_USERS picks which), then, with a pause of QIAO_LOAD_WAIT_MIN..MAX seconds between steps, does a mix of:

  reads   search people by name · open a person · list activities with filters · open a demand's matches
          (candidates) · the dashboard /reports/
  writes  save an edit of a person (the edit form sent back with its notes changed) · add a participant to an
          activity (a person already on the list is answered the same way, so lists grow by at most one)

Request names start with "read:" or "write:", which run.py uses to split the report. Every request must answer
with the expected status, or it counts as an error. Each sample keeps when its request started, and the samples
file when the last user finished signing in and reading its first pages (the warm-up), so that run.py reports the
whole run and, apart, the steady state after the warm-up.
"""

import os
import random
import re
import sys
import time

from locust import HttpUser, between, events, task

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from forms import post_forms  # noqa: E402  (beside this file; tests/test_query_counts.py uses it too)

PASSWORD = os.environ.get("QIAO_LOAD_PASSWORD", "qiao-demo-2024")
USERS = os.environ.get("QIAO_LOAD_USERS", "base-a-staff,base-b-staff,hk-staff,centre-manager").split(",")
SEARCHES = ["陈", "李", "黄", "張", "王", "林", "Chan", "Wong", "Lee", "陳大", "李嘉", "ho"]
WAIT = (float(os.environ.get("QIAO_LOAD_WAIT_MIN", "0.5")), float(os.environ.get("QIAO_LOAD_WAIT_MAX", "1.5")))


def ids(html: str, prefix: str) -> list[int]:
    return sorted({int(pk) for pk in re.findall(rf'href="{re.escape(prefix)}(\d+)/"', html)})


class Staff(HttpUser):
    wait_time = between(*WAIT)
    _next_user = 0
    _ready = 0

    def on_start(self):
        Staff._next_user += 1
        self.number = Staff._next_user
        self.username = USERS[self.number % len(USERS)]
        page = self.client.get("/login/", name="login")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        with self.client.post(
            "/login/",
            {"csrfmiddlewaretoken": token, "username": self.username, "password": PASSWORD},
            headers={"Referer": self.host + "/login/"},
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "/login/" in response.headers.get("Location", ""):
                response.failure(f"{self.username} could not sign in ({response.status_code})")
                raise RuntimeError(f"{self.username} could not sign in")
        # what this user can see: a page of people, activities and demands to pick from; each simulated user its
        # own page of people, as staff rarely edit the same person at the same moment (when two do, the second
        # save is refused with 409 by the edit-conflict check, which counts here as an error)
        page = f"?page={self.number}" if self.number > 1 else ""
        self.people = ids(self.client.get(f"/people/{page}", name="read: list people").text, "/people/")
        self.activities = ids(self.client.get("/activities/", name="read: list activities").text, "/activities/")
        self.demands = ids(self.client.get("/matching/", name="read: list demands").text, "/matching/demands/")
        Staff._ready += 1
        if Staff._ready >= self.environment.runner.target_user_count and WARM["ready_at"] is None:
            WARM["ready_at"] = time.time()

    def _get(self, url, name):
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
            return response

    @task(6)
    def search_people(self):
        self._get(f"/people/?q={random.choice(SEARCHES)}", "read: search people")

    @task(5)
    def open_person(self):
        if self.people:
            self._get(f"/people/{random.choice(self.people)}/", "read: open a person")

    @task(3)
    def list_activities(self):
        filters = random.choice(["?date_from=2024-01-01", "?date_from=2023-01-01&date_to=2023-12-31", "?page=2", ""])
        self._get(f"/activities/{filters}", "read: list activities (filters)")

    @task(2)
    def demand_matches(self):
        if self.demands:
            self._get(f"/matching/demands/{random.choice(self.demands)}/candidates/", "read: a demand's matches")

    @task(1)
    def dashboard(self):
        self._get("/reports/", "read: dashboard /reports/")

    @task(2)
    def edit_person(self):
        if not self.people:
            return
        pk = random.choice(self.people)
        page = self._get(f"/people/{pk}/edit/", "write: edit a person (form)")
        forms = [f for f in post_forms(page.text) if "name" in dict(f["fields"])]
        if not forms:
            return
        fields = forms[0]["fields"]
        notes = dict(fields).get("notes", "")
        changed = notes[:-2] if notes.endswith(" ·") else notes + " ·"
        data = [(name, changed if name == "notes" else value) for name, value in fields]
        with self.client.post(
            f"/people/{pk}/edit/", data, name="write: save a person", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"{response.status_code}: the form was refused")

    @task(1)
    def add_participant(self):
        if not (self.activities and self.people):
            return
        activity, person = random.choice(self.activities), random.choice(self.people)
        page = self._get(f"/activities/{activity}/", "write: add a participant (activity page)")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if not token or f"/activities/{activity}/participants/" not in page.text:
            return  # an activity this user may see but not change
        with self.client.post(
            f"/activities/{activity}/participants/",
            {"csrfmiddlewaretoken": token.group(1), "person": person, "role": "participant", "status": "registered"},
            name="write: add a participant",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"{response.status_code}")


SAMPLES: list = []  # (name, milliseconds, failed, started at) of every request, for exact percentiles
WARM: dict = {"ready_at": None}  # when the last user had signed in and read its first pages


@events.request.add_listener
def _sample(request_type, name, response_time, exception, **kwargs):
    SAMPLES.append((name, round(response_time, 2), exception is not None, round(time.time() - response_time / 1000, 3)))


@events.test_stop.add_listener
def _write_samples(environment, **kwargs):
    target = os.environ.get("QIAO_LOAD_SAMPLES")
    if target:
        import json

        with open(target, "w") as out:
            json.dump({"samples": SAMPLES, "ready_at": WARM["ready_at"]}, out)
