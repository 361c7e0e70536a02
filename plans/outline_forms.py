"""Forms of the outline page: move a part up or down, switch a generated part on or off."""

from __future__ import annotations

from django import forms

from cspplan.forms import RefuseControlCharacters

# Keys are "section-12", "priority-3" or a kind's name ("glossary").
KEY_MAX = 40


class OutlineMoveForm(RefuseControlCharacters, forms.Form):
    block = forms.CharField(
        max_length=KEY_MAX, error_messages={"required": "Choose the part to move."}
    )
    direction = forms.ChoiceField(
        choices=[("up", "Up"), ("down", "Down")],
        error_messages={
            "required": "Choose to move the part up or down.",
            "invalid_choice": "Choose to move the part up or down.",
        },
    )


class OutlineSwitchForm(RefuseControlCharacters, forms.Form):
    block = forms.CharField(
        max_length=KEY_MAX, error_messages={"required": "Choose the part to switch."}
    )
    is_shown = forms.BooleanField(label="Print this part", required=False)
    shows_every_term = forms.BooleanField(
        label="Print every term of the partnership's glossary, not only those the plan uses",
        required=False,
    )
