"""People join a partnership by invitation to an email address, and only when they accept.

An administrator never learns whether an account uses the address they invite, and never sees
the email of anyone outside their own partnerships.
"""

from __future__ import annotations

import datetime
import re
import threading
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from plans import invitations
from plans.models import Group, Invitation, Membership
from plans.models.invitation import token_hash
from plans.partnership_forms import InvitationForm
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^/\s]+/plans/invitations/([\w-]+)/")
NEW_PASSWORD = "a-long-new-password-1"


def _url(name: str, partnership, *args) -> str:
    return reverse(f"plans:{name}", args=[partnership.slug, *args])


@pytest.fixture
def invite(client, administrator, partnership, django_capture_on_commit_callbacks):
    """Post the invitation form as the administrator, running what waits for the commit."""

    def post(email: str, role: str = "viewer", follow: bool = False, **extra):
        client.force_login(administrator)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                _url("person_add", partnership),
                {"email": email, "role": role, **extra},
                follow=follow,
            )

    return post


@pytest.fixture
def loner() -> User:
    """An account on the site with no role in any partnership."""
    return User.objects.create_user(
        username="l0ner-account",
        email="loner@example.org",
        first_name="Lonely",
        last_name="Nobodyknows",
        password=PASSWORD,
    )


def _token(mail) -> str:
    return LINK.search(mail.body).group(1)


def _link(token: str) -> str:
    return reverse("plans:invitation", args=[token])


def _open_invitation(partnership, administrator, email="new@example.org", **fields):
    """An invitation made directly, with a token the test knows."""
    token = "token-for-" + re.sub(r"\W", "-", email)
    now = timezone.now()
    invitation = Invitation.objects.create(
        partnership=partnership,
        email=email,
        role=fields.pop("role", Membership.Role.VIEWER),
        invited_by=administrator,
        token_hash=token_hash(token),
        sent_at=now,
        expires_at=fields.pop("expires_at", now + datetime.timedelta(days=14)),
        **fields,
    )
    return invitation, token


# Inviting


def test_an_administrator_invites_an_email_address_and_it_is_sent_a_link(
    invite, partnership, mailoutbox, settings
):
    settings.SITE_URL = "https://plans.example.org"

    response = invite("New.Person@Example.org", follow=True)

    assert "We have sent an invitation to new.person@example.org" in response.content.decode()
    invitation = Invitation.objects.get()
    assert (invitation.partnership, invitation.email, invitation.role) == (
        partnership,
        "new.person@example.org",
        Membership.Role.VIEWER,
    )
    assert mailoutbox[0].to == ["new.person@example.org"]
    assert f"https://plans.example.org/plans/invitations/{_token(mailoutbox[0])}/" in (
        mailoutbox[0].body
    )


def test_only_a_hash_of_the_links_secret_is_stored(invite, mailoutbox):
    invite("new@example.org")

    token = _token(mailoutbox[0])
    invitation = Invitation.objects.get()
    assert invitation.token_hash == token_hash(token)
    assert token not in invitation.token_hash


def _same_apart_from(text: str, email: str) -> str:
    """The page with what differs between any two requests taken out: the email typed, the
    per-request CSRF token, the link's secret and the invitation's number."""
    text = text.replace(email, "EMAIL")
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    text = re.sub(r"/invitations/[\w-]+/", "/invitations/N/", text)
    return text


def test_an_existing_account_and_an_unknown_address_get_identical_answers(
    invite, partnership, loner, mailoutbox
):
    known = invite("loner@example.org", follow=True)
    Invitation.objects.all().delete()
    unknown = invite("nobody-here@example.org", follow=True)

    assert known.redirect_chain == unknown.redirect_chain
    assert _same_apart_from(known.content.decode(), "loner@example.org") == _same_apart_from(
        unknown.content.decode(), "nobody-here@example.org"
    )
    assert _same_apart_from(mailoutbox[0].body, "loner@example.org") == _same_apart_from(
        mailoutbox[1].body, "nobody-here@example.org"
    )
    assert not loner.memberships.exists()


def test_an_existing_account_cannot_be_added_by_username_or_email(
    invite, partnership, outsider, loner
):
    # The removed form took a username or an email of any account on the site and added it.
    for typed in ("l0ner-account", "outsider"):
        response = invite("", existing=typed)

        assert "Enter the email address to invite" in response.content.decode()
    assert not Membership.objects.filter(partnership=partnership, user__in=[outsider, loner])
    assert not Invitation.objects.exists()


def test_an_existing_account_is_not_a_member_until_its_owner_accepts(
    invite, client, partnership, loner, mailoutbox
):
    invite("loner@example.org", role="reviewer")

    assert not loner.memberships.exists()
    client.force_login(loner)
    page = client.get(_link(_token(mailoutbox[0])))
    assert "You are signed in as <strong>l0ner-account</strong>" in page.content.decode()
    assert not loner.memberships.exists()

    response = client.post(_link(_token(mailoutbox[0])), follow=True)

    assert loner.memberships.get(partnership=partnership).role == Membership.Role.REVIEWER
    assert "You have joined" in response.content.decode()
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == loner
    assert invitation.accepted_at is not None


def test_an_owner_who_signs_in_from_the_invitation_comes_back_to_accept_it(
    client, partnership, administrator, loner
):
    _, token = _open_invitation(partnership, administrator, email="loner@example.org")
    page = client.get(_link(token)).content.decode()
    sign_in = re.search(r'href="(/sign-in/\?next=[^"]+)"', page).group(1)

    signed_in = client.post(
        sign_in.replace("&amp;", "&"),
        {"username": "l0ner-account", "password": PASSWORD},
        follow=True,
    )
    client.post(_link(token))

    assert signed_in.redirect_chain[-1][0] == _link(token)
    assert loner.memberships.get(partnership=partnership).role == Membership.Role.VIEWER


def test_an_editor_joins_with_the_task_groups_of_the_invitation(
    invite, client, partnership, task_group, loner, mailoutbox
):
    invite("loner@example.org", role="editor", task_groups=[task_group.pk])
    client.force_login(loner)

    client.post(_link(_token(mailoutbox[0])))

    membership = loner.memberships.get(partnership=partnership)
    assert (membership.role, list(membership.task_groups.all())) == ("editor", [task_group])


def test_task_groups_are_not_kept_for_other_roles(invite, task_group, mailoutbox):
    invite("new@example.org", role="viewer", task_groups=[task_group.pk])

    assert not Invitation.objects.get().task_groups.exists()


def test_invalid_invitation_form_is_shown_again_with_errors(invite, partnership, mailoutbox):
    response = invite("not an email", role="boss")

    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "Enter an email address like name@example.org" in page
    assert "Select a valid choice" in page
    assert 'value="not an email"' in page
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_task_groups_of_another_partnership_are_refused(invite, other_partnership, mailoutbox):
    elsewhere = Group.objects.create(
        partnership=other_partnership, name="West Task Group", kind=Group.Kind.TASK
    )

    response = invite("new@example.org", role="editor", task_groups=[elsewhere.pk])

    assert "Choose task groups of this partnership" in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_member_of_the_partnership_is_not_invited_again(invite, editor, mailoutbox):
    response = invite("EDITOR@example.org")

    assert "Someone in this partnership already uses that email" in response.content.decode()
    assert not Invitation.objects.exists()


def test_an_address_with_an_invitation_waiting_is_not_invited_twice(invite, mailoutbox):
    invite("new@example.org")

    response = invite("New@example.org")

    assert "An invitation to new@example.org is already waiting" in response.content.decode()
    assert Invitation.objects.count() == 1
    assert len(mailoutbox) == 1


def test_an_expired_invitation_gives_way_to_a_new_one(
    invite, partnership, administrator, mailoutbox
):
    old, _ = _open_invitation(
        partnership, administrator, expires_at=timezone.now() - datetime.timedelta(days=1)
    )

    invite("new@example.org")

    old.refresh_from_db()
    assert old.revoked_at is not None
    assert Invitation.objects.open().get().pk != old.pk


def test_two_administrators_inviting_one_address_at_once_get_a_message_not_an_error(
    invite, partnership, administrator, monkeypatch, mailoutbox
):
    real_is_valid = InvitationForm.is_valid

    def invited_a_moment_after_checking(form) -> bool:
        valid = real_is_valid(form)
        _open_invitation(partnership, administrator, email="new@example.org")
        return valid

    monkeypatch.setattr(InvitationForm, "is_valid", invited_a_moment_after_checking)

    response = invite("new@example.org")

    assert response.status_code == 200
    page = response.content.decode()
    assert "An invitation to new@example.org is already waiting" in page
    assert 'value="new@example.org"' in page
    assert Invitation.objects.count() == 1
    assert mailoutbox == []


def _race_to_invite(partnership, administrator, email: str) -> list[str]:
    """Two administrators invite one address at the same moment, each on its own connection."""
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def invite() -> None:
        try:
            barrier.wait()
            invitations.invitation_create(
                partnership=partnership,
                email=email,
                role=Membership.Role.VIEWER,
                invited_by=administrator,
            )
            outcomes.append("made")
        except invitations.PeopleRefused as refusal:
            outcomes.append(refusal.reason)
        finally:
            connection.close()

    threads = [threading.Thread(target=invite) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
@pytest.mark.django_db(transaction=True)
def test_concurrent_invitations_to_one_address_make_one_and_refuse_the_other_clearly(
    partnership, administrator, mailoutbox
):
    for round_number in range(10):
        email = f"racer{round_number}@example.org"

        outcomes = _race_to_invite(partnership, administrator, email)

        assert outcomes == [
            f"An invitation to {email} is already waiting. Send it again from the people page "
            "if it has gone astray",
            "made",
        ]
        assert Invitation.objects.filter(email=email).count() == 1
    assert len(mailoutbox) == 10


def _mail_server_down(self, *args, **kwargs) -> int:
    raise ConnectionRefusedError("The mail server is not answering.")


@pytest.mark.django_db(transaction=True)
def test_no_invitation_is_left_behind_when_the_email_cannot_be_sent(
    client, administrator, partnership, monkeypatch
):
    monkeypatch.setattr(EmailMultiAlternatives, "send", _mail_server_down)
    client.force_login(administrator)

    response = client.post(
        _url("person_add", partnership), {"email": "new@example.org", "role": "viewer"}
    )

    assert response.status_code == 200
    assert "We could not send the email to new@example.org" in response.content.decode()
    assert not Invitation.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_resend_that_cannot_be_sent_leaves_the_earlier_link_working(
    client, administrator, partnership, monkeypatch
):
    invitation, token = _open_invitation(partnership, administrator)
    monkeypatch.setattr(EmailMultiAlternatives, "send", _mail_server_down)
    client.force_login(administrator)

    response = client.post(_url("invitation_resend", partnership, invitation.pk), follow=True)

    assert "We could not send the email to new@example.org" in response.content.decode()
    client.logout()
    assert client.get(_link(token)).status_code == 200


# Answering


def test_a_new_person_makes_an_account_as_they_accept(
    client, partnership, administrator, mailoutbox
):
    invitation, token = _open_invitation(partnership, administrator, role="reviewer")

    response = client.post(
        _link(token),
        {
            "username": "jo",
            "first_name": "Jo",
            "last_name": "Bloggs",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
        follow=True,
    )

    jo = User.objects.get(username="jo")
    assert (jo.email, jo.get_full_name()) == ("new@example.org", "Jo Bloggs")
    assert jo.check_password(NEW_PASSWORD)
    assert jo.memberships.get().role == Membership.Role.REVIEWER
    assert response.context["user"] == jo
    assert f"You have joined {partnership.name} as reviewer" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.accepted_by == jo


def test_a_weak_password_is_refused_beside_the_field_and_typed_values_are_kept(
    client, partnership, administrator
):
    invitation, token = _open_invitation(partnership, administrator)

    response = client.post(
        _link(token),
        {
            "username": "jo",
            "first_name": "Jo",
            "last_name": "Bloggs",
            "password1": "password",
            "password2": "password",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    password_group = page[page.index('id="div_id_password1"') : page.index('id="div_id_password2"')]
    assert "This password is too common" in password_group
    assert 'value="jo"' in page
    assert 'value="Bloggs"' in page
    assert not User.objects.filter(username="jo").exists()
    assert Invitation.objects.open().filter(pk=invitation.pk).exists()


def test_a_password_like_the_invited_email_is_refused(client, partnership, administrator):
    _, token = _open_invitation(partnership, administrator, email="jo.bloggs.runner@example.org")

    response = client.post(
        _link(token),
        {
            "username": "jo",
            "first_name": "Jo",
            "last_name": "Bloggs",
            "password1": "jo.bloggs.runner",
            "password2": "jo.bloggs.runner",
        },
    )

    assert "The password is too similar to the email address" in response.content.decode()
    assert not User.objects.filter(username="jo").exists()


def test_a_taken_username_and_different_passwords_are_refused_beside_the_fields(
    client, partnership, administrator
):
    _, token = _open_invitation(partnership, administrator)

    response = client.post(
        _link(token),
        {
            "username": "Administrator",
            "first_name": "",
            "last_name": "Bloggs",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD + "x",
        },
    )

    page = response.content.decode()
    assert "That username is taken. Choose another" in page
    assert "Enter your first name" in page
    assert "The two passwords are not the same" in page
    assert User.objects.filter(username__iexact="administrator").count() == 1


def test_a_username_taken_a_moment_ago_is_refused_and_no_account_is_made(
    partnership, administrator
):
    invitation, _ = _open_invitation(partnership, administrator)

    with pytest.raises(invitations.UsernameTaken):
        invitations.invitation_accept_with_new_account(
            invitation=invitation,
            username="administrator",
            first_name="Jo",
            last_name="Bloggs",
            password=NEW_PASSWORD,
        )

    assert User.objects.filter(email="new@example.org").count() == 0
    assert Invitation.objects.open().filter(pk=invitation.pk).exists()


def test_an_invitation_withdrawn_while_the_account_was_being_made_leaves_no_account(
    partnership, administrator
):
    invitation, _ = _open_invitation(partnership, administrator)
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())

    with pytest.raises(invitations.PeopleRefused, match="withdrawn"):
        invitations.invitation_accept_with_new_account(
            invitation=invitation,
            username="jo",
            first_name="Jo",
            last_name="Bloggs",
            password=NEW_PASSWORD,
        )

    assert not User.objects.filter(username="jo").exists()


def test_someone_already_in_the_partnership_is_told_so_and_keeps_their_role(
    client, partnership, administrator, editor
):
    invitation, token = _open_invitation(partnership, administrator, email="other@example.org")
    client.force_login(editor)

    response = client.post(_link(token))

    assert response.status_code == 200
    assert "You already have a role in" in response.content.decode()
    assert editor.memberships.get().role == Membership.Role.EDITOR
    assert Invitation.objects.open().filter(pk=invitation.pk).exists()


def test_the_invitation_can_be_declined_without_an_account(
    client, partnership, administrator, loner
):
    invitation, token = _open_invitation(partnership, administrator)

    response = client.post(reverse("plans:invitation_decline", args=[token]), follow=True)

    assert "You have declined the invitation" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.declined_at is not None
    assert "was declined" in client.get(_link(token)).content.decode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"expires_at": timezone.now() - datetime.timedelta(minutes=1)}, "has expired"),
        ({"revoked_at": timezone.now()}, "has been withdrawn"),
        ({"accepted_at": timezone.now()}, "has already been accepted"),
        ({"declined_at": timezone.now()}, "was declined"),
    ],
    ids=["expired", "withdrawn", "used", "declined"],
)
def test_a_link_that_no_longer_works_says_why_and_joins_nobody(
    client, partnership, administrator, loner, change, message
):
    invitation, token = _open_invitation(partnership, administrator, email="loner@example.org")
    Invitation.objects.filter(pk=invitation.pk).update(**change)
    client.force_login(loner)

    shown = client.get(_link(token))
    accepted = client.post(_link(token))
    declined = client.post(reverse("plans:invitation_decline", args=[token]))

    for response in (shown, accepted, declined):
        assert response.status_code == 410
        assert message in response.content.decode()
    assert not loner.memberships.exists()


def test_a_wrong_link_is_told_nothing(client, partnership, administrator, loner):
    _open_invitation(partnership, administrator)
    client.force_login(loner)

    assert client.get(_link("not-the-token")).status_code == 404
    assert client.post(_link("not-the-token")).status_code == 404
    assert client.post(reverse("plans:invitation_decline", args=["nope"])).status_code == 404


def test_the_invitation_page_is_not_cached_answers_head_and_refuses_other_methods(
    client, partnership, administrator
):
    _, token = _open_invitation(partnership, administrator)

    assert "no-store" in client.get(_link(token))["Cache-Control"]
    assert client.head(_link(token)).status_code == 200
    assert client.put(_link(token)).status_code == 405
    assert client.get(reverse("plans:invitation_decline", args=[token])).status_code == 405


def test_an_anonymous_visitor_is_offered_to_sign_in_and_come_back(
    client, partnership, administrator
):
    _, token = _open_invitation(partnership, administrator)

    page = client.get(_link(token)).content.decode()

    assert f"{reverse('login')}?next=/plans/invitations/{token}/" in page
    assert "Make my account and join" in page


# The administrator's side: waiting invitations, sending again, withdrawing


def test_the_people_page_lists_waiting_invitations(client, partnership, administrator):
    _open_invitation(partnership, administrator, email="waiting@example.org")
    _open_invitation(
        partnership,
        administrator,
        email="late@example.org",
        expires_at=timezone.now() - datetime.timedelta(days=1),
    )
    _open_invitation(
        partnership, administrator, email="answered@example.org", declined_at=timezone.now()
    )
    client.force_login(administrator)

    page = client.get(_url("partnership_manage", partnership)).content.decode()

    assert "waiting@example.org" in page
    assert "late@example.org" in page
    assert "Expired" in page
    assert "answered@example.org" not in page


def test_the_people_page_query_count_does_not_grow_with_invitations(
    client, partnership, administrator, task_group, django_assert_max_num_queries
):
    for number in range(10):
        invitation, _ = _open_invitation(
            partnership, administrator, email=f"person{number}@example.org", role="editor"
        )
        invitation.task_groups.add(task_group)
    client.force_login(administrator)

    with django_assert_max_num_queries(14):
        client.get(_url("partnership_manage", partnership))


def test_sending_again_gives_a_fresh_link_and_the_old_one_stops_working(
    client, partnership, administrator, mailoutbox, django_capture_on_commit_callbacks
):
    invitation, token = _open_invitation(
        partnership, administrator, expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    client.force_login(administrator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("invitation_resend", partnership, invitation.pk), follow=True)

    assert "We have sent the invitation to new@example.org again" in response.content.decode()
    fresh = _token(mailoutbox[0])
    assert fresh != token
    client.logout()
    assert client.get(_link(token)).status_code == 404
    assert client.get(_link(fresh)).status_code == 200


def test_withdrawing_an_invitation_stops_its_link(client, partnership, administrator):
    invitation, token = _open_invitation(partnership, administrator)
    client.force_login(administrator)

    response = client.post(_url("invitation_revoke", partnership, invitation.pk), follow=True)

    assert "The invitation to new@example.org is withdrawn" in response.content.decode()
    assert "has been withdrawn" in client.get(_link(token)).content.decode()


def test_an_answered_invitation_cannot_be_withdrawn_or_sent_again(
    client, partnership, administrator, loner, mailoutbox
):
    invitation, _ = _open_invitation(
        partnership, administrator, accepted_at=timezone.now(), accepted_by=loner
    )
    client.force_login(administrator)

    revoked = client.post(_url("invitation_revoke", partnership, invitation.pk), follow=True)
    resent = client.post(_url("invitation_resend", partnership, invitation.pk), follow=True)

    assert "has already been answered, so it cannot be withdrawn" in revoked.content.decode()
    assert "cannot be sent again" in resent.content.decode()
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    assert mailoutbox == []


@pytest.mark.parametrize("name", ["invitation_resend", "invitation_revoke"])
def test_another_partnerships_administrator_cannot_touch_the_invitation(
    client, partnership, administrator, outsider, other_partnership, name
):
    invitation, _ = _open_invitation(partnership, administrator)
    client.force_login(outsider)

    assert client.post(_url(name, partnership, invitation.pk)).status_code == 404
    assert client.post(_url(name, other_partnership, invitation.pk)).status_code == 404
    assert (
        "new@example.org"
        not in client.get(_url("partnership_manage", other_partnership)).content.decode()
    )
    assert Invitation.objects.open().filter(pk=invitation.pk, revoked_at=None).exists()


@pytest.mark.parametrize("name", ["invitation_resend", "invitation_revoke"])
def test_invitation_changes_follow_the_house_rules(
    client, request, partnership, administrator, name
):
    invitation, _ = _open_invitation(partnership, administrator)
    url = _url(name, partnership, invitation.pk)

    anonymous = client.post(url)
    assert anonymous.status_code == 302
    assert anonymous.url.startswith(reverse("login"))
    for role in ("editor", "reviewer", "viewer"):
        client.force_login(request.getfixturevalue(role))
        refused = client.post(url)
        assert refused.status_code == 403
        assert "Only the partnership’s administrators" in refused.content.decode()
    client.force_login(administrator)
    assert client.get(url).status_code == 405
    assert Invitation.objects.open().filter(pk=invitation.pk, revoked_at=None).exists()


# Nothing shows the email of someone outside the administrator's partnerships


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href and href.startswith("/"):
            self.hrefs.append(href.split("#")[0])


def _reachable_pages(client, starts: list[str], limit: int = 150) -> dict[str, str]:
    """Every page reachable by links from the starting pages, by address."""
    pages: dict[str, str] = {}
    queue = list(starts)
    while queue and len(pages) < limit:
        url = queue.pop(0)
        # PDFs repeat the plan page's content and take seconds each; signing out ends the walk.
        if url in pages or url.startswith(("/static/", reverse("logout"))) or "pdf" in url:
            continue
        response = client.get(url, follow=True)
        pages[url] = response.content.decode(errors="replace")
        parser = _Links()
        parser.feed(pages[url])
        queue.extend(parser.hrefs)
    return pages


def test_no_page_an_administrator_reaches_shows_an_outsiders_email_or_account(
    invite, client, action, editor, outsider, loner, mailoutbox
):
    # The administrator invites the loner's address: they typed it, but learn nothing more.
    invite("loner@example.org", follow=True)

    plan = action.priority.plan
    pages = _reachable_pages(
        client,
        [
            reverse("home"),
            reverse("plans:index"),
            reverse("plans:plan_detail", args=[plan.partnership.slug, plan.slug]),
            reverse("plans:review_summary", args=[plan.partnership.slug, plan.slug]),
            reverse("plans:plan_changes", args=[plan.partnership.slug, plan.slug]),
        ],
    )

    assert len(pages) > 15
    assert reverse("plans:partnership_manage", args=[plan.partnership.slug]) in pages
    assert any("editor@example.org" in page for page in pages.values())
    for url, page in pages.items():
        for secret in ("outsider@example.org", "l0ner-account", "Lonely", "Nobodyknows"):
            assert secret not in page, f"{secret} shown on {url}"
