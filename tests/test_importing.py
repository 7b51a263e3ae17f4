"""Article import: the command as a person runs it, and the service under it."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from claims.demo import SAMPLE_ARTICLE
from claims.importing import ArticleInputError, import_article, normalize_body, parse_published
from claims.models import Article

from .conftest import manage
from .factories import StaffFactory

SAMPLE = str(SAMPLE_ARTICLE)


@pytest.mark.django_db
class TestImportService:
    def test_same_text_twice_gives_one_article(self):
        first, created = import_article("Un texte.\n")
        again, created_again = import_article("\ufeffUn texte.\r\n")
        assert (created, created_again) == (True, False)
        assert first.pk == again.pk
        assert Article.objects.count() == 1

    def test_existing_metadata_is_kept(self):
        import_article("Un texte.", title="Premier titre")
        article, _ = import_article("Un texte.", title="Autre titre")
        assert article.title == "Premier titre"

    def test_title_defaults_to_the_start_of_the_text(self):
        article, _ = import_article("Première ligne du texte.\n\nSuite.")
        assert article.title == "Première ligne du texte."

    def test_language_defaults_to_the_site_language(self, settings):
        article, _ = import_article("Texte.")
        assert article.language == settings.LANGUAGE_CODE == "fr"

    def test_a_url_already_used_by_another_text_is_refused(self):
        import_article("Texte un.", url="https://www.afp.com/a")
        with pytest.raises(ArticleInputError, match="already article"):
            import_article("Texte deux.", url="https://www.afp.com/a")
        assert Article.objects.count() == 1

    def test_body_is_normalized_so_offsets_are_stable(self):
        assert normalize_body("  e\u0301te\u0301\r\nfin \n") == "été\nfin"

    def test_published_date_is_local_midnight(self, settings):
        moment = parse_published("2017-06-29")
        assert moment.isoformat() == "2017-06-29T00:00:00+02:00"

    @pytest.mark.parametrize("value", ["29/06/2017", "2017-13-01", "demain"])
    def test_a_bad_published_date_is_refused(self, value):
        with pytest.raises(ArticleInputError, match="--published"):
            parse_published(value)


@pytest.mark.django_db
def test_command_imports_the_sample_article_with_its_metadata(capsys):
    call_command(
        "import_article",
        SAMPLE,
        "--published",
        "2017-06-29",
        "--title",
        "Trump et Poutine",
        "--outlet",
        "AFP",
        "--language",
        "fr",
    )
    article = Article.objects.get()
    assert (article.title, article.outlet, article.language) == ("Trump et Poutine", "AFP", "fr")
    assert timezone.localtime(article.published_at).date().isoformat() == "2017-06-29"
    assert article.body.startswith("Le président américain Donald Trump")
    assert "\n\n" in article.body  # paragraph breaks are kept for offsets and display
    assert f"Imported: article #{article.pk}" in capsys.readouterr().out


@pytest.mark.django_db
def test_command_records_the_importing_user():
    StaffFactory(username="desk")
    call_command("import_article", SAMPLE, "--user", "desk")
    assert Article.objects.get().imported_by.username == "desk"


@pytest.mark.django_db(transaction=True)
def test_command_is_idempotent_from_the_shell():
    first = manage("import_article", SAMPLE, "--published", "2017-06-29")
    second = manage("import_article", SAMPLE, "--published", "2017-06-29")
    assert (first.returncode, second.returncode) == (0, 0), first.stderr + second.stderr
    assert "Already imported" in second.stdout
    assert Article.objects.count() == 1


def bad_inputs(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.txt"
    blank.write_text(" \n\n \t\n")
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Le président a déclaré".encode("latin-1"))
    huge = tmp_path / "huge.txt"
    huge.write_bytes(b"Le chiffre est faux. " * (20 * 1024 * 1024 // 21))
    controls = tmp_path / "controls.txt"
    controls.write_bytes(b"texte\x01\x02\x03 avec des octets de contr\x1bole")
    return {
        "empty file": ([str(empty)], "empty file"),
        "blank file": ([str(blank)], "empty file"),
        "binary file": ([str(binary)], "binary file"),
        "non-UTF-8 file": ([str(latin1)], "not UTF-8 text (invalid byte 0xe9"),
        "20 MB file": ([str(huge)], "the limit is"),
        "control characters": ([str(controls)], "binary file"),
        "missing path": ([str(tmp_path / "nope.txt")], "no such file"),
        "directory": ([str(tmp_path)], "not a regular file"),
        "bad date": ([SAMPLE, "--published", "hier"], "expected YYYY-MM-DD"),
        "unknown user": ([SAMPLE, "--user", "personne"], "no such user"),
        "url": (["https://www.afp.com/fr/article"], "not available yet"),
    }


@pytest.mark.django_db(transaction=True)
def test_each_bad_input_gets_a_one_line_error_and_writes_nothing(tmp_path):
    for case, (args, message) in bad_inputs(tmp_path).items():
        result = manage("import_article", *args)
        assert result.returncode != 0, case
        assert result.stdout == "", case
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, (case, result.stderr)
        assert message in lines[0], (case, lines[0])
        assert "Traceback" not in result.stderr
        assert Article.objects.count() == 0, case


@pytest.mark.django_db(transaction=True)
def test_an_unsupported_language_is_refused(tmp_path):
    result = manage("import_article", SAMPLE, "--language", "de")
    assert result.returncode == 2
    assert "invalid choice: 'de'" in result.stderr
    assert Article.objects.count() == 0


@pytest.mark.django_db
def test_service_error_reaches_the_command_as_a_command_error(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    with pytest.raises(CommandError, match="empty file"):
        call_command("import_article", str(empty))
