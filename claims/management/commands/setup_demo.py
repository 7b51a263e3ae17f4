import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from claims.demo import (
    ensure_demo_admin,
    ensure_demo_fact_checker,
    import_sample_article,
    publish_demo_verdicts,
)


class Command(BaseCommand):
    help = "Migrate, create the demo admin account and import the sample article (DEBUG only)."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="Where the server listens.")

    def handle(self, *args, addr, **options):
        if not settings.DEBUG:
            raise CommandError(
                "setup_demo creates a known admin account; it runs only with DEBUG on"
            )
        call_command("migrate", interactive=False, verbosity=0)
        user, password = ensure_demo_admin(os.environ.get("DEMO_PASSWORD") or None)
        result = import_sample_article(user)
        article = result.article
        fact_checker = ensure_demo_fact_checker(password)
        publish_demo_verdicts(article, user, author=fact_checker)
        verdicts = article.appearances.filter(claim__reviews__state="published").count()
        database = settings.DATABASES["default"]
        self.stdout.write(
            f"Database: {database['ENGINE'].rsplit('.', 1)[-1]} {database['NAME']}\n"
            f"Sample article #{article.pk}{' imported' if result.created else ' already there'}: "
            f"{article.title} ({article.appearances.count()} candidate claims)\n"
            f"Public site: http://{addr}/fr/ ({verdicts} published verdicts)\n"
            f"Admin: http://{addr}/admin/  username: {user.username}  password: {password}"
            f"  (a superuser, acting as editor)\n"
            f"       A fact-checker's account: {fact_checker.username}, same password"
        )
