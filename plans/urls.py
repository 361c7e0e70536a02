from django.urls import path

from plans import review_urls, views

app_name = "plans"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:partnership_slug>/<slug:plan_slug>/", views.plan_detail, name="plan_detail"),
    path("<slug:partnership_slug>/<slug:plan_slug>/pdf/", views.plan_pdf, name="plan_pdf"),
    path(
        "<slug:partnership_slug>/<slug:plan_slug>/large-print.pdf",
        views.plan_large_print_pdf,
        name="plan_large_print_pdf",
    ),
] + review_urls.urlpatterns
