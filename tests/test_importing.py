"""Article import: files, HTML pages and URLs become articles with their claims, as a person
runs it from the shell, and the services under it."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from claims.demo import SAMPLE_ARTICLE
from claims.documents import Document, document_from_url
from claims.extraction import extract
from claims.importing import (
    ArticleInputError,
    find_or_create_speaker,
    import_article,
    import_document,
    normalize_body,
    parse_published,
    save_extraction,
)
from claims.models import Article, Claim, ClaimAppearance, Quotation, Review, Speaker
from claims.publishing.verdicts import PublishingError, publish_review
from claims.workflow.reviews import approve_review, start_review, submit_review

from .conftest import manage, subprocess_env
from .factories import (
    ArticleFactory,
    ClaimFactory,
    EditorFactory,
    FactCheckerFactory,
    SpeakerFactory,
    StaffFactory,
    default_rating,
)

SAMPLE = str(SAMPLE_ARTICLE)
ARTICLE_HTML = """<!doctype html><html lang="fr"><head><title>Chômage : nouvelle baisse</title>
<meta name="author" content="Jeanne Martin"><meta property="og:site_name" content="Le Quotidien">
<meta property="article:published_time" content="2025-02-13"></head><body>
<nav><a href="/">Accueil</a> <a href="/eco">Economie</a></nav>
<article><h1>Chômage : nouvelle baisse</h1>
<p>Le nombre de chômeurs a reculé de 180 000 en 2024, a annoncé jeudi l'Insee.</p>
<p>"Il s'agit du niveau le plus bas depuis 1982", a déclaré le ministre de l'Economie Jean
Dupont lors d'une conférence de presse.</p>
<p>Selon l'Insee, le taux d'emploi a atteint 68,8 % en 2024, un record.</p></article>
<script>document.write("publicité")</script><footer>© Le Quotidien</footer></body></html>"""


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

    def test_metadata_longer_than_its_column_is_cut_not_refused_by_postgresql(self):
        article, _ = import_article(
            "Un texte.", title="Titre " * 150, author="Auteur " * 60, outlet="Média " * 50
        )
        article.refresh_from_db()
        assert len(article.title) == 500 and article.title.endswith("…")
        assert article.title.startswith("Titre Titre")
        assert len(article.author) <= 300 and len(article.outlet) <= 200

    def test_a_url_already_used_by_another_text_is_refused(self):
        import_article("Texte un.", url="https://www.afp.com/a")
        with pytest.raises(ArticleInputError, match="already article"):
            import_article("Texte deux.", url="https://www.afp.com/a")
        assert Article.objects.count() == 1

    def test_body_is_normalized_so_offsets_are_stable(self):
        assert normalize_body("  e\u0301te\u0301\r\nfin \n") == "été\nfin"

    def test_published_date_is_local_midnight(self):
        assert parse_published("2017-06-29").isoformat() == "2017-06-29T00:00:00+02:00"

    @pytest.mark.parametrize("value", ["29/06/2017", "2017-13-01", "demain", "0001-01-01"])
    def test_a_bad_published_date_is_refused(self, value):
        with pytest.raises(ArticleInputError, match="--published"):
            parse_published(value)


@pytest.mark.django_db
class TestImportWithExtraction:
    @pytest.fixture
    def imported(self):
        return import_document(
            Document(text=SAMPLE_ARTICLE.read_text()),
            published_at=parse_published("2017-06-29"),
            outlet="AFP",
        )

    def test_claims_are_candidates_pinned_to_their_span(self, imported):
        article = imported.article
        assert imported.created and imported.claims_created >= 8
        for appearance in ClaimAppearance.objects.filter(article=article).select_related("claim"):
            assert article.body[appearance.start : appearance.end] == appearance.span_text
            assert appearance.claim.text == appearance.span_text
            assert appearance.claim.status == Claim.Status.CANDIDATE
            assert 0.5 <= appearance.claim.check_worthiness <= 1
            assert appearance.claim.checkworthiness_reasons

    def test_speakers_quotes_and_annotations_are_stored(self, imported):
        mcmaster = Speaker.objects.get(normalized_name="h r mcmaster")
        assert mcmaster.role == "conseiller à la Sécurité nationale"
        assert Speaker.objects.get(name="Maison Blanche").kind == Speaker.Kind.ORGANISATION
        assert not Speaker.objects.filter(normalized_name__in=["trump", "m trump"]).exists()
        quote = Quotation.objects.get(text__startswith="A Hambourg, le président")
        assert (quote.kind, quote.speaker, quote.cue) == ("direct", mcmaster, "a déclaré")
        assert quote.claim.speaker == mcmaster
        first = ClaimAppearance.objects.get(article=imported.article, start=0)
        dates = {d["text"]: d["value"] for d in first.annotations["dates"]}
        assert dates == {"les 7 et 8 juillet": "2017-07-07/2017-07-08", "jeudi": "2017-06-29"}

    def test_the_same_text_again_extracts_nothing_more(self, imported):
        counts = Claim.objects.count(), Quotation.objects.count(), Speaker.objects.count()
        again = import_document(Document(text=SAMPLE_ARTICLE.read_text()))
        assert (again.created, again.article) == (False, imported.article)
        assert (Claim.objects.count(), Quotation.objects.count(), Speaker.objects.count()) == counts

    def test_a_claim_already_known_gets_a_new_appearance_not_a_duplicate(self):
        known = ClaimFactory(
            text="Le chômage a reculé de 180 000 en 2024, a annoncé jeudi l'Insee.", language="fr"
        )
        result = import_document(
            Document(text="Le chômage a reculé de 180 000 en 2024, a annoncé jeudi l’Insee."),
            published_at=parse_published("2025-02-13"),
        )
        assert (result.claims_created, result.claims_matched) == (0, 1)
        assert known.appearances.get().article == result.article

    def test_a_published_claim_found_again_is_noted_for_the_newsroom_not_shown(self):
        # "Where it appeared" is part of the published verdict: it changes only with a dated
        # correction, which an editor writes; an import added the new article silently.
        known = ClaimFactory(
            text="Le chômage a reculé de 180 000 en 2024, a annoncé jeudi l'Insee.",
            language="fr",
            status=Claim.Status.PUBLISHED,
        )
        before = known.appearances.count()
        result = import_document(
            Document(text="Le chômage a reculé de 180 000 en 2024, a annoncé jeudi l’Insee."),
            published_at=parse_published("2025-02-13"),
            title="Un autre article",
        )
        assert (result.claims_created, result.claims_matched) == (0, 1)
        assert known.appearances.count() == before
        (note,) = known.notes.all()
        assert "Un autre article" in note.text and "0–" in note.text

    def test_a_new_appearance_of_a_claim_in_review_withdraws_its_approval(self):
        # The editor approved the verdict with its "where it appeared"; an article imported
        # afterwards changes what Publish would show.
        author, editor = FactCheckerFactory(), EditorFactory()
        known = ClaimFactory(
            text="Le chômage a reculé de 180 000 en 2024, a annoncé jeudi l'Insee.",
            language="fr",
            status=Claim.Status.SELECTED,
        )
        review = start_review(known, author, rating=default_rating("faux"), conclusion="Faux.")
        review = approve_review(submit_review(review, author), editor)
        version_read = Review.objects.get(pk=review.pk).version
        result = import_document(
            Document(text="Le chômage a reculé de 180 000 en 2024, a annoncé jeudi l’Insee."),
            title="Un autre article",
        )
        assert known.appearances.get().article == result.article
        stored = Review.objects.get(pk=review.pk)
        assert (stored.state, stored.approved_at, stored.editor) == ("in_review", None, None)
        assert stored.version == version_read + 1
        reason = stored.history.first().history_change_reason
        assert f" {result.article.pk})" in reason  # "(article #12)" / "(article n° 12)"
        with pytest.raises(PublishingError):
            publish_review(stored, editor)

    def test_importing_the_same_appearance_again_keeps_the_approval(self):
        author = FactCheckerFactory()
        known = ClaimFactory(text="Le chômage a reculé de 180 000 en 2024.", language="fr")
        article = ArticleFactory(body="Le chômage a reculé de 180 000 en 2024.")
        known.appearances.create(article=article, start=0, end=len(article.body))
        known.status = Claim.Status.SELECTED
        known.save()
        review = start_review(known, author, rating=default_rating("faux"), conclusion="Faux.")
        review = approve_review(submit_review(review, author), EditorFactory())
        save_extraction(article, extract(article.body, language="fr", threshold=0))
        stored = Review.objects.get(pk=review.pk)
        assert stored.approved_at is not None and stored.version == review.version

    def test_a_known_speaker_is_reused_by_surname(self):
        trump = SpeakerFactory(name="Donald Trump", role="président des Etats-Unis")
        import_document(
            Document(text='"Nous allons gagner en 2018", a déclaré jeudi M. Trump à Washington.'),
            published_at=parse_published("2017-06-29"),
        )
        assert Quotation.objects.get().speaker == trump
        assert Speaker.objects.count() == 1

    def test_an_import_fills_a_known_speakers_missing_role(self):
        speaker = SpeakerFactory(name="Maria Zakharova", role="")
        assert find_or_create_speaker("Maria Zakharova", "person", "porte-parole").role == (
            "porte-parole"
        )
        assert Speaker.objects.get(pk=speaker.pk).role == "porte-parole"

    def test_an_import_leaves_the_role_readers_see_under_a_published_verdict(self):
        speaker = SpeakerFactory(name="Maria Zakharova", role="")
        ClaimFactory(speaker=speaker, status=Claim.Status.PUBLISHED)
        assert find_or_create_speaker("Maria Zakharova", "person", "porte-parole") == speaker
        # An editor sets it, with a correction note; an import would change it silently.
        assert Speaker.objects.get(pk=speaker.pk).role == ""

    def test_html_keeps_the_main_text_and_metadata(self):
        from claims.documents import document_from_html

        result = import_document(document_from_html(ARTICLE_HTML))
        article = result.article
        assert article.title == "Chômage : nouvelle baisse"
        assert (article.author, article.outlet) == ("Jeanne Martin", "Le Quotidien")
        assert timezone.localtime(article.published_at).date().isoformat() == "2025-02-13"
        assert "publicité" not in article.body and "Accueil" not in article.body
        assert "a reculé de 180 000 en 2024" in article.body
        assert result.claims_created >= 2

    def test_an_unsupported_language_is_refused_and_nothing_is_written(self):
        german = "Der Präsident hat am Donnerstag eine Steuererhöhung angekündigt. " * 5
        with pytest.raises(ArticleInputError, match="'de' is not supported"):
            import_document(Document(text=german))
        assert not Article.objects.exists()


@pytest.mark.django_db
def test_command_imports_the_sample_article_with_its_claims(capsys):
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
    output = capsys.readouterr().out
    assert f"Imported: article #{article.pk}" in output
    assert f"{article.appearances.count()} new claims" in output


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
    assert Claim.objects.count() == ClaimAppearance.objects.count() > 0


@pytest.mark.django_db(transaction=True)
def test_command_imports_a_url_from_a_local_server(web_pages):
    web_pages.pages["/eco/chomage"] = (200, "text/html; charset=utf-8", ARTICLE_HTML.encode())
    url = web_pages.url("/eco/chomage")
    env = subprocess_env(SOURCE_FETCH_ALLOWED_NETWORKS="127.0.0.0/8")
    result = manage("import_article", url, env=env)
    assert result.returncode == 0, result.stderr
    article = Article.objects.get()
    assert (article.url, article.title) == (url, "Chômage : nouvelle baisse")
    assert article.appearances.exists()


def bad_inputs(tmp_path, closed_url):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.txt"
    blank.write_text(" \n\n \t\n")
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Le président a déclaré".encode("latin-1"))
    huge = tmp_path / "huge.txt"
    huge.write_bytes(b"Le chiffre est faux. " * (5 * 1024 * 1024 // 21))
    controls = tmp_path / "controls.txt"
    controls.write_bytes(b"texte\x01\x02\x03 avec des octets de contr\x1bole")
    scripts = tmp_path / "scripts.html"
    scripts.write_text("<html><body><script>var a = 1;</script><nav>Menu</nav></body></html>")
    german = tmp_path / "german.txt"
    german.write_text("Der Präsident hat am Donnerstag eine Steuererhöhung angekündigt. " * 5)
    return {
        "empty file": ([str(empty)], "empty file"),
        "blank file": ([str(blank)], "empty file"),
        "binary file": ([str(binary)], "binary file"),
        "non-UTF-8 file": ([str(latin1)], "not UTF-8 text (invalid byte 0xe9"),
        "5 MB file": ([str(huge)], "the limit is"),
        "control characters": ([str(controls)], "binary file"),
        "missing path": ([str(tmp_path / "nope.txt")], "no such file"),
        "directory": ([str(tmp_path)], "not a regular file"),
        "HTML without an article": ([str(scripts)], "no article text found in the HTML"),
        "unsupported language": ([str(german)], "'de' is not supported"),
        "unreachable URL": ([closed_url], "could not connect to the server"),
        "bad date": ([SAMPLE, "--published", "hier"], "expected YYYY-MM-DD"),
        "unknown user": ([SAMPLE, "--user", "personne"], "no such user"),
    }


def closed_url(web_pages):
    url = web_pages.url("/gone")
    web_pages.shutdown()
    web_pages.server_close()  # nothing listens there any more
    return url


@pytest.mark.django_db
def test_each_bad_input_is_refused_with_its_reason_and_writes_nothing(
    tmp_path, web_pages, settings
):
    settings.SOURCE_FETCH_ALLOWED_NETWORKS = "127.0.0.0/8"
    for case, (args, message) in bad_inputs(tmp_path, closed_url(web_pages)).items():
        output = io.StringIO()
        with pytest.raises(CommandError) as refused:
            call_command("import_article", *args, stdout=output)
        assert message in str(refused.value), case
        assert "\n" not in str(refused.value), case  # one line
        assert output.getvalue() == "", case
        assert Article.objects.count() == 0, case


@pytest.mark.django_db(transaction=True)
def test_from_a_shell_a_bad_input_is_one_line_on_stderr_and_a_failure_status(tmp_path, web_pages):
    # The shell's view of the refusals above, for a file and for a URL: no traceback.
    inputs = bad_inputs(tmp_path, closed_url(web_pages))
    env = subprocess_env(SOURCE_FETCH_ALLOWED_NETWORKS="127.0.0.0/8")
    for case in ("non-UTF-8 file", "unreachable URL"):
        args, message = inputs[case]
        result = manage("import_article", *args, env=env)
        assert result.returncode != 0, case
        assert result.stdout == "", case
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, (case, result.stderr)
        assert message in lines[0], (case, lines[0])
        assert Article.objects.count() == 0, case


@pytest.mark.django_db(transaction=True)
def test_a_loopback_url_is_refused_by_default(web_pages):
    web_pages.pages["/page"] = (200, "text/html", ARTICLE_HTML.encode())
    result = manage("import_article", web_pages.url("/page"))
    assert result.returncode == 1
    assert "points to a private or reserved address" in result.stderr
    assert Article.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_an_unsupported_language_option_is_refused():
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


@pytest.mark.django_db
def test_extract_claims_prints_one_json_object_and_saves_nothing(capsys):
    call_command("extract_claims", SAMPLE, "--published", "2017-06-29", "--json")
    payload = json.loads(capsys.readouterr().out)
    assert set(payload) == {
        "language",
        "title",
        "published",
        "text",
        "sentences",
        "claims",
        "quotes",
        "entities",
    }
    assert (payload["language"], payload["published"]) == ("fr", "2017-06-29")
    text = payload["text"]
    for claim in payload["claims"]:
        assert set(claim) == {
            "text",
            "start",
            "end",
            "checkworthiness",
            "claim_type",
            "reasons",
            "speaker",
            "quote",
            "entities",
            "dates",
            "numbers",
        }
        assert text[claim["start"] : claim["end"]] == claim["text"]
        for item in claim["entities"] + claim["dates"] + claim["numbers"]:
            assert text[item["start"] : item["end"]] == item["text"]
    for quote in payload["quotes"]:
        assert text[quote["start"] : quote["end"]] == quote["text"]
        assert quote["kind"] in ("direct", "partial", "indirect")
    first = payload["claims"][0]
    assert first["speaker"] == {"name": "Maison Blanche", "role": "", "kind": "organisation"}
    assert {"text": "jeudi", "value": "2017-06-29", "granularity": "day"}.items() <= {
        k: v for d in first["dates"] if d["text"] == "jeudi" for k, v in d.items()
    }.items()
    assert not Article.objects.exists() and not Claim.objects.exists()


@pytest.mark.parametrize(
    "content_type, encoding",
    [("text/html; charset=windows-1252", "cp1252"), ("text/html; charset=x-bogus", "utf-8")],
)
def test_a_url_import_reads_the_page_in_its_own_encoding(
    web_pages, settings, content_type, encoding
):
    settings.SOURCE_FETCH_ALLOWED_NETWORKS = "127.0.0.0/8"
    web_pages.pages["/eco/latin"] = (200, content_type, ARTICLE_HTML.encode(encoding))
    document = document_from_url(web_pages.url("/eco/latin"))
    assert document.title == "Chômage : nouvelle baisse"
    assert "\ufffd" not in document.text


TEXT = "Le taux de chômage a reculé à 7,1 % au quatrième trimestre 2024, selon l'Insee."


@pytest.mark.parametrize(
    "content_type, body",
    [
        # Servers label UTF-8 text files Latin-1 or us-ascii by default: UTF-8 comes first.
        ("text/plain; charset=ISO-8859-1", TEXT.encode("utf-8")),
        ("text/plain; charset=us-ascii", TEXT.encode("utf-8")),
        ("text/plain", TEXT.encode("utf-8")),
        # Bytes that are not UTF-8 are read in the charset the server declares.
        ("text/plain; charset=ISO-8859-1", TEXT.encode("iso-8859-1")),
    ],
)
def test_a_text_page_is_read_as_utf8_else_in_its_declared_charset(
    web_pages, settings, content_type, body
):
    settings.SOURCE_FETCH_ALLOWED_NETWORKS = "127.0.0.0/8"
    web_pages.pages["/depeche.txt"] = (200, content_type, body)
    assert document_from_url(web_pages.url("/depeche.txt")).text == TEXT


def test_a_text_page_that_is_no_text_is_still_refused(web_pages, settings):
    settings.SOURCE_FETCH_ALLOWED_NETWORKS = "127.0.0.0/8"
    web_pages.pages["/binary.txt"] = (200, "text/plain; charset=utf-8", b"\x00\x01\xff" * 50)
    with pytest.raises(ArticleInputError, match="binary|not UTF-8"):
        document_from_url(web_pages.url("/binary.txt"))
