"""Two people on the same change page: a save writes only what its user changed, and a field
both changed is refused with the other's version shown and the user's kept in the form."""

import json
from datetime import UTC, datetime

import psycopg
import pytest
from django.db import transaction
from django.urls import reverse

from claims.admin.articles import ArticleForm, SpeakerForm
from claims.admin.edit_conflicts import BASE_FIELD, BASE_MISSING, GONE
from claims.models import Article, Claim, Correction, LinkStatus, Review, Source, Speaker
from claims.workflow.claims import triage_claims
from claims.workflow.reviews import lock_for_edit

from .conftest import database_url, post_in_background, wait_until_blocked
from .factories import (
    AppearanceFactory,
    ArticleFactory,
    ClaimFactory,
    EditorFactory,
    FactCheckerFactory,
    SourceFactory,
    SpeakerFactory,
)
from .test_workflow_admin import claim_form_data, client_for, review_in

pytestmark = pytest.mark.django_db


def opened(client, url):
    """What the change page at ``url`` posts back if its user changes nothing."""
    page = client.get(url)
    assert page.status_code == 200
    return claim_form_data(page)


def form_errors(response):
    return " ".join(response.context["adminform"].form.non_field_errors())


def claim_url(claim):
    return reverse("admin:claims_claim_change", args=[claim.pk])


def test_the_change_page_carries_what_it_was_opened_on_for_the_form_and_each_row():
    claim = ClaimFactory()
    SourceFactory(claim=claim)
    html = client_for(FactCheckerFactory()).get(claim_url(claim)).content.decode()
    assert f'name="{BASE_FIELD}"' in html
    assert f'name="sources-0-{BASE_FIELD}"' in html


def test_a_colleagues_change_to_another_field_is_kept():
    claim = ClaimFactory(text="Le chômage a baissé de 5 %.", check_worthiness=0.5)
    alice, bob = client_for(FactCheckerFactory()), client_for(FactCheckerFactory())
    alice_form = opened(alice, claim_url(claim))
    bob_form = opened(bob, claim_url(claim))
    bob_form["text"] = "Le chômage a baissé de 5 % en 2016."
    assert bob.post(claim_url(claim), bob_form).status_code == 302
    alice_form["check_worthiness"] = "0.9"
    assert alice.post(claim_url(claim), alice_form).status_code == 302
    claim.refresh_from_db()
    assert claim.text == "Le chômage a baissé de 5 % en 2016."  # not put back by Alice's page
    assert claim.check_worthiness == 0.9


def test_the_same_field_changed_by_both_is_refused_and_nothing_is_lost():
    claim = ClaimFactory(text="Le chômage a baissé de 5 %.")
    bob_user = FactCheckerFactory()
    alice, bob = client_for(FactCheckerFactory()), client_for(bob_user)
    alice_form = opened(alice, claim_url(claim))
    bob_form = opened(bob, claim_url(claim))
    bob_form["text"] = "Version de Bob."
    assert bob.post(claim_url(claim), bob_form).status_code == 302
    alice_form["text"] = "Version d'Alice."
    response = alice.post(claim_url(claim), alice_form)
    assert response.status_code == 200  # the form again
    errors = form_errors(response)
    assert bob_user.get_username() in errors
    assert "Version de Bob." in errors  # theirs, shown
    assert str(response.context["adminform"].form.fields["text"].label) in errors
    assert response.context["adminform"].form["text"].value() == "Version d'Alice."  # hers, kept
    assert Claim.objects.get(pk=claim.pk).text == "Version de Bob."
    # Having read Bob's, Alice saves the form as shown again: hers goes in, on purpose.
    alice_form[BASE_FIELD] = response.context["adminform"].form[BASE_FIELD].value()
    assert alice.post(claim_url(claim), alice_form).status_code == 302
    assert Claim.objects.get(pk=claim.pk).text == "Version d'Alice."


def test_both_typing_the_same_change_is_no_conflict():
    claim = ClaimFactory(text="Le chômage a baisé de 5 %.")
    alice, bob = client_for(FactCheckerFactory()), client_for(FactCheckerFactory())
    alice_form, bob_form = opened(alice, claim_url(claim)), opened(bob, claim_url(claim))
    for client, form in ((bob, bob_form), (alice, alice_form)):
        form["text"] = "Le chômage a baissé de 5 %."
        assert client.post(claim_url(claim), form).status_code == 302
    assert Claim.objects.get(pk=claim.pk).text == "Le chômage a baissé de 5 %."


def test_a_source_edited_on_its_own_page_is_not_put_back_by_the_claims_page():
    claim = ClaimFactory()
    source = SourceFactory(claim=claim, title="Insee, 2016")
    alice, bob = client_for(FactCheckerFactory()), client_for(FactCheckerFactory())
    alice_form = opened(alice, claim_url(claim))
    source_url = reverse("admin:claims_source_change", args=[source.pk])
    bob_form = opened(bob, source_url)
    bob_form["title"] = "Insee, enquête Emploi 2016"
    assert bob.post(source_url, bob_form).status_code == 302
    alice_form["text"] = "Le chômage a baissé de 6 % en 2016."
    assert alice.post(claim_url(claim), alice_form).status_code == 302
    assert Source.objects.get(pk=source.pk).title == "Insee, enquête Emploi 2016"
    assert Claim.objects.get(pk=claim.pk).text == "Le chômage a baissé de 6 % en 2016."


def test_a_source_row_both_changed_is_refused_on_the_claims_page():
    claim = ClaimFactory()
    source = SourceFactory(claim=claim, title="Insee, 2016")
    alice, bob = client_for(FactCheckerFactory()), client_for(FactCheckerFactory())
    alice_form = opened(alice, claim_url(claim))
    source_url = reverse("admin:claims_source_change", args=[source.pk])
    bob_form = opened(bob, source_url)
    bob_form["title"] = "Titre de Bob"
    assert bob.post(source_url, bob_form).status_code == 302
    alice_form["sources-0-title"] = "Titre d'Alice"
    response = alice.post(claim_url(claim), alice_form)
    assert response.status_code == 200
    rows = [form for inline in response.context["inline_admin_formsets"] for form in inline.formset]
    assert any("Titre de Bob" in " ".join(row.non_field_errors()) for row in rows)
    assert Source.objects.get(pk=source.pk).title == "Titre de Bob"


def test_under_a_published_verdict_a_colleagues_correction_is_not_yours_to_explain():
    review = review_in("published")
    claim = review.claim
    alice, bob = client_for(EditorFactory()), client_for(EditorFactory())
    alice_form, bob_form = opened(alice, claim_url(claim)), opened(bob, claim_url(claim))
    bob_form["text"] = "Le chômage a baissé de 5 % en 2016, selon l'Insee."
    bob_form["correction_note"] = "Citation complétée."
    assert bob.post(claim_url(claim), bob_form).status_code == 302
    # Alice changes only an internal field: no note asked of her, and Bob's words stay.
    alice_form["check_worthiness"] = "0.3"
    assert alice.post(claim_url(claim), alice_form).status_code == 302
    claim.refresh_from_db()
    assert claim.text == "Le chômage a baissé de 5 % en 2016, selon l'Insee."
    assert claim.check_worthiness == 0.3
    notes = list(Correction.objects.filter(review=review).values_list("note", flat=True))
    assert notes == ["Citation complétée."]


def test_a_speaker_both_changed_names_no_one_it_cannot_know():
    speaker = SpeakerFactory(role="ministre")
    url = reverse("admin:claims_speaker_change", args=[speaker.pk])
    alice, bob = client_for(EditorFactory()), client_for(EditorFactory())
    alice_form, bob_form = opened(alice, url), opened(bob, url)
    bob_form["role"] = "ministre du Travail"
    assert bob.post(url, bob_form).status_code == 302
    alice_form["role"] = "ancienne ministre"
    response = alice.post(url, alice_form)
    assert response.status_code == 200
    assert "ministre du Travail" in form_errors(response)
    assert Speaker.objects.get(pk=speaker.pk).role == "ministre du Travail"


def test_a_save_that_does_not_say_what_it_was_opened_on_is_refused_then_can_be_made():
    claim = ClaimFactory(text="Le chômage a baissé de 5 %.")
    client = client_for(FactCheckerFactory())
    data = opened(client, claim_url(claim))
    del data[BASE_FIELD]  # a page from before this check, or a forged post
    data["text"] = "Écrit à l'aveugle."
    response = client.post(claim_url(claim), data)
    assert response.status_code == 200
    assert form_errors(response) == str(BASE_MISSING)
    assert Claim.objects.get(pk=claim.pk).text == "Le chômage a baissé de 5 %."
    data[BASE_FIELD] = response.context["adminform"].form[BASE_FIELD].value()
    assert client.post(claim_url(claim), data).status_code == 302
    assert Claim.objects.get(pk=claim.pk).text == "Écrit à l'aveugle."


def test_a_row_deleted_after_it_was_read_is_not_brought_back():
    speaker = SpeakerFactory()
    opened_form = SpeakerForm(instance=speaker)
    data = {
        "name": speaker.name,
        "kind": speaker.kind,
        "role": "autre",
        "wikidata_id": "",
        BASE_FIELD: opened_form.initial[BASE_FIELD],
    }
    read = Speaker.objects.get(pk=speaker.pk)  # as the admin reads it, before the form
    Speaker.objects.filter(pk=speaker.pk).delete()
    form = SpeakerForm(data, instance=read)
    assert not form.is_valid()
    assert form.non_field_errors() == [str(GONE)]
    assert not Speaker.objects.filter(pk=speaker.pk).exists()


def test_rows_its_user_may_only_read_carry_nothing_to_check():
    review = review_in("published")  # a fact-checker may read its evidence, not change it
    page = client_for(FactCheckerFactory()).get(claim_url(review.claim))
    assert page.status_code == 200
    assert f'name="sources-0-{BASE_FIELD}"' not in page.content.decode()


def test_a_date_shown_to_the_second_is_not_taken_for_a_change():
    article = ArticleFactory(published_at=datetime(2016, 3, 1, 9, 30, 15, 123456, tzinfo=UTC))
    url = reverse("admin:claims_article_change", args=[article.pk])
    alice, bob = client_for(EditorFactory()), client_for(EditorFactory())
    alice_form, bob_form = opened(alice, url), opened(bob, url)
    bob_form["title"] = "Titre corrigé par Bob"
    assert bob.post(url, bob_form).status_code == 302
    alice_form["outlet"] = "AFP"
    assert alice.post(url, alice_form).status_code == 302
    article.refresh_from_db()
    assert (article.title, article.outlet) == ("Titre corrigé par Bob", "AFP")
    assert article.published_at.microsecond == 123456  # left as it was, not re-typed


def test_a_triage_made_while_the_page_was_open_is_not_undone_by_saving_it():
    claim = ClaimFactory(status=Claim.Status.CANDIDATE)
    alice = client_for(FactCheckerFactory())
    alice_form = opened(alice, claim_url(claim))
    triage_claims(Claim.objects.filter(pk=claim.pk), Claim.Status.SELECTED, EditorFactory())
    alice_form["text"] = "Le chômage a baissé de 6 % en 2016."
    assert alice.post(claim_url(claim), alice_form).status_code == 302
    claim.refresh_from_db()
    assert claim.status == Claim.Status.SELECTED
    assert claim.text == "Le chômage a baissé de 6 % en 2016."


def test_a_link_check_finished_while_the_page_was_open_is_not_undone_by_saving_it():
    source = SourceFactory(status=LinkStatus.ERROR, failure_count=1)
    url = reverse("admin:claims_source_change", args=[source.pk])
    alice = client_for(FactCheckerFactory())
    alice_form = opened(alice, url)
    # What the check worker writes when the link answers again.
    Source.objects.filter(pk=source.pk).update(status=LinkStatus.OK, failure_count=0)
    alice_form["note"] = "Tableau 3, page 12."
    assert alice.post(url, alice_form).status_code == 302
    source.refresh_from_db()
    assert (source.status, source.failure_count, source.note) == (
        LinkStatus.OK,
        0,
        "Tableau 3, page 12.",
    )


@pytest.mark.django_db(transaction=True)
def test_a_status_change_committed_while_the_save_waits_is_kept():
    """The admin reads the row before the form locks it: a triage committed in between must
    not be overwritten by the columns it read."""
    claim = ClaimFactory(status=Claim.Status.CANDIDATE)
    client = client_for(FactCheckerFactory())
    data = opened(client, claim_url(claim))
    data["text"] = "Le chômage a baissé de 6 % en 2016."
    with transaction.atomic():
        Claim.objects.select_for_update().get(pk=claim.pk)  # a triage under way
        saving, answers = post_in_background(client, claim_url(claim), data)
        wait_until_blocked("the save")
        Claim.objects.filter(pk=claim.pk).update(status=Claim.Status.SELECTED)
    saving.join(30)
    assert answers[0].status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.text) == (
        Claim.Status.SELECTED,
        "Le chômage a baissé de 6 % en 2016.",
    )


def test_saving_again_after_a_conflict_keeps_the_colleagues_other_changes():
    claim = ClaimFactory(text="Texte initial.", quotation="Citation initiale.")
    alice, bob = client_for(FactCheckerFactory()), client_for(FactCheckerFactory())
    alice_form, bob_form = opened(alice, claim_url(claim)), opened(bob, claim_url(claim))
    bob_form.update(text="Texte de Bob.", quotation="Citation corrigée par Bob.")
    assert bob.post(claim_url(claim), bob_form).status_code == 302
    alice_form["text"] = "Texte d'Alice."
    conflict = alice.post(claim_url(claim), alice_form)
    assert conflict.status_code == 200
    form = conflict.context["adminform"].form
    # The page shows Bob's quotation, which Alice did not touch, and her text, which clashed.
    assert (form["quotation"].value(), form["text"].value()) == (
        "Citation corrigée par Bob.",
        "Texte d'Alice.",
    )
    # Alice saves the page as it came back: her text, and Bob's quotation, kept.
    assert alice.post(claim_url(claim), form.data.dict()).status_code == 302
    claim.refresh_from_db()
    assert (claim.text, claim.quotation) == ("Texte d'Alice.", "Citation corrigée par Bob.")


def browser_posted(form):
    """``form`` as a browser sends it: a textarea's lines end in \\r\\n."""
    return {
        name: value.replace("\n", "\r\n") if isinstance(value, str) else value
        for name, value in form.items()
    }


def test_lines_a_browser_sends_back_ending_in_crlf_are_not_a_change():
    claim = ClaimFactory(quotation="« Le chômage baisse.\nC'est un fait. »")
    source = SourceFactory(claim=claim, note="Tableau 3.\nPage 12.")
    alice = client_for(FactCheckerFactory())
    alice_form = browser_posted(opened(alice, claim_url(claim)))
    source_url = reverse("admin:claims_source_change", args=[source.pk])
    bob = client_for(FactCheckerFactory())
    bob_form = opened(bob, source_url)
    bob_form["note"] = "Tableau 3, page 12, colonne 2."
    assert bob.post(source_url, bob_form).status_code == 302
    alice_form["text"] = "Le chômage a baissé de 6 % en 2016."
    assert alice.post(claim_url(claim), alice_form).status_code == 302  # no conflict
    assert Source.objects.get(pk=source.pk).note == "Tableau 3, page 12, colonne 2."
    assert Claim.objects.get(pk=claim.pk).quotation == "« Le chômage baisse.\nC'est un fait. »"


def test_under_a_published_verdict_lines_sent_back_in_crlf_need_no_correction_note():
    review = review_in("published")
    Claim.objects.filter(pk=review.claim_id).update(quotation="Première ligne.\nSeconde.")
    client = client_for(EditorFactory())
    data = browser_posted(opened(client, claim_url(review.claim)))
    data["check_worthiness"] = "0.2"  # internal: readers do not see it
    assert client.post(claim_url(review.claim), data).status_code == 302
    assert not Correction.objects.filter(review=review).exists()


def test_the_conflict_names_who_changed_that_field_not_who_saved_last():
    claim = ClaimFactory(text="Texte initial.", status=Claim.Status.CANDIDATE)
    bob_user, carol = FactCheckerFactory(), EditorFactory()
    alice, bob = client_for(FactCheckerFactory()), client_for(bob_user)
    alice_form, bob_form = opened(alice, claim_url(claim)), opened(bob, claim_url(claim))
    bob_form["text"] = "Texte de Bob."
    assert bob.post(claim_url(claim), bob_form).status_code == 302
    triage_claims(Claim.objects.filter(pk=claim.pk), Claim.Status.SELECTED, carol)
    alice_form["text"] = "Texte d'Alice."
    errors = form_errors(alice.post(claim_url(claim), alice_form))
    assert bob_user.get_username() in errors
    assert carol.get_username() not in errors


def test_the_conflict_shows_their_choice_as_the_page_names_it():
    claim = ClaimFactory(claim_type=Claim.Type.QUANTITY)
    alice, bob = client_for(FactCheckerFactory()), client_for(FactCheckerFactory())
    alice_form, bob_form = opened(alice, claim_url(claim)), opened(bob, claim_url(claim))
    bob_form["claim_type"] = Claim.Type.LAW
    assert bob.post(claim_url(claim), bob_form).status_code == 302
    alice_form["claim_type"] = Claim.Type.STATEMENT
    errors = form_errors(alice.post(claim_url(claim), alice_form))
    assert str(Claim.Type.LAW.label) in errors
    assert f"“{Claim.Type.LAW.value}”" not in errors and f"« {Claim.Type.LAW.value} »" not in errors


@pytest.mark.parametrize("base", ['{"published_at": [1]}', '{"title": {"a": 1}}', "[1, 2]", "{"])
def test_a_malformed_starting_point_is_refused_not_an_error(base):
    article = ArticleFactory()
    url = reverse("admin:claims_article_change", args=[article.pk])
    client = client_for(EditorFactory())
    data = opened(client, url)
    opened_on = json.loads(data[BASE_FIELD])
    opened_on.update(json.loads(base) if base.startswith('{"') else {})
    data[BASE_FIELD] = json.dumps(opened_on) if base.startswith('{"') else base
    data["outlet"] = "AFP"
    assert client.post(url, data).status_code in (200, 302)  # a refusal or a save, never a 500


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("page", ["claim", "source"])
def test_a_save_waits_for_the_verdict_before_it_locks_the_claim(page):
    """In the workflow's order: an approval locks the verdict, then the claim. A page that
    held the claim while it waited for the verdict would deadlock with it."""
    review = review_in("in_review")
    claim = review.claim
    source = claim.sources.first() or SourceFactory(claim=claim)
    client = client_for(EditorFactory())
    url = (
        claim_url(claim)
        if page == "claim"
        else reverse("admin:claims_source_change", args=[source.pk])
    )
    data = opened(client, url)
    data["text" if page == "claim" else "title"] = "Changé pendant l'approbation."
    with transaction.atomic():
        Review.objects.select_for_update().get(pk=review.pk)  # an approval under way
        saving, answers = post_in_background(client, url, data)
        wait_until_blocked("the save")
        with psycopg.connect(database_url(), autocommit=True) as other:
            # Free: the waiting save holds nothing the approval will ask for next.
            other.execute(
                "SELECT 1 FROM claims_claim WHERE id = %s FOR UPDATE NOWAIT",
                [claim.pk],
            )
    saving.join(30)
    assert answers[0].status_code == 302


@pytest.mark.django_db(transaction=True)
def test_a_row_being_saved_does_not_hold_back_rows_that_point_at_it():
    """An appearance added in an article, while the article's page is being saved, takes a
    key-share lock on the article: the save's lock lets it through."""
    article = ArticleFactory()
    data = {
        "title": "Titre corrigé",
        "url": article.url,
        "outlet": article.outlet,
        "author": article.author,
        "published_at": "",
        "language": article.language,
        BASE_FIELD: ArticleForm(instance=article).initial[BASE_FIELD],
    }
    with transaction.atomic():
        form = ArticleForm(data, instance=Article.objects.get(pk=article.pk))
        assert form.is_valid(), form.errors
        with psycopg.connect(database_url(), autocommit=True) as other:
            with pytest.raises(psycopg.errors.LockNotAvailable):  # the save holds the row
                other.execute(
                    "SELECT 1 FROM claims_article WHERE id = %s FOR NO KEY UPDATE NOWAIT",
                    [article.pk],
                )
            other.execute(
                "SELECT 1 FROM claims_article WHERE id = %s FOR KEY SHARE NOWAIT", [article.pk]
            )


@pytest.mark.django_db(transaction=True)
def test_an_address_change_committed_while_a_save_waits_queues_one_check():
    source = SourceFactory(url="https://www.insee.fr/fr/statistiques/a")
    url = reverse("admin:claims_source_change", args=[source.pk])
    client = client_for(FactCheckerFactory())
    data = opened(client, url)
    data["note"] = "Tableau 3."
    with transaction.atomic():
        lock_for_edit(source.claim_id)  # another save of the claim's, under way
        saving, answers = post_in_background(client, url, data)
        wait_until_blocked("the save")
        moved = Source.objects.get(pk=source.pk)
        moved.url = "https://www.insee.fr/fr/statistiques/b"
        moved.save()
    saving.join(30)
    assert answers[0].status_code == 302
    source.refresh_from_db()
    assert (source.url, source.note) == ("https://www.insee.fr/fr/statistiques/b", "Tableau 3.")
    assert source.checks.filter(reason="url changed").count() == 1


def test_a_date_shown_again_after_a_conflict_is_saved_as_it_is_now():
    article = ArticleFactory(title="Titre", published_at=datetime(2017, 6, 29, 8, 0, tzinfo=UTC))
    url = reverse("admin:claims_article_change", args=[article.pk])
    alice, bob = client_for(EditorFactory()), client_for(EditorFactory())
    alice_form, bob_form = opened(alice, url), opened(bob, url)
    bob_form.update(title="Titre de Bob", published_at_0="2017-06-30", published_at_1="09:15:00")
    assert bob.post(url, bob_form).status_code == 302
    bobs_date = Article.objects.get(pk=article.pk).published_at
    alice_form["title"] = "Titre d'Alice"
    conflict = alice.post(url, alice_form)
    assert conflict.status_code == 200
    assert alice.post(url, conflict.context["adminform"].form.data.dict()).status_code == 302
    article.refresh_from_db()
    assert (article.title, article.published_at) == ("Titre d'Alice", bobs_date)


def test_after_a_conflict_the_users_other_changes_are_still_in_the_form():
    claim = ClaimFactory(text="Texte initial.", quotation="Citation initiale.")
    alice, bob = client_for(FactCheckerFactory()), client_for(FactCheckerFactory())
    alice_form, bob_form = opened(alice, claim_url(claim)), opened(bob, claim_url(claim))
    bob_form.update(text="Texte de Bob.", claim_type=Claim.Type.LAW)
    assert bob.post(claim_url(claim), bob_form).status_code == 302
    alice_form.update(text="Texte d'Alice.", quotation="Citation d'Alice.")
    conflict = alice.post(claim_url(claim), alice_form)
    form = conflict.context["adminform"].form
    assert (form["text"].value(), form["quotation"].value()) == (
        "Texte d'Alice.",
        "Citation d'Alice.",
    )
    assert alice.post(claim_url(claim), form.data.dict()).status_code == 302
    claim.refresh_from_db()
    assert (claim.text, claim.quotation, claim.claim_type) == (
        "Texte d'Alice.",
        "Citation d'Alice.",
        Claim.Type.LAW,
    )


def test_moving_an_appearance_reads_its_text_again_from_the_article():
    appearance = AppearanceFactory()
    claim, body = appearance.claim, appearance.article.body
    client = client_for(FactCheckerFactory())
    data = opened(client, claim_url(claim))
    data.update({"appearances-0-start": "1", "appearances-0-end": "12"})
    assert client.post(claim_url(claim), data).status_code == 302
    appearance.refresh_from_db()
    assert (appearance.start, appearance.end, appearance.span_text) == (1, 12, body[1:12])


def test_an_appearance_moved_past_the_end_of_its_article_is_refused_on_its_row():
    appearance = AppearanceFactory()
    client = client_for(FactCheckerFactory())
    data = opened(client, claim_url(appearance.claim))
    data["appearances-0-end"] = str(len(appearance.article.body) + 10)
    response = client.post(claim_url(appearance.claim), data)
    assert response.status_code == 200
    [rows] = [
        i.formset
        for i in response.context["inline_admin_formsets"]
        if i.formset.prefix == "appearances"
    ]
    assert "end" in rows.forms[0].errors


@pytest.mark.parametrize(
    "name, base",
    [
        ("edit_base", "[" * 100_000),
        ("appearances-0-edit_base", '{"article": 1, "end": Infinity, "start": 0}'),
    ],
)
def test_a_forged_starting_point_on_the_claims_page_is_no_error(name, base):
    appearance = AppearanceFactory()
    client = client_for(FactCheckerFactory())
    data = opened(client, claim_url(appearance.claim))
    data[name] = base
    data["text"] = "Le chômage a baissé de 6 % en 2016."
    assert client.post(claim_url(appearance.claim), data).status_code in (200, 302)


def test_a_failing_source_is_changed_on_the_sources_own_page():
    """Saved as the failing-sources proxy, it sent none of a source's signals: no history, no
    check of a new address."""
    source = SourceFactory(status=LinkStatus.DEAD)
    client = client_for(FactCheckerFactory())
    page = client.get(reverse("admin:claims_failingsource_change", args=[source.pk]))
    assert page.status_code == 302
    assert page.url == reverse("admin:claims_source_change", args=[source.pk])
    posted = client.post(
        reverse("admin:claims_failingsource_change", args=[source.pk]), {"note": "perdu"}
    )
    assert posted.status_code == 302
    assert Source.objects.get(pk=source.pk).note == source.note
