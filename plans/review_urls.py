"""Routes of the review concern, joined onto plans/urls.py under each plan's address."""

from django.urls import path

from plans import publication_views, review_views

_PLAN = "<slug:partnership_slug>/<slug:plan_slug>/"

urlpatterns = [
    path(f"{_PLAN}move/<str:to_status>/", review_views.plan_move, name="plan_move"),
    path(
        f"{_PLAN}publishing/<int:pk>/",
        publication_views.publication_progress,
        name="publication_progress",
    ),
    path(f"{_PLAN}review/", review_views.review_summary, name="review_summary"),
    path(f"{_PLAN}next-year/", review_views.plan_refresh, name="plan_refresh"),
    path(f"{_PLAN}changes/", review_views.changes, name="plan_changes"),
    path(
        f"{_PLAN}comments/new/<str:kind>/<int:pk>/",
        review_views.comment_add,
        name="comment_add",
    ),
    path(f"{_PLAN}comments/<int:pk>/reply/", review_views.comment_reply, name="comment_reply"),
    path(
        f"{_PLAN}comments/<int:pk>/resolve/", review_views.comment_resolve, name="comment_resolve"
    ),
    path(f"{_PLAN}comments/<int:pk>/hide/", review_views.comment_hide, name="comment_hide"),
    path(f"{_PLAN}moves/<int:pk>/hide/", review_views.transition_hide, name="transition_hide"),
]
