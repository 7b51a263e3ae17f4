from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from claims.documents import load_document
from claims.importing import ArticleInputError, import_document, parse_published
from claims.models import Language


class Command(BaseCommand):
    help = (
        "Import an article from a UTF-8 text file, an HTML file or a URL, and extract its "
        "claims, quotations and speakers. The same text twice gives one article."
    )

    def add_arguments(self, parser):
        parser.add_argument("path_or_url", help="A text or HTML file, or an http(s) URL.")
        parser.add_argument("--published", help="Publication date, YYYY-MM-DD or ISO datetime.")
        parser.add_argument("--title", default="")
        parser.add_argument("--outlet", default="")
        parser.add_argument("--author", default="")
        parser.add_argument("--url", default="", help="Where the article was published.")
        parser.add_argument("--language", choices=Language.values, default="")
        parser.add_argument("--user", default="", help="Username recorded as the importer.")

    def handle(self, *args, **options):
        try:
            published_at = parse_published(options["published"])
            user = self._user(options["user"])
            document = load_document(options["path_or_url"])
            result = import_document(
                document,
                title=options["title"],
                outlet=options["outlet"],
                author=options["author"],
                url=options["url"],
                published_at=published_at,
                language=options["language"],
                imported_by=user,
            )
        except ArticleInputError as exc:
            raise CommandError(str(exc)) from None
        article = result.article
        if not result.created:
            self.stdout.write(f"Already imported: article #{article.pk} « {article.title} »")
            return
        self.stdout.write(
            f"Imported: article #{article.pk} « {article.title} » ({article.language}): "
            f"{result.claims_created} new claims, {result.claims_matched} matched, "
            f"{result.quotations} quotations"
        )

    def _user(self, username):
        if not username:
            return None
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise ArticleInputError(f"--user {username!r}: no such user") from None
