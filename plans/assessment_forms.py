"""The forms an administrator fills in for the plan's scanning matrix: its title and key, a
criterion, a category, and the grid of marks, comments and decisions saved in one go."""

from __future__ import annotations

from dataclasses import dataclass

from crispy_forms_gds.helper import FormHelper
from django import forms

from cspplan.forms import RefuseControlCharacters, guard_text_field
from plans.assessment import GridRow
from plans.limits import LONG_TEXT_MAX, SHORT_TEXT_MAX, too_long
from plans.models import ScanningCategory, ScanningCriterion, ScanningMatrix
from plans.models.assessment import CATEGORY_NAME_MAX, CRITERION_NAME_MAX, MARK_MAX
from priorities.models import Priority


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.label_size = "s"
    return helper


class MatrixDetailsForm(RefuseControlCharacters, forms.ModelForm):
    class Meta:
        model = ScanningMatrix
        fields = ["title", "introduction", "key"]
        labels = {
            "title": "Title (optional)",
            "introduction": "Introduction (optional)",
            "key": "Key to the marks (optional)",
        }
        help_texts = {"title": f"Printed as “{ScanningMatrix.DEFAULT_TITLE}” when left empty."}
        error_messages = {
            "title": {"max_length": too_long("The title", 200)},
            "introduction": {"max_length": too_long("The introduction", LONG_TEXT_MAX)},
            "key": {"max_length": too_long("The key", SHORT_TEXT_MAX)},
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class CriterionForm(RefuseControlCharacters, forms.Form):
    name = forms.CharField(
        label="Criterion",
        help_text="A column of the matrix, for example “Volume”, “Harm” or “Public concern”.",
        max_length=CRITERION_NAME_MAX,
        error_messages={
            "required": "Enter the criterion's name",
            "max_length": too_long("The criterion's name", CRITERION_NAME_MAX),
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class CategoryForm(RefuseControlCharacters, forms.Form):
    name = forms.CharField(
        label="Category",
        help_text="A row of the matrix, for example “Acquisitive crime” or “Burglary dwelling”.",
        max_length=CATEGORY_NAME_MAX,
        error_messages={
            "required": "Enter the category's name",
            "max_length": too_long("The category's name", CATEGORY_NAME_MAX),
        },
    )
    parent = forms.ModelChoiceField(
        label="Sub-category of (optional)",
        queryset=ScanningCategory.objects.none(),
        required=False,
        empty_label="None: a category of its own",
        error_messages={"invalid_choice": "Choose one of the matrix's categories"},
    )

    priorities = forms.ModelMultipleChoiceField(
        label="Priorities chosen from this category (optional)",
        help_text="The plan's priorities this row of the matrix led to: the plan prints them "
        "under the row.",
        queryset=Priority.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose among the plan's priorities"},
    )

    def __init__(self, *args, plan, matrix: ScanningMatrix | None, category=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["priorities"].queryset = plan.priorities.order_by("order")
        if not plan.priorities.exists():
            del self.fields["priorities"]
        parents = ScanningCategory.objects.none()
        if matrix is not None:
            parents = matrix.categories.top().order_by("order")
            if category is not None:
                parents = parents.exclude(pk=category.pk)
        self.fields["parent"].queryset = parents
        self.helper = _helper()


@dataclass
class GridFormRow:
    category: ScanningCategory
    is_sub_category: bool
    marks: list
    comment: forms.BoundField
    decision: forms.BoundField


class GridForm(RefuseControlCharacters, forms.Form):
    """Every row's marks, comment and decision. The rows shown are posted back by id, so a
    row added meanwhile is left alone and one removed meanwhile is skipped."""

    rows = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args,
        categories: list[ScanningCategory],
        criteria: list[ScanningCriterion],
        marks: dict[tuple[int, int], str],
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.categories = _in_print_order(categories)
        if self.is_bound:
            # Only the rows the page showed: one added meanwhile was not on it.
            shown = _ids(self.data.get("rows", ""))
            self.categories = [c for c in self.categories if c.pk in shown]
        self.fields["rows"].initial = ",".join(str(c.pk) for c in self.categories)
        for category in self.categories:
            for criterion in criteria:
                self.fields[f"mark_{category.pk}_{criterion.pk}"] = forms.CharField(
                    label=f"{criterion.name} mark for {category.name}",
                    required=False,
                    max_length=MARK_MAX,
                    initial=marks.get((category.pk, criterion.pk), ""),
                    error_messages={
                        "max_length": f"The {criterion.name} mark for {category.name} must be "
                        f"{MARK_MAX} characters or fewer"
                    },
                    widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-3"}),
                )
            self.fields[f"comment_{category.pk}"] = forms.CharField(
                label=f"Comment on {category.name}",
                required=False,
                max_length=SHORT_TEXT_MAX,
                initial=category.comment,
                error_messages={
                    "max_length": too_long(f"The comment on {category.name}", SHORT_TEXT_MAX)
                },
                widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 2}),
            )
            self.fields[f"decision_{category.pk}"] = forms.ChoiceField(
                label=f"Decision on {category.name}",
                choices=ScanningCategory.Decision.choices,
                initial=category.decision,
                error_messages={
                    "required": f"Choose a decision on {category.name}",
                    "invalid_choice": f"Choose a decision on {category.name} from the list",
                },
                widget=forms.Select(attrs={"class": "govuk-select"}),
            )
        for field in self.fields.values():
            guard_text_field(field)
        self.helper = _helper()

    def grid_rows(self) -> list[GridFormRow]:
        return [
            GridFormRow(
                category=category,
                is_sub_category=category.parent_id is not None,
                marks=[self[f"mark_{category.pk}_{c.pk}"] for c in self.criteria],
                comment=self[f"comment_{category.pk}"],
                decision=self[f"decision_{category.pk}"],
            )
            for category in self.categories
        ]

    def posted_rows(self) -> list[GridRow]:
        """The rows the page showed when it was posted, with their cleaned values."""
        shown = _ids(self.cleaned_data["rows"])
        data = self.cleaned_data
        return [
            GridRow(
                category_id=category.pk,
                marks={c.pk: data[f"mark_{category.pk}_{c.pk}"].strip() for c in self.criteria},
                comment=data[f"comment_{category.pk}"].strip(),
                decision=data[f"decision_{category.pk}"],
            )
            for category in self.categories
            if category.pk in shown
        ]


def _ids(text: str) -> set[int]:
    return {int(pk) for pk in str(text).split(",") if pk.strip().isdigit() and len(pk) < 19}


def _in_print_order(categories: list[ScanningCategory]) -> list[ScanningCategory]:
    """Each category followed by its sub-categories, as the document prints them."""
    ordered = []
    for category in categories:
        if category.parent_id is None:
            ordered.append(category)
            ordered += [c for c in categories if c.parent_id == category.pk]
    return ordered
