"""Signing in, limits on repeated attempts, and resetting a forgotten password by email."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quick_password_hashing(settings) -> None:
    """Every sign-in hashes a password; the real hasher would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_sign_in_with_the_right_password_goes_home(client, viewer):
    response = client.post(reverse("login"), {"username": "viewer", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).context["user"] == viewer


def test_sign_in_with_a_wrong_password_says_so_in_an_error_summary(client, viewer):
    response = client.post(reverse("login"), {"username": "viewer", "password": "wrong"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert "Please enter a correct username and password" in response.text
    assert 'value="viewer"' in response.text


def test_sign_in_with_empty_fields_names_each_field(client):
    response = client.post(reverse("login"), {"username": "", "password": ""})
    assert response.context["form"].errors.keys() == {"username", "password"}
    assert 'href="#id_username"' in response.text


def test_sign_in_is_refused_after_five_wrong_passwords(client, viewer):
    for _ in range(5):
        client.post(reverse("login"), {"username": "viewer", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "viewer", "password": PASSWORD})
    assert response.status_code == 429
    assert "too many attempts to sign in" in response.text
    assert "_auth_user_id" not in client.session


def test_sign_in_page_can_still_be_read_when_attempts_are_limited(client):
    for _ in range(21):
        client.post(reverse("login"), {"username": "x", "password": "y"})
    assert client.get(reverse("login")).status_code == 200


def test_sign_out_is_a_post(client, viewer):
    client.force_login(viewer)
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session


def run_queued_tasks() -> None:
    """Run each queued task as `manage.py db_worker` would, inside the test's transaction
    (the worker itself would close the test's connection between tasks)."""
    for queued in DBTaskResult.objects.ready():
        result = queued.task_result
        queued.task.call(*result.args, **result.kwargs)
        queued.set_successful(None)


def request_reset(client, email: str):
    response = client.post(reverse("password_reset"), {"email": email})
    run_queued_tasks()
    return response


def test_password_reset_emails_a_link_that_sets_a_new_password(client, viewer):
    response = request_reset(client, "viewer@example.org")
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    [email] = mail.outbox
    assert email.to == ["viewer@example.org"]
    assert email.subject == "Reset your cspplan password"
    link = re.search(r"http://testserver(/password-reset/\S+/)", email.body)[1]
    form_url = client.get(link).url
    response = client.post(
        form_url,
        {"new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"},
    )
    assert response.url == reverse("password_reset_complete")
    assert User.objects.get(username="viewer").check_password("a-new-long-passphrase")


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)
    assert "Check your email" in response.text
    run_queued_tasks()
    assert mail.outbox == []


def test_password_reset_needs_an_email_address(client):
    response = client.post(reverse("password_reset"), {"email": "not an address"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert response.context["form"].errors["email"]


def test_password_reset_link_works_only_once(client, viewer):
    request_reset(client, "viewer@example.org")
    link = re.search(r"http://testserver(/password-reset/\S+/)", mail.outbox[0].body)[1]
    form_url = client.get(link).url
    client.post(
        form_url, {"new_password1": "another-passphrase-1", "new_password2": "another-passphrase-1"}
    )
    response = client.get(link, follow=True)
    assert "This link no longer works" in response.text


def test_new_passwords_that_differ_are_refused(client, viewer):
    request_reset(client, "viewer@example.org")
    link = re.search(r"http://testserver(/password-reset/\S+/)", mail.outbox[0].body)[1]
    form_url = client.get(link).url
    response = client.post(form_url, {"new_password1": "one-passphrase-1", "new_password2": "two"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert User.objects.get(username="viewer").check_password(PASSWORD)


def test_password_reset_requests_are_limited(client, viewer):
    for _ in range(3):
        request_reset(client, "viewer@example.org")
    response = request_reset(client, "viewer@example.org")
    assert response.status_code == 429
    assert "govuk-error-summary" in response.text
    assert len(mail.outbox) == 3


def test_password_reset_accepts_only_get_and_post(client):
    assert client.put(reverse("password_reset")).status_code == 405
