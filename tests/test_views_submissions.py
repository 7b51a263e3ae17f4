"""Readers submit a claim to check or an error in a verdict: stored, protected, rate-limited."""

import itertools
import uuid

import pytest
from django.test import Client

from claims.models import ReaderSubmission

from .factories import published_verdict

pytestmark = pytest.mark.django_db
_addresses = (f"127.0.{a}.{b}" for a, b in itertools.product(range(10, 250), range(1, 250)))


@pytest.fixture
def reader(settings):
    """A reader at an address of their own, with rate-limit counters that start at zero."""
    # Counters live an hour in Redis: each test counts under a prefix of its own.
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4()}"},
    }
    settings.RATELIMIT_USE_CACHE = "ratelimit"
    return Client(REMOTE_ADDR=next(_addresses), enforce_csrf_checks=True)


def csrf_post(client, url, data, language="fr"):
    page = client.get(url)
    token = page.cookies["csrftoken"].value
    return client.post(url, {**data, "csrfmiddlewaretoken": token})


def test_a_reader_submits_a_claim_and_fact_checkers_find_it(reader):
    response = csrf_post(
        reader,
        "/fr/submit/",
        {
            "kind": "claim",
            "text": "Le maire affirme avoir planté 10 000 arbres en 2023.",
            "url": "https://www.example.org/article",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/fr/submit/thanks/"
    submission = ReaderSubmission.objects.get()
    assert submission.text == "Le maire affirme avoir planté 10 000 arbres en 2023."
    assert submission.language == "fr" and submission.status == "new"


def test_reporting_an_error_links_the_verdict(reader):
    review = published_verdict()
    page = reader.get(f"/en/submit/?review={review.pk}&kind=error").content.decode()
    assert f'name="review" value="{review.pk}"' in page
    response = csrf_post(
        reader,
        "/en/submit/",
        {"kind": "error", "review": review.pk, "text": "The 2016 figure is 9.7%, not 9.5%."},
    )
    assert response.status_code == 302
    submission = ReaderSubmission.objects.get()
    assert submission.review == review and submission.language == "en"


def test_the_link_field_says_when_an_error_report_needs_it(reader):
    """Optional when the form came from a verdict; the verdict's link otherwise."""
    review = published_verdict()
    from_verdict = reader.get(f"/fr/submit/?review={review.pk}&kind=error").content.decode()
    assert "vue\u00a0? (lien, facultatif)" in from_verdict
    blank = reader.get("/fr/submit/").content.decode()
    assert "(lien\u00a0; pour une erreur, celui du verdict)" in blank
    response = csrf_post(reader, "/fr/submit/", {"kind": "error", "text": "Une erreur ici."})
    assert "Indiquez le lien du verdict concerné." in response.content.decode()
    assert not ReaderSubmission.objects.exists()


def test_without_the_csrf_token_nothing_is_stored_and_nothing_is_lost(reader):
    response = reader.post(
        "/fr/submit/",
        {"kind": "error", "text": "Le chiffre de 2016 est faux.", "website": "", "email": "a@b.fr"},
    )
    assert response.status_code == 403
    assert not ReaderSubmission.objects.exists()
    # The reader's message comes back in a form that can be sent, with a word on cookies.
    html = response.content.decode()
    assert "Rien n'est perdu" in html.replace("&#x27;", "'")
    assert "Le chiffre de 2016 est faux.</textarea>" in html
    assert 'value="a@b.fr"' in html and 'value="error" id="id_kind_1" required checked' in html
    token = response.cookies["csrftoken"].value
    data = {"kind": "error", "text": "Le chiffre de 2016 est faux.", "url": "https://x.example/"}
    again = reader.post("/fr/submit/", {**data, "csrfmiddlewaretoken": token})
    assert again.status_code == 302 and ReaderSubmission.objects.count() == 1


def test_other_refused_forms_say_why_in_the_sites_pages(client):
    refused = Client(enforce_csrf_checks=True).post("/admin/login/", {"username": "x"})
    assert refused.status_code == 403
    assert "<h1>Formulaire refusé</h1>" in refused.content.decode()


def test_bots_filling_the_honeypot_are_thanked_and_ignored(reader):
    response = csrf_post(
        reader,
        "/fr/submit/",
        {"kind": "claim", "text": "Buy cheap watches now!!!", "website": "http://spam.example"},
    )
    assert response.status_code == 302
    assert not ReaderSubmission.objects.exists()


def test_invalid_input_is_shown_back_with_the_readers_text(reader):
    response = csrf_post(reader, "/fr/submit/", {"kind": "claim", "text": "court"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Écrivez au moins quelques mots." in html
    assert "court</textarea>" in html
    assert not ReaderSubmission.objects.exists()


def test_an_unpublished_verdict_cannot_be_referenced(reader):
    review = published_verdict(state="draft", published_at=None)
    response = csrf_post(
        reader, "/fr/submit/", {"kind": "error", "review": review.pk, "text": "Une erreur ici."}
    )
    assert response.status_code == 400
    assert not ReaderSubmission.objects.exists()
    # The reader is told, and sending again goes without the link they cannot fix.
    html = response.content.decode()
    assert "n'est plus publié" in html
    assert "(lien\u00a0; pour une erreur, celui du verdict)" in html  # no longer "optional"
    assert '<input type="hidden" name="review" value="">' in html
    url = f"https://factcheck.example.org/fr/verdicts/{review.pk}/"
    data = {"kind": "error", "review": "", "url": url, "text": "Une erreur ici."}
    again = csrf_post(reader, "/fr/submit/", data)
    assert again.status_code == 302
    submission = ReaderSubmission.objects.get()
    assert submission.review is None and submission.url == url


def test_submissions_are_rate_limited_per_address(reader, settings):
    settings.SUBMISSIONS_RATE = "3/h"
    statuses = [
        csrf_post(reader, "/fr/submit/", {"kind": "claim", "text": f"Affirmation numéro {n}."})
        for n in range(5)
    ]
    assert [r.status_code for r in statuses] == [302, 302, 302, 429, 429]
    assert statuses[3]["Retry-After"] == "3600"
    assert "Réessayez plus tard" in statuses[3].content.decode()
    assert ReaderSubmission.objects.count() == 3
    other = Client(REMOTE_ADDR=next(_addresses), enforce_csrf_checks=True)
    assert (
        csrf_post(other, "/fr/submit/", {"kind": "claim", "text": "Un autre lecteur."}).status_code
        == 302
    )


def test_behind_a_proxy_readers_are_counted_by_its_header_and_never_get_a_500(settings):
    """The README's proxy setting; django-ratelimit's own "ip" key raised (a 500) on a request
    without the header or with a list in it."""
    settings.SUBMISSIONS_RATE = "1/h"
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4()}"},
    }
    settings.RATELIMIT_USE_CACHE = "ratelimit"
    proxy = next(_addresses)  # every request comes from the proxy's own address

    def send(**headers):
        client = Client(REMOTE_ADDR=proxy, enforce_csrf_checks=True, headers=headers)
        return csrf_post(client, "/fr/submit/", {"kind": "claim", "text": "Une affirmation."})

    assert send(x_real_ip="198.51.100.7").status_code == 302
    assert send(x_real_ip="198.51.100.7").status_code == 429
    assert send(x_real_ip="198.51.100.8").status_code == 302  # another reader
    # No header: counted by the connection's address rather than failing.
    assert send().status_code == 302
    assert send().status_code == 429
    # A list: its last entry, the one the proxy added; a port or brackets are no other reader.
    assert send(x_real_ip="203.0.113.5, 198.51.100.9").status_code == 302
    assert send(x_real_ip="192.0.2.1, 198.51.100.9:4711,").status_code == 429
    assert send(x_real_ip="[2001:db8::1]:443").status_code == 302
    assert send(x_real_ip="2001:db8::1").status_code == 429
    assert ReaderSubmission.objects.count() == 5


def test_only_kept_messages_count_against_the_limit(reader, settings):
    settings.SUBMISSIONS_RATE = "2/h"
    # A reader who sends an empty form twice, then fixes it, still has their two messages.
    for _ in range(3):
        assert csrf_post(reader, "/fr/submit/", {"kind": "claim", "text": ""}).status_code == 400
    kept = [
        csrf_post(reader, "/fr/submit/", {"kind": "claim", "text": f"Affirmation {n}."})
        for n in range(3)
    ]
    assert [r.status_code for r in kept] == [302, 302, 429]
    assert ReaderSubmission.objects.count() == 2
    # With no message left, an invalid post is told so rather than asked to fix its text.
    refused = csrf_post(reader, "/fr/submit/", {"kind": "claim", "text": ""})
    assert refused.status_code == 429


def test_messages_are_taken_when_the_rate_counters_are_down(reader, settings, caplog):
    # Nothing listens on port 1 of the loopback: the counters' Redis refuses connections.
    settings.CACHES = {
        **settings.CACHES,
        "ratelimit": {**settings.CACHES["ratelimit"], "LOCATION": "redis://127.0.0.1:1/0"},
    }
    data = {"kind": "claim", "text": "Affirmation à vérifier."}
    response = csrf_post(reader, "/fr/submit/", data)
    assert response.status_code == 302
    assert ReaderSubmission.objects.get().text == "Affirmation à vérifier."
    assert "submission rate limit unavailable" in caplog.text


def test_a_link_to_a_verdict_not_published_starts_a_plain_form(reader):
    draft = published_verdict(state="draft", published_at=None)
    for query in (f"review={draft.pk}&kind=error", "review=١&kind=error", "kind=bogus"):
        page = reader.get(f"/fr/submit/?{query}").content.decode()
        assert '<input type="hidden" name="review" id="id_review">' in page, query
        assert "(lien\u00a0; pour une erreur, celui du verdict)" in page, query
    assert (
        'value="claim" id="id_kind_0" required checked'
        in reader.get("/fr/submit/?kind=bogus").content.decode()
    )


def test_a_missing_choice_is_tied_to_its_group_of_buttons(reader):
    html = csrf_post(
        reader, "/fr/submit/", {"text": "Une affirmation à vérifier."}
    ).content.decode()
    assert '<fieldset class="field" aria-describedby="id_kind_error">' in html
    assert '<p class="field-error" id="id_kind_error">' in html
