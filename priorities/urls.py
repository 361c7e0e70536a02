from django.urls import path

from priorities import views

app_name = "priorities"

urlpatterns = [
    path("plan/<int:pk>/", views.plan_detail, name="plan"),
    path("priority/<int:pk>/", views.action_plan, name="action_plan"),
    path("priority/<int:pk>/edit/", views.priority_edit, name="priority_edit"),
    path("priority/<int:pk>/add/", views.action_add, name="action_add"),
    path(
        "priority/<int:pk>/suggest/partners/",
        views.partner_suggestions,
        name="partner_suggestions",
    ),
    path(
        "priority/<int:pk>/suggest/indicators/",
        views.indicator_suggestions,
        name="indicator_suggestions",
    ),
    path("<int:pk>/", views.action_detail, name="action"),
    path("<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("<int:pk>/remove/", views.action_remove, name="action_remove"),
    path("<int:pk>/move/", views.action_move, name="action_move"),
    path("<int:pk>/progress/", views.progress_add, name="progress_add"),
]
