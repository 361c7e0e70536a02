"""Writes that span several models: each one whole or not at all."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from plans.models import Plan, PublishedCopy
from plans.publishing import published_copy_create


def plan_publish(*, plan: Plan, user: AbstractBaseUser | None) -> PublishedCopy:
    """Publish a plan and store its page and PDFs as they are at this moment.

    The copy is rendered after the status changes, so it carries no DRAFT mark; if rendering
    fails the plan stays unpublished.
    """
    with transaction.atomic():
        plan = Plan.objects.select_for_update().select_related("partnership").get(pk=plan.pk)
        plan.status = Plan.Status.PUBLISHED
        plan.save()
        return published_copy_create(plan=plan, user=user)
