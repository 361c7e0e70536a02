"""The people of benchmarks/load.py: each signs in, then asks for one page after another
over plain http.client (no other HTTP library is installed), alternating between the servers,
and records how long each answer took and what it was."""

from __future__ import annotations

import http.client
import random
import re
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

REQUEST_TIMEOUT = 30.0
# Share of each person's requests per kind: readers outnumber writers, as on the real site.
MIX = {"public page": 25, "public PDF": 10, "static file": 15, "action plan": 35, "edit": 15}


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


def fetch(
    port: int,
    method: str,
    path: str,
    cookies: dict[str, str] | None = None,
    form: dict | None = None,
) -> Answer:
    """One request on a new connection (gunicorn's sync workers close each one), body read."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        headers = {"Host": f"127.0.0.1:{port}"}
        if cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()


def keep_cookies(cookies: dict[str, str], answer: Answer) -> None:
    for header in answer.headers.get_all("Set-Cookie") or []:
        for name, morsel in SimpleCookie(header).items():
            if morsel.value and morsel["max-age"] != "0":
                cookies[name] = morsel.value
            else:
                cookies.pop(name, None)


@dataclass
class Target:
    """Who a person signs in as, and the action it records progress on."""

    username: str
    action_pk: int
    action_plan_path: str
    progress_path: str


@dataclass
class Result:
    kind: str
    started: float  # seconds since the window opened
    seconds: float
    outcome: str  # "ok", "refused" (an edit the app declined with a message) or an error kind


@dataclass
class Person:
    index: int
    target: Target
    ports: list[int]
    cookies: dict[str, str] = field(default_factory=dict)
    results: list[Result] = field(default_factory=list)
    acknowledged: list[str] = field(default_factory=list)
    unacknowledged: list[str] = field(default_factory=list)

    def port(self, count: int) -> int:
        return self.ports[(self.index + count) % len(self.ports)]

    def sign_in(self, path: str, password: str) -> None:
        port = self.port(0)
        page = fetch(port, "GET", path)
        keep_cookies(self.cookies, page)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        form = {
            "csrfmiddlewaretoken": token.group(1).decode(),
            "username": self.target.username,
            "password": password,
        }
        answer = fetch(port, "POST", path, self.cookies, form)
        keep_cookies(self.cookies, answer)
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"{self.target.username} could not sign in: {answer.status}")

    def run(self, paths: dict[str, str], opened: float, closes: float) -> None:
        chooser = random.Random(self.index)
        kinds, weights = list(MIX), list(MIX.values())
        count = 0
        while time.perf_counter() < closes:
            kind = chooser.choices(kinds, weights)[0]
            port = self.port(count)
            count += 1
            started = time.perf_counter()
            outcome = self.request(kind, port, paths, count)
            self.results.append(
                Result(kind, started - opened, time.perf_counter() - started, outcome)
            )

    def request(self, kind: str, port: int, paths: dict[str, str], count: int) -> str:
        note = f"load {paths['run']} user {self.index} update {count}"
        try:
            if kind == "action plan":
                answer = fetch(port, "GET", self.target.action_plan_path, self.cookies)
                keep_cookies(self.cookies, answer)
                return "ok" if answer.status == 200 else status_kind(answer.status)
            if kind == "edit":
                return self.edit(port, note)
            answer = fetch(port, "GET", paths[kind])
            return "ok" if answer.status == 200 else status_kind(answer.status)
        except TimeoutError:
            return "timeout"
        except ConnectionRefusedError:
            return "connection refused"
        except (ConnectionResetError, BrokenPipeError):
            return "connection reset"
        except (OSError, http.client.HTTPException) as error:
            return type(error).__name__

    def edit(self, port: int, note: str) -> str:
        today = time.localtime()
        form = {
            "csrfmiddlewaretoken": self.cookies["csrftoken"],
            "reported_on_0": str(today.tm_mday),
            "reported_on_1": str(today.tm_mon),
            "reported_on_2": str(today.tm_year),
            "rag": random.choice(["red", "amber", "green"]),
            "note": note,
        }
        try:
            answer = fetch(port, "POST", self.target.progress_path, self.cookies, form)
        except (OSError, http.client.HTTPException):
            # Sent but not answered: it may or may not have been recorded.
            self.unacknowledged.append(note)
            raise
        keep_cookies(self.cookies, answer)
        if answer.status == 302 and answer.headers["Location"].startswith("/actions/"):
            self.acknowledged.append(note)
            return "ok"
        self.unacknowledged.append(note)
        if answer.status in (200, 409) and b"govuk-error-summary" in answer.body:
            return "refused"
        return status_kind(answer.status)


def status_kind(status: int) -> str:
    if status >= 500:
        return f"HTTP {status}"
    return f"unexpected HTTP {status}"
