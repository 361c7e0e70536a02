"""Queued tasks hold the email addresses typed into the password reset form, whether or not
an account has them, so the task queue's own admin pages are taken out of the admin."""

from django.contrib import admin
from django_tasks_db.models import DBTaskResult

admin.site.unregister(DBTaskResult)
