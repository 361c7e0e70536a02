from django.urls import path, register_converter

from plans import (
    assessment_views,
    audit_views,
    invitation_views,
    organisation_views,
    outline_views,
    partnership_views,
    plan_detail_views,
    review_urls,
    views,
)
from plans.word import export_views as word_export_views
from plans.word import import_views as word_import_views

app_name = "plans"


class Sha256Converter:
    """A logo's full SHA-256 in lower-case hex: any other spelling is not its address (404)."""

    regex = "[0-9a-f]{64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class HexColourConverter(Sha256Converter):
    """A cover colour's six lower-case hex digits, without the #."""

    regex = "[0-9a-f]{6}"


register_converter(Sha256Converter, "sha256")
register_converter(HexColourConverter, "hexcolour")

_PARTNERSHIP = "partnership/<slug:partnership_slug>/"

# Before the plan routes, which would otherwise read "partnership" as a partnership's slug.
urlpatterns = [
    path("", views.index, name="index"),
    path(_PARTNERSHIP, partnership_views.partnership_manage, name="partnership_manage"),
    path(f"{_PARTNERSHIP}audit/", audit_views.partnership_audit, name="partnership_audit"),
    path(f"{_PARTNERSHIP}groups/add/", partnership_views.group_add, name="group_add"),
    path(f"{_PARTNERSHIP}groups/<int:pk>/", partnership_views.group_edit, name="group_edit"),
    path(f"{_PARTNERSHIP}people/add/", partnership_views.person_add, name="person_add"),
    path(f"{_PARTNERSHIP}people/<int:pk>/", partnership_views.person_edit, name="person_edit"),
    path(
        f"{_PARTNERSHIP}people/<int:pk>/remove/",
        partnership_views.person_remove,
        name="person_remove",
    ),
    path(
        f"{_PARTNERSHIP}invitations/<int:pk>/resend/",
        partnership_views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        f"{_PARTNERSHIP}invitations/<int:pk>/withdraw/",
        partnership_views.invitation_revoke,
        name="invitation_revoke",
    ),
    # The partnership's organisations and areas
    path(
        f"{_PARTNERSHIP}organisations/",
        organisation_views.organisation_list,
        name="organisation_list",
    ),
    path(
        f"{_PARTNERSHIP}organisations/add/",
        organisation_views.organisation_add,
        name="organisation_add",
    ),
    path(
        f"{_PARTNERSHIP}organisations/<int:pk>/",
        organisation_views.organisation_edit,
        name="organisation_edit",
    ),
    path(
        f"{_PARTNERSHIP}organisations/<int:pk>/remove/",
        organisation_views.organisation_remove,
        name="organisation_remove",
    ),
    path(f"{_PARTNERSHIP}areas/", organisation_views.district_list, name="district_list"),
    path(f"{_PARTNERSHIP}areas/add/", organisation_views.district_add, name="district_add"),
    path(f"{_PARTNERSHIP}areas/<int:pk>/", organisation_views.district_edit, name="district_edit"),
    path(
        f"{_PARTNERSHIP}areas/<int:pk>/move/",
        organisation_views.district_move,
        name="district_move",
    ),
    path(
        f"{_PARTNERSHIP}areas/<int:pk>/remove/",
        organisation_views.district_remove,
        name="district_remove",
    ),
    path(
        f"{_PARTNERSHIP}logo/<sha256:sha256>/",
        plan_detail_views.partnership_logo,
        name="partnership_logo",
    ),
    # A draft plan's scanning matrix, kept by the partnership's administrators
    path("plan/<int:pk>/scanning/", assessment_views.scanning_matrix, name="scanning"),
    path(
        "plan/<int:pk>/scanning/details/",
        assessment_views.scanning_details,
        name="scanning_details",
    ),
    path(
        "plan/<int:pk>/scanning/criteria/add/",
        assessment_views.criterion_add,
        name="scanning_criterion_add",
    ),
    path(
        "plan/<int:pk>/scanning/categories/add/",
        assessment_views.category_add,
        name="scanning_category_add",
    ),
    path(
        "scanning/criteria/<int:pk>/",
        assessment_views.criterion_edit,
        name="scanning_criterion_edit",
    ),
    path(
        "scanning/criteria/<int:pk>/move/",
        assessment_views.criterion_move,
        name="scanning_criterion_move",
    ),
    path(
        "scanning/criteria/<int:pk>/remove/",
        assessment_views.criterion_remove,
        name="scanning_criterion_remove",
    ),
    path(
        "scanning/categories/<int:pk>/",
        assessment_views.category_edit,
        name="scanning_category_edit",
    ),
    path(
        "scanning/categories/<int:pk>/move/",
        assessment_views.category_move,
        name="scanning_category_move",
    ),
    path(
        "scanning/categories/<int:pk>/remove/",
        assessment_views.category_remove,
        name="scanning_category_remove",
    ),
    # The order a draft plan prints its parts in
    path("plan/<int:pk>/outline/", outline_views.outline_page, name="outline"),
    path("plan/<int:pk>/outline/move/", outline_views.outline_move, name="outline_move"),
    path("plan/<int:pk>/outline/switch/", outline_views.outline_switch, name="outline_switch"),
    path("cover/<hexcolour:colour>.css", plan_detail_views.cover_stylesheet, name="cover_css"),
    path("invitations/<slug:token>/", invitation_views.invitation, name="invitation"),
    path(
        "invitations/<slug:token>/decline/",
        invitation_views.invitation_decline,
        name="invitation_decline",
    ),
    # The plan as a Word document, for its partnership's members
    path("plan/<int:pk>/word/", word_export_views.plan_word, name="plan_word"),
    # A plan imported from Word: the upload, then the uploader's own preview to confirm
    path(
        f"{_PARTNERSHIP}import/word/",
        word_import_views.word_import_upload,
        name="word_import",
    ),
    path(
        "import/<int:pk>/",
        word_import_views.word_import_preview_page,
        name="word_import_preview",
    ),
    path(
        "import/<int:pk>/cancel/",
        word_import_views.word_import_cancel,
        name="word_import_cancel",
    ),
    path("<slug:partnership_slug>/<slug:plan_slug>/", views.plan_detail, name="plan_detail"),
    path("<slug:partnership_slug>/<slug:plan_slug>/pdf/", views.plan_pdf, name="plan_pdf"),
    path(
        "<slug:partnership_slug>/<slug:plan_slug>/large-print.pdf",
        views.plan_large_print_pdf,
        name="plan_large_print_pdf",
    ),
    path(
        "<slug:partnership_slug>/<slug:plan_slug>/versions/<int:version>/",
        views.plan_version,
        name="plan_version",
    ),
    path(
        "<slug:partnership_slug>/<slug:plan_slug>/versions/<int:version>/pdf/",
        views.plan_version_pdf,
        name="plan_version_pdf",
    ),
    path(
        "<slug:partnership_slug>/<slug:plan_slug>/versions/<int:version>/large-print.pdf",
        views.plan_version_large_print_pdf,
        name="plan_version_large_print_pdf",
    ),
] + review_urls.urlpatterns
