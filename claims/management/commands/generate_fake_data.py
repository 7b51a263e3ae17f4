import time

from django.core.management.base import BaseCommand, CommandError

from claims.fake_data import FakeDataExists, generate_fake_data


def positive_int(value):
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Insert plainly synthetic data for load tests: exactly N published reviews with "
        "their claims, speakers, appearances and sources, plus about 10%% drafts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reviews", type=positive_int, required=True, metavar="N")
        parser.add_argument("--seed", type=int, default=0, metavar="S")

    def handle(self, *args, reviews, seed, **options):
        started = time.perf_counter()
        try:
            summary = generate_fake_data(reviews, seed=seed)
        except (FakeDataExists, ValueError) as exc:
            raise CommandError(str(exc)) from None
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Seed {summary.seed}: {summary.published} published reviews, {summary.drafts} drafts, "
            f"{summary.speakers} speakers, {summary.articles} articles, {summary.sources} sources "
            f"in {elapsed:.1f} s"
        )
