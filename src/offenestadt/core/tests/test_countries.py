"""The third-country rule: outside the EU and the EEA, and only once the country is known."""

from offenestadt.core.countries import in_eu_eea, is_third_country


def test_eea_states_outside_the_eu_are_inside() -> None:
    assert all(in_eu_eea(country) for country in ("DE", "FR", "IS", "LI", "NO"))
    assert not any(is_third_country(country) for country in ("DE", "NO"))


def test_a_country_outside_is_a_third_country_an_unknown_one_is_not_known_to_be() -> None:
    assert is_third_country("US") and is_third_country("CH") and is_third_country("GB")
    assert not is_third_country("")
    assert not in_eu_eea("")
