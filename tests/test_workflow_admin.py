"""The workflow in the admin: each role × each action, the edit conflict, work queues,
history and the login lockout — all through real admin requests."""

import html

import pytest
from django import forms
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext

from claims.admin.corrections import ROW_GONE
from claims.admin.verdicts import VERSION_MISSING
from claims.models import (
    Article,
    Claim,
    ClaimAppearance,
    Correction,
    LinkStatus,
    Review,
    Source,
    Speaker,
)
from claims.publishing.verdicts import approve_and_publish
from claims.workflow.reviews import (
    approve_review,
    lock_for_edit,
    start_review,
    submit_review,
)

from .conftest import post_in_background, wait_until_blocked
from .factories import (
    AppearanceFactory,
    ArticleFactory,
    ClaimFactory,
    EditorFactory,
    FactCheckerFactory,
    SourceFactory,
    SpeakerFactory,
    StaffFactory,
    SubmissionFactory,
    UserFactory,
    default_rating,
)

pytestmark = pytest.mark.django_db

ROLES = ["fact_checker", "editor", "superuser", "staff_without_role"]


def make_user(role):
    return {
        "fact_checker": FactCheckerFactory,
        "editor": EditorFactory,
        "superuser": StaffFactory,
        "staff_without_role": lambda: UserFactory(is_staff=True),
    }[role]()


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def review_in(state, author=None):
    """A review in ``state``, written by someone else than the users under test."""
    author = author or FactCheckerFactory()
    claim = ClaimFactory(status=Claim.Status.SELECTED)
    SourceFactory(claim=claim)
    review = start_review(
        claim,
        author,
        rating=default_rating("faux"),
        conclusion="Le chiffre est faux.",
        explanation="L'Insee publie 9,7 %.",
    )
    if state == "draft":
        return review
    review = submit_review(review, author)
    if state == "in_review":
        return review
    return approve_and_publish(review, EditorFactory())


def change_form_data(client, review, **changes):
    """What the review's change form would post back, with ``changes`` typed in."""
    page = client.get(reverse("admin:claims_review_change", args=[review.pk]))
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        "claim": review.claim_id,
        "rating": review.rating_id,
        "language": review.language,
        "conclusion": review.conclusion,
        "explanation": review.explanation,
        "expected_version": form["expected_version"].value(),
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "corrections-MIN_NUM_FORMS": "0",
        "corrections-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def claim_form_data(page):
    """What a change page posts back unchanged: its fields and every inline's rows."""
    form = page.context["adminform"].form
    data = {
        name: (value.pk if hasattr(value, "pk") else value)
        for name, value in form.initial.items()
        if value is not None and name in form.fields
    }
    for name, field in form.fields.items():
        if isinstance(field.widget, forms.SplitDateTimeWidget) and name in data:
            day, time = field.widget.decompress(form[name].value())  # local time, as shown
            data.pop(name)
            data[f"{name}_0"], data[f"{name}_1"] = f"{day:%Y-%m-%d}", f"{time:%H:%M:%S}"
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        for field in formset.management_form:
            data[field.html_name] = field.value()
        data[f"{formset.prefix}-TOTAL_FORMS"] = len(formset.initial_forms)  # no blank rows
        for row in formset.initial_forms:
            for name in row.fields:
                value = row[name].value()
                if value is not None and not isinstance(value, bool):
                    data[row.add_prefix(name)] = value.pk if hasattr(value, "pk") else value
    return data


def transition(client, review, action):
    url = reverse("admin:claims_review_transition", args=[review.pk, action])
    # What the button's form posts: the version the page was opened on.
    return client.post(url, {"expected_version": Review.objects.get(pk=review.pk).version})


# Each action: prepare the object, perform the action as the user's client, and say whether
# it took effect (read back from the database).
def do_view(client, user):
    return client.get(reverse("admin:claims_claim_changelist")).status_code == 200


def do_triage(client, user):
    claim = ClaimFactory()
    client.post(
        reverse("admin:claims_claim_changelist"),
        {"action": "select_for_checking", "_selected_action": [claim.pk]},
    )
    return Claim.objects.get(pk=claim.pk).status == Claim.Status.SELECTED


def do_draft(client, user):
    claim = ClaimFactory(status=Claim.Status.SELECTED)
    client.post(
        reverse("admin:claims_review_add"),
        {
            "claim": claim.pk,
            "rating": default_rating("faux").pk,
            "language": "fr",
            "conclusion": "Faux.",
            "explanation": "Parce que.",
            "corrections-TOTAL_FORMS": "0",
            "corrections-INITIAL_FORMS": "0",
        },
    )
    return Review.objects.filter(claim=claim, author=user).exists()


def do_submit(client, user):
    review = review_in("draft")
    transition(client, review, "submit")
    return Review.objects.get(pk=review.pk).state == Review.State.IN_REVIEW


def do_approve(client, user):
    review = review_in("in_review")
    transition(client, review, "approve")
    return Review.objects.get(pk=review.pk).is_approved


def do_publish(client, user):
    review = review_in("in_review")
    transition(client, review, "approve_publish")
    return Review.objects.get(pk=review.pk).state == Review.State.PUBLISHED


def do_unpublish(client, user):
    review = review_in("published")
    transition(client, review, "unpublish")
    return Review.objects.get(pk=review.pk).state == Review.State.UNPUBLISHED


def do_correct(client, user):
    review = review_in("published")
    client.post(
        reverse("admin:claims_review_correct", args=[review.pk]),
        {
            "note": "Taux corrigé.",
            "rating": review.rating_id,
            "language": review.language,
            "conclusion": "Le chiffre est faux, à 0,2 point près.",
            "explanation": review.explanation,
            "expected_version": review.version,
        },
    )
    return Correction.objects.filter(review=review).exists()


ACTIONS = {
    "view": do_view,
    "triage": do_triage,
    "draft": do_draft,
    "submit": do_submit,
    "approve": do_approve,
    "publish": do_publish,
    "unpublish": do_unpublish,
    "correct": do_correct,
}
ALLOWED = {
    "fact_checker": {"view", "triage", "draft", "submit"},
    "editor": set(ACTIONS),
    "superuser": set(ACTIONS),
    "staff_without_role": set(),
}


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(role, action):
    user = make_user(role)
    took_effect = ACTIONS[action](client_for(user), user)
    assert took_effect == (action in ALLOWED[role])


class TestServerSideRefusals:
    """Refusals hold even when the request is forged, not only when a button is hidden."""

    def test_buttons_follow_the_role(self):
        review = review_in("in_review")
        url = reverse("admin:claims_review_change", args=[review.pk])
        checker_page = client_for(FactCheckerFactory()).get(url).content.decode()
        editor_page = client_for(EditorFactory()).get(url).content.decode()
        publish = reverse("admin:claims_review_transition", args=[review.pk, "approve_publish"])
        assert publish not in checker_page and publish in editor_page

    def test_a_fact_checker_cannot_reach_the_correction_form(self):
        review = review_in("published")
        client = client_for(FactCheckerFactory())
        assert (
            client.get(reverse("admin:claims_review_correct", args=[review.pk])).status_code == 403
        )

    def test_the_correction_forms_help_is_announced_with_its_field(self):
        review = review_in("published")
        url = reverse("admin:claims_review_correct", args=[review.pk])
        html = client_for(EditorFactory()).get(url).content.decode()
        assert 'aria-describedby="id_note_helptext"' in html
        assert '<div class="help" id="id_note_helptext">' in html

    def test_a_correction_can_change_the_verdicts_language(self):
        review = review_in("published")
        url = reverse("admin:claims_review_correct", args=[review.pk])
        client = client_for(EditorFactory())
        html = client.get(url).content.decode()
        assert '<option value="fr" selected>' in html
        client.post(
            url,
            {
                "note": "Verdict traduit en anglais.",
                "rating": review.rating_id,
                "language": "en",
                "conclusion": review.conclusion,
                "explanation": review.explanation,
                "expected_version": review.version,
            },
        )
        assert Review.objects.get(pk=review.pk).language == "en"
        assert Correction.objects.get(review=review).note == "Verdict traduit en anglais."

    def test_a_fact_checker_cannot_post_the_assign_action(self):
        claim = ClaimFactory()
        target = FactCheckerFactory()
        client = client_for(FactCheckerFactory())
        client.post(
            reverse("admin:claims_claim_changelist"),
            {
                "action": "assign",
                "_selected_action": [claim.pk],
                "confirm": "1",
                "assignee": target.pk,
            },
        )
        assert Claim.objects.get(pk=claim.pk).assigned_to is None

    @pytest.mark.parametrize("role, may_edit", [("fact_checker", False), ("editor", True)])
    def test_a_published_claim_is_edited_only_by_a_role_that_may_correct(self, role, may_edit):
        """Its words, speaker and sources are what readers see under the verdict."""
        review = review_in("published")
        claim = review.claim
        SourceFactory(claim=claim)
        client = client_for(make_user(role))
        url = reverse("admin:claims_claim_change", args=[claim.pk])
        page = client.get(url)
        assert page.status_code == 200
        data = claim_form_data(page)
        data["text"] = "Le chômage a augmenté de 50 %."
        data["sources-0-DELETE"] = "on"
        data["correction_note"] = "Citation corrigée, source retirée."
        client.post(url, data)
        stored = Claim.objects.get(pk=claim.pk)
        assert (stored.text == "Le chômage a augmenté de 50 %.") is may_edit
        assert (stored.sources.count() == 1) is may_edit
        assert ('name="text"' in page.content.decode()) is may_edit

    def test_only_superusers_delete_reviews(self):
        review = review_in("draft")
        client = client_for(EditorFactory())
        response = client.post(
            reverse("admin:claims_review_delete", args=[review.pk]), {"post": "yes"}
        )
        assert response.status_code == 403 and Review.objects.filter(pk=review.pk).exists()

    def test_a_second_verdict_on_one_claim_is_refused_in_the_form(self):
        review = review_in("draft")
        client = client_for(EditorFactory())
        response = client.post(
            reverse("admin:claims_review_add"),
            {
                "claim": review.claim_id,
                "rating": review.rating_id,
                "language": "fr",
                "conclusion": "Autre.",
                "explanation": "Autre.",
                "corrections-TOTAL_FORMS": "0",
                "corrections-INITIAL_FORMS": "0",
            },
        )
        assert response.status_code == 200
        assert response.context["adminform"].form.non_field_errors()
        assert Review.objects.filter(claim=review.claim).count() == 1

    def test_the_state_is_not_a_form_field(self):
        review = review_in("draft")
        client = client_for(EditorFactory())
        data = change_form_data(client, review, state="published", published_at="2024-01-01")
        client.post(reverse("admin:claims_review_change", args=[review.pk]), data)
        assert Review.objects.get(pk=review.pk).state == Review.State.DRAFT

    def test_an_editor_is_told_why_publishing_their_own_review_is_refused(self):
        editor = EditorFactory()
        review = submit_review(review_in("draft", author=editor), editor)
        client = client_for(editor)
        response = transition(client, review, "approve_publish")
        assert response.status_code == 302
        page = client.get(response["Location"])
        assert Review.objects.get(pk=review.pk).state == Review.State.IN_REVIEW
        assert "four" in page.content.decode().lower() or "quatre" in page.content.decode()

    def test_a_dismissal_asks_for_its_reason_first(self):
        claim = ClaimFactory()
        client = client_for(FactCheckerFactory())
        url = reverse("admin:claims_claim_changelist")
        page = client.post(url, {"action": "dismiss", "_selected_action": [claim.pk]})
        assert page.status_code == 200 and 'name="reason"' in page.content.decode()
        assert Claim.objects.get(pk=claim.pk).status == Claim.Status.CANDIDATE
        client.post(
            url,
            {
                "action": "dismiss",
                "_selected_action": [claim.pk],
                "confirm": "1",
                "reason": "Opinion.",
            },
        )
        claim.refresh_from_db()
        assert (claim.status, claim.dismissal_reason) == ("dismissed", "Opinion.")


def test_two_people_editing_one_review_the_second_save_is_refused_and_nothing_is_lost():
    review = review_in("draft")
    url = reverse("admin:claims_review_change", args=[review.pk])
    alice, bob = client_for(EditorFactory()), client_for(FactCheckerFactory())
    alice_form = change_form_data(alice, review, conclusion="Version d'Alice.")
    bob_form = change_form_data(bob, review, conclusion="Version de Bob.")
    assert alice.post(url, alice_form).status_code == 302
    response = bob.post(url, bob_form)
    assert response.status_code == 200  # the form again, with the conflict
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert errors
    stored = Review.objects.get(pk=review.pk)
    assert stored.conclusion == "Version d'Alice."
    assert stored.version == review.version + 1
    # Bob reloads, sees Alice's text, and his next save goes through.
    retry = change_form_data(bob, stored, conclusion="Version de Bob, après Alice.")
    assert bob.post(url, retry).status_code == 302
    assert Review.objects.get(pk=review.pk).conclusion == "Version de Bob, après Alice."


def test_a_save_that_does_not_say_which_version_it_started_from_is_refused():
    review = review_in("draft")
    url = reverse("admin:claims_review_change", args=[review.pk])
    client = client_for(EditorFactory())
    data = change_form_data(client, review, conclusion="Écrit à l'aveugle.")
    del data["expected_version"]  # a forged post, or a page that lost the hidden field
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [VERSION_MISSING]
    assert Review.objects.get(pk=review.pk).conclusion == review.conclusion


def test_the_history_page_shows_who_changed_what():
    review = review_in("draft")
    editor = EditorFactory()
    client = client_for(editor)
    url = reverse("admin:claims_review_change", args=[review.pk])
    client.post(url, change_form_data(client, review, conclusion="Nouvelle conclusion."))
    page = client.get(reverse("admin:claims_review_history", args=[review.pk])).content.decode()
    assert "Le chiffre est faux." in page and "Nouvelle conclusion." in page
    assert editor.username in page
    latest = Review.objects.get(pk=review.pk).history.first()
    assert latest.history_user == editor


@pytest.mark.parametrize("model", ["claim", "review", "source"])
def test_an_old_version_can_be_read_but_not_restored_from_the_history_page(model):
    """Restoring would bring back a published claim's old status behind the workflow's back."""
    review = review_in("published")
    obj = {"claim": review.claim, "review": review, "source": review.claim.sources.first()}[model]
    oldest = obj.history.order_by("history_id").first()
    client = client_for(EditorFactory())
    url = reverse(f"admin:claims_{model}_simple_history", args=[obj.pk, oldest.history_id])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    response = client.post(url, {name: form[name].value() or "" for name in form.fields})
    assert response.status_code == 403
    assert Claim.objects.get(pk=review.claim_id).status == Claim.Status.PUBLISHED
    assert Review.objects.get(pk=review.pk).state == Review.State.PUBLISHED
    assert obj.history.count() == type(obj).objects.get(pk=obj.pk).history.count()


class TestFailingSources:
    """The failing-sources list shows sources: the same rights and the same history."""

    @pytest.fixture
    def dead(self):
        source = SourceFactory()
        Source.objects.filter(pk=source.pk).update(status=LinkStatus.DEAD)
        return source

    def test_its_history_links_lead_to_the_sources_history(self, dead):
        client = client_for(EditorFactory())
        url = reverse("admin:claims_failingsource_history", args=[dead.pk])
        response = client.get(url, follow=True)
        assert response.status_code == 200
        assert response.redirect_chain == [
            (reverse("admin:claims_source_history", args=[dead.pk]), 302)
        ]
        version = dead.history.first().history_id
        old = reverse("admin:claims_failingsource_simple_history", args=[dead.pk, version])
        response = client.get(old, follow=True)
        assert response.status_code == 200
        assert response.redirect_chain == [
            (reverse("admin:claims_source_simple_history", args=[dead.pk, version]), 302)
        ]

    @pytest.mark.parametrize(
        "role,may", [("fact_checker", True), ("editor", True), ("staff_without_role", False)]
    )
    def test_whoever_may_change_sources_checks_them_again_from_the_list(self, dead, role, may):
        client = client_for(make_user(role))
        url = reverse("admin:claims_failingsource_changelist")
        if may:
            actions = client.get(url).context["action_form"].fields["action"].choices
            assert "recheck" in dict(actions)
        response = client.post(url, {"action": "recheck", "_selected_action": [dead.pk]})
        assert response.status_code == (302 if may else 403)
        assert dead.checks.filter(reason="recheck").exists() == may


class TestClaimAutocomplete:
    """The claim autocomplete of the review and source forms offers what the form accepts."""

    @pytest.fixture(autouse=True)
    def claims(self):
        for status in ["candidate", "selected", "in_review", "published"]:
            ClaimFactory(text=f"Zorglub {status}", status=status)

    def offered(self, user, model):
        params = {"app_label": "claims", "model_name": model, "field_name": "claim"}
        response = client_for(user).get(reverse("admin:autocomplete"), {**params, "term": "Zorg"})
        assert response.status_code == 200
        return {row["text"] for row in response.json()["results"]}

    def test_a_verdict_is_offered_the_claims_selected_for_checking(self):
        assert self.offered(EditorFactory(), "review") == {"Zorglub selected", "Zorglub in_review"}

    @pytest.mark.parametrize("role,published", [("fact_checker", False), ("editor", True)])
    def test_a_source_is_offered_a_published_claim_only_for_a_role_that_corrects(
        self, role, published
    ):
        offered = self.offered(make_user(role), "source")
        assert offered >= {"Zorglub candidate", "Zorglub selected", "Zorglub in_review"}
        assert ("Zorglub published" in offered) == published

    def test_the_claim_list_still_finds_every_claim(self):
        response = client_for(EditorFactory()).get(
            reverse("admin:claims_claim_changelist"), {"q": "Zorglub"}
        )
        assert len(response.context["cl"].result_list) == 4


class TestTransitionsFollowTheVersionRead:
    """An editor publishes the text they read, not one saved after they opened the page."""

    def test_a_save_after_the_page_was_opened_stops_publishing(self):
        review = review_in("in_review")
        client = client_for(EditorFactory())
        opened_on = review.version
        other = client_for(EditorFactory())
        other.post(
            reverse("admin:claims_review_change", args=[review.pk]),
            change_form_data(other, review, conclusion="Le chiffre est exact."),
        )
        url = reverse("admin:claims_review_transition", args=[review.pk, "approve_publish"])
        response = client.post(url, {"expected_version": opened_on}, follow=True)
        stored = Review.objects.get(pk=review.pk)
        assert stored.state == Review.State.IN_REVIEW
        assert stored.conclusion == "Le chiffre est exact."
        assert "nothing was done" in response.content.decode() or "rien n" in (
            response.content.decode()
        )

    def test_a_move_without_the_version_read_is_refused(self):
        review = review_in("in_review")
        client = client_for(EditorFactory())
        url = reverse("admin:claims_review_transition", args=[review.pk, "approve_publish"])
        client.post(url)
        client.post(url, {"expected_version": "not a number"})
        assert Review.objects.get(pk=review.pk).state == Review.State.IN_REVIEW

    def test_the_buttons_carry_the_version_shown(self):
        review = review_in("in_review")
        page = client_for(EditorFactory()).get(
            reverse("admin:claims_review_change", args=[review.pk])
        )
        html = page.content.decode()
        assert f'name="expected_version" value="{review.version}"' in html
        assert "/transition/approve_publish/" in html


class TestEditsToTheClaimOfAnApprovedVerdict:
    """The editor approved the claim and evidence they read: an edit to them afterwards
    withdraws the approval, and a move made from the page read before is refused. The claim's
    words and sources could change after approval, and Publish still went through."""

    def approved(self):
        author = FactCheckerFactory()
        review = review_in("in_review", author=author)
        review = approve_review(review, EditorFactory())
        return review, author, Review.objects.get(pk=review.pk).version

    def publish_from_the_page_read(self, review, version_read):
        client = client_for(EditorFactory())
        url = reverse("admin:claims_review_transition", args=[review.pk, "publish"])
        client.post(url, {"expected_version": version_read})
        return Review.objects.get(pk=review.pk)

    def test_the_claims_words(self):
        review, author, version_read = self.approved()
        client = client_for(author)
        url = reverse("admin:claims_claim_change", args=[review.claim_id])
        data = claim_form_data(client.get(url))
        data["text"] = "Le chômage a augmenté de 50 % en 2016."
        assert client.post(url, data).status_code == 302
        stored = self.publish_from_the_page_read(review, version_read)
        assert (stored.state, stored.approved_at, stored.editor) == ("in_review", None, None)
        assert stored.version > version_read
        reasons = list(stored.history.values_list("history_change_reason", flat=True))
        assert any("approval withdrawn" in r or "approbation retirée" in r for r in reasons)

    def test_a_source_removed_from_the_claims_page(self):
        review, author, version_read = self.approved()
        SourceFactory(claim_id=review.claim_id)
        client = client_for(author)
        url = reverse("admin:claims_claim_change", args=[review.claim_id])
        data = claim_form_data(client.get(url))
        data["sources-0-DELETE"] = "on"
        assert client.post(url, data).status_code == 302
        assert self.publish_from_the_page_read(review, version_read).state == "in_review"

    def test_a_source_edited_or_deleted_on_its_own_page(self):
        review, author, version_read = self.approved()
        source = Source.objects.filter(claim_id=review.claim_id).first()
        extra = SourceFactory(claim_id=review.claim_id)
        client = client_for(author)
        url = reverse("admin:claims_source_change", args=[source.pk])
        data = claim_form_data(client.get(url))
        data["title"] = "Une autre source"
        assert client.post(url, data).status_code == 302
        assert Review.objects.get(pk=review.pk).approved_at is None
        review = approve_review(Review.objects.get(pk=review.pk), EditorFactory())
        version_read = Review.objects.get(pk=review.pk).version
        delete = reverse("admin:claims_source_delete", args=[extra.pk])
        # Only a superuser deletes a source on its own page (its checks go with it).
        assert client_for(StaffFactory()).post(delete, {"post": "yes"}).status_code == 302
        assert self.publish_from_the_page_read(review, version_read).state == "in_review"

    def test_the_speaker_renamed(self):
        review, author, version_read = self.approved()
        speaker = SpeakerFactory()
        Claim.objects.filter(pk=review.claim_id).update(speaker=speaker)
        client = client_for(EditorFactory())
        url = reverse("admin:claims_speaker_change", args=[speaker.pk])
        data = claim_form_data(client.get(url))
        data["name"] = "Quelqu'un d'autre"
        assert client.post(url, data).status_code == 302
        assert self.publish_from_the_page_read(review, version_read).state == "in_review"

    def test_an_editor_who_rewords_the_claim_cannot_then_publish_it_alone(self):
        review, author, _ = self.approved()
        editor = EditorFactory()
        client = client_for(editor)
        url = reverse("admin:claims_claim_change", args=[review.claim_id])
        data = claim_form_data(client.get(url))
        data["text"] = "Le chômage a reculé de 1,8 million en 2016."
        assert client.post(url, data).status_code == 302
        version = Review.objects.get(pk=review.pk).version
        move = reverse("admin:claims_review_transition", args=[review.pk, "approve_publish"])
        client.post(move, {"expected_version": version})
        stored = Review.objects.get(pk=review.pk)
        assert (stored.state, stored.editor, stored.last_edited_by) == ("in_review", None, editor)
        # Another editor reads the new words and publishes.
        client_for(EditorFactory()).post(move, {"expected_version": version})
        assert Review.objects.get(pk=review.pk).state == "published"

    def test_a_save_that_changes_nothing_keeps_the_approval(self):
        review, author, version_read = self.approved()
        client = client_for(author)
        url = reverse("admin:claims_claim_change", args=[review.claim_id])
        assert client.post(url, claim_form_data(client.get(url))).status_code == 302
        assert self.publish_from_the_page_read(review, version_read).state == "published"


class TestChangesUnderAPublishedVerdict:
    """What readers see under a published verdict changes only with a dated public note."""

    def claim_page(self, client, review):
        url = reverse("admin:claims_claim_change", args=[review.claim_id])
        page = client.get(url)
        assert page.status_code == 200
        return url, claim_form_data(page)

    def test_new_words_without_a_note_are_refused_and_nothing_is_saved(self):
        review = review_in("published")
        client = client_for(EditorFactory())
        url, data = self.claim_page(client, review)
        data["text"] = "Le chômage a augmenté de 50 %."
        response = client.post(url, data)
        assert response.status_code == 200
        assert "correction_note" in response.context["adminform"].form.errors
        assert Claim.objects.get(pk=review.claim_id).text != data["text"]
        assert not Correction.objects.filter(review=review).exists()

    def test_new_words_with_a_note_log_a_dated_correction_on_the_verdict(self):
        review = review_in("published")
        editor = EditorFactory()
        client = client_for(editor)
        url, data = self.claim_page(client, review)
        data["text"] = "Le chômage a baissé de 0,5 point en 2016."
        data["correction_note"] = "La citation reprend désormais les mots exacts."
        assert client.post(url, data).status_code == 302
        correction = Correction.objects.get(review=review)
        assert correction.note == "La citation reprend désormais les mots exacts."
        assert correction.created_by == editor
        stored = Review.objects.get(pk=review.pk)
        assert stored.version == review.version + 1 and stored.state == Review.State.PUBLISHED
        public = client.get(stored.get_absolute_url()).content.decode()
        assert "La citation reprend désormais les mots exacts." in public

    def test_removing_a_source_needs_the_note_too(self):
        review = review_in("published")
        SourceFactory(claim=review.claim)
        client = client_for(EditorFactory())
        url, data = self.claim_page(client, review)
        data["sources-0-DELETE"] = "on"
        response = client.post(url, data)
        assert response.status_code == 200
        assert review.claim.sources.count() == 2
        data["correction_note"] = "Source retirée : la page ne disait pas cela."
        assert client.post(url, data).status_code == 302
        assert review.claim.sources.count() == 1
        assert Correction.objects.filter(review=review).count() == 1

    def test_the_last_source_goes_only_once_its_replacement_is_added(self):
        review = review_in("published")
        client = client_for(EditorFactory())
        url, data = self.claim_page(client, review)
        data["sources-0-DELETE"] = "on"
        data["correction_note"] = "Source remplacée : la page avait disparu."
        response = client.post(url, data)
        assert response.status_code == 200
        assert "au moins une source" in response.content.decode()
        assert review.claim.sources.count() == 1
        assert not Correction.objects.filter(review=review).exists()
        row = int(data["sources-TOTAL_FORMS"])
        data["sources-TOTAL_FORMS"] = row + 1
        data[f"sources-{row}-url"] = "https://www.insee.fr/fr/statistiques/2017"
        data[f"sources-{row}-kind"] = "primary"
        assert client.post(url, data).status_code == 302
        assert list(review.claim.sources.values_list("url", flat=True)) == [
            "https://www.insee.fr/fr/statistiques/2017"
        ]
        assert Correction.objects.filter(review=review).count() == 1

    def test_two_editors_each_removing_one_of_two_sources_leave_one(self):
        review = review_in("published")
        SourceFactory(claim=review.claim)
        first, second = client_for(EditorFactory()), client_for(EditorFactory())
        url, first_data = self.claim_page(first, review)
        _, second_data = self.claim_page(second, review)  # both read it with two sources
        first_data["sources-0-DELETE"] = second_data["sources-1-DELETE"] = "on"
        for data in (first_data, second_data):
            data["correction_note"] = "Source retirée."
        assert first.post(url, first_data).status_code == 302
        # One after the other, the second page's rows are stale and refused (Django's check);
        # at the same moment, the source count under the claim's row lock refuses it.
        assert second.post(url, second_data).status_code == 200
        assert review.claim.sources.count() == 1

    def test_a_verdict_left_without_sources_before_the_rule_can_still_be_saved(self):
        review = review_in("published")
        review.claim.sources.all().delete()
        client = client_for(EditorFactory())
        url, data = self.claim_page(client, review)
        data["check_worthiness"] = 0.2
        assert client.post(url, data).status_code == 302
        assert Claim.objects.get(pk=review.claim_id).check_worthiness == 0.2

    def test_internal_fields_change_without_a_note_or_a_correction(self):
        review = review_in("published")
        client = client_for(EditorFactory())
        url, data = self.claim_page(client, review)
        data["check_worthiness"] = 0.1
        assert client.post(url, data).status_code == 302
        assert Claim.objects.get(pk=review.claim_id).check_worthiness == 0.1
        assert not Correction.objects.filter(review=review).exists()

    def test_the_source_admin_keeps_the_same_rules(self):
        review = review_in("published")
        source = review.claim.sources.get()
        url = reverse("admin:claims_source_change", args=[source.pk])
        fields = {"url": source.url, "title": "Insee, enquête Emploi", "kind": source.kind}
        # A fact-checker may read it, not change or delete it.
        checker = client_for(FactCheckerFactory())
        assert checker.get(url).status_code == 200
        assert checker.post(url, fields).status_code == 403
        delete = reverse("admin:claims_source_delete", args=[source.pk])
        assert checker.post(delete, {"post": "yes"}).status_code == 403
        # Nor attach a new source to the published claim.
        added = checker.post(
            reverse("admin:claims_source_add"),
            {
                "claim": review.claim_id,
                "url": "https://www.insee.fr/fr/accueil",
                "kind": "official",
            },
        )
        assert added.status_code == 200 and review.claim.sources.count() == 1
        # An editor changes it with a note, which readers see dated.
        editor = client_for(EditorFactory())
        fields = {**claim_form_data(editor.get(url)), "title": "Insee, enquête Emploi"}
        refused = editor.post(url, fields)
        assert (
            refused.status_code == 200
            and "correction_note" in refused.context["adminform"].form.errors
        )
        note = "Titre de la source précisé."
        assert editor.post(url, {**fields, "correction_note": note}).status_code == 302
        assert Source.objects.get(pk=source.pk).title == "Insee, enquête Emploi"
        assert list(Correction.objects.filter(review=review).values_list("note", flat=True)) == [
            note
        ]
        # Removing it goes through the claim's page, where the note is asked for.
        assert editor.post(delete, {"post": "yes"}).status_code == 403

    def test_a_source_on_a_claim_in_review_needs_no_note(self):
        review = review_in("in_review")
        source = review.claim.sources.get()
        client = client_for(FactCheckerFactory())
        url = reverse("admin:claims_source_change", args=[source.pk])
        fields = {**claim_form_data(client.get(url)), "title": "Insee"}
        assert client.post(url, fields).status_code == 302
        assert Source.objects.get(pk=source.pk).title == "Insee"
        assert not Correction.objects.exists()


class TestSharedRecordsUnderPublishedVerdicts:
    """An article or a speaker shown under published verdicts is part of what readers see:
    read-only for fact-checkers, changed by editors with a note logged on each verdict."""

    def article_with_two_published_claims(self):
        article = ArticleFactory()
        reviews = [review_in("published"), review_in("published")]
        for review in reviews:
            AppearanceFactory(claim=review.claim, article=article)
        pending = ClaimFactory(status=Claim.Status.SELECTED)
        AppearanceFactory(claim=pending, article=article)
        return article, reviews, pending

    def row_of(self, page, claim_id):
        """The article page's inline row (its form prefix) for the claim ``claim_id``."""
        rows = page.context["inline_admin_formsets"][0].formset.initial_forms
        return next(row.prefix for row in rows if row.instance.claim_id == claim_id)

    def page(self, client, model, pk):
        url = reverse(f"admin:claims_{model}_change", args=[pk])
        page = client.get(url)
        assert page.status_code == 200
        return url, page

    def test_no_one_deletes_an_article_or_a_speaker_shown_under_a_published_verdict(self):
        # It took "where it appeared" or "said by" off the verdict's page with no dated note.
        article, reviews, _pending = self.article_with_two_published_claims()
        speaker = SpeakerFactory()
        Claim.objects.filter(pk=reviews[0].claim_id).update(speaker=speaker)
        unused = ArticleFactory()
        client = client_for(StaffFactory())  # a superuser
        for model, pk in (("article", article.pk), ("speaker", speaker.pk)):
            delete = reverse(f"admin:claims_{model}_delete", args=[pk])
            assert client.post(delete, {"post": "yes"}).status_code == 403
        changelist = reverse("admin:claims_article_changelist")
        client.post(
            changelist,
            {"action": "delete_selected", "_selected_action": [article.pk], "post": "yes"},
        )
        assert Article.objects.filter(pk=article.pk).exists()
        assert Speaker.objects.filter(pk=speaker.pk).exists()
        delete = reverse("admin:claims_article_delete", args=[unused.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 302
        assert not Article.objects.filter(pk=unused.pk).exists()

    def test_a_fact_checker_cannot_change_the_article_or_take_a_published_claim_out(self):
        article, reviews, pending = self.article_with_two_published_claims()
        client = client_for(FactCheckerFactory())
        url, page = self.page(client, "article", article.pk)
        assert "title" not in page.context["adminform"].form.fields  # shown read-only
        data = {**claim_form_data(page), "title": "Un autre titre"}
        published_row = self.row_of(page, reviews[0].claim_id)
        data[f"{published_row}-DELETE"] = "on"
        response = client.post(url, data)
        assert response.status_code == 200  # refused, with the reason
        errors = response.context["inline_admin_formsets"][0].formset.non_form_errors()
        assert errors == [
            gettext("“%(claim)s”: its verdict is published; only an editor may remove it.")
            % {"claim": reviews[0].claim.text}
        ]
        assert Article.objects.get(pk=article.pk).title == article.title
        assert ClaimAppearance.objects.filter(article=article).count() == 3
        assert not Correction.objects.exists()

    def test_a_fact_checker_still_removes_a_claim_not_yet_published(self):
        article, _reviews, pending = self.article_with_two_published_claims()
        client = client_for(FactCheckerFactory())
        url, page = self.page(client, "article", article.pk)
        data = claim_form_data(page)
        row = self.row_of(page, pending.pk)
        data[f"{row}-DELETE"] = "on"
        assert client.post(url, data).status_code == 302
        assert not ClaimAppearance.objects.filter(claim=pending).exists()
        assert not Correction.objects.exists()

    def test_an_editor_changes_the_article_with_a_note_logged_on_each_verdict(self):
        article, reviews, _pending = self.article_with_two_published_claims()
        editor = EditorFactory()
        client = client_for(editor)
        url, page = self.page(client, "article", article.pk)
        data = {**claim_form_data(page), "title": "Le chômage en 2016, selon l'Insee"}
        refused = client.post(url, data)
        assert refused.status_code == 200
        assert "correction_note" in refused.context["adminform"].form.errors
        assert Article.objects.get(pk=article.pk).title == article.title
        data["correction_note"] = "Titre de l'article corrigé."
        assert client.post(url, data).status_code == 302
        assert Article.objects.get(pk=article.pk).title == "Le chômage en 2016, selon l'Insee"
        for review in reviews:
            (correction,) = Correction.objects.filter(review=review)
            assert (correction.note, correction.created_by) == (
                "Titre de l'article corrigé.",
                editor,
            )
            public = client.get(review.get_absolute_url()).content.decode()
            assert "Le chômage en 2016, selon l&#x27;Insee" in public
            assert "Titre de l&#x27;article corrigé." in public

    def test_an_editor_takes_a_published_claim_out_of_the_article_with_a_note(self):
        article, reviews, _pending = self.article_with_two_published_claims()
        client = client_for(EditorFactory())
        url, page = self.page(client, "article", article.pk)
        data = claim_form_data(page)
        row = self.row_of(page, reviews[0].claim_id)
        data[f"{row}-DELETE"] = "on"
        assert client.post(url, data).status_code == 200  # no note yet
        assert ClaimAppearance.objects.filter(article=article).count() == 3
        data["correction_note"] = "Cette affirmation ne figurait pas dans l'article."
        assert client.post(url, data).status_code == 302
        assert not ClaimAppearance.objects.filter(article=article, claim=reviews[0].claim).exists()
        # Only the verdict whose page changed gets the correction.
        assert Correction.objects.filter(review=reviews[0]).count() == 1
        assert not Correction.objects.filter(review=reviews[1]).exists()

    def test_the_speaker_of_published_verdicts_follows_the_same_rules(self):
        review = review_in("published")
        speaker = review.claim.speaker
        checker = client_for(FactCheckerFactory())
        url, page = self.page(checker, "speaker", speaker.pk)
        assert "name" not in page.context["adminform"].form.fields
        checker.post(url, {"name": "Quelqu'un d'autre", "kind": "person", "role": "ministre"})
        assert Speaker.objects.get(pk=speaker.pk).name == speaker.name
        editor = client_for(EditorFactory())
        _, page = self.page(editor, "speaker", speaker.pk)
        assert 'name="correction_note"' in page.content.decode()
        data = {**claim_form_data(page), "role": "ancienne ministre du Travail"}
        assert editor.post(url, data).status_code == 200
        data["correction_note"] = "Fonction de l'oratrice précisée."
        assert editor.post(url, data).status_code == 302
        assert Speaker.objects.get(pk=speaker.pk).role == "ancienne ministre du Travail"
        assert Correction.objects.get(review=review).note == "Fonction de l'oratrice précisée."

    def test_a_speaker_with_no_published_verdict_is_edited_freely(self):
        speaker = ClaimFactory(status=Claim.Status.SELECTED).speaker
        client = client_for(FactCheckerFactory())
        url, page = self.page(client, "speaker", speaker.pk)
        assert 'name="correction_note"' not in page.content.decode()
        data = {**claim_form_data(page), "role": "porte-parole"}
        assert client.post(url, data).status_code == 302
        assert Speaker.objects.get(pk=speaker.pk).role == "porte-parole"
        assert not Correction.objects.exists()


class TestWorkQueues:
    def test_the_index_counts_each_queue_for_an_editor(self):
        ClaimFactory(check_worthiness=0.9)
        review_in("in_review")
        SubmissionFactory()
        editor = EditorFactory()
        mine = ClaimFactory(status=Claim.Status.SELECTED, assigned_to=editor)
        page = client_for(editor).get(reverse("admin:index"))
        counts = {queue.key: queue.count for queue in page.context["work_queues"]}
        assert counts["waiting_editor"] == 1
        assert counts["submissions"] == 1
        assert counts["assigned"] == 1
        assert counts["candidates"] == Claim.objects.filter(status="candidate").count()
        dashboard = client_for(editor).get(reverse("admin:work_queues")).content.decode()
        assert str(mine.text)[:40] in dashboard

    def test_each_queue_links_to_its_full_list(self):
        ClaimFactory(status=Claim.Status.SELECTED)
        client = client_for(EditorFactory())
        queues = client.get(reverse("admin:index")).context["work_queues"]
        assert len(queues) == 5
        for queue in queues:
            assert client.get(queue.list_url).status_code == 200, queue.list_url

    def test_fact_checkers_do_not_get_the_editors_queue(self):
        page = client_for(FactCheckerFactory()).get(reverse("admin:index"))
        keys = {queue.key for queue in page.context["work_queues"]}
        assert "waiting_editor" not in keys and "candidates" in keys

    def test_queue_pages_run_a_bounded_number_of_queries(self, django_assert_max_num_queries):
        for _ in range(15):
            review_in("in_review")
            ClaimFactory()
        client = client_for(EditorFactory())
        with django_assert_max_num_queries(20):
            assert client.get(reverse("admin:work_queues")).status_code == 200


class TestLoginProtection:
    def test_repeated_failures_lock_the_account_out_even_with_the_right_password(self):
        user = StaffFactory(username="cible")
        client = Client()
        url = reverse("admin:login")
        for _ in range(5):
            client.post(url, {"username": user.username, "password": "mauvais"})
        response = client.post(
            url, {"username": user.username, "password": "correct horse battery staple"}
        )
        assert response.status_code == 429
        assert "_auth_user_id" not in client.session
        page = response.content.decode()
        assert "<title>Trop d'échecs de connexion | factcheck</title>" in page
        assert "Django" not in page

    def test_behind_the_proxy_a_forged_forwarded_address_does_not_escape_the_lockout(
        self, settings
    ):
        settings.RATELIMIT_IP_META_KEY = "HTTP_X_FORWARDED_FOR"  # docker-compose.yml's
        user = StaffFactory(username="cible2")
        client = Client()
        url = reverse("admin:login")
        for n in range(5):
            # The client sends its own X-Forwarded-For; the proxy appends the real address.
            client.post(
                url,
                {"username": user.username, "password": "mauvais"},
                HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 198.51.100.7",
            )
        response = client.post(
            url,
            {"username": user.username, "password": "correct horse battery staple"},
            HTTP_X_FORWARDED_FOR="203.0.113.99, 198.51.100.7",
        )
        assert response.status_code == 429
        # Another reader behind the same proxy is not locked out with them.
        other = Client().post(
            url,
            {"username": user.username, "password": "correct horse battery staple"},
            HTTP_X_FORWARDED_FOR="198.51.100.8",
        )
        assert other.status_code == 302

    def test_a_successful_login_resets_the_count(self):
        user = StaffFactory(username="distrait")
        client = Client()
        url = reverse("admin:login")
        for _ in range(4):
            client.post(url, {"username": user.username, "password": "mauvais"})
        good = {"username": user.username, "password": "correct horse battery staple"}
        assert client.post(url, good).status_code == 302
        client.logout()
        for _ in range(4):
            client.post(url, {"username": user.username, "password": "mauvais"})
        assert client.post(url, good).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_two_editors_removing_one_source_each_at_the_same_moment_leave_one():
    """Each page was read with two sources. The second save waits on the verdict's and the
    claim's row locks, taken by the claim's form before its rows are read, so it reads them as
    the first save left them: one of its rows is gone, and the save is refused, saying so."""
    review = review_in("published")
    claim = review.claim
    first_source = claim.sources.get()
    SourceFactory(claim=claim)
    client = client_for(EditorFactory())
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    data = claim_form_data(client.get(url))
    data["sources-1-DELETE"] = "on"
    data["correction_note"] = "Source retirée."
    with transaction.atomic():
        # The first editor's save, under way: it holds the verdict's and the claim's rows.
        lock_for_edit(claim.pk)
        second, answers = post_in_background(client, url, data)
        wait_until_blocked("the second save")
        Source.objects.filter(pk=first_source.pk).delete()
    second.join(30)
    assert answers[0].status_code == 200
    inlines = answers[0].context["inline_admin_formsets"]
    row_errors = [form.errors for inline in inlines for form in inline.formset]
    assert any(row_errors), "the second save went through"
    assert gettext(ROW_GONE) in html.unescape(answers[0].content.decode())  # shown
    assert claim.sources.count() == 1
