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
