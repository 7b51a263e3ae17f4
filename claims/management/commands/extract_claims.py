import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from claims.documents import load_document
from claims.extraction import ExtractionError, extract
from claims.importing import ArticleInputError, parse_published
from claims.models import Language


class Command(BaseCommand):
    help = "Print the claims, quotations and speakers extracted from an article; saves nothing."

    def add_arguments(self, parser):
        parser.add_argument("path_or_url", help="A text or HTML file, or an http(s) URL.")
        parser.add_argument("--language", choices=Language.values, default="")
        parser.add_argument("--published", help="Publication date (YYYY-MM-DD); anchors dates.")
        parser.add_argument("--json", action="store_true", help="One JSON object on stdout.")
        parser.add_argument(
            "--threshold",
            type=float,
            default=None,
            help=f"Check-worthiness threshold (default {settings.EXTRACTION_THRESHOLD}).",
        )

    def handle(self, *args, **options):
        try:
            published = parse_published(options["published"])
            document = load_document(options["path_or_url"])
            extraction = extract(
                document.text,
                language=options["language"] or None,
                published=published.date() if published else document.published,
                title=document.title,
                threshold=options["threshold"] or settings.EXTRACTION_THRESHOLD,
            )
        except (ArticleInputError, ExtractionError) as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps(extraction.as_dict(), ensure_ascii=False))
            return
        for claim in extraction.claims:
            speaker = f" — {claim.speaker.name}" if claim.speaker else ""
            self.stdout.write(
                f"{claim.checkworthiness:.2f} [{claim.claim_type}] {claim.text}{speaker}"
            )
