from django.urls import path

from indicators import target_views
from plans import plan_detail_views, plan_list_views, section_views, subsection_views
from priorities import priority_views, views
from priorities.spreadsheets import views as spreadsheet_views

app_name = "priorities"

urlpatterns = [
    path("plan/<int:pk>/", views.plan_detail, name="plan"),
    path("plan/<int:pk>/sections/", section_views.section_list, name="sections"),
    path("plan/<int:pk>/sections/add/", section_views.section_add, name="section_add"),
    path("section/<int:pk>/edit/", section_views.section_edit, name="section_edit"),
    path("section/<int:pk>/move/", section_views.section_move, name="section_move"),
    path("section/<int:pk>/remove/", section_views.section_remove, name="section_remove"),
    # A draft plan's lists: related strategies, the partnership's glossary, the budget
    path("plan/<int:pk>/strategies/", plan_list_views.strategy_list, name="strategies"),
    path("plan/<int:pk>/strategies/add/", plan_list_views.strategy_add, name="strategy_add"),
    path(
        "plan/<int:pk>/strategies/add-many/",
        plan_list_views.strategy_add_many,
        name="strategy_add_many",
    ),
    path("strategy/<int:pk>/edit/", plan_list_views.strategy_edit, name="strategy_edit"),
    path("strategy/<int:pk>/move/", plan_list_views.strategy_move, name="strategy_move"),
    path("strategy/<int:pk>/remove/", plan_list_views.strategy_remove, name="strategy_remove"),
    path("plan/<int:pk>/glossary/", plan_list_views.glossary_list, name="glossary"),
    path("plan/<int:pk>/glossary/add/", plan_list_views.term_add, name="term_add"),
    path("plan/<int:pk>/glossary/add-many/", plan_list_views.term_add_many, name="term_add_many"),
    path("plan/<int:plan_pk>/term/<int:pk>/edit/", plan_list_views.term_edit, name="term_edit"),
    path(
        "plan/<int:plan_pk>/term/<int:pk>/remove/",
        plan_list_views.term_remove,
        name="term_remove",
    ),
    path("plan/<int:pk>/budget/", plan_list_views.budget_list, name="budget"),
    path("plan/<int:pk>/budget/add/", plan_list_views.budget_line_add, name="budget_line_add"),
    path("budget-line/<int:pk>/edit/", plan_list_views.budget_line_edit, name="budget_line_edit"),
    path("budget-line/<int:pk>/move/", plan_list_views.budget_line_move, name="budget_line_move"),
    path(
        "budget-line/<int:pk>/remove/",
        plan_list_views.budget_line_remove,
        name="budget_line_remove",
    ),
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
    path(
        "section/<int:pk>/subsections/add/",
        subsection_views.subsection_add,
        name="subsection_add",
    ),
    path("subsection/<int:pk>/edit/", subsection_views.subsection_edit, name="subsection_edit"),
    path("subsection/<int:pk>/move/", subsection_views.subsection_move, name="subsection_move"),
    path(
        "subsection/<int:pk>/remove/",
        subsection_views.subsection_remove,
        name="subsection_remove",
    ),
    path("plan/<int:pk>/details/", plan_detail_views.plan_details_edit, name="plan_details"),
    path("plan/<int:pk>/cover/", plan_detail_views.plan_cover_edit, name="plan_cover"),
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

# A draft plan's local targets: its tables and each table's grid of figures
urlpatterns += [
    path("plan/<int:pk>/targets/", target_views.target_list, name="targets"),
    path("plan/<int:pk>/targets/add/", target_views.measure_add, name="target_measure_add"),
    path("targets/<int:pk>/edit/", target_views.measure_edit, name="target_measure_edit"),
    path("targets/<int:pk>/move/", target_views.measure_move, name="target_measure_move"),
    path("targets/<int:pk>/remove/", target_views.measure_remove, name="target_measure_remove"),
    path("targets/<int:pk>/figures/", target_views.target_grid, name="target_grid"),
]

# Action plans as spreadsheets: a plan's or a task group's, downloaded and imported back
urlpatterns += [
    path(
        "plan/<int:pk>/actions.<str:kind>",
        spreadsheet_views.spreadsheet_export,
        name="spreadsheet_export",
    ),
    path(
        "plan/<int:pk>/task-group/<int:group_pk>/actions.<str:kind>",
        spreadsheet_views.task_group_spreadsheet_export,
        name="task_group_spreadsheet_export",
    ),
    path(
        "plan/<int:pk>/actions/import/",
        spreadsheet_views.spreadsheet_upload,
        name="spreadsheet_import",
    ),
    path(
        "spreadsheet-import/<int:pk>/",
        spreadsheet_views.spreadsheet_import_preview,
        name="spreadsheet_import_preview",
    ),
]
