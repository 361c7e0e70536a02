"""Fixtures shared by every test module: a partnership with a draft plan, a user per role,
and an outsider who belongs to another partnership."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache

from indicators.models import Indicator, IndicatorSet
from plans.models import Group, Membership, Organisation, Partnership, PartnershipOrganisation, Plan
from priorities.models import Action, ActionLeadPartner, Priority

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def empty_cache():
    """Cached public pages, and password reset limits when REDIS_URL is set, live in caches
    that outlast a test's database: every test starts and ends with them empty. (The database
    cache used without Redis is emptied with the test's transaction.)"""
    outlasting = [cache]
    if not isinstance(caches["limits"], DatabaseCache):
        outlasting.append(caches["limits"])
    for each in outlasting:
        each.clear()
    yield
    for each in outlasting:
        each.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """Hashing a password properly takes a noticeable fraction of a second by design; tests
    create many users and check no hash strength, so they use a fast hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def partnership() -> Partnership:
    return Partnership.objects.create(
        name="Carlisle and Eden Crime and Disorder Reduction Partnership",
        short_name="CDRP",
        slug="carlisle-eden",
        area="Carlisle and Eden",
    )


@pytest.fixture
def other_partnership() -> Partnership:
    return Partnership.objects.create(
        name="West Cumbria Community Safety Partnership",
        short_name="West Cumbria CSP",
        slug="west-cumbria",
        area="Allerdale and Copeland",
    )


@pytest.fixture
def police() -> Organisation:
    return Organisation.objects.create(
        name="Cumbria Constabulary", short_name="Cumbria Police", kind=Organisation.Kind.POLICE
    )


@pytest.fixture
def council() -> Organisation:
    return Organisation.objects.create(name="Carlisle City Council", kind=Organisation.Kind.COUNCIL)


@pytest.fixture
def task_group(partnership: Partnership) -> Group:
    return Group.objects.create(
        partnership=partnership,
        name="Anti-Social Behaviour and Criminal Damage Task Group",
        kind=Group.Kind.TASK,
        chair_name="Pat Chair",
        chair_email="chair@example.org",
    )


@pytest.fixture
def national_indicators() -> IndicatorSet:
    indicator_set = IndicatorSet.objects.create(
        name="National Indicator Set", slug="ni", is_national=True
    )
    for code, title in [
        ("NI 17", "Perceptions of anti-social behaviour"),
        ("NI 21", "Dealing with local concerns about anti-social behaviour and crime"),
        ("NI 41", "Perceptions of drunk or rowdy behaviour as a problem"),
    ]:
        Indicator.objects.create(indicator_set=indicator_set, code=code, title=title)
    return indicator_set


@pytest.fixture
def plan(partnership: Partnership, police: Organisation, council: Organisation) -> Plan:
    for organisation in (police, council):
        PartnershipOrganisation.objects.create(
            partnership=partnership,
            organisation=organisation,
            role=PartnershipOrganisation.Role.RESPONSIBLE_AUTHORITY,
        )
    return Plan.objects.create(
        partnership=partnership,
        title="Partnership Plan",
        slug="2010-11",
        start_year=2010,
        end_year=2011,
        status=Plan.Status.DRAFT,
    )


@pytest.fixture
def priority(plan: Plan, task_group: Group) -> Priority:
    return Priority.objects.create(
        plan=plan,
        order=1,
        title="Anti-Social Behaviour and Criminal Damage",
        aim="To contribute to a high quality of life for all.",
        task_group=task_group,
    )


@pytest.fixture
def action(priority: Priority, police: Organisation, national_indicators: IndicatorSet) -> Action:
    action = Action.objects.create(
        priority=priority,
        order=1,
        text="Support the use of mediation services for early intervention in ASB disputes.",
        review_date=datetime.date(2010, 9, 30),
    )
    ActionLeadPartner.objects.create(
        action=action, order=1, kind=ActionLeadPartner.Kind.ORGANISATION, organisation=police
    )
    action.indicators.set(national_indicators.indicators.filter(code__in=["NI 17", "NI 21"]))
    return action


def _member(username: str, partnership: Partnership, role: str) -> User:
    user = User.objects.create_user(
        username=username, email=f"{username}@example.org", password=PASSWORD
    )
    Membership.objects.create(user=user, partnership=partnership, role=role)
    return user


@pytest.fixture
def administrator(partnership: Partnership) -> User:
    return _member("administrator", partnership, Membership.Role.ADMINISTRATOR)


@pytest.fixture
def editor(partnership: Partnership, task_group: Group) -> User:
    user = _member("editor", partnership, Membership.Role.EDITOR)
    user.memberships.get().task_groups.add(task_group)
    return user


@pytest.fixture
def reviewer(partnership: Partnership) -> User:
    return _member("reviewer", partnership, Membership.Role.REVIEWER)


@pytest.fixture
def viewer(partnership: Partnership) -> User:
    return _member("viewer", partnership, Membership.Role.VIEWER)


@pytest.fixture
def outsider(other_partnership: Partnership) -> User:
    return _member("outsider", other_partnership, Membership.Role.ADMINISTRATOR)


@pytest.fixture
def superuser() -> User:
    return User.objects.create_superuser(
        username="support", email="support@example.org", password=PASSWORD
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run last. Playwright keeps an event loop running in the test thread from
    its first test to the end of the session, and Django cannot call an async view (the
    health checks of /health/) from a thread with a running loop."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
