"""Admin widgets and inlines that screen readers can use."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.http import HttpRequest
from django.utils.text import capfirst


class LabelledTabularInline(admin.TabularInline):
    """A table of rows whose inputs are named only by the column heading, which screen readers
    do not connect to them: each input carries its field's name as its aria-label."""

    def get_formset(self, request: HttpRequest, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        for field in formset.form.base_fields.values():
            # Related fields wrap their <select> in a widget that adds the edit links.
            widget = getattr(field.widget, "widget", field.widget)
            widget.attrs.setdefault("aria-label", capfirst(str(field.label)))

        class LabelledFormSet(formset):
            def add_fields(self, form: forms.Form, index: int | None) -> None:
                super().add_fields(form, index)
                if "DELETE" in form.fields:
                    form.fields["DELETE"].widget.attrs["aria-label"] = "Delete this row"

        LabelledFormSet.__name__ = formset.__name__
        return LabelledFormSet


class IndicatorsAutocomplete(AutocompleteSelectMultiple):
    """Select2's "clear all" cross sits inside the list of chosen indicators, where only the
    list's items may be; each chosen indicator keeps its own remove cross."""

    def build_attrs(self, base_attrs: dict, extra_attrs: dict | None = None) -> dict:
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-allow-clear"] = "false"
        return attrs
