from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from claims.importing import ArticleInputError, import_article, parse_published, read_article_file
from claims.models import Language


class Command(BaseCommand):
    help = "Import an article from a UTF-8 text file. The same text twice gives one article."

    def add_arguments(self, parser):
        parser.add_argument("path_or_url", help="Path to a UTF-8 text file.")
        parser.add_argument("--published", help="Publication date, YYYY-MM-DD or ISO datetime.")
        parser.add_argument("--title", default="")
        parser.add_argument("--outlet", default="")
        parser.add_argument("--author", default="")
        parser.add_argument("--url", default="", help="Where the article was published.")
        parser.add_argument("--language", choices=Language.values, default="")
        parser.add_argument("--user", default="", help="Username recorded as the importer.")

    def handle(self, *args, **options):
        target = options["path_or_url"]
        try:
            if target.startswith(("http://", "https://")):
                raise ArticleInputError(
                    f"{target}: importing from a URL is not available yet; "
                    "save the article text to a file and pass --url"
                )
            body = read_article_file(target)
            published_at = parse_published(options["published"])
            article, created = import_article(
                body,
                title=options["title"],
                outlet=options["outlet"],
                author=options["author"],
                url=options["url"],
                published_at=published_at,
                language=options["language"],
                imported_by=self._user(options["user"]),
            )
        except ArticleInputError as exc:
            raise CommandError(str(exc)) from None
        verb = "Imported" if created else "Already imported"
        self.stdout.write(f"{verb}: article #{article.pk} « {article.title} »")

    def _user(self, username):
        if not username:
            return None
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise ArticleInputError(f"--user {username!r}: no such user") from None
