"""Priorities, aims and actions in the admin, so a support officer can write a plan alone."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count, Prefetch, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.functional import cached_property
from simple_history.models import is_historic

from cspplan.admin_history import HistoryAdmin
from cspplan.forms import RefuseControlCharacters, SafeInputAdmin
from indicators.models import Indicator
from plans.admin_deletion import RefusesDeletionInUse, priority_deletion_refusal
from plans.admin_workflow import DraftPlanContentOnly, DraftPlanContentOnlyInline
from plans.models import Plan
from plans.written_dates import WrittenDateField, review_date_fields
from priorities.admin_filters import (
    IndicatorFilter,
    ReviewDateFilter,
    WithinChosenPartnershipFilter,
)
from priorities.admin_widgets import IndicatorsAutocomplete, LabelledTabularInline
from priorities.models import (
    Action,
    ActionLeadPartner,
    Aim,
    Priority,
    ProgressUpdate,
    ReviewComment,
    ReviewReminder,
)
from priorities.search import matching_action_ids
from priorities.services import aim_delete

COMPACT_TEXTAREA = forms.Textarea(attrs={"rows": 2, "cols": 60})


class PriorityAdminForm(RefuseControlCharacters, forms.ModelForm):
    """Also used for the priorities inline of a plan, where the plan is the page's own."""

    class Meta:
        model = Priority
        fields = [
            "plan",
            "order",
            "title",
            "task_group",
            "lead_officer",
            "is_cross_cutting",
            "background",
            "aim",
            "measuring_performance",
            "measuring_difficulties",
        ]

    def clean(self) -> dict:
        cleaned_data = super().clean()
        plan = cleaned_data.get("plan")
        task_group = cleaned_data.get("task_group")
        if plan and task_group and task_group.partnership_id != plan.partnership_id:
            self.add_error("task_group", "Choose a task group of the plan's own partnership.")
        return cleaned_data


class AimInlineFormSet(BaseInlineFormSet):
    user = None

    def delete_existing(self, obj: Aim, commit: bool = True) -> None:
        # The database would unlink the aim's actions with no trace in their history.
        if commit:
            aim_delete(aim=obj, user=self.user)


class AimInline(DraftPlanContentOnlyInline, SafeInputAdmin, LabelledTabularInline):
    parent_plan_path = "plan"
    model = Aim
    formset = AimInlineFormSet
    extra = 0
    fields = ["order", "title", "baseline_data", "agencies"]
    formfield_overrides = {models.TextField: {"widget": COMPACT_TEXTAREA}}

    def get_formset(self, request: HttpRequest, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.user = request.user
        return formset


class ActionInlineFormSet(BaseInlineFormSet):
    """Actions typed on their priority's page, which may be new and not yet have a plan."""

    @cached_property
    def aim_choices(self) -> list[tuple[int | str, str]]:
        """One query for every row's list; a priority being added has no aims yet."""
        aims = Aim.objects.filter(priority_id=self.instance.pk)
        return [("", "---------"), *((aim.pk, str(aim)) for aim in aims)]

    def add_fields(self, form: forms.ModelForm, index: int | None) -> None:
        super().add_fields(form, index)
        if "aim" in form.fields:
            form.fields["aim"].queryset = Aim.objects.filter(priority_id=self.instance.pk)
            form.fields["aim"].choices = self.aim_choices


class WrittenReviewDateAdminForm(RefuseControlCharacters, forms.ModelForm):
    """The review date typed as the plan writes it ("July 2009", "Q3 2010/11"), kept as its
    last day with the precision and "By" it was written with."""

    review_date = WrittenDateField(label="Review date", required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.review_date is not None:
            self.initial["review_date"] = self.instance.written_review_date

    def clean_review_date(self):
        fields = review_date_fields(self.cleaned_data.get("review_date"))
        self.instance.review_date_precision = fields["review_date_precision"]
        self.instance.review_date_by = fields["review_date_by"]
        return fields["review_date"]


class ActionInline(DraftPlanContentOnlyInline, SafeInputAdmin, LabelledTabularInline):
    """The actions of a priority, compact; each has its own page for partners and progress."""

    parent_plan_path = "plan"
    model = Action
    form = WrittenReviewDateAdminForm
    formset = ActionInlineFormSet
    extra = 0
    fields = ["order", "text", "aim", "review_date", "status", "rag"]
    formfield_overrides = {models.TextField: {"widget": COMPACT_TEXTAREA}}
    show_change_link = True


@admin.register(Priority)
class PriorityAdmin(DraftPlanContentOnly, RefusesDeletionInUse, HistoryAdmin):
    form = PriorityAdminForm
    list_display = ["title", "plan", "order", "task_group", "is_cross_cutting", "action_count"]
    list_filter = [
        "plan__partnership",
        "plan",
        ("task_group", admin.RelatedOnlyFieldListFilter),
        "is_cross_cutting",
    ]
    list_select_related = ["plan", "task_group"]
    search_fields = ["title", "aim", "lead_officer", "plan__title"]
    autocomplete_fields = ["plan", "task_group"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "plan",
                    ("order", "label", "title"),
                    ("task_group", "lead_officer"),
                    "is_cross_cutting",
                ]
            },
        ),
        ("Background and aim", {"fields": ["background", "aim"]}),
        (
            "Measuring our performance",
            {"fields": ["measuring_performance", "measuring_difficulties"]},
        ),
    ]
    inlines = [AimInline, ActionInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Priority]:
        return super().get_queryset(request).annotate(action_count=Count("actions"))

    @admin.display(description="actions", ordering="action_count")
    def action_count(self, priority: Priority) -> int:
        return priority.action_count

    def deletion_refusal(self, obj: Priority) -> str | None:
        return priority_deletion_refusal(obj)

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is Action:
            _raise_versions_of_changed_actions(formset)
        super().save_formset(request, form, formset, change)


def _raise_versions_of_changed_actions(formset: BaseInlineFormSet) -> None:
    """Editors' pages compare versions, so an admin change must not go unnoticed there."""
    for action_form in formset.initial_forms:
        if action_form.has_changed() and action_form.instance.pk:
            action_form.instance.version += 1


@admin.register(Aim)
class AimAdmin(DraftPlanContentOnly, HistoryAdmin):
    plan_path = "priority.plan"
    list_display = ["title", "priority", "order"]
    list_filter = ["priority__plan__partnership", "priority__plan"]
    list_select_related = ["priority"]
    search_fields = ["title", "priority__title"]
    autocomplete_fields = ["priority"]

    def delete_model(self, request: HttpRequest, obj: Aim) -> None:
        aim_delete(aim=obj, user=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Aim]) -> None:
        for aim in queryset:
            aim_delete(aim=aim, user=request.user)


class LeadPartnerForm(RefuseControlCharacters, forms.ModelForm):
    class Meta:
        model = ActionLeadPartner
        fields = ["action", "order", "kind", "organisation", "group", "printed_as"]

    def clean(self) -> dict:
        cleaned_data = super().clean()
        action = cleaned_data.get("action")
        group = cleaned_data.get("group")
        plan = action.priority.plan if action and action.priority_id else None
        if group and plan and group.partnership_id != plan.partnership_id:
            self.add_error("group", "Choose a group of the action's own partnership.")
        return cleaned_data


class LeadPartnerInline(DraftPlanContentOnlyInline, SafeInputAdmin, LabelledTabularInline):
    parent_plan_path = "priority.plan"
    model = ActionLeadPartner
    form = LeadPartnerForm
    extra = 0
    fields = ["order", "kind", "organisation", "group", "printed_as"]
    autocomplete_fields = ["organisation", "group"]
    ordering = ["order"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ActionLeadPartner]:
        return super().get_queryset(request).select_related("organisation", "group")


class ProgressUpdateInline(SafeInputAdmin, LabelledTabularInline):
    model = ProgressUpdate
    extra = 0
    fields = ["reported_on", "rag", "note", "author"]
    autocomplete_fields = ["author"]
    formfield_overrides = {models.TextField: {"widget": COMPACT_TEXTAREA}}


def _forget_deleted_relations(instance: models.Model, names: list[str]) -> list[str]:
    """A version from the history may point at rows deleted since; the officer picks anew."""
    forgotten = []
    for name in names:
        field = instance._meta.get_field(name)
        related_id = getattr(instance, field.attname)
        if related_id and not field.related_model._default_manager.filter(pk=related_id).exists():
            setattr(instance, field.attname, None)
            forgotten.append(name)
    return forgotten


class ActionAdminForm(WrittenReviewDateAdminForm):
    """Carries the version the officer opened, so a change made meanwhile is not overwritten."""

    class Meta:
        model = Action
        fields = [
            "priority",
            "aim",
            "order",
            "text",
            "element",
            "version",
            "baseline_data",
            "review_date",
            "funding_stream",
            "indicators",
            "status",
            "rag",
            "carried_from",
        ]
        widgets = {"version": forms.HiddenInput}

    def __init__(self, *args, **kwargs) -> None:
        instance = kwargs.get("instance")
        forgotten = []
        if instance is not None and is_historic(instance):
            forgotten = _forget_deleted_relations(instance, ["priority", "aim", "carried_from"])
        super().__init__(*args, **kwargs)
        if "priority" in forgotten:
            self.fields["priority"].error_messages["required"] = (
                "Its priority has been deleted since. Recover that priority first, or choose "
                "another."
            )

    def clean_version(self) -> int:
        version = self.cleaned_data["version"]
        # Reverting to a version from the history replaces later changes on purpose.
        if self.instance.pk and not is_historic(self.instance):
            # The admin saves inside one transaction with this check, so the rows stay locked
            # (plan, then action, the order every change takes) until this save, or a restore
            # of a removed action, has committed: nothing saved in between is overwritten.
            Plan.objects.select_for_update().filter(
                pk__in=Priority.objects.filter(actions=self.instance.pk).values("plan_id")
            ).first()
            saved = (
                Action.objects.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("version", flat=True)
            )
            if saved and saved[0] != version:
                raise forms.ValidationError(
                    "Someone else changed this action since you opened it. Open it again to "
                    "see their change, then make yours."
                )
        return version


@admin.register(Action)
class ActionAdmin(DraftPlanContentOnly, HistoryAdmin):
    plan_path = "priority.plan"
    form = ActionAdminForm
    list_display = [
        "action_text",
        "priority",
        "plan",
        "lead_partner_names",
        "review_date",
        "status",
        "rag",
    ]
    list_filter = [
        ReviewDateFilter,
        "status",
        "rag",
        "priority__plan__partnership",
        ("priority__plan", WithinChosenPartnershipFilter),
        ("priority__task_group", WithinChosenPartnershipFilter),
        IndicatorFilter,
    ]
    # One count, of what the filters found: counting every action again costs as much.
    show_full_result_count = False
    list_select_related = ["priority__plan__partnership"]
    # By the action's own columns, which an index keeps in order: Meta.ordering sorts through
    # priority, plan and partnership, which at 300,000 actions sorted every matching row.
    ordering = ["priority_id", "order"]
    search_fields = [
        "text",
        "priority__title",
        "lead_partners__printed_as",
        "lead_partners__organisation__name",
        "lead_partners__organisation__short_name",
    ]
    autocomplete_fields = ["priority", "aim", "indicators", "carried_from"]
    fieldsets = [
        (None, {"fields": ["priority", "aim", "order", "text", "element", "version"]}),
        (
            "Delivery",
            {"fields": ["baseline_data", "review_date", "funding_stream", "indicators"]},
        ),
        ("Progress", {"fields": ["status", "rag"]}),
        ("Carried over", {"fields": ["carried_from"]}),
    ]
    inlines = [LeadPartnerInline, ProgressUpdateInline]

    def formfield_for_manytomany(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "indicators":
            kwargs["widget"] = IndicatorsAutocomplete(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Action]:
        # Sorted by its own columns, not through Meta.ordering's joins (see
        # lead_partners_prefetch).
        lead_partners = ActionLeadPartner.objects.select_related("organisation", "group").order_by(
            "action_id", "order"
        )
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("lead_partners", queryset=lead_partners))
        )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Action], search_term: str
    ) -> tuple[QuerySet[Action], bool]:
        """The words as Django searches them (each field through its own index, see
        priorities.search), or a linked indicator's code however it is spaced or cased:
        "NI 17", "NI17" and "ni17" find the same actions."""
        if not search_term.strip():
            return queryset, False
        by_code = (
            Action.indicators.through.objects.filter(
                indicator__in=Indicator.objects.lookup(search_term)
            )
            .order_by()
            .values("action_id")
        )
        return queryset.filter(pk__in=matching_action_ids(search_term, by_code)), False

    @admin.display(description="action", ordering="text")
    def action_text(self, action: Action) -> str:
        return str(action)

    @admin.display(description="plan", ordering="priority__plan")
    def plan(self, action: Action) -> str:
        return str(action.priority.plan)

    @admin.display(description="lead partners")
    def lead_partner_names(self, action: Action) -> str:
        return " / ".join(partner.name for partner in action.lead_partners.all())

    def save_model(self, request, obj, form, change) -> None:
        if change:
            saved = Action.objects.filter(pk=obj.pk).values_list("version", flat=True).first()
            obj.version = max(saved or 0, obj.version) + 1
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is ProgressUpdate:
            for update_form in formset.extra_forms:
                if update_form.has_changed() and update_form.instance.author_id is None:
                    update_form.instance.author = request.user
        super().save_formset(request, form, formset, change)


@admin.register(ActionLeadPartner)
class ActionLeadPartnerAdmin(DraftPlanContentOnly, HistoryAdmin):
    plan_path = "action.priority.plan"
    form = LeadPartnerForm
    list_display = ["__str__", "kind", "action", "order"]
    list_filter = ["kind", "action__priority__plan__partnership"]
    list_select_related = ["organisation", "group", "action__priority__plan__partnership"]
    search_fields = ["printed_as", "organisation__name", "group__name", "action__text"]
    autocomplete_fields = ["action", "organisation", "group"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(HistoryAdmin):
    list_display = ["reported_on", "action", "rag", "author"]
    list_filter = ["rag", "action__priority__plan__partnership"]
    list_select_related = ["action", "author"]
    search_fields = ["note", "action__text"]
    autocomplete_fields = ["action", "author"]
    date_hierarchy = "reported_on"


class ReviewCommentStatusFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", "Open"), ("resolved", "Resolved")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.open()
        if self.value() == "resolved":
            return queryset.filter(parent__isnull=True, resolved_at__isnull=False)
        return queryset


@admin.register(ReviewComment)
class ReviewCommentAdmin(SafeInputAdmin, admin.ModelAdmin):
    list_display = ["body", "plan", "author", "created_at", "resolved_at"]
    list_filter = [ReviewCommentStatusFilter, "plan__partnership", "plan"]
    list_select_related = ["plan", "author"]
    search_fields = ["body", "plan__title", "author__username"]
    autocomplete_fields = ["plan", "section", "priority", "action", "parent"]
    raw_id_fields = ["author", "resolved_by"]
    readonly_fields = ["created_at"]
    fields = [
        "plan",
        ("section", "priority", "action"),
        "parent",
        "author",
        "body",
        "created_at",
        ("resolved_at", "resolved_by"),
    ]


@admin.register(ReviewReminder)
class ReviewReminderAdmin(SafeInputAdmin, admin.ModelAdmin):
    """What the daily reminder command sent: a record, so nobody edits it."""

    list_display = ["recipient_email", "action", "review_date", "sent_on"]
    list_filter = ["sent_on"]
    list_select_related = ["action"]
    search_fields = ["recipient_email", "action__text"]
    date_hierarchy = "sent_on"
    fields = ["action", "recipient_email", "review_date", "sent_on"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
