"""The fact-checkers' admin: every page renders, with a bounded number of queries."""

from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from claims.admin.claims import REASON_LABELS
from claims.extraction.scoring import REASONS
from claims.models import (
    Article,
    Claim,
    ImportJob,
    Rating,
    RatingScale,
    ReaderSubmission,
    Review,
    Source,
    SourceCheck,
    Speaker,
)

from .factories import (
    AppearanceFactory,
    ArticleFactory,
    ClaimFactory,
    CorrectionFactory,
    ReviewFactory,
    SourceCheckFactory,
    SourceFactory,
    SpeakerFactory,
    StaffFactory,
    SubmissionFactory,
    UserFactory,
    default_rating,
)
from .test_workflow_admin import claim_form_data

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "article",
    "claim",
    "speaker",
    "source",
    "sourcecheck",
    "ratingscale",
    "rating",
    "review",
    "readersubmission",
]
# Made elsewhere: checks by workers, submissions by readers, articles through Imports.
READ_ONLY = {"sourcecheck", "readersubmission", "article"}
# A changelist needs session, user, count, rows, filters: never more than this.
CHANGELIST_MAX_QUERIES = 16
CHANGE_FORM_MAX_QUERIES = 30


def populate(rows):
    """``rows`` claims, each in an article, with a speaker, two checked sources and a review."""
    for _ in range(rows):
        appearance = AppearanceFactory()
        source = SourceFactory(claim=appearance.claim)
        SourceFactory(claim=appearance.claim)
        SourceCheckFactory(source=source)
        review = ReviewFactory(claim=appearance.claim)
        CorrectionFactory(review=review)
        SubmissionFactory(review=review, kind="error")


def query_count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory(username="editor"))
    return client


@pytest.mark.parametrize("model", CHANGELISTS)
def test_changelist_queries_do_not_grow_with_rows(staff_client, model):
    url = reverse(f"admin:claims_{model}_changelist")
    populate(2)
    few = query_count(staff_client, url)
    populate(20)
    many = query_count(staff_client, url)
    assert many == few
    assert many <= CHANGELIST_MAX_QUERIES


@pytest.mark.parametrize("model", CHANGELISTS)
def test_changelist_search_and_filters_render(staff_client, model, django_assert_max_num_queries):
    populate(3)
    url = reverse(f"admin:claims_{model}_changelist")
    with django_assert_max_num_queries(CHANGELIST_MAX_QUERIES):
        response = staff_client.get(url, {"q": "chômage"} if model != "sourcecheck" else {})
    assert response.status_code == 200


def change_urls():
    appearance = AppearanceFactory()
    source = SourceFactory(claim=appearance.claim)
    check = SourceCheckFactory(source=source)
    review = ReviewFactory(claim=appearance.claim)
    rating = default_rating()
    return {
        "article": appearance.article.pk,
        "claim": appearance.claim.pk,
        "speaker": appearance.claim.speaker.pk,
        "source": source.pk,
        "sourcecheck": check.pk,
        "ratingscale": rating.scale.pk,
        "rating": rating.pk,
        "review": CorrectionFactory(review=review).review_id,
        "readersubmission": SubmissionFactory(review=review).pk,
    }


@pytest.mark.parametrize("model", CHANGELISTS)
def test_change_form_renders_with_bounded_queries(
    staff_client, model, django_assert_max_num_queries
):
    pk = change_urls()[model]
    url = reverse(f"admin:claims_{model}_change", args=[pk])
    with django_assert_max_num_queries(CHANGE_FORM_MAX_QUERIES):
        response = staff_client.get(url)
    assert response.status_code == 200


def add_rows(claim, article, n):
    """``n`` more checked sources and appearances of ``claim``, ``n`` more claims in ``article``."""
    for _ in range(n):
        altered = [{"quote": "9,7 %", "verdict": "altered", "score": 80}]
        SourceCheckFactory(source=SourceFactory(claim=claim), quote_results=altered)
        AppearanceFactory(claim=claim)
        AppearanceFactory(article=article)


def test_change_pages_run_as_many_queries_for_ten_rows_as_for_one(staff_client):
    review = ReviewFactory(state=Review.State.IN_REVIEW, published_at=None)
    article = ArticleFactory()
    urls = [
        reverse("admin:claims_claim_change", args=[review.claim_id]),
        reverse("admin:claims_review_change", args=[review.pk]),  # with its publication checks
        reverse("admin:claims_article_change", args=[article.pk]),
    ]
    add_rows(review.claim, article, 1)
    for url in urls:
        query_count(staff_client, url)  # what is cached once per process (content types)
    one = [query_count(staff_client, url) for url in urls]
    add_rows(review.claim, article, 9)
    assert [query_count(staff_client, url) for url in urls] == one
    page = staff_client.get(urls[0]).content.decode()
    for appearance in review.claim.appearances.select_related("article"):
        # Each row's autocomplete still names its article, without looking it up again.
        assert f'<option value="{appearance.article_id}" selected>{appearance.article}<' in page


@pytest.mark.parametrize("model", [m for m in CHANGELISTS if m not in READ_ONLY])
def test_add_form_renders(staff_client, model, django_assert_max_num_queries):
    with django_assert_max_num_queries(CHANGE_FORM_MAX_QUERIES):
        response = staff_client.get(reverse(f"admin:claims_{model}_add"))
    assert response.status_code == 200


def test_source_checks_are_read_only(staff_client):
    check = SourceCheckFactory()
    assert staff_client.get(reverse("admin:claims_sourcecheck_add")).status_code == 403
    response = staff_client.post(
        reverse("admin:claims_sourcecheck_change", args=[check.pk]), {"state": "failed"}
    )
    assert response.status_code == 403
    check.refresh_from_db()
    assert check.state == SourceCheck.State.DONE


def test_article_page_highlights_each_claim_span_and_escapes_the_body(staff_client):
    article = ArticleFactory(body='Le chômage a baissé de 3 %, <script>alert("x")</script> dit-il.')
    appearance = AppearanceFactory(article=article, start=0, end=article.body.index(","))
    response = staff_client.get(reverse("admin:claims_article_change", args=[article.pk]))
    html = response.content.decode()
    claim_url = reverse("admin:claims_claim_change", args=[appearance.claim_id])
    assert f'<a href="{claim_url}">Le chômage a baissé de 3 %</a></mark>' in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert '<script>alert("x")' not in html


def test_article_body_is_read_only_once_imported(staff_client):
    article = ArticleFactory()
    response = staff_client.get(reverse("admin:claims_article_change", args=[article.pk]))
    assert 'name="body"' not in response.content.decode()


def test_articles_come_in_through_an_import_not_a_bare_form(staff_client):
    """A bare form skipped the body's normalisation, the duplicate check and extraction."""
    existing = ArticleFactory()
    response = staff_client.post(
        reverse("admin:claims_article_add"),
        {"title": "Doublon", "language": "fr", "body": existing.body, "url": ""},
    )
    assert response.status_code == 403
    assert not Article.objects.filter(title="Doublon").exists()
    listing = staff_client.get(reverse("admin:claims_article_changelist")).content.decode()
    assert reverse("admin:claims_importjob_add") in listing
    assert reverse("admin:claims_article_add") not in listing


def test_an_article_date_before_the_press_existed_is_refused(staff_client):
    """Year 1 in Paris is before year 1 in UTC: saved, it made every list holding it a 500."""
    article = ArticleFactory(published_at=None)
    url = reverse("admin:claims_article_change", args=[article.pk])
    data = claim_form_data(staff_client.get(url))
    data["published_at_0"], data["published_at_1"] = "0001-01-01", "00:00:00"
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "entre 1800 et 2199" in response.content.decode()
    article.refresh_from_db()
    assert article.published_at is None
    assert staff_client.get(reverse("admin:claims_article_changelist")).status_code == 200


def test_adding_a_source_records_who_added_it(staff_client):
    claim = ClaimFactory()
    response = staff_client.post(
        reverse("admin:claims_source_add"),
        {"claim": claim.pk, "url": "https://www.insee.fr/fr/statistiques", "kind": "official"},
    )
    assert response.status_code == 302
    assert Source.objects.get(claim=claim).added_by.username == "editor"


def inline_post_data(response):
    """The POST data a browser would send back for a change form, inlines included."""
    data = {}
    for name, value in response.context["adminform"].form.initial.items():
        if value is not None:
            data[name] = value.pk if hasattr(value, "pk") else value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for field in formset.management_form:
            data[field.html_name] = field.value()
    return data


def test_claim_form_saves_sources_appearances_and_an_internal_note(staff_client):
    article = ArticleFactory(body="Le chômage a baissé de 3 % en 2016. Fin.")
    speaker = SpeakerFactory()
    url = reverse("admin:claims_claim_add")
    data = inline_post_data(staff_client.get(url))
    data.update(
        {
            "text": "Le chômage a baissé de 3 % en 2016.",
            "language": "fr",
            "speaker": speaker.pk,
            "claim_type": "quantity",
            "check_worthiness": "0.9",
            "appearances-TOTAL_FORMS": "1",
            "appearances-0-article": article.pk,
            "appearances-0-start": "0",
            "appearances-0-end": "35",
            "sources-TOTAL_FORMS": "1",
            "sources-0-url": "https://www.insee.fr/fr/statistiques/1",
            "sources-0-kind": "official",
            "notes-TOTAL_FORMS": "1",
            "notes-0-text": "Demander le détail à l'Insee.",
        }
    )
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    claim = Claim.objects.get(text="Le chômage a baissé de 3 % en 2016.")
    assert claim.appearances.get().span_text == "Le chômage a baissé de 3 % en 2016."
    assert claim.sources.get().added_by.username == "editor"
    assert claim.status == Claim.Status.CANDIDATE  # only triage moves it
    note = claim.notes.get()
    assert (note.text, note.author.username) == ("Demander le détail à l'Insee.", "editor")


def test_claim_form_refuses_a_span_outside_the_article(staff_client):
    article = ArticleFactory(body="Court.")
    url = reverse("admin:claims_claim_add")
    data = inline_post_data(staff_client.get(url))
    data.update(
        {
            "text": "Une affirmation.",
            "language": "fr",
            "claim_type": "other",
            "status": "candidate",
            "appearances-TOTAL_FORMS": "1",
            "appearances-0-article": article.pk,
            "appearances-0-start": "0",
            "appearances-0-end": "50",
        }
    )
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "Le texte de l&#x27;article ne compte que 6 caractères." in response.content.decode()
    assert not Claim.objects.exists()


def test_publishing_an_incomplete_review_is_refused_with_an_explanation(staff_client):
    review = ReviewFactory(state=Review.State.IN_REVIEW, published_at=None, rating=None)
    url = reverse("admin:claims_review_transition", args=[review.pk, "approve_publish"])
    response = staff_client.post(url, {"expected_version": review.version}, follow=True)
    assert response.status_code == 200
    assert "un verdict" in response.content.decode()  # « Publier demande un verdict, … »
    review.refresh_from_db()
    assert review.state == Review.State.IN_REVIEW


@pytest.mark.parametrize(
    "method,action",
    [("post", "transition/publish"), ("get", "correct"), ("get", "send-back")],
)
@pytest.mark.parametrize("review_id", ["abc", "99999999999999999999"])
def test_a_review_action_for_an_id_that_cannot_exist_is_not_found(
    staff_client, method, action, review_id
):
    response = getattr(staff_client, method)(f"/admin/claims/review/{review_id}/{action}/")
    assert response.status_code == 404


@pytest.mark.parametrize("value", ["²", "abc"])
def test_a_new_review_ignores_a_claim_given_by_something_else_than_an_id(staff_client, value):
    response = staff_client.get(reverse("admin:claims_review_add"), {"claim": value})
    assert response.status_code == 200
    assert response.context["adminform"].form["claim"].value() is None


def test_a_new_review_starts_on_the_claim_it_was_opened_from(staff_client):
    claim = ClaimFactory(status=Claim.Status.SELECTED)
    response = staff_client.get(reverse("admin:claims_review_add"), {"claim": claim.pk})
    assert response.context["adminform"].form["claim"].value() == str(claim.pk)


class TestClaimFilters:
    @pytest.fixture
    def two_claims(self):
        first = AppearanceFactory(claim=ClaimFactory(text="Premier", status="candidate"))
        second = AppearanceFactory(
            claim=ClaimFactory(text="Second", status="selected", language="en")
        )
        ReviewFactory(claim=second.claim, rating=default_rating("vrai"))
        return first, second

    def listed(self, client, **params):
        response = client.get(reverse("admin:claims_claim_changelist"), params)
        assert response.status_code == 200
        return {claim.text for claim in response.context["cl"].result_list}

    def test_by_status(self, staff_client, two_claims):
        assert self.listed(staff_client, status__exact="candidate") == {"Premier"}

    def test_by_language(self, staff_client, two_claims):
        assert self.listed(staff_client, language__exact="en") == {"Second"}

    def test_by_speaker(self, staff_client, two_claims):
        first, _ = two_claims
        assert self.listed(staff_client, speaker=first.claim.speaker_id) == {"Premier"}

    def test_by_article(self, staff_client, two_claims):
        _, second = two_claims
        assert self.listed(staff_client, article=second.article_id) == {"Second"}

    def test_by_rating(self, staff_client, two_claims):
        vrai = default_rating("vrai")
        assert self.listed(staff_client, reviews__rating__id__exact=vrai.pk) == {"Second"}

    def test_by_search(self, staff_client, two_claims):
        assert self.listed(staff_client, q="Premier") == {"Premier"}

    def test_speaker_filter_offers_the_most_used_speakers_only(self, staff_client, two_claims):
        SpeakerFactory.create_batch(30)  # speakers without claims are not offered
        response = staff_client.get(reverse("admin:claims_claim_changelist"))
        speaker_filter = next(
            spec
            for spec in response.context["cl"].filter_specs
            if getattr(spec, "parameter_name", "") == "speaker"
        )
        assert len(speaker_filter.lookup_choices) == 2

    @pytest.mark.parametrize(
        "name,value", [("speaker", "abc"), ("speaker", "²"), ("article", "²")]
    )  # "²".isdigit() is true, but it is no id
    def test_a_bad_filter_value_is_refused_cleanly(self, staff_client, two_claims, name, value):
        response = staff_client.get(reverse("admin:claims_claim_changelist"), {name: value})
        assert response.status_code == 302  # the admin drops invalid lookups with ?e=1
        assert "e=1" in response["Location"]


def test_rating_scale_is_editable(staff_client):
    scale = RatingScale.objects.get(is_default=True)
    response = staff_client.get(reverse("admin:claims_ratingscale_change", args=[scale.pk]))
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.total_form_count() == 7
    rating = Rating.objects.get(slug="faux")
    response = staff_client.post(
        reverse("admin:claims_rating_change", args=[rating.pk]),
        {
            "scale": scale.pk,
            "slug": "faux",
            "label_fr": "Faux",
            "label_en": "False",
            "value": "1",
            "position": "6",
            "colour": "#aa0000",
            "definition_fr": "Inexact.",
            "definition_en": "Inaccurate.",
        },
    )
    assert response.status_code == 302
    rating.refresh_from_db()
    assert rating.colour == "#aa0000"


class TestPermissions:
    def test_anonymous_users_are_sent_to_the_login_page(self, client):
        response = client.get(reverse("admin:claims_claim_changelist"))
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]

    def test_non_staff_users_cannot_enter(self, client):
        client.force_login(UserFactory())
        response = client.get(reverse("admin:claims_claim_changelist"))
        assert response.status_code == 302

    def test_staff_without_permission_is_refused(self, client):
        client.force_login(UserFactory(is_staff=True))
        assert client.get(reverse("admin:claims_claim_changelist")).status_code == 403
        assert not Speaker.objects.exists()


def test_the_admin_speaks_french_by_default_and_english_on_request(staff_client):
    url = reverse("admin:claims_claim_changelist")
    french = staff_client.get(url).content.decode()
    assert "<title>Sélectionnez l’objet affirmation à changer | factcheck</title>" in french
    assert "Retenue pour vérification" in french  # a status in the filter
    english = staff_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<title>Select claim to change | factcheck</title>" in english


class TestTriage:
    def test_selecting_and_dismissing_candidates(self, staff_client):
        keep, drop, reviewed = ClaimFactory(), ClaimFactory(), ClaimFactory(status="in_review")
        url = reverse("admin:claims_claim_changelist")
        selected = staff_client.post(
            url,
            {"action": "select_for_checking", "_selected_action": [keep.pk, reviewed.pk]},
            follow=True,
        )
        dismissed = staff_client.post(
            url,
            {
                "action": "dismiss",
                "_selected_action": [drop.pk],
                "confirm": "1",
                "reason": "Vague.",
            },
            follow=True,
        )
        statuses = dict(Claim.objects.values_list("pk", "status"))
        assert statuses == {keep.pk: "selected", drop.pk: "dismissed", reviewed.pk: "in_review"}
        # One claim is one claim, in French as in English.
        assert "1 affirmation retenue pour vérification." in selected.content.decode()
        assert "1 affirmation écartée." in dismissed.content.decode()

    def test_a_dismissed_claim_can_be_selected_again(self, staff_client):
        claim = ClaimFactory(status="dismissed", dismissal_reason="Hors sujet.")
        staff_client.post(
            reverse("admin:claims_claim_changelist"),
            {"action": "select_for_checking", "_selected_action": [claim.pk]},
        )
        claim.refresh_from_db()
        assert claim.status == "selected"


def test_reader_submissions_are_triaged_with_actions(staff_client):
    submissions = [SubmissionFactory(), SubmissionFactory()]
    url = reverse("admin:claims_readersubmission_changelist")
    response = staff_client.post(
        url,
        {"action": "mark_accepted", "_selected_action": [submissions[0].pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert [s.status for s in ReaderSubmission.objects.order_by("pk")] == ["accepted", "new"]
    assert staff_client.get(reverse("admin:claims_readersubmission_add")).status_code == 403


def test_published_reviews_link_to_their_public_page_and_show_corrections(staff_client):
    review = ReviewFactory()
    correction = CorrectionFactory(review=review, note="Date du discours corrigée.")
    page = staff_client.get(reverse("admin:claims_review_change", args=[review.pk]))
    html = page.content.decode()
    assert correction.note in html
    assert f'href="{review.get_absolute_url()}"' in html  # "view on site"
    draft = ReviewFactory(state="draft", published_at=None)
    draft_page = staff_client.get(reverse("admin:claims_review_change", args=[draft.pk]))
    assert "/verdicts/" not in draft_page.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/admin/claims/source/add/?claim=abc",
        "/admin/claims/review/add/?claim=%C2%B2",
        "/admin/claims/claim/add/?speaker=1x",
    ],
)
def test_an_add_link_naming_no_row_opens_an_empty_form(staff_client, url):
    response = staff_client.get(url)
    assert response.status_code == 200
    assert response.context["adminform"].form.initial == {}


def test_an_add_link_naming_a_row_still_fills_the_form(staff_client):
    claim = ClaimFactory()
    response = staff_client.get(f"/admin/claims/source/add/?claim={claim.pk}")
    assert response.context["adminform"].form.initial == {"claim": str(claim.pk)}


@pytest.mark.parametrize(
    "path",
    [
        "claim/{pk}/history/abc/",
        "claim/{pk}/history/1x/",
        "claim/abc/history/",
        "review/abc/history/1/",
        "source/1x/history/1/",
    ],
)
def test_a_history_page_that_names_no_row_is_not_found(staff_client, path):
    claim = ClaimFactory()
    assert staff_client.get("/admin/claims/" + path.format(pk=claim.pk)).status_code == 404


def test_why_a_claim_ranks_so_is_told_in_the_reader_s_language(staff_client):
    assert set(REASON_LABELS) == set(REASONS)
    claim = ClaimFactory(
        checkworthiness_reasons=[
            {"feature": "number", "weight": 0.3, "reason": "contains a figure"},
            {"feature": "retired", "weight": -0.1, "reason": "an older release's reason"},
        ]
    )
    page = staff_client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    assert "<div>+0.3 contient un chiffre</div>" in page
    assert "<div>-0.1 an older release&#x27;s reason</div>" in page


def test_a_review_s_history_names_its_states(staff_client):
    review = ReviewFactory(state=Review.State.IN_REVIEW, published_at=None)
    url = reverse("admin:claims_review_history", args=[review.pk])
    page = staff_client.get(url).content.decode()
    assert "<td>En relecture</td>" in page
    assert "<td>in_review</td>" not in page
    listing = staff_client.get(reverse("admin:claims_review_changelist") + "?o=3")
    assert listing.status_code == 200 and "En relecture" in listing.content.decode()


def test_the_date_hierarchy_s_own_links_still_work(staff_client):
    ArticleFactory(published_at=timezone.make_aware(datetime(2017, 6, 29, 9)))
    url = reverse("admin:claims_article_changelist")
    for query in (
        "published_at__year=2017",
        "published_at__year=2017&published_at__month=6",
        "published_at__year=2017&published_at__month=6&published_at__day=29",
    ):
        response = staff_client.get(f"{url}?{query}")
        assert response.status_code == 200
        assert response.context["cl"].result_count == 1


def test_a_null_character_in_a_form_is_refused_on_its_field(staff_client):
    response = staff_client.post(
        reverse("admin:claims_importjob_add"),
        {"raw": "Le chômage\x00 a reculé.", "url": "", "title": "", "outlet": "", "language": ""},
    )
    assert response.status_code == 200
    assert "raw" in response.context["adminform"].form.errors
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(
    "method, url, data",
    [
        ("get", "/admin/claims/claim/", {"q": "chômage\x00"}),
        (
            "get",
            "/admin/autocomplete/",
            {"term": "\x00", "app_label": "claims", "model_name": "source", "field_name": "claim"},
        ),
        (
            "post",
            "/admin/claims/claim/",
            {"action": "select_for_checking", "_selected_action": "abc"},
        ),
        ("post", "/admin/claims/source/", {"action": "recheck", "_selected_action": ["1", "²"]}),
        ("get", "/admin/claims/article/", {"published_at__year": "9999"}),
        (
            "get",
            "/admin/claims/article/",
            {"published_at__year": "2024", "published_at__month": "13"},
        ),
        ("get", "/admin/claims/review/", {"published_at__year": "0"}),
        ("get", "/admin/claims/review/", {"published_at__year": "9" * 5000}),
    ],
)
def test_malformed_admin_input_is_a_bad_request_that_changes_nothing(
    staff_client, method, url, data
):
    claim = ClaimFactory()
    response = getattr(staff_client, method)(url, data)
    assert response.status_code == 400
    assert Claim.objects.get(pk=claim.pk).status == claim.status
