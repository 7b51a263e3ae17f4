"""The demo: an admin account and the sample AFP article, on whatever database is configured."""

import secrets
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from .documents import Document
from .importing import import_document, parse_published, read_article_file

SAMPLE_ARTICLE = (
    Path(__file__).resolve().parent / "fixtures" / "afp-2017-06-29-trump-poutine-g20.txt"
)
SAMPLE_METADATA = {
    "title": "Trump rencontrera Poutine pour la première fois au G20 de Hambourg",
    "outlet": "AFP",
    "published": "2017-06-29",
    "language": "fr",
}
DEMO_USERNAME = "demo"
DEMO_FACT_CHECKER = "demo-fact-checker"


@transaction.atomic
def ensure_demo_admin(password=None):
    """Create or reset the demo superuser; returns ``(user, password)``."""
    password = password or secrets.token_urlsafe(12)
    user, _ = get_user_model().objects.get_or_create(
        username=DEMO_USERNAME, defaults={"email": "demo@example.org"}
    )
    _name(user, "Éditrice")
    user.is_staff = True
    user.is_superuser = True
    user.is_active = True
    user.set_password(password)
    user.save()
    return user, password


@transaction.atomic
def ensure_demo_fact_checker(password):
    """A fact-checker account (not an editor) with the demo password, to try the roles."""
    from django.contrib.auth.models import Group

    from .workflow.roles import FACT_CHECKER

    user, _ = get_user_model().objects.get_or_create(
        username=DEMO_FACT_CHECKER, defaults={"email": "fact-checker@example.org"}
    )
    _name(user, "Vérificateur")
    user.is_staff = True
    user.is_active = True
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=FACT_CHECKER))
    return user


def _name(user, first_name):
    # Bylines on public pages show full names, never login names: a demo from before names
    # existed gets them too.
    if not user.get_full_name():
        user.first_name, user.last_name = first_name, "de démonstration"


def import_sample_article(user=None):
    """Import the bundled AFP sample article and its claims (idempotent): an ImportResult."""
    return import_document(
        Document(text=read_article_file(SAMPLE_ARTICLE)),
        title=SAMPLE_METADATA["title"],
        outlet=SAMPLE_METADATA["outlet"],
        published_at=parse_published(SAMPLE_METADATA["published"]),
        language=SAMPLE_METADATA["language"],
        imported_by=user,
    )


# Demonstration verdicts on claims of the sample article, so the public pages show something.
# Each is plainly labelled as a demonstration in its explanation.
DEMO_VERDICTS = [
    {
        "claim_starts": "Le président américain Donald Trump rencontrera pour la première fois",
        "rating": "vrai",
        "conclusion": "Les deux présidents se sont bien rencontrés pour la première fois le "
        "7 juillet 2017, en marge du G20 de Hambourg.",
        "explanation": "*Verdict de démonstration, rédigé pour montrer les pages publiques.*\n\n"
        "La rencontre annoncée par la Maison Blanche a eu lieu le **7 juillet 2017** à "
        "Hambourg, en marge du sommet du G20 organisé par la présidence allemande.",
        "source": ("https://www.bundesregierung.de/", "Gouvernement fédéral allemand"),
    },
    {
        "claim_starts": "Les Etats-Unis se sont également opposés à Moscou en lançant une frappe",
        "rating": "vrai",
        "conclusion": "Les États-Unis ont frappé la base aérienne syrienne d'Al-Chaayrate le "
        "7 avril 2017, trois jours après l'attaque chimique de Khan Cheikhoun.",
        "explanation": "*Verdict de démonstration, rédigé pour montrer les pages publiques.*\n\n"
        "L'attaque chimique présumée de Khan Cheikhoun date du 4 avril 2017 ; la frappe "
        "américaine de missiles de croisière a suivi le 7 avril.",
        "source": ("https://www.defense.gov/", "Département de la Défense des États-Unis"),
    },
]


@transaction.atomic
def publish_demo_verdicts(article, editor, author=None):
    """Publish the demonstration verdicts on the sample article's claims (idempotent):
    ``author`` drafts and submits each one, ``editor`` approves and publishes it."""
    from .models import Claim, Rating, Source
    from .publishing.verdicts import approve_and_publish
    from .workflow.claims import select_claim
    from .workflow.reviews import start_review, submit_review

    author = author or editor

    published = []
    claims = [appearance.claim for appearance in article.appearances.select_related("claim")]
    for verdict in DEMO_VERDICTS:
        claim = next((c for c in claims if c.text.startswith(verdict["claim_starts"])), None)
        if claim is None or claim.reviews.exists():
            continue
        url, title = verdict["source"]
        Source.objects.get_or_create(claim=claim, url=url, defaults={"title": title})
        if claim.status != Claim.Status.SELECTED:
            select_claim(claim, author)
        review = start_review(
            claim,
            author,
            rating=Rating.objects.get(scale__is_default=True, slug=verdict["rating"]),
            conclusion=verdict["conclusion"],
            explanation=verdict["explanation"],
        )
        submit_review(review, author)
        published.append(approve_and_publish(review, editor))
    return published
