from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from plans.models import Plan


def home(request: HttpRequest) -> HttpResponse:
    plans = Plan.objects.visible_to(request.user).select_related("partnership")
    return render(request, "home.html", {"plans": plans})
