from django.urls import path  # noqa: F401

from plans import views  # noqa: F401

app_name = "plans"

urlpatterns: list = []
