"""Finding indicators the way officers type them."""

import pytest

from indicators.models import Indicator, normalise_code

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["NI17", "ni17", "NI 17", "ni-17", " NI  17 "])
def test_lookup_finds_an_indicator_however_its_code_is_typed(national_indicators, typed):
    assert [indicator.code for indicator in Indicator.objects.lookup(typed)] == ["NI 17"]


def test_lookup_of_an_unknown_code_finds_nothing(national_indicators):
    assert not Indicator.objects.lookup("NI 999").exists()


def test_search_by_number_alone_finds_the_code(national_indicators):
    assert [indicator.code for indicator in Indicator.objects.search("17")] == ["NI 17"]


def test_search_by_number_does_not_match_longer_numbers(national_indicators):
    Indicator.objects.create(indicator_set=national_indicators, code="NI 170", title="Other")

    assert [indicator.code for indicator in Indicator.objects.search("17")] == ["NI 17"]


def test_search_by_a_word_of_the_title_finds_it(national_indicators):
    assert [indicator.code for indicator in Indicator.objects.search("drunk")] == ["NI 41"]


def test_search_with_nothing_typed_finds_nothing(national_indicators):
    assert not Indicator.objects.search("   ").exists()


def test_indicators_are_ordered_numerically_within_a_set(national_indicators):
    Indicator.objects.create(indicator_set=national_indicators, code="NI 2", title="Belonging")

    codes = [indicator.code for indicator in Indicator.objects.all()]

    assert codes == ["NI 2", "NI 17", "NI 21", "NI 41"]


def test_the_stored_key_matches_the_normalised_code(national_indicators):
    indicator = Indicator.objects.get(code="NI 17")

    assert indicator.code_key == normalise_code("ni 17") == "NI17"
