import json

from django.core.management.base import BaseCommand

from claims.checking.perform import perform_check


class Command(BaseCommand):
    help = (
        "Check a URL exactly as a worker does — safe fetch, text extraction, quote "
        "verification — and print the result. Saves nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("url")
        parser.add_argument(
            "--quote", action="append", default=[], help="A quotation to look for (repeatable)."
        )
        parser.add_argument("--json", action="store_true", help="One JSON object on stdout.")

    def handle(self, *args, url, quote, **options):
        outcome = perform_check(url, quote)
        if options["json"]:
            self.stdout.write(json.dumps(outcome.as_dict(), ensure_ascii=False))
            return
        status = "ok" if outcome.ok else f"{outcome.error_class}: {outcome.error}"
        self.stdout.write(
            f"{url} → {outcome.final_url or '-'} HTTP {outcome.status_code}: {status}"
        )
        for verdict in outcome.quotes:
            self.stdout.write(
                f"  {verdict['verdict']:11} {verdict['score']:5.1f}  {verdict['quote']}"
            )
