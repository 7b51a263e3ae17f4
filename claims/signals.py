"""Reactions to saved rows, whichever path saved them (admin, shell, API, tasks).

Every new source, and every source whose URL changes, gets a background check.
"""

from django.conf import settings
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_init, post_save, pre_delete
from django.dispatch import receiver

from .api.feed import move_in_feed
from .checking.checks import request_check, source_url_changed
from .models import (
    ApiKey,
    Article,
    Claim,
    ClaimAppearance,
    Correction,
    Rating,
    RatingScale,
    Review,
    Source,
    Speaker,
)
from .publishing.freshness import touch_public_pages
from .publishing.search import refresh_search_vectors
from .publishing.verdicts import review_deleted


@receiver(post_init, sender=Source)
def remember_url(sender, instance, **kwargs):
    instance._url_when_loaded = instance.url if instance.pk else None


@receiver(post_save, sender=Source)
def check_new_or_moved_source(sender, instance, created, raw=False, **kwargs):
    if raw:  # loading fixtures
        return
    if created:
        request_check(source=instance, reason="added")
    elif instance.url != instance._url_when_loaded:
        source_url_changed(instance)
    instance._url_when_loaded = instance.url


# Public pages: a change readers could see moves the pages' version stamp, and a published
# verdict's search vector follows its text.
_SOURCE_PUBLIC_FIELDS = ("url", "title", "kind", "note", "archive_url", "status")


@receiver(post_init, sender=Source)
def remember_public_fields(sender, instance, **kwargs):
    instance._public_when_loaded = tuple(getattr(instance, f) for f in _SOURCE_PUBLIC_FIELDS)


@receiver(post_save, sender=Source)
@receiver(post_delete, sender=Source)
def source_changed(sender, instance, created=False, raw=False, **kwargs):
    current = tuple(getattr(instance, f) for f in _SOURCE_PUBLIC_FIELDS)
    if raw:
        return
    if created or current != instance._public_when_loaded or kwargs.get("signal") is post_delete:
        touch_public_pages()
        move_in_feed(Review.objects.filter(claim_id=instance.claim_id))
    instance._public_when_loaded = current


@receiver(post_save, sender=Review)
def review_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    if instance.state == Review.State.PUBLISHED:
        refresh_search_vectors([instance.pk])
    touch_public_pages()


@receiver(post_save, sender=Claim)
def claim_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    published = instance.reviews.filter(state=Review.State.PUBLISHED).values_list("pk", flat=True)
    refresh_search_vectors(list(published))
    move_in_feed(instance.reviews.all())
    touch_public_pages()


# What partners receive with a review: a change to any of these moves it in their feed.
@receiver(post_save, sender=Speaker)
def speaker_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        move_in_feed(Review.objects.filter(claim__speaker=instance))


@receiver(pre_delete, sender=Speaker)
def speaker_deleted(sender, instance, **kwargs):
    # Their claims lose them by SET NULL, an UPDATE that sends no signal: move the reviews now,
    # while they can still be found by speaker.
    if move_in_feed(Review.objects.filter(claim__speaker=instance)):
        touch_public_pages()


@receiver(post_save, sender=Rating)
def rating_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        move_in_feed(Review.objects.filter(rating=instance))


@receiver(post_save, sender=Article)
def article_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        move_in_feed(Review.objects.filter(claim__appearances__article=instance))


@receiver(post_save, sender=ClaimAppearance)
@receiver(post_delete, sender=ClaimAppearance)
@receiver(post_save, sender=Correction)
@receiver(post_delete, sender=Correction)
def claim_part_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    if isinstance(instance, Correction):
        move_in_feed(Review.objects.filter(pk=instance.review_id))
    else:
        move_in_feed(Review.objects.filter(claim_id=instance.claim_id))


@receiver(post_save, sender=ApiKey)
@receiver(post_delete, sender=ApiKey)
@receiver(post_delete, sender=Review)
@receiver(post_delete, sender=Claim)
@receiver(post_save, sender=Speaker)
@receiver(post_delete, sender=Speaker)
@receiver(post_save, sender=Rating)
@receiver(post_delete, sender=Rating)
# Which scale is the default decides the ratings the lists filter on and the methodology shows.
@receiver(post_save, sender=RatingScale)
@receiver(post_delete, sender=RatingScale)
@receiver(post_save, sender=Correction)
@receiver(post_delete, sender=Correction)
@receiver(post_save, sender=ClaimAppearance)
@receiver(post_delete, sender=ClaimAppearance)
@receiver(post_save, sender=Article)
# A deleted author or editor leaves their verdicts' bylines through an update that sends no
# signal of its own (on_delete=SET_NULL).
@receiver(post_delete, sender=settings.AUTH_USER_MODEL)
def public_content_changed(sender, raw=False, **kwargs):
    # Also for API keys: web processes remember the keys they looked up under the stamp.
    if not raw:
        touch_public_pages()


# Verdict pages name their author and editor; a login (which saves last_login) changes nothing
# readers see, so only a change of name moves the stamp.
_USER_PUBLIC_FIELDS = ("username", "first_name", "last_name")


def _loaded_names(user):
    # From the instance's dict: a field left out by .only() would cost a query (and reading it
    # in post_init recursed into the model's own loading).
    return tuple(user.__dict__.get(f) for f in _USER_PUBLIC_FIELDS)


@receiver(post_init, sender=settings.AUTH_USER_MODEL)
def remember_user_names(sender, instance, **kwargs):
    instance._names_when_loaded = _loaded_names(instance)


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def user_saved(sender, instance, created, raw=False, **kwargs):
    names = _loaded_names(instance)
    if not raw and not created and names != instance._names_when_loaded:
        touch_public_pages()
    instance._names_when_loaded = names


@receiver(post_delete, sender=Review)
def leave_tombstone(sender, instance, origin=None, **kwargs):
    """Partners who mirrored a public verdict must learn it was deleted (claims.api.feed)."""
    origin_model = origin.model if isinstance(origin, QuerySet) else type(origin)
    review_deleted(instance, with_claim=origin_model is Claim)
