"""A plan downloaded as a Word document, for any member of its partnership: to edit with
partners who have no account, draft or published."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from plans.permissions import get_plan_for_user
from plans.word.export import DOCX_CONTENT_TYPE, plan_word_file


@require_safe
@login_required
def plan_word(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request, pk)
    response = HttpResponse(plan_word_file(plan), content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="{plan.partnership.slug}-{plan.slug}.docx"'
    )
    # The plan as it stands now, and perhaps a draft: kept by no cache along the way.
    response["Cache-Control"] = "private, no-store"
    return response
