"""The service navigation under the header, worked out once per page for signed-in people."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from plans.models import Membership

# Where cspplan/urls.py mounts the plans and the action plans: pages under either belong to
# "Plans" unless they are a partnership's own pages.
PLAN_PREFIXES = ("/plans/", "/actions/")


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    # "page" when this item is the page shown, "true" when the page lies under it, "" otherwise.
    current: str


def _current(path: str, url: str, *, exact_only: bool = False) -> str:
    if path == url:
        return "page"
    if not exact_only and path.startswith(url):
        return "true"
    return ""


def service_navigation(request: HttpRequest) -> dict[str, SimpleLazyObject]:
    """Lazy, so pages that show no navigation (the admin's, emails) make no query for it."""
    return {"service_navigation": SimpleLazyObject(lambda: navigation_items(request))}


def navigation_items(request: HttpRequest) -> list[NavItem]:
    """Home, Plans, each partnership the person belongs to, and Admin for staff; one query.

    A partnership's item leads administrators to the partnership's page and everyone else to
    its plans on the plans page, the only partnership page they may read."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    path = request.path
    home, plans_url = reverse("home"), reverse("plans:index")
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("partnership")
        .order_by("partnership__name")
    )
    partnership_items = []
    under_a_partnership = False
    for membership in memberships:
        partnership = membership.partnership
        manage_url = reverse("plans:partnership_manage", args=[partnership.slug])
        if user.is_superuser or membership.role == Membership.Role.ADMINISTRATOR:
            current = _current(path, manage_url)
            partnership_items.append(
                NavItem(partnership.short_name or partnership.name, manage_url, current)
            )
            under_a_partnership = under_a_partnership or bool(current)
        else:
            partnership_items.append(
                NavItem(
                    partnership.short_name or partnership.name,
                    f"{plans_url}#partnership-{partnership.slug}",
                    "",
                )
            )
    plans_current = ""
    if not under_a_partnership and path.startswith(PLAN_PREFIXES):
        plans_current = "page" if path == plans_url else "true"
    items = [
        NavItem("Home", home, _current(path, home, exact_only=True)),
        NavItem("Plans", plans_url, plans_current),
        *partnership_items,
    ]
    if user.is_staff:
        admin_url = reverse("admin:index")
        items.append(NavItem("Admin", admin_url, _current(path, admin_url)))
    return items
