"""Partnerships, their districts, the organisations and groups in them, and people's roles."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from simple_history.models import HistoricalRecords

from plans.limits import SHORT_TEXT_MAX, TextLimit

# A lower-case hex colour: forms and services lower-case what is typed.
COLOUR_PATTERN = r"^#[0-9a-f]{6}$"
COLOUR_MESSAGE = "Enter the colour as a # and six hexadecimal digits, for example #1d70b8."
LOGO_CONTENT_TYPES = ("image/png", "image/jpeg")
LOGO_MAX_BYTES = 1024 * 1024
# A logo's address and row are named by its SHA-256, in lower-case hex.
SHA256_PATTERN = r"^[0-9a-f]{64}$"


class Partnership(models.Model):
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(
        max_length=60, help_text="How the partnership's own plans name it, e.g. “CDRP”."
    )
    slug = models.SlugField(max_length=80, unique=True)
    area = models.CharField(
        max_length=200, help_text="The area it serves, e.g. “Allerdale and Copeland”."
    )
    contact_name = models.CharField(max_length=200, blank=True)
    contact_role = models.CharField(max_length=200, blank=True)
    contact_address = models.TextField(blank=True, validators=[TextLimit(SHORT_TEXT_MAX)])
    contact_phone = models.CharField(max_length=50, blank=True)
    contact_email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    organisations = models.ManyToManyField(
        "Organisation", through="PartnershipOrganisation", related_name="partnerships"
    )
    colour = models.CharField(
        "cover colour",
        max_length=7,
        blank=True,
        help_text="The plan cover's colour as #RRGGBB, for example #1d70b8.",
    )
    # The current logo: its bytes are the PartnershipLogo of this hash (older ones are kept for
    # the pages published with them), so the many queries that read a partnership with its
    # plans never carry them; its type and hash are here, in the history and in the URL.
    logo_content_type = models.CharField("logo's file type", max_length=20, blank=True)
    logo_sha256 = models.CharField("logo (its fingerprint)", max_length=64, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(colour="") | Q(colour__regex=COLOUR_PATTERN),
                name="partnership_colour_is_hex",
                violation_error_message=COLOUR_MESSAGE,
            ),
            models.CheckConstraint(
                condition=(Q(logo_content_type="") & Q(logo_sha256=""))
                | (Q(logo_content_type__in=LOGO_CONTENT_TYPES) & ~Q(logo_sha256="")),
                name="partnership_logo_type_allowed",
                violation_error_message="A logo must be a PNG or JPEG image.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("admin:plans_partnership_change", args=[self.pk])


class PartnershipLogo(models.Model):
    """An image printed on the partnership's plan covers, kept in the database so every app
    server can serve it without shared file storage.

    Content-addressed and never overwritten: an upload adds a row (or reuses the identical
    one), so a page published with an older logo keeps showing it at its own address. The
    partnership's logo_sha256 and logo_content_type say which is current. Only the plan
    services write it."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="logos")
    sha256 = models.CharField("fingerprint (SHA-256)", max_length=64)
    content_type = models.CharField("file type", max_length=20)
    content = models.BinaryField()

    class Meta:
        ordering = ["partnership", "sha256"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "sha256"],
                name="partnership_logo_unique_in_partnership",
                violation_error_message="This partnership already has this logo.",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("content"), LOGO_MAX_BYTES),
                name="partnership_logo_at_most_1_mb",
                violation_error_message="The logo must be 1 MB or smaller.",
            ),
            models.CheckConstraint(
                condition=Q(content_type__in=LOGO_CONTENT_TYPES) & Q(sha256__regex=SHA256_PATTERN),
                name="partnership_logo_png_or_jpeg_with_hash",
                violation_error_message="A logo must be a PNG or JPEG image with its SHA-256.",
            ),
        ]

    def __str__(self) -> str:
        return f"Logo {self.sha256[:12]} of {self.partnership}"

    def get_absolute_url(self) -> str:
        return reverse("plans:partnership_logo", args=[self.partnership.slug, self.sha256])


class District(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="districts")
    name = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "name"],
                name="district_name_unique_in_partnership",
                violation_error_message="This partnership already has a district of that name.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    class Kind(models.TextChoices):
        POLICE = "police", "Police"
        POLICE_AUTHORITY = "police_authority", "Police authority or PCC"
        COUNCIL = "council", "Council"
        FIRE = "fire", "Fire and rescue"
        HEALTH = "health", "Health"
        PROBATION = "probation", "Probation"
        HOUSING = "housing", "Housing"
        YOUTH_OFFENDING = "youth_offending", "Youth offending"
        DRUG_ALCOHOL = "drug_alcohol", "Drug and alcohol"
        VOLUNTARY = "voluntary", "Voluntary and community"
        COLLECTIVE = "collective", "Several bodies together"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    website = models.URLField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("admin:plans_organisation_change", args=[self.pk])

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class PartnershipOrganisation(models.Model):
    """An organisation's place in one partnership."""

    class Role(models.TextChoices):
        RESPONSIBLE_AUTHORITY = "responsible", "Responsible authority"
        CO_OPERATING_BODY = "co_operating", "Co-operating body"
        INVITED_MEMBER = "invited", "Invited member"
        # A partner the plan names without saying in what role.
        NOT_STATED = "not_stated", "Role not stated"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="participations"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="participations"
    )
    role = models.CharField(max_length=20, choices=Role.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "role", "organisation__name"]
        verbose_name = "partner organisation"
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation"],
                name="organisation_once_per_partnership",
                violation_error_message="This organisation is already in the partnership.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()}, {self.partnership})"


class Group(models.Model):
    """A board, delivery group, task group or panel; reports_to draws the governance chart."""

    class Kind(models.TextChoices):
        LEADERSHIP = "leadership", "Leadership group"
        DELIVERY = "delivery", "Delivery group"
        TASK = "task", "Task group"
        OTHER = "other", "Other group or panel"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reports_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reporting_groups"
    )
    chair_name = models.CharField(max_length=200, blank=True)
    chair_email = models.EmailField(blank=True)
    chair_organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    member_organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="group_memberships"
    )
    order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "name"],
                name="group_name_unique_in_partnership",
                violation_error_message="This partnership already has a group of that name.",
            ),
            models.CheckConstraint(
                condition=~Q(reports_to=F("pk")),
                name="group_does_not_report_to_itself",
                violation_error_message="A group cannot report to itself.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("admin:plans_group_change", args=[self.pk])

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class Membership(models.Model):
    """A person's role in one partnership; the role decides what they may see and change."""

    class Role(models.TextChoices):
        ADMINISTRATOR = "administrator", "Partnership administrator"
        EDITOR = "editor", "Editor"
        REVIEWER = "reviewer", "Reviewer"
        VIEWER = "viewer", "Viewer"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    task_groups = models.ManyToManyField(
        Group,
        blank=True,
        related_name="editor_memberships",
        help_text="For editors: the task groups whose priorities and actions they keep.",
    )

    # Task groups decide what an editor may change, so changes to them are recorded too.
    history = HistoricalRecords(m2m_fields=[task_groups])

    class Meta:
        ordering = ["partnership", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "partnership"],
                name="one_membership_per_user_and_partnership",
                violation_error_message="This person already has a role in the partnership.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}, {self.partnership}"
