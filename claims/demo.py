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


@transaction.atomic
def ensure_demo_admin(password=None):
    """Create or reset the demo superuser; returns ``(user, password)``."""
    password = password or secrets.token_urlsafe(12)
    user, _ = get_user_model().objects.get_or_create(
        username=DEMO_USERNAME, defaults={"email": "demo@example.org"}
    )
    user.is_staff = True
    user.is_superuser = True
    user.is_active = True
    user.set_password(password)
    user.save()
    return user, password


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
