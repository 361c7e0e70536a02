from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from cspplan import views
from cspplan.health import health

handler403 = "cspplan.errors.permission_denied"

admin.site.site_header = "cspplan administration"
admin.site.site_title = "cspplan"
admin.site.index_title = "Partnerships, plans and indicators"

urlpatterns = [
    path("", views.home, name="home"),
    path("changes/", views.changes, name="changes"),
    path("sign-in/", views.sign_in, name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # For monitors and load balancers: no sign-in, and nothing but check names and reasons.
    path("health/", health, name="health"),
    path("admin/", admin.site.urls),
    path("actions/", include("priorities.urls")),
    path("plans/", include("plans.urls")),
]
