"""Full-text search over published verdicts: accent-insensitive, French and English, ranked."""

import importlib
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from claims.models import Review
from claims.publishing import search
from claims.publishing.search import (
    has_rum_index,
    ranked_by_rum,
    ranked_by_ts_rank,
    refresh_search_vectors,
    search_reviews,
)
from claims.publishing.verdicts import listed_reviews, published_reviews

from .factories import ClaimFactory, ReviewFactory, published_verdict

pytestmark = pytest.mark.django_db

search_0009 = importlib.import_module("claims.migrations.0009_search_rum")

# The RUM path (what search_reviews uses here, where rum is installed) and the GIN path.
RANKINGS = [ranked_by_rum, ranked_by_ts_rank]


def found(text, ranking=search_reviews):
    return list(ranking(published_reviews(), text))


def index_names():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'claims_review'")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.parametrize("ranking", RANKINGS)
def test_accents_and_inflections_do_not_matter(ranking):
    review = published_verdict(claim=ClaimFactory(text="Les élections régionales ont eu lieu."))
    assert found("election", ranking) == [review]
    assert found("ÉLECTIONS RÉGIONALES", ranking) == [review]
    assert found("regional", ranking) == [review]


@pytest.mark.parametrize("ranking", RANKINGS)
def test_searches_conclusions_and_explanations_too(ranking):
    by_conclusion = published_verdict(conclusion="Le déficit a doublé.")
    by_explanation = published_verdict(explanation="Selon Eurostat, le chômage a reculé.")
    assert found("deficit", ranking) == [by_conclusion]
    assert found("eurostat", ranking) == [by_explanation]


@pytest.mark.parametrize("ranking", RANKINGS)
def test_english_claims_are_stemmed_in_english(ranking):
    review = published_verdict(claim=ClaimFactory(language="en", text="Wages were rising fast."))
    french = published_verdict(claim=ClaimFactory(text="Les salaires augmentent vite."))
    assert found("wage rise", ranking) == [review]
    assert found("salaire", ranking) == [french]


@pytest.mark.parametrize("ranking", RANKINGS)
def test_a_verdicts_text_is_stemmed_in_its_own_language_not_its_claims(ranking):
    # « chevaux » is « cheval » to the French stemmer only.
    review = published_verdict(
        claim=ClaimFactory(language="en", text="We bought new horses for the army."),
        language="fr",
        conclusion="L'armée n'a acheté aucun cheval.",
        explanation="Les chevaux de la garde républicaine datent de 2019.",
    )
    assert found("chevaux", ranking) == [review]  # the conclusion's « cheval »
    assert found("cheval garde", ranking) == [review]  # the explanation's « chevaux »
    assert found("horse", ranking) == [review]  # the claim, in English


@pytest.mark.parametrize("ranking", RANKINGS)
def test_the_claim_weighs_more_than_the_conclusion_and_the_explanation(ranking):
    # The older verdicts match in the claim: rank beats recency.
    now = timezone.now()
    in_claim = published_verdict(
        claim=ClaimFactory(text="La retraite à 64 ans rapporte 10 Md€."),
        published_at=now - timedelta(days=3),
    )
    in_conclusion = published_verdict(
        conclusion="La retraite ne rapporte pas autant.", published_at=now - timedelta(days=2)
    )
    in_explanation = published_verdict(
        explanation="Il évoque aussi la retraite.", published_at=now - timedelta(days=1)
    )
    assert found("retraite", ranking) == [in_claim, in_conclusion, in_explanation]


@pytest.mark.parametrize("ranking", RANKINGS)
def test_reader_syntax_never_fails(ranking):
    published_verdict(claim=ClaimFactory(text="La dette atteint 3 000 milliards."))
    for query in ('"dette atteint"', "dette -inflation", "dette OR chômage", "&|!():*", "'", "de"):
        list(ranking(listed_reviews(), query)[:21])  # websearch syntax: no error whatever is typed
        found(query, ranking)
    assert len(found('"dette atteint"', ranking)) == 1
    assert found('"atteint dette"', ranking) == []


def test_only_published_verdicts_are_found_and_vectors_follow_edits():
    ReviewFactory(state=Review.State.DRAFT, published_at=None, claim=ClaimFactory(text="Zèbre."))
    assert found("zebre") == []
    review = published_verdict(claim=ClaimFactory(text="Les girafes sont 100."))
    claim = review.claim
    claim.text = "Les okapis sont 100."
    claim.save()
    assert found("girafes") == [] and found("okapi") == [review]


def test_bulk_refresh_rebuilds_every_published_vector():
    review = published_verdict(claim=ClaimFactory(text="Les lynx sont 150."))
    Review.objects.update(search_vector=None)
    assert found("lynx") == []
    assert refresh_search_vectors() == 1
    assert found("lynx") == [review]


@pytest.mark.parametrize("ranking", RANKINGS)
def test_the_newest_verdicts_come_first_then_older_matches_ranked(ranking, monkeypatch):
    """Beyond RECENT verdicts, the newest ones are ranked first, then the older ones; pages
    cut from the results line up whichever tier they fall in."""
    monkeypatch.setattr(search, "RECENT", 3)
    now = timezone.now()

    def verdict(days_ago, where):
        fields = {"published_at": now - timedelta(days=days_ago)}
        if where == "claim":
            fields["claim"] = ClaimFactory(text=f"Les loyers montent de {days_ago} %.")
        else:
            fields["explanation"] = f"Les loyers, cités {days_ago} fois."
        return published_verdict(**fields)

    published_verdict(claim=ClaimFactory(text="Autre chose."), published_at=now)
    day1, day2, day3 = verdict(1, "explanation"), verdict(2, "claim"), verdict(3, "explanation")
    day4, day5, day6 = verdict(4, "explanation"), verdict(5, "claim"), verdict(6, "claim")
    # The 3 newest verdicts (today's matches nothing), then the older ones; claims first, then
    # the newest among equals.
    expected = [day2, day1, day5, day6, day3, day4]
    assert found("loyers", ranking) == expected
    results = ranking(listed_reviews(), "loyer")
    pages = [list(results[start : start + 2]) for start in range(0, 8, 2)]
    assert sum(pages, []) == expected
    assert list(results[0:1]) + list(results[1:5]) + list(results[5:21]) == expected
    assert results[4] == day3
    assert results.count() == 6


@pytest.mark.parametrize("ranking", RANKINGS)
def test_verdicts_sharing_the_tiers_boundary_date_are_all_found(ranking, monkeypatch):
    # A bulk import dates many verdicts alike: split on the date alone, those past the first
    # tier's fence were in neither tier, and no search found them.
    monkeypatch.setattr(search, "RECENT", 3)
    same_time = timezone.now() - timedelta(days=1)
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]
    made = {
        word: published_verdict(
            claim=ClaimFactory(text=f"Le mot {word} est cité."), published_at=same_time
        )
        for word in words
    }
    for word, review in made.items():
        assert found(word, ranking) == [review], word
    everything = ranking(listed_reviews(), "mot")
    listed = [r for start in range(0, 8, 3) for r in everything[start : start + 3]]
    assert sorted(r.pk for r in listed) == sorted(r.pk for r in made.values())
    assert len(set(listed)) == 8


def test_a_small_list_is_ranked_as_one():
    old_claim = published_verdict(
        claim=ClaimFactory(text="Le fret ferroviaire recule."),
        published_at=timezone.now() - timedelta(days=900),
    )
    new_explanation = published_verdict(explanation="Le fret est cité en passant.")
    assert list(search_reviews(listed_reviews(), "fret")[:21]) == [old_claim, new_explanation]


def test_the_rum_index_is_there_and_the_search_plan_uses_it():
    assert has_rum_index()
    assert search_0009.RUM_INDEX in index_names()
    assert search_0009.GIN_INDEX not in index_names()  # RUM answers @@ too
    published_verdict()
    plan = search_reviews(listed_reviews(), "chômage")[:21].explain()
    assert "search_vector <=> " in plan  # ranked by RUM's distance
    assert "One-Time Filter" in plan  # older matches only when the newest verdicts fall short
    with connection.cursor() as cursor:
        # Which plan wins depends on the table's statistics; whatever they are, the RUM index
        # can match and hand the matches over in rank order, with no sort.
        for method in ("seqscan", "bitmapscan", "sort"):
            cursor.execute(f"SET LOCAL enable_{method} = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM claims_review WHERE search_vector @@ %s::tsquery"
            " ORDER BY search_vector <=> %s::tsquery LIMIT 21",
            ["chomag", "chomag"],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"Index Scan using {search_0009.RUM_INDEX}" in plan
    assert "Order By: (search_vector <=> " in plan


def test_the_gin_path_when_rum_is_missing(monkeypatch):
    """Migration 0009 keeps the GIN index without the extension, and back again."""
    monkeypatch.setattr(search_0009, "rum_available", lambda connection: False)
    with connection.schema_editor(atomic=False) as editor:
        search_0009.use_gin(None, editor)
        assert (
            index_names() >= {search_0009.GIN_INDEX} and search_0009.RUM_INDEX not in index_names()
        )
        search_0009.use_rum(None, editor)  # rum "unavailable": nothing changes
        assert search_0009.RUM_INDEX not in index_names()
    review = published_verdict(claim=ClaimFactory(text="Les péages augmentent."))
    assert found("peage", ranked_by_ts_rank) == [review]
    assert list(ranked_by_ts_rank(listed_reviews(), "PÉAGES")[:21]) == [review]
    assert "ts_rank" in ranked_by_ts_rank(listed_reviews(), "péage")[:21].explain()
    monkeypatch.undo()
    with connection.cursor() as cursor:  # deferred foreign key checks would block the index
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with connection.schema_editor(atomic=False) as editor:
        search_0009.use_rum(None, editor)
    assert search_0009.RUM_INDEX in index_names() and search_0009.GIN_INDEX not in index_names()


@pytest.mark.parametrize(
    "typed, finds",
    [
        ("-" * 33, True),  # no word left: the whole list
        ("- " * 33 + "loyers", True),
        ("-\u2003" * 40 + "loyers", True),
        ("---" + "loyers", False),  # still "not loyers"
        ("loyers " + "-" * 40 + "loyers", False),  # "loyers and not loyers"
    ],
)
def test_minus_signs_before_no_word_are_ignored_not_a_server_error(client, typed, finds):
    # PostgreSQL nests them, and 33 in a row failed the page with "tsquery stack too small".
    review = published_verdict(claim=ClaimFactory(text="Les loyers montent de 3 %."))
    assert (review in list(search_reviews(listed_reviews(), typed)[:21])) is finds
    response = client.get("/fr/", {"q": typed})
    assert response.status_code == 200
    assert (review.get_absolute_url() in response.content.decode()) is finds
