"""The admin in which a support officer sets up a partnership and can write a whole plan.

Every rule the models state as a named constraint shows as a field error here: Django checks
those constraints in ModelForms. The forms below add only what it cannot check from one form,
such as rules that span tables (a plan's start against its actions' review dates).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.functional import cached_property

from cspplan.admin_history import HistoryAdmin
from cspplan.forms import RefuseControlCharacters, SafeInputAdmin
from indicators.models import LocalTargetMeasure
from plans import (  # noqa: F401 (they register their pages)
    admin_assessment,
    admin_imports,
    admin_jobs,
    admin_partnership,
    admin_people,
)
from plans.admin_deletion import (
    DeletesDraftPlans,
)
from plans.admin_workflow import (
    MOVE_ACTIONS,
    DraftPlanContentOnly,
    DraftPlanContentOnlyInline,
    PlanTransitionInline,
    RecordReadOnly,
)
from plans.models import (
    BudgetLine,
    DemoPlanSource,
    GlossaryTerm,
    Group,
    Invitation,
    OutlineBlock,
    PartnershipLogo,
    Plan,
    PlanContentVersion,
    PublishedCopy,
    RelatedStrategy,
    Section,
    Subsection,
)
from plans.rich_text import RichTextFormField
from priorities.admin import PriorityAdminForm
from priorities.admin_widgets import LabelledTabularInline
from priorities.models import Priority


class SectionAdminForm(RefuseControlCharacters, forms.ModelForm):
    """The body is written in the rich-text editor and sanitised to one allow-list on save."""

    class Meta:
        model = Section
        fields = [
            "plan", "order", "kind", "placement", "title", "body",
            "signatory_name", "signatory_role",
        ]  # fmt: skip
        field_classes = {"body": RichTextFormField}


class SectionInline(DraftPlanContentOnlyInline, SafeInputAdmin, admin.StackedInline):
    model = Section
    form = SectionAdminForm
    extra = 0
    classes = ["collapse"]
    fields = [
        ("order", "kind", "placement"),
        "title",
        "body",
        ("signatory_name", "signatory_role"),
    ]


class RelatedStrategyInline(DraftPlanContentOnlyInline, SafeInputAdmin, LabelledTabularInline):
    model = RelatedStrategy
    extra = 0
    fields = ["order", "title", "owner", "url"]


class BudgetLineInline(DraftPlanContentOnlyInline, SafeInputAdmin, LabelledTabularInline):
    model = BudgetLine
    extra = 0
    fields = ["order", "year", "project", "funding_stream", "amount"]


class PriorityInlineFormSet(BaseInlineFormSet):
    """Every row offers the partnership's groups from one query, rather than one per row."""

    @cached_property
    def task_group_choices(self) -> list[tuple[int | str, str]]:
        groups = Group.objects.filter(partnership_id=self.instance.partnership_id)
        return [("", "---------"), *((group.pk, str(group)) for group in groups)]

    def add_fields(self, form: forms.ModelForm, index: int | None) -> None:
        super().add_fields(form, index)
        form.fields["task_group"].choices = self.task_group_choices


class PriorityInline(DraftPlanContentOnlyInline, SafeInputAdmin, LabelledTabularInline):
    """A plan's priorities at a glance; each has its own page for aims and actions."""

    model = Priority
    form = PriorityAdminForm
    formset = PriorityInlineFormSet
    extra = 0
    fields = ["order", "title", "task_group", "is_cross_cutting"]
    show_change_link = True


PUBLISHED_COPY_FIELDS = [
    "plan",
    "version",
    "change_note",
    "published_at",
    "published_by",
    "html_sha256",
    "pdf_sha256",
    "large_print_pdf_sha256",
]


class TargetMeasureInline(DraftPlanContentOnlyInline, SafeInputAdmin, LabelledTabularInline):
    """The plan's local targets tables; each measure's page holds its rows and values."""

    model = LocalTargetMeasure
    extra = 0
    fields = ["order", "name", "unit", "lower_is_better"]
    show_change_link = True


class PublishedCopyReadOnly(RecordReadOnly):
    """What the public was shown is a record: nobody edits it, here or anywhere."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[PublishedCopy]:
        # The documents run to megabytes each; lists and pages show only their fingerprints.
        return super().get_queryset(request).defer("html", "pdf", "large_print_pdf")


class PublishedCopyInline(SafeInputAdmin, PublishedCopyReadOnly, admin.TabularInline):
    model = PublishedCopy
    fields = ["published_at", "published_by", "pdf_sha256"]
    readonly_fields = fields
    show_change_link = True
    extra = 0


class PlanAdminForm(RefuseControlCharacters, forms.ModelForm):
    class Meta:
        model = Plan
        fields = [
            "partnership",
            "title",
            "slug",
            "summary",
            "start_year",
            "end_year",
            "strategy_start_year",
            "strategy_end_year",
            "previous_plan",
            "action_table_columns",
        ]


@admin.register(Plan)
class PlanAdmin(DeletesDraftPlans, DraftPlanContentOnly, HistoryAdmin):
    form = PlanAdminForm
    list_display = ["title", "partnership", "period_label", "status", "updated_at"]
    list_filter = ["partnership", "status"]
    list_select_related = ["partnership"]
    search_fields = ["title", "slug", "partnership__name", "partnership__short_name"]
    autocomplete_fields = ["partnership", "previous_plan"]
    # The status changes only through the workflow's moves, offered as actions on the list.
    readonly_fields = ["status", "created_at", "updated_at"]
    actions = MOVE_ACTIONS
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "partnership",
                    ("title", "subtitle"),
                    "slug",
                    "status",
                    "first_published_on",
                    "summary",
                ]
            },
        ),
        (
            "Period",
            {
                "fields": [
                    ("start_year", "end_year"),
                    ("strategy_start_year", "strategy_end_year"),
                    "previous_plan",
                ]
            },
        ),
        ("Printed action tables", {"fields": ["action_table_columns"]}),
        ("Record", {"fields": ["created_at", "updated_at"]}),
    ]
    inlines = [
        SectionInline,
        RelatedStrategyInline,
        BudgetLineInline,
        PriorityInline,
        TargetMeasureInline,
        PublishedCopyInline,
        PlanTransitionInline,
    ]

    @admin.display(description="period", ordering="start_year")
    def period_label(self, plan: Plan) -> str:
        return plan.period_label

    plan_path = ""


@admin.register(PublishedCopy)
class PublishedCopyAdmin(SafeInputAdmin, PublishedCopyReadOnly, admin.ModelAdmin):
    list_display = ["plan", "version", "published_at", "published_by"]
    list_filter = ["plan__partnership"]
    list_select_related = ["plan", "published_by"]
    search_fields = ["plan__title", "plan__partnership__name"]
    date_hierarchy = "published_at"
    fields = PUBLISHED_COPY_FIELDS
    readonly_fields = PUBLISHED_COPY_FIELDS


@admin.register(PlanContentVersion)
class PlanContentVersionAdmin(SafeInputAdmin, RecordReadOnly, admin.ModelAdmin):
    """Shown for support: the count of changes the database triggers have made to a plan's
    content, under which its drafts' renderings are cached. Only the triggers write it."""

    list_display = ["plan", "version"]
    list_filter = ["plan__partnership"]
    list_select_related = ["plan", "plan__partnership"]
    search_fields = ["plan__title", "plan__partnership__name"]


@admin.register(DemoPlanSource)
class DemoPlanSourceAdmin(SafeInputAdmin, RecordReadOnly, admin.ModelAdmin):
    """Shown for support: the data file a demo plan was loaded from, which decides whether
    `load_demo` may bring in a newer file. Only the loader writes it."""

    list_display = ["plan", "file_digest", "content_version", "loaded_at"]
    list_select_related = ["plan", "plan__partnership"]


@admin.register(PartnershipLogo)
class PartnershipLogoAdmin(SafeInputAdmin, RecordReadOnly, admin.ModelAdmin):
    """Shown for support: the logos printed on a partnership's plan covers, each kept by its
    hash for the pages published with it. Administrators change the current one on a draft
    plan's cover page (plans.plan_details keeps its hash and type on the partnership), never
    here."""

    list_display = ["partnership", "sha256", "content_type"]
    list_select_related = ["partnership"]
    search_fields = ["partnership__name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).defer("content")


@admin.register(Section)
class SectionAdmin(DraftPlanContentOnly, HistoryAdmin):
    form = SectionAdminForm
    list_display = ["title", "plan", "order", "kind", "placement"]
    list_filter = ["plan__partnership", "plan", "kind", "placement"]
    list_select_related = ["plan"]
    search_fields = ["title", "body", "plan__title"]
    autocomplete_fields = ["plan"]
    fieldsets = [
        (None, {"fields": ["plan", ("order", "kind", "placement"), "title", "body"]}),
        ("Signed by", {"fields": ["signatory_name", "signatory_role"]}),
    ]


class SubsectionAdminForm(RefuseControlCharacters, forms.ModelForm):
    class Meta:
        model = Subsection
        fields = ["section", "order", "title", "body"]
        field_classes = {"body": RichTextFormField}


@admin.register(Subsection)
class SubsectionAdmin(DraftPlanContentOnly, HistoryAdmin):
    form = SubsectionAdminForm
    plan_path = "section.plan"
    list_display = ["title", "section", "order"]
    list_filter = ["section__plan__partnership", "section__plan"]
    list_select_related = ["section"]
    search_fields = ["title", "body", "section__title"]
    autocomplete_fields = ["section"]
    fields = ["section", "order", "title", "body"]


@admin.register(OutlineBlock)
class OutlineBlockAdmin(DraftPlanContentOnly, HistoryAdmin):
    """A plan's outline (plans.outline): parts with no block still print where they did
    before outlines existed."""

    list_display = ["__str__", "plan", "order", "kind", "is_shown"]
    list_filter = ["plan__partnership", "plan", "kind"]
    list_select_related = ["plan", "section", "priority"]
    autocomplete_fields = ["plan"]
    raw_id_fields = ["section", "priority"]
    fields = ["plan", ("order", "kind"), "section", "priority", "is_shown", "shows_every_term"]


@admin.register(RelatedStrategy)
class RelatedStrategyAdmin(DraftPlanContentOnly, HistoryAdmin):
    list_display = ["title", "owner", "plan", "order"]
    list_filter = ["plan__partnership", "plan"]
    list_select_related = ["plan"]
    search_fields = ["title", "owner"]
    autocomplete_fields = ["plan"]


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(HistoryAdmin):
    list_display = ["term", "partnership"]
    list_filter = ["partnership"]
    list_select_related = ["partnership"]
    search_fields = ["term", "meaning"]
    autocomplete_fields = ["partnership"]


@admin.register(BudgetLine)
class BudgetLineAdmin(DraftPlanContentOnly, HistoryAdmin):
    list_display = ["project", "plan", "year", "funding_stream", "amount"]
    list_filter = ["plan__partnership", "plan", "year"]
    list_select_related = ["plan"]
    search_fields = ["project", "funding_stream"]
    autocomplete_fields = ["plan"]


@admin.register(Invitation)
class InvitationAdmin(SafeInputAdmin, RecordReadOnly, admin.ModelAdmin):
    """Invitations are made, sent and answered in the app, where the link's secret exists only
    in the email; here support can see what happened to one."""

    list_display = ["email", "partnership", "role", "created_at", "expires_at", "answer"]
    list_filter = ["partnership", "role"]
    list_select_related = ["partnership"]
    search_fields = ["email", "partnership__name"]

    @admin.display(description="answer")
    def answer(self, invitation: Invitation) -> str:
        if invitation.accepted_at:
            return "Accepted"
        if invitation.declined_at:
            return "Declined"
        if invitation.revoked_at:
            return "Withdrawn"
        return "Waiting"
