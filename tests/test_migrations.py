"""Data migrations, run for real on the test database: back to the migration before, rows
written as they were then, forward again."""

import importlib
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from claims.models import Review
from claims.models.text import normalize_name, url_slug

from .factories import AppearanceFactory, ArticleFactory, FactCheckerFactory, published_verdict

pytestmark = pytest.mark.django_db(transaction=True)
speaker_keys = importlib.import_module("claims.migrations.0013_speaker_names_in_every_script")
resync_slugs = importlib.import_module("claims.migrations.0017_resync_transliterated_slugs")
BEFORE_0013 = [("claims", "0012_review_synced_at")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def speaker_keys_now(apps):
    return dict(apps.get_model("claims", "Speaker").objects.values_list("pk", "normalized_name"))


def test_0013_gives_speakers_the_keys_of_every_script_and_back():
    apps = migrate(BEFORE_0013)
    try:
        Speaker = apps.get_model("claims", "Speaker")
        # A key one row gives up and another takes, in the same UPDATE (rows written by some
        # older code): PostgreSQL checks uniqueness row by row.
        junior = Speaker.objects.create(name="Ève Bœuf Junior", normalized_name="eve boeuf")
        boeuf = Speaker.objects.create(name="Ève Bœuf", normalized_name="eve b uf")
        # Keys as 0012's normalize_name made them (letters outside a–z dropped).
        polish = Speaker.objects.create(name="Łukasz Nowak", normalized_name="ukasz nowak")
        Speaker.objects.create(name="Lukasz Nowak", normalized_name="lukasz nowak")
        same = Speaker.objects.create(name="Élisabeth Borne", normalized_name="elisabeth borne")
    finally:
        apps = migrate(latest())
    keys = speaker_keys_now(apps)
    assert keys[junior.pk] == "eve boeuf junior" and keys[boeuf.pk] == "eve boeuf"
    assert keys[polish.pk] == "ukasz nowak"  # « lukasz nowak » is another speaker's
    assert keys[same.pk] == "elisabeth borne"

    apps = migrate(BEFORE_0013)
    try:
        keys = speaker_keys_now(apps)
        assert keys[boeuf.pk] == "eve b uf" and keys[polish.pk] == "ukasz nowak"
    finally:
        migrate(latest())


def test_0013s_frozen_keys_are_todays():
    names = ["Élisabeth Borne", "Łukasz Bœuf", "Зеленський", "नरेंद्र मोदी", "ジョン", "H.R. McMaster"]
    assert [speaker_keys.new_key(n) for n in names] == [normalize_name(n) for n in names]
    assert speaker_keys.old_key("Ève Bœuf") == "eve b uf"


def test_0014_moves_the_reviews_whose_days_changed_in_the_partner_feed(settings):
    settings.TIME_ZONE = "Europe/Paris"
    at = lambda *args: datetime(*args, tzinfo=UTC)  # noqa: E731
    # An article of 29 June in Paris, stored as 28 June 22:00 UTC; one of 28 June at noon.
    late_article = published_verdict(appearances=0, published_at=at(2024, 3, 5, 12))
    AppearanceFactory(
        claim=late_article.claim, article=ArticleFactory(published_at=at(2017, 6, 28, 22))
    )
    noon = published_verdict(appearances=0, published_at=at(2024, 3, 5, 12))
    AppearanceFactory(claim=noon.claim, article=ArticleFactory(published_at=at(2017, 6, 28, 12)))
    # Published at 00:30 on 6 March in Paris.
    late_review = published_verdict(appearances=0, published_at=at(2024, 3, 5, 23, 30))
    long_ago = at(2020, 1, 1)
    Review.objects.update(synced_at=long_ago)
    migrate([("claims", "0013_speaker_names_in_every_script")])
    migrate(latest())
    synced = dict(Review.objects.values_list("pk", "synced_at"))
    assert synced[late_article.pk] > long_ago and synced[late_review.pk] > long_ago
    assert synced[noon.pk] == long_ago


@pytest.mark.parametrize(
    ("french", "english"), [("Échelle factcheck", "factcheck scale"), ("Notre barème", "")]
)
def test_0015_names_the_seeded_scale_in_english_unless_renamed(french, english):
    apps = migrate([("claims", "0014_resync_local_days")])
    try:
        RatingScale = apps.get_model("claims", "RatingScale")
        seeded, _ = RatingScale.objects.update_or_create(
            slug="factcheck", defaults={"name": french, "is_default": True}
        )
        own = RatingScale.objects.create(slug="flip", name="Flip-O-Meter")
    finally:
        apps = migrate(latest())
    names = dict(apps.get_model("claims", "RatingScale").objects.values_list("pk", "name_en"))
    assert names[seeded.pk] == english and names[own.pk] == ""


def test_0016_gives_each_verdict_its_claims_language_and_leaves_partners_dates_alone():
    english = published_verdict(claim__language="en", claim__text="Unemployment fell in 2016.")
    french = published_verdict()
    long_ago = datetime(2020, 1, 1, tzinfo=UTC)
    Review.objects.update(synced_at=long_ago, updated_at=long_ago)
    migrate([("claims", "0015_rating_scale_english_name")])
    apps = migrate(latest())
    rows = {
        pk: (language, updated_at, synced_at)
        for pk, language, updated_at, synced_at in apps.get_model(
            "claims", "Review"
        ).objects.values_list("pk", "language", "updated_at", "synced_at")
    }
    assert rows[english.pk] == ("en", long_ago, long_ago)
    assert rows[french.pk] == ("fr", long_ago, long_ago)
    history = apps.get_model("claims", "HistoricalReview").objects.filter(id=english.pk)
    assert history.exists() and set(history.values_list("language", flat=True)) == {"en"}


def test_0017_moves_only_the_reviews_whose_url_changed():
    changed = published_verdict(claim__text="Le nombre de sœurs a doublé.")
    same = published_verdict(claim__text="Le chômage a baissé.")
    long_ago = datetime(2020, 1, 1, tzinfo=UTC)
    Review.objects.update(synced_at=long_ago)
    migrate([("claims", "0016_review_language")])
    migrate(latest())
    synced = dict(Review.objects.values_list("pk", "synced_at"))
    assert synced[changed.pk] > long_ago and synced[same.pk] == long_ago


def test_0017s_frozen_slugs_are_todays():
    texts = ["Le nombre de sœurs a doublé.", "10 € de plus", "Україна", "« … »", "ASCII only"]
    assert [resync_slugs.new_slug(t) for t in texts] == [url_slug(t, "verdict") for t in texts]
    assert resync_slugs.old_slug("Le nombre de sœurs") == "le-nombre-de-surs"


def test_0018_starts_each_reviews_last_editor_from_its_author():
    review = published_verdict(author=FactCheckerFactory())
    migrate([("claims", "0017_resync_transliterated_slugs")])
    apps = migrate(latest())
    stored = apps.get_model("claims", "Review").objects.get(pk=review.pk)
    assert stored.last_edited_by_id == review.author_id


def test_0020_sends_deletions_to_the_endpoints_that_hear_of_unpublication():
    apps = migrate([("claims", "0019_sent_at")])
    try:
        Endpoint = apps.get_model("claims", "WebhookEndpoint")
        hears = Endpoint.objects.create(name="A", url="https://a.example/hook", secret="s")
        deaf = Endpoint.objects.create(
            name="B", url="https://b.example/hook", secret="s", on_unpublish=False
        )
    finally:
        apps = migrate(latest())
    on_deletion = dict(
        apps.get_model("claims", "WebhookEndpoint").objects.values_list("pk", "on_deletion")
    )
    assert on_deletion == {hears.pk: True, deaf.pk: False}


def test_0026_clears_the_article_dates_no_one_could_show():
    shown, unshowable, future = ArticleFactory(), ArticleFactory(), ArticleFactory()
    migrate([("claims", "0025_review_published_idx_with_id")])
    try:
        with connection.cursor() as cursor:  # as an import before the form's check stored them
            cursor.execute(
                "UPDATE claims_article SET published_at = %s WHERE id = %s",
                ["0001-01-01 00:00:00+00:09:21", unshowable.pk],
            )
            cursor.execute(
                "UPDATE claims_article SET published_at = %s WHERE id = %s",
                ["9999-12-31 23:30:00+00", future.pk],
            )
    finally:
        apps = migrate(latest())
    dates = dict(apps.get_model("claims", "Article").objects.values_list("pk", "published_at"))
    assert dates == {shown.pk: shown.published_at, unshowable.pk: None, future.pk: None}


def review_published_index():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname LIKE 'review_published_idx%%'"
        )
        return [row[0].partition(" USING ")[2] for row in cursor.fetchall()]


def test_0025_builds_the_index_with_the_id_beside_the_old_one_and_back():
    migrate([("claims", "0024_importjob_attempts")])
    try:
        assert review_published_index() == ["btree (state, published_at DESC)"]
    finally:
        migrate(latest())
    assert review_published_index() == ["btree (state, published_at DESC, id DESC)"]
