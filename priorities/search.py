"""Searching actions by their words as the admin does, each field through its own index.

Django's admin search ORs every field's icontains across joins to lead partners and
organisations, which PostgreSQL can only answer by scanning every action. Here each field is
its own query of action ids, through the trigram indexes of migration 0009 (or a foreign key
index), and the ids are put together with UNION: the same actions, found from an index.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.text import smart_split, unescape_string_literal

from plans.models import Organisation
from priorities.models import Action, ActionLeadPartner


def _words(search: str) -> list[str]:
    """The words as the admin splits them: quoted phrases kept whole."""
    words = []
    for bit in smart_split(search):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1] and len(bit) > 1:
            bit = unescape_string_literal(bit)
        if bit.strip():
            words.append(bit)
    return words


def _ids_matching(word: str) -> QuerySet:
    """Ids of the actions whose text, priority title or a lead partner's name has the word."""
    organisations = Organisation.objects.filter(
        Q(name__icontains=word) | Q(short_name__icontains=word)
    ).values("pk")
    actions = Action.objects.order_by()
    leads = ActionLeadPartner.objects.order_by()
    by_text = actions.filter(text__icontains=word).values("pk")
    by_priority = actions.filter(priority__title__icontains=word).values("pk")
    by_printed = leads.filter(printed_as__icontains=word).values("action_id")
    by_organisation = leads.filter(organisation__in=organisations).values("action_id")
    return by_text.union(by_priority, by_printed, by_organisation)


def matching_action_ids(search: str, *also: QuerySet) -> QuerySet:
    """Ids of the actions with every word somewhere in their text, priority title or lead
    partners' names, together with the ids the `also` queries give."""
    words = _words(search)
    if len(words) == 1:
        return _ids_matching(words[0]).union(*also)
    every_word = Action.objects.order_by()
    for word in words:
        every_word = every_word.filter(pk__in=_ids_matching(word))
    return every_word.values("pk").union(*also)
