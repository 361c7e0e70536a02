"""The forms a partnership administrator fills in for the plan's narrative sections and their
subsections."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from django import forms

from cspplan.forms import RefuseControlCharacters
from plans.limits import SECTION_BODY_MAX, too_long
from plans.models import Section, Subsection
from plans.rich_text import RichTextFormField


class SectionForm(RefuseControlCharacters, forms.ModelForm):
    """The body is written in the rich-text editor (a plain textarea without JavaScript) and
    sanitised to the one allow-list when the form is cleaned."""

    class Meta:
        model = Section
        fields = ["title", "kind", "placement", "body", "signatory_name", "signatory_role"]
        field_classes = {"body": RichTextFormField}
        labels = {
            "title": "Title",
            "kind": "Kind of section",
            "placement": "Where it appears",
            "body": "Text",
            "signatory_name": "Signed by (optional)",
            "signatory_role": "Signatory's role (optional)",
        }
        help_texts = {
            "signatory_name": "For a foreword: the name printed under it.",
        }
        error_messages = {
            "title": {
                "required": "Enter the section's title",
                "max_length": too_long("The section's title", 200),
            },
            "body": {"max_length": too_long("The text", SECTION_BODY_MAX)},
            "signatory_name": {"max_length": too_long("The signatory's name", 200)},
            "signatory_role": {"max_length": too_long("The signatory's role", 200)},
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    # The editor's scripts go in the head with the page's nonce (sections/form.html); crispy
    # would repeat them here without one, and the policy would refuse that copy.
    helper.include_media = False
    helper.label_size = "s"
    helper.legend_size = "s"
    return helper


class SubsectionForm(RefuseControlCharacters, forms.ModelForm):
    """A subsection's title and text, the text in the same rich-text editor as a section's."""

    class Meta:
        model = Subsection
        fields = ["title", "body"]
        field_classes = {"body": RichTextFormField}
        labels = {"title": "Title", "body": "Text"}
        error_messages = {
            "title": {
                "required": "Enter the subsection's title",
                "max_length": too_long("The subsection's title", 200),
            },
            "body": {"max_length": too_long("The text", SECTION_BODY_MAX)},
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()
