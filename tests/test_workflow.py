"""The newsroom workflow's services: every state change, who may make it, and what it records."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext

from claims.models import Claim, ClaimNote, Review
from claims.publishing.verdicts import approve_and_publish, publish_review
from claims.workflow.claims import (
    add_note,
    assign_claim,
    dismiss_claim,
    reopen_claim,
    select_claim,
    triage_claims,
)
from claims.workflow.errors import EditConflict, WorkflowError
from claims.workflow.reviews import (
    approve_review,
    claim_edited,
    publication_warnings,
    return_review,
    save_review,
    start_review,
    submit_review,
)

from .factories import (
    ClaimFactory,
    EditorFactory,
    FactCheckerFactory,
    SourceCheckFactory,
    SourceFactory,
    default_rating,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def checker():
    return FactCheckerFactory()


@pytest.fixture
def editor():
    return EditorFactory()


def drafted(checker, **fields):
    claim = ClaimFactory(status=Claim.Status.SELECTED)
    SourceFactory(claim=claim)
    values = {
        "rating": default_rating("faux"),
        "conclusion": "Le chiffre est faux.",
        "explanation": "L'Insee publie 9,7 %.",
        **fields,
    }
    return start_review(claim, checker, **values)


class TestClaimTriage:
    def test_a_candidate_is_selected_then_dismissed_with_its_reason(self, checker):
        claim = select_claim(ClaimFactory(), checker)
        assert claim.status == Claim.Status.SELECTED
        claim = dismiss_claim(claim, checker, "Opinion, rien à vérifier.")
        assert (claim.status, claim.dismissal_reason) == ("dismissed", "Opinion, rien à vérifier.")
        record = claim.history.first()
        assert record.history_user == checker
        assert "Opinion, rien à vérifier." in record.history_change_reason

    def test_dismissing_needs_a_reason(self, checker):
        claim = ClaimFactory()
        with pytest.raises(WorkflowError):
            dismiss_claim(claim, checker, "   ")
        assert Claim.objects.get(pk=claim.pk).status == Claim.Status.CANDIDATE

    def test_a_dismissed_claim_can_be_reopened_and_its_reason_goes(self, checker):
        claim = dismiss_claim(ClaimFactory(), checker, "Hors sujet.")
        claim = reopen_claim(claim, checker)
        assert (claim.status, claim.dismissal_reason) == ("candidate", "")

    def test_a_claim_selected_by_mistake_goes_back_among_the_candidates(self, checker):
        claim = select_claim(ClaimFactory(), checker)
        claim = reopen_claim(claim, checker)
        assert Claim.objects.get(pk=claim.pk).status == Claim.Status.CANDIDATE
        assert claim.history.first().history_change_reason == gettext("Back to candidates")

    def test_claims_in_review_or_published_are_out_of_triage(self, checker):
        for status in (Claim.Status.IN_REVIEW, Claim.Status.PUBLISHED):
            claim = ClaimFactory(status=status)
            with pytest.raises(WorkflowError):
                select_claim(claim, checker)
            with pytest.raises(WorkflowError):
                dismiss_claim(claim, checker, "Raison.")
            with pytest.raises(WorkflowError):
                reopen_claim(claim, checker)
            assert Claim.objects.get(pk=claim.pk).status == status

    def test_bulk_triage_reports_what_it_refused(self, checker):
        fresh, busy = ClaimFactory(), ClaimFactory(status=Claim.Status.IN_REVIEW)
        moved, refused = triage_claims(
            Claim.objects.filter(pk__in=[fresh.pk, busy.pk]), Claim.Status.SELECTED, checker
        )
        assert moved == 1 and len(refused) == 1 and str(busy) in refused[0]

    def test_a_user_without_a_role_cannot_triage(self):
        from .factories import UserFactory

        nobody = UserFactory(is_staff=True)
        with pytest.raises(PermissionDenied):
            select_claim(ClaimFactory(), nobody)


class TestAssignment:
    def test_an_editor_assigns_anyone_and_the_time_is_kept(self, editor, checker):
        claim = assign_claim(ClaimFactory(status="selected"), checker, editor)
        assert claim.assigned_to == checker and claim.assigned_at is not None
        assert claim.history.first().history_user == editor

    def test_a_fact_checker_takes_a_free_claim_but_not_someone_elses(self, checker):
        claim = assign_claim(ClaimFactory(status="selected"), checker, checker)
        assert claim.assigned_to == checker
        other = FactCheckerFactory()
        with pytest.raises(PermissionDenied):
            assign_claim(claim, other, other)
        with pytest.raises(PermissionDenied):
            assign_claim(ClaimFactory(), other, checker)
        assert Claim.objects.get(pk=claim.pk).assigned_to == checker

    def test_claims_go_only_to_active_staff(self, editor):
        from .factories import UserFactory

        with pytest.raises(WorkflowError):
            assign_claim(ClaimFactory(), UserFactory(is_staff=False), editor)


def test_internal_notes_keep_their_author_and_refuse_empty_text(checker):
    claim = ClaimFactory()
    note = add_note(claim, checker, "  Appeler l'Insee lundi.  ")
    assert (note.text, note.author) == ("Appeler l'Insee lundi.", checker)
    with pytest.raises(WorkflowError):
        add_note(claim, checker, " ")
    assert ClaimNote.objects.count() == 1


class TestReviewStates:
    def test_drafting_puts_the_claim_in_review(self, checker):
        review = drafted(checker)
        assert review.state == Review.State.DRAFT and review.author == checker
        assert Claim.objects.get(pk=review.claim_id).status == Claim.Status.IN_REVIEW

    def test_a_verdict_is_written_in_the_newsrooms_language_unless_told(self, checker, settings):
        assert drafted(checker).language == "fr"
        assert drafted(checker, language="en").language == "en"
        settings.LANGUAGE_CODE = "en"
        assert Review.objects.get(pk=drafted(checker).pk).language == "en"

    def test_a_candidate_must_be_selected_before_drafting(self, checker):
        with pytest.raises(WorkflowError):
            start_review(ClaimFactory(), checker)
        assert not Review.objects.exists()

    def test_the_full_path_to_publication_records_each_step(self, checker, editor):
        review = submit_review(drafted(checker), checker)
        assert review.state == Review.State.IN_REVIEW and review.submitted_at
        review = approve_review(review, editor)
        assert review.editor == editor and review.is_approved
        review = publish_review(review, editor)
        assert review.state == Review.State.PUBLISHED
        reasons = [(h.history_change_reason, h.history_user) for h in review.history.all()]
        assert [r for r, _user in reasons] == [
            gettext("Published"),
            gettext("Approved"),
            gettext("Submitted to an editor"),
            gettext("Draft started"),
        ]
        assert [user for _r, user in reasons] == [editor, editor, checker, checker]

    def test_publishing_needs_an_approval(self, checker, editor):
        review = submit_review(drafted(checker), checker)
        with pytest.raises(WorkflowError):
            publish_review(review, editor)
        assert Review.objects.get(pk=review.pk).state == Review.State.IN_REVIEW

    def test_a_draft_cannot_be_approved_or_published(self, checker, editor):
        review = drafted(checker)
        with pytest.raises(WorkflowError):
            approve_review(review, editor)
        with pytest.raises(WorkflowError):
            approve_and_publish(review, editor)
        assert Review.objects.get(pk=review.pk).state == Review.State.DRAFT

    def test_an_editor_sends_a_review_back_with_what_to_change(self, checker, editor):
        review = approve_review(submit_review(drafted(checker), checker), editor)
        with pytest.raises(WorkflowError):
            return_review(review, editor, "")
        review = return_review(review, editor, "Ajouter la source Eurostat.")
        assert review.state == Review.State.DRAFT and not review.is_approved
        assert "Eurostat" in review.history.first().history_change_reason

    def test_fact_checkers_cannot_approve_publish_or_send_back(self, checker):
        review = submit_review(drafted(checker), checker)
        other = FactCheckerFactory()
        for move in (approve_review, approve_and_publish):
            with pytest.raises(PermissionDenied):
                move(review, other)
        with pytest.raises(PermissionDenied):
            return_review(review, other, "Non.")
        assert Review.objects.get(pk=review.pk).state == Review.State.IN_REVIEW


class TestFourEyes:
    def test_an_editor_cannot_approve_or_publish_their_own_review(self, editor):
        review = submit_review(drafted(editor), editor)
        with pytest.raises(PermissionDenied):
            approve_review(review, editor)
        with pytest.raises(PermissionDenied):
            approve_and_publish(review, editor)
        approved = approve_review(review, EditorFactory())
        with pytest.raises(PermissionDenied):
            publish_review(approved, editor)
        assert Review.objects.get(pk=review.pk).state == Review.State.IN_REVIEW

    def test_an_editor_who_rewrote_a_draft_cannot_approve_the_rewrite(self, checker, editor):
        review = submit_review(drafted(checker), checker)
        review.conclusion = "Réécrite par l'éditeur."
        review = save_review(review, editor, review.version)
        assert review.last_edited_by == editor
        for move in (approve_review, approve_and_publish):
            with pytest.raises(PermissionDenied):
                move(review, editor)
        stored = Review.objects.get(pk=review.pk)
        assert stored.state == Review.State.IN_REVIEW and not stored.is_approved
        # Another editor reads the rewrite and may approve it.
        assert approve_review(review, EditorFactory()).is_approved

    def test_an_editor_who_reworded_the_claim_cannot_approve_it(self, checker, editor):
        review = submit_review(drafted(checker), checker)
        claim = review.claim
        claim.text = "Le chômage a reculé de 1,8 million en 2024."
        claim.save()
        claim_edited(claim, editor)
        review = Review.objects.get(pk=review.pk)
        assert review.last_edited_by == editor
        for move in (approve_review, approve_and_publish):
            with pytest.raises(PermissionDenied):
                move(review, editor)
        assert not Review.objects.get(pk=review.pk).is_approved
        assert approve_review(review, EditorFactory()).is_approved

    def test_an_editor_who_imported_a_new_appearance_cannot_approve_it(self, checker, editor):
        # The importer chose the article (its outlet, its link) that now shows under the claim.
        review = approve_review(submit_review(drafted(checker), checker), editor)
        claim_edited(review.claim, editor, cause="Nouvelle apparition importée (article n° 9)")
        review = Review.objects.get(pk=review.pk)
        assert (review.last_edited_by, review.is_approved) == (editor, False)
        with pytest.raises(PermissionDenied):
            approve_and_publish(review, editor)
        assert approve_review(review, EditorFactory()).is_approved

    def test_an_import_nobody_is_named_for_leaves_the_last_editor(self, checker):
        review = submit_review(drafted(checker), checker)
        claim_edited(review.claim, None, cause="Nouvelle apparition importée (article n° 9)")
        assert Review.objects.get(pk=review.pk).last_edited_by == checker

    def test_the_author_resubmitting_the_rewrite_lets_its_editor_approve(self, checker, editor):
        review = submit_review(drafted(checker), checker)
        review.conclusion = "Réécrite par l'éditeur."
        review = save_review(review, editor, review.version)
        review = return_review(review, editor, "Relire mes changements.")
        review = submit_review(review, checker)
        assert review.last_edited_by == checker
        published = approve_and_publish(review, editor)
        assert published.state == Review.State.PUBLISHED and published.editor == editor

    def test_a_setting_relaxes_it_for_one_person_teams(self, editor, settings):
        settings.FOUR_EYES_PUBLISHING = False
        review = approve_and_publish(submit_review(drafted(editor), editor), editor)
        assert review.state == Review.State.PUBLISHED and review.editor == editor


class TestOptimisticLocking:
    def test_a_save_from_an_older_version_is_refused_and_the_newer_text_kept(self, checker):
        review = drafted(checker)
        opened = review.version
        first = Review.objects.get(pk=review.pk)
        first.conclusion = "Première version."
        save_review(first, checker, opened)
        second = Review.objects.get(pk=review.pk)
        second.version = opened  # as the second person's form still says
        second.conclusion = "Seconde version."
        with pytest.raises(EditConflict):
            save_review(second, FactCheckerFactory(), opened)
        stored = Review.objects.get(pk=review.pk)
        assert stored.conclusion == "Première version." and stored.version == opened + 1

    def test_an_edit_after_approval_withdraws_it(self, checker, editor):
        review = approve_review(submit_review(drafted(checker), checker), editor)
        review.conclusion = "Changée après approbation."
        saved = save_review(review, checker, review.version)
        assert not saved.is_approved and saved.editor is None
        with pytest.raises(WorkflowError):
            publish_review(saved, editor)

    def test_a_published_verdict_is_changed_only_by_a_correction(self, checker, editor):
        review = approve_and_publish(submit_review(drafted(checker), checker), editor)
        review.conclusion = "Réécrite sans note."
        with pytest.raises(WorkflowError):
            save_review(review, editor, review.version)


class TestPublicationWarnings:
    def test_a_dead_source_or_an_altered_quote_warns_without_blocking(self, checker, editor):
        review = drafted(checker)
        source = review.claim.sources.get()
        source.status = "dead"
        source.save()
        SourceCheckFactory(
            source=source,
            quote_results=[{"quote": "9,7 %", "verdict": "altered", "score": 80}],
        )
        warnings = publication_warnings(review)
        assert len(warnings) == 2
        assert any("9,7 %" in w for w in warnings)
        review = approve_and_publish(submit_review(review, checker), editor)
        assert review.state == Review.State.PUBLISHED

    def test_only_the_last_check_of_the_current_url_counts(self, checker):
        review = drafted(checker)
        source = review.claim.sources.get()
        altered = [{"quote": "9,7 %", "verdict": "altered", "score": 80}]
        earlier = timezone.now() - timedelta(days=1)
        SourceCheckFactory(source=source, quote_results=altered, started_at=earlier)
        SourceCheckFactory(source=source, quote_results=[{"quote": "9,7 %", "verdict": "exact"}])
        SourceCheckFactory(source=source, quote_results=altered, url="https://ancienne.example/")
        assert publication_warnings(review) == []

    @pytest.mark.parametrize("sources", [1, 10])
    def test_the_checks_of_every_source_are_read_in_one_query(
        self, checker, sources, django_assert_num_queries
    ):
        review = drafted(checker)
        SourceFactory.create_batch(sources - 1, claim=review.claim)
        for source in review.claim.sources.all():
            SourceCheckFactory(source=source)
        with django_assert_num_queries(2):  # the sources, then their last checks
            assert publication_warnings(review) == []

    def test_a_clean_source_gives_no_warning(self, checker):
        review = drafted(checker)
        SourceCheckFactory(
            source=review.claim.sources.get(), quote_results=[{"quote": "x", "verdict": "exact"}]
        )
        assert publication_warnings(review) == []
