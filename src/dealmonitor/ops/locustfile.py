"""The load test's users (locust), run by `dealmonitor loadtest`; see bench/README.md.

Each simulated user (locust's FastHttpUser, cheap on the CPU the server shares) is a deal's
project leader, already signed in (the command creates the
sessions, so the test measures reading and writing, not 100 password hashes at once). Users
mostly read (portfolio, deal pages, performance tables, the programme view, related deals,
lesson searches) and sometimes write through the ordinary forms: a measurement for one of
their deal's indicators, or a lesson. Every write the server acknowledges (a redirect to the
saved item) is noted with its unique marker, so the command can check afterwards that each
one is really in the database.

Only the address given with --host is contacted (the command passes a loopback address).
"""

import json
import os
import random
import re
import threading
import uuid

from http.cookiejar import Cookie

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

USERS = json.loads(open(os.environ["LOADTEST_USERS_FILE"], encoding="utf-8").read())
ACKNOWLEDGED = []
_lock = threading.Lock()
_next = iter(range(10**9))
SEARCHES = ["bewoners wijk", "regels", "financiering", "trekker", "isolatie", "data"]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@events.test_stop.add_listener
def _write_acknowledged(environment, **kwargs):
    with open(os.environ["LOADTEST_WRITES_FILE"], "w", encoding="utf-8") as out:
        json.dump(ACKNOWLEDGED, out)


def _session_cookie(value, host):
    return Cookie(0, "sessionid", value, None, False, host, False, False, "/", True, False,
                  None, False, None, None, {})


class ProjectLeader(FastHttpUser):
    # A person reads a page before the next click: 2 to 8 seconds, 5 on average.
    wait_time = between(2, 8)

    def on_start(self):
        with _lock:
            self.me = USERS[next(_next) % len(USERS)]
        host = self.host.split("://", 1)[1].split(":")[0]
        self.client.cookiejar.set_cookie(_session_cookie(self.me["session"], host))

    def _post_form(self, form_path, data, name):
        page = self.client.get(form_path, name=f"{name} (form)")
        found = CSRF.search(page.text or "")
        if not found:
            return
        token = uuid.uuid4().hex[:12]
        payload = {key: value.replace("{token}", token) for key, value in data.items()}
        payload["csrfmiddlewaretoken"] = found.group(1)
        with self.client.post(form_path, data=payload, name=name, allow_redirects=False,
                              headers={"Referer": self.host + form_path},
                              catch_response=True) as response:
            if response.status_code == 302:
                response.success()
                with _lock:
                    ACKNOWLEDGED.append({"kind": name, "token": token})
            else:
                response.failure(f"not saved: HTTP {response.status_code}")

    @task(4)
    def portfolio(self):
        self.client.get(f"/?page={random.randint(1, 20)}", name="/ (portfolio)")

    def _some_deal(self):
        """Another published deal, or now and then the user's own."""
        return self.me["deal"] if random.random() < 0.2 else random.choice(self.me["public"])

    @task(4)
    def deal(self):
        slug = self._some_deal()
        self.client.get(f"/deals/{slug}/", name="/deals/[slug]/")

    @task(2)
    def performance(self):
        self.client.get(f"/deals/{self.me['deal']}/prestaties/",
                        name="/deals/[slug]/prestaties/")

    @task(2)
    def programme(self):
        self.client.get("/leren/", name="/leren/ (programme)")

    @task(2)
    def related(self):
        slug = self._some_deal()
        self.client.get(f"/deals/{slug}/verwant/", name="/deals/[slug]/verwant/")

    @task(2)
    def lessons(self):
        self.client.get(f"/leren/lessen/?q={random.choice(SEARCHES)}", name="/leren/lessen/?q=")

    @task(1)
    def record_measurement(self):
        indicator = random.choice(self.me["indicators"])
        self._post_form(
            f"/deals/{self.me['deal']}/indicatoren/{indicator}/meting/",
            {"date": self.me["date"], "value": str(random.randint(1, 500)),
             "verification": "zelfgerapporteerd", "note": "belasting {token}"},
            "record a measurement",
        )

    @task(1)
    def record_lesson(self):
        self._post_form(
            f"/deals/{self.me['deal']}/lessen/nieuw/",
            {"title": "Les uit de belastingtest {token}", "kind": "inzicht",
             "text": "Wat we leerden onder belasting.", "phase": "", "tags": "",
             "visibility": "programma", "learned_on": self.me["date"]},
            "record a lesson",
        )
