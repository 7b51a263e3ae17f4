"""Claim matching on PostgreSQL (pg_trgm): the same claim is found, a different figure is not."""

import pytest
from django.db import connection

from claims.matching import find_matching_claim

from .factories import ClaimFactory

pytestmark = pytest.mark.django_db


def test_the_trigram_index_exists():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'claim_normalized_text_trgm'"
        )
        (definition,) = cursor.fetchone()
    assert "gin_trgm_ops" in definition


def test_typography_and_case_do_not_make_a_new_claim():
    claim = ClaimFactory(text="Le chômage a baissé de 2 % en 2016, selon l'Insee.")
    assert (
        find_matching_claim("LE CHÔMAGE a baissé de 2\u00a0% en 2016, selon l’Insee", "fr") == claim
    )


def test_a_near_identical_wording_matches():
    claim = ClaimFactory(text="Le chômage a baissé de 2 % en 2016, a annoncé jeudi l'Insee.")
    assert (
        find_matching_claim("Le chômage a baissé de 2 % en 2016, a annoncé mardi l'Insee.", "fr")
        == claim
    )


def test_a_different_figure_is_a_different_claim():
    ClaimFactory(text="Le chômage a baissé de 2 % en 2016, a annoncé jeudi l'Insee.")
    assert (
        find_matching_claim("Le chômage a baissé de 3 % en 2016, a annoncé jeudi l'Insee.", "fr")
        is None
    )


def test_an_unrelated_claim_or_another_language_does_not_match():
    ClaimFactory(text="Le chômage a baissé de 2 % en 2016.", language="fr")
    assert find_matching_claim("La dette publique atteint 3 000 milliards d'euros.", "fr") is None
    assert find_matching_claim("Le chômage a baissé de 2 % en 2016.", "en") is None


@pytest.mark.parametrize(
    "stored, imported",
    [
        (
            "Le taux de chômage atteint 7,1 % de la population active en France",
            "Le taux de chômage atteint 71 % de la population active en France",
        ),
        (
            "Le gouvernement a augmenté les impôts des ménages en 2024",
            "Le gouvernement n'a pas augmenté les impôts des ménages en 2024",
        ),
        (
            "Les prix de l'énergie ont connu une hausse de 3 % sur un an",
            "Les prix de l'énergie ont connu une baisse de 3 % sur un an",
        ),
        (
            "Energy prices rose by 3% over the year, the office said",
            "Energy prices fell by 3% over the year, the office said",
        ),
    ],
)
def test_a_wording_that_says_the_opposite_is_a_different_claim(stored, imported):
    """Merged, the stored claim's verdict would be shown for a claim that says the opposite."""
    language = "en" if stored.startswith("Energy") else "fr"
    ClaimFactory(text=stored, language=language)
    assert find_matching_claim(imported, language) is None


def test_thousands_are_read_the_same_however_they_are_grouped():
    claim = ClaimFactory(text="Le nombre de chômeurs a reculé de 180 000 en 2024, selon l'Insee.")
    assert (
        find_matching_claim("Le nombre de chômeurs a reculé de 180\u202f000 en 2024.", "fr")
        == claim
    )
