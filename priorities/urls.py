from django.urls import path

from plans import section_views
from priorities import priority_views, views

app_name = "priorities"

urlpatterns = [
    path("plan/<int:pk>/", views.plan_detail, name="plan"),
    path("plan/<int:pk>/sections/", section_views.section_list, name="sections"),
    path("plan/<int:pk>/sections/add/", section_views.section_add, name="section_add"),
    path("section/<int:pk>/edit/", section_views.section_edit, name="section_edit"),
    path("section/<int:pk>/move/", section_views.section_move, name="section_move"),
    path("section/<int:pk>/remove/", section_views.section_remove, name="section_remove"),
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

# A draft plan's priorities, their aims, and bringing back removed actions
urlpatterns += [
    path("plan/<int:pk>/priorities/add/", priority_views.priority_add, name="priority_add"),
    path("priority/<int:pk>/move/", priority_views.priority_move, name="priority_move"),
    path("priority/<int:pk>/remove/", priority_views.priority_remove, name="priority_remove"),
    path("priority/<int:pk>/aims/add/", priority_views.aim_add, name="aim_add"),
    path("aim/<int:pk>/edit/", priority_views.aim_edit, name="aim_edit"),
    path("aim/<int:pk>/move/", priority_views.aim_move, name="aim_move"),
    path("aim/<int:pk>/remove/", priority_views.aim_remove, name="aim_remove"),
    path("<int:pk>/restore/", priority_views.action_restore, name="action_restore"),
]
