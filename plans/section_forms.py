"""The form a partnership administrator fills in for one of the plan's narrative sections."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from django import forms

from cspplan.forms import RefuseControlCharacters
from plans.limits import SECTION_BODY_MAX, too_long
from plans.models import Section
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
        self.helper = FormHelper()
        self.helper.form_tag = False
        # The editor's scripts go in the head with the page's nonce (sections/form.html); crispy
        # would repeat them here without one, and the policy would refuse that copy.
        self.helper.include_media = False
        self.helper.label_size = "s"
        self.helper.legend_size = "s"
