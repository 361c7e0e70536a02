"""The plans app's models, one module per concern."""

from plans.models.assessment import (
    ScanningCategory,
    ScanningCriterion,
    ScanningMark,
    ScanningMatrix,
)
from plans.models.document import DemoPlanSource, DraftFile, PlanContentVersion
from plans.models.imports import ImportSource, PendingImport, PlanImport
from plans.models.invitation import Invitation
from plans.models.jobs import Job
from plans.models.outline import OutlineBlock
from plans.models.partnership import (
    District,
    Group,
    Membership,
    Organisation,
    Partnership,
    PartnershipLogo,
    PartnershipOrganisation,
)
from plans.models.plan import (
    FINANCIAL_YEAR_START_MONTH,
    BudgetLine,
    GlossaryTerm,
    Plan,
    PlanQuerySet,
    RelatedStrategy,
    Section,
    Subsection,
)
from plans.models.publishing import PublishedCopy
from plans.models.workflow import HiddenComment, PlanTransition

__all__ = [
    "FINANCIAL_YEAR_START_MONTH",
    "BudgetLine",
    "DemoPlanSource",
    "District",
    "DraftFile",
    "GlossaryTerm",
    "HiddenComment",
    "Group",
    "ImportSource",
    "Invitation",
    "Job",
    "Membership",
    "Organisation",
    "OutlineBlock",
    "Partnership",
    "PartnershipLogo",
    "PartnershipOrganisation",
    "PendingImport",
    "Plan",
    "PlanContentVersion",
    "PlanImport",
    "PlanQuerySet",
    "PlanTransition",
    "PublishedCopy",
    "RelatedStrategy",
    "ScanningCategory",
    "ScanningCriterion",
    "ScanningMark",
    "ScanningMatrix",
    "Section",
    "Subsection",
]
