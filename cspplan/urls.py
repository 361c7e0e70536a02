from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from cspplan import views

handler403 = "cspplan.errors.permission_denied"

admin.site.site_header = "cspplan administration"
admin.site.site_title = "cspplan"
admin.site.index_title = "Partnerships, plans and indicators"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", auth_views.LoginView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("actions/", include("priorities.urls")),
    path("plans/", include("plans.urls")),
]
