"""Quote verification against a source page's text: exact despite typography, approximate
wording, altered figures, dates, names or negation, and absent quotes.

Pure functions: no database, no network.
"""

import random
import unicodedata

import pytest

from claims.checking.misquotes import negations_in
from claims.checking.quotes import (
    QuoteVerdict,
    normalize_for_matching,
    verify_quote,
    verify_quotes,
)

SOURCE = (
    "Le ministre a répondu aux questions des députés mardi soir.\n\n"
    "« Nous n’avons jamais accepté\u202fcette réforme », a déclaré Élisabeth Borne\u00a0;"
    " selon elle, le texte « reste à écrire ».\n"
    "Les 8 et 9 juillet, 60\u00a0% des salariés de l’usine étaient en grève pour "
    "protester contre la fermeture du site, qui emploie 180\u202f000 personnes au total."
    " Le président Emmanuel Macron a promis de baisser les impôts des classes moyennes."
)


def check_offsets(verdict: QuoteVerdict, source: str) -> None:
    assert verdict.start is not None and verdict.end is not None
    assert source[verdict.start : verdict.end] == verdict.matched_text


class TestNormalization:
    def test_typography_case_and_spaces_are_made_uniform(self):
        text = "« L’État »\u00a0:  OK —\tVOILÀ\n\n« fin »"
        normalized, index = normalize_for_matching(text)
        assert normalized == "l'état: ok - voilà fin"
        assert len(index) == len(normalized)

    def test_each_character_maps_back_to_the_original(self):
        text = "ﬁn de l’Œuvre… \u00a0Straße, e\u0301te\u0301 2024"
        normalized, index = normalize_for_matching(text)
        assert normalized == "fin de l'oeuvre... strasse, été 2024"
        assert index == sorted(index)
        at = normalized.index("oeuvre")
        assert text[index[at]] == text[index[at + 1]] == "Œ"  # both letters of the ligature
        assert text[index[normalized.index("strasse") + 5]] == "ß"  # the second s of ß
        assert text[index[normalized.index("été")]] == "e"  # with its combining accent
        assert text[index[normalized.index("2024")] :].startswith("2024")

    def test_accents_are_kept(self):
        assert normalize_for_matching("Réforme")[0] == "réforme"

    def test_empty_text(self):
        assert normalize_for_matching("") == ("", [])


class TestExact:
    @pytest.mark.parametrize(
        "quote",
        [
            "Nous n’avons jamais accepté cette réforme",  # as written
            "Nous n'avons jamais accepté cette réforme",  # ' for ’
            '"Nous n\'avons jamais accepté cette réforme"',  # " for « »
            "NOUS N’AVONS JAMAIS ACCEPTÉ CETTE RÉFORME",  # case
            "Nous   n’avons jamais\n\naccepté \t cette réforme",  # spaces and line breaks
            "Nous n’avons jamais accepté\u00a0cette réforme.",  # nbsp, closing period
            unicodedata.normalize("NFD", "Nous n’avons jamais accepté cette réforme"),
        ],
    )
    def test_exact_despite_typography(self, quote):
        verdict = verify_quote(quote, SOURCE)
        assert verdict.verdict == "exact"
        assert verdict.score == 100
        assert verdict.matched_text == "Nous n’avons jamais accepté\u202fcette réforme"
        assert verdict.differences == ()
        check_offsets(verdict, SOURCE)

    def test_guillemets_inside_the_quote_match_straight_quotes(self):
        quote = 'selon elle, le texte "reste à écrire"'
        verdict = verify_quote(quote, SOURCE)
        assert verdict.verdict == "exact"
        assert verdict.matched_text == "selon elle, le texte « reste à écrire"
        check_offsets(verdict, SOURCE)

    def test_french_spacing_before_punctuation(self):
        verdict = verify_quote("60% des salariés", SOURCE)
        assert verdict.verdict == "exact"
        assert verdict.matched_text == "60\u00a0% des salariés"

    def test_offsets_after_characters_that_normalize_to_several(self):
        source = "Le ﬁlm… Straße\u00a0: « Il faut aller plus loin » a-t-il dit."
        verdict = verify_quote("il faut aller plus loin", source)
        assert verdict.verdict == "exact"
        assert (verdict.start, verdict.end) == (19, 42)
        assert verdict.matched_text == "Il faut aller plus loin"

    def test_accents_matter(self):
        verdict = verify_quote("Nous n'avons jamais accepte cette reforme", SOURCE)
        assert verdict.verdict == "approximate"
        assert verdict.score < 100

    def test_words_are_not_found_inside_other_words(self):
        verdict = verify_quote("ose", "Elle propose une loi.")
        assert verdict.verdict != "exact"

    @pytest.mark.parametrize(
        ("quote", "page"),
        [
            ("Nous mettrons tout en oeuvre", "« Nous mettrons tout en œuvre », a-t-il dit."),
            ("ses vœux aux Français", "Lors de ses voeux aux Français, le président a parlé."),
            ("l'Æthiopia", "l'Aethiopia"),
        ],
    )
    def test_ligatures_are_the_letters_they_join(self, quote, page):
        verdict = verify_quote(quote, page)
        assert (verdict.verdict, verdict.differences) == ("exact", ())
        check_offsets(verdict, page)


class TestPartOfALargerFigure:
    """A quoted figure is not found at the end or the start of a larger one on the page: it was
    certified verbatim."""

    @pytest.mark.parametrize(
        ("quote", "page", "passage", "difference"),
        [
            (
                "3 millions de chômeurs",
                "Selon l'Insee, il y a 2,3 millions de chômeurs en France.",
                "2,3 millions de chômeurs",
                "number: 3 → 2,3",
            ),
            (
                "5 % de croissance",
                "Le gouvernement prévoit 1,5 % de croissance en 2025.",
                "1,5 % de croissance",
                "number: 5 → 1,5",
            ),
            (
                "le déficit public atteindra 5",
                "le déficit public atteindra 5,5 % du PIB",
                "le déficit public atteindra 5,5",
                "number: 5 → 5,5",
            ),
            (
                "500 euros de plus pour les retraités modestes",
                "Il promet 1\u202f500 euros de plus par an pour les retraités modestes.",
                "1\u202f500 euros de plus par an pour les retraités modestes",
                "number: 500 → 1 500",
            ),
            (
                "80 % des Français",
                "Selon le sondage, 1 080 % des Français",
                "1 080 % des Français",
                "number: 80 → 1 080",
            ),
            ("100 euros", "un billet de 1.100 euros", "1.100 euros", "number: 100 → 1.100"),
        ],
    )
    def test_the_whole_figure_faces_the_quote(self, quote, page, passage, difference):
        verdict = verify_quote(quote, page)
        assert verdict.verdict == "altered"
        assert verdict.matched_text == passage
        assert verdict.differences == (difference,)

    @pytest.mark.parametrize(
        ("quote", "page"),
        [
            ("3 millions de chômeurs", "Fin 2023, 3 millions de chômeurs étaient inscrits."),
            ("en 2023 500 euros", "versés en 2023 500 euros par foyer"),  # a year, then a figure
            ("le SMIC à 1 500 euros", "le SMIC à 1\u202f500 euros"),
        ],
    )
    def test_a_figure_beside_another_is_still_exact(self, quote, page):
        assert verify_quote(quote, page).verdict == "exact"


class TestApproximate:
    @pytest.mark.parametrize(
        ("quote", "passage"),
        [
            # a word dropped
            (
                "Le président Macron a promis de baisser les impôts des classes moyennes",
                "Le président Emmanuel Macron a promis de baisser les impôts des classes moyennes",
            ),
            # a word added
            (
                "Emmanuel Macron a promis de baisser fortement les impôts",
                "Emmanuel Macron a promis de baisser les impôts",
            ),
            # a typo
            (
                "protester contre la fermture du site",
                "protester contre la fermeture du site",
            ),
            # another inflection
            (
                "60 % des salariées de l'usine étaient en grève",
                "60\u00a0% des salariés de l’usine étaient en grève",
            ),
            # a typo in a month is no other date
            ("Les 8 et 9 juilet, 60 % des salariés", "Les 8 et 9 juillet, 60\u00a0% des salariés"),
        ],
    )
    def test_near_identical_wording(self, quote, passage):
        verdict = verify_quote(quote, SOURCE)
        assert verdict.verdict == "approximate"
        assert 85 <= verdict.score < 100
        assert verdict.matched_text == passage
        assert verdict.differences == ()
        check_offsets(verdict, SOURCE)

    def test_same_figures_in_other_formats(self):
        source = (
            "Le coût atteint 800.000 euros, soit 2,5 millions en sept ans pour vingt-deux villes."
        )
        quote = "Le coût atteint 800 000 euros, soit 2.5 millions en 7 ans pour 22 villes"
        verdict = verify_quote(quote, source)
        assert verdict.verdict == "approximate"
        assert verdict.differences == ()

    def test_a_dropped_word_before_a_figure_is_no_misquote(self):
        source = "Il refuse de repousser la réforme au-delà de 2027, et le dit."
        verdict = verify_quote("Il refuse de repousser la réforme 2027", source)
        assert verdict.verdict == "approximate"
        assert verdict.matched_text == "Il refuse de repousser la réforme au-delà de 2027"

    def test_the_sentence_with_the_same_figures_is_preferred(self):
        source = (
            "« Rien ne prouve que la situation s’améliore », a déclaré le ministre le 21 mars. "
            "« Rien ne prouve que la situation s’améliore », a déclaré le ministre le 23 mai."
        )
        quote = "Rien ne prouve que la situaton s’améliore », a déclaré le ministre le 23"
        verdict = verify_quote(quote, source)
        assert verdict.verdict == "approximate"
        assert verdict.end == source.index("le 23") + len("le 23")
        check_offsets(verdict, source)

    def test_thresholds_are_settings(self):
        quote = "Emmanuel Macron a promis de baisser fortement les impôts"
        assert verify_quote(quote, SOURCE, approximate_at=99).verdict == "absent"
        assert verify_quotes([quote], SOURCE, approximate_at=99)[0].verdict == "absent"
        assert verify_quote(quote, SOURCE).verdict == "approximate"


class TestAltered:
    def test_changed_dates(self):
        verdict = verify_quote("Les 7 et 8 juillet, 60 % des salariés de l'usine", SOURCE)
        assert verdict.verdict == "altered"
        assert verdict.differences == ("number: 7 → 8", "number: 8 → 9")
        assert verdict.matched_text == "Les 8 et 9 juillet, 60\u00a0% des salariés de l’usine"
        check_offsets(verdict, SOURCE)

    def test_changed_percentage(self):
        verdict = verify_quote("80 % des salariés de l'usine étaient en grève", SOURCE)
        assert verdict.verdict == "altered"
        assert verdict.differences == ("number: 80 → 60",)
        assert 70 <= verdict.score < 100

    def test_changed_large_number(self):
        verdict = verify_quote("la fermeture du site, qui emploie 18 000 personnes", SOURCE)
        assert verdict.verdict == "altered"
        assert verdict.differences == ("number: 18 000 → 180 000",)

    @pytest.mark.parametrize(
        "quote, said, written",
        [
            ("le PIB a reculé de 0,3 % au troisième trimestre", "0,3", "-0,3"),
            ("le PIB a reculé de +0,3 % au troisième trimestre", "+0,3", "-0,3"),
            ("0,3 % au troisième trimestre", "0,3", "-0,3"),  # the sign at the passage's edge
            ("+0,3 % au troisième trimestre", "+0,3", "-0,3"),
            ("après -0,5 % au deuxième", "-0,5", "+0,5"),  # the sign at the quote's edge
        ],
    )
    def test_changed_sign(self, quote, said, written):
        page = "Le PIB a reculé de −0,3 % au troisième trimestre, après +0,5 % au deuxième."
        verdict = verify_quote(quote, page)
        assert verdict.verdict == "altered"
        assert verdict.differences == (f"number: {said} → {written}",)

    def test_a_plus_sign_or_a_hyphen_between_figures_is_no_change(self):
        page = "Les prix ont augmenté de +0,5 % en mai, soit 2-3 % sur un an."
        assert verify_quote("augmenté de 0,5 % en mai", page).verdict == "approximate"
        assert verify_quote("-0,5 % en mai", page).verdict == "altered"
        assert verify_quote("soit 2-3 % sur un an", page).verdict == "exact"
        assert verify_quote("3 % sur un an", page).verdict == "exact"

    def test_changed_magnitude(self):
        source = "Le plan coûtera 2,5 milliards d'euros sur cinq ans."
        verdict = verify_quote("Le plan coûtera 2,5 millions d'euros sur cinq ans", source)
        assert verdict.verdict == "altered"
        assert verdict.differences == ("number: millions → milliards",)

    def test_negation_at_the_edge_of_the_passage(self):
        source = "Le non-respect des règles est sanctionné."
        verdict = verify_quote("Le respect des règles", source)
        assert verdict.verdict == "altered"
        assert verdict.matched_text == "Le non-respect des règles"
        assert verdict.differences == ("negation: (none) → non",)

    @pytest.mark.parametrize(
        "quote",
        ["une manifestation nonviolente samedi", "une manifestation non violente samedi"],
    )
    def test_a_non_compound_written_closed_or_open_is_the_same_words(self, quote):
        source = "Les organisateurs ont promis une manifestation non-violente samedi à Paris."
        verdict = verify_quote(quote, source)
        assert verdict.verdict in ("exact", "approximate") and verdict.differences == ()

    def test_a_dropped_non_compound_is_a_negation(self):
        source = "Les organisateurs ont promis une manifestation nonviolente samedi à Paris."
        verdict = verify_quote("une manifestation violente samedi à Paris", source)
        assert verdict.verdict == "altered"
        assert verdict.differences == ("negation: (none) → nonviolente",)

    @pytest.mark.parametrize(
        "text",
        [
            "Il a répondu avec nonchalance, nonobstant les critiques, à nonante ans.",
            "Ce nonagénaire (un nonagenaire, dit l'AFP) fête sa nonantième année.",
            "The nonagenarian was nonplussed by such nonsense; nonetheless, he voted.",
            "La nonne et la nonnette ont quitté le couvent.",
        ],
    )
    def test_a_word_that_only_starts_with_non_is_no_negation(self, text):
        assert negations_in(normalize_for_matching(text)[0]) == 0
        words = text.split(",")[0]
        assert verify_quote(words, text).verdict == "exact"

    def test_a_closed_non_compound_with_its_own_word_stays_a_negation(self):
        for text in ("un pacte de nonagression", "a nonprofit group", "une lutte nonviolente"):
            assert negations_in(normalize_for_matching(text)[0]) == 1

    @pytest.mark.parametrize(
        ("quote", "source", "difference"),
        [
            ("La loi est juste", "Il a dit que la loi est injuste.", "juste → injuste"),
            ("Ce plan est possible", "Ce plan est impossible.", "possible → impossible"),
            ("un accord irréaliste", "un accord réaliste et signé", "irréaliste → réaliste"),
            ("The deal was fair to workers", "The deal was unfair to workers.", "fair → unfair"),
        ],
    )
    def test_a_negating_prefix_is_a_negation(self, quote, source, difference):
        verdict = verify_quote(quote, source)
        assert verdict.verdict == "altered"
        assert verdict.differences == (f"negation: {difference}",)

    @pytest.mark.parametrize(
        ("quote", "source", "difference"),
        [
            ("des mesures légales", "des mesures illégales", "légales → illégales"),
            ("les salaires sont égaux", "les salaires sont inégaux", "égaux → inégaux"),
            ("He was treated fairly", "He was treated unfairly.", "fairly → unfairly"),
        ],
    )
    def test_an_inflected_opposite_is_a_negation(self, quote, source, difference):
        verdict = verify_quote(quote, source)
        assert verdict.verdict == "altered"
        assert verdict.differences == (f"negation: {difference}",)

    @pytest.mark.parametrize(
        ("quote", "source"),
        [
            ("Il faut porter ces produits", "Il faut importer ces produits."),
            ("Ils ont porté ces produits", "Ils ont importé ces produits."),
            ("Ils veulent placer les usines", "Ils veulent déplacer les usines."),
            ("Le cours du ministre a duré une heure", "Le discours du ministre a duré une heure."),
            ("Une pression sur les salaires", "Une impression sur les salaires."),
            ("La formation des chômeurs", "L'information des chômeurs."),
            ("un rapport cité par le ministre", "un rapport incité par le ministre"),
            ("They will close the report", "They will disclose the report."),
            ("Their come rose by 3 %", "Their income rose by 3 %."),
        ],
    )
    def test_a_prefix_that_makes_another_word_is_no_negation(self, quote, source):
        verdict = verify_quote(quote, source)
        assert not [d for d in verdict.differences if d.startswith("negation")]

    def test_changed_month(self):
        verdict = verify_quote("Les 8 et 9 juin, 60 % des salariés de l'usine", SOURCE)
        assert verdict.verdict == "altered"
        assert verdict.differences == ("date: juin → juillet",)

    def test_dropped_french_negation(self):
        verdict = verify_quote("Nous avons accepté cette réforme", SOURCE)
        assert verdict.verdict == "altered"
        assert verdict.differences == ("negation: (none) → n' jamais",)
        assert verdict.matched_text == "Nous n’avons jamais accepté\u202fcette réforme"

    def test_added_french_negation(self):
        source = "Le gouvernement a accepté la proposition des syndicats."
        verdict = verify_quote("Le gouvernement n'a jamais accepté la proposition", source)
        assert verdict.verdict == "altered"
        assert verdict.differences == ("negation: n' jamais → (none)",)

    @pytest.mark.parametrize(
        ("quote", "marker"),
        [("The minister said she did the deal", "not"), ("She has read the report", "n't")],
    )
    def test_dropped_english_negation(self, quote, marker):
        source = "The minister said she did not do the deal. She hasn't read the report yet."
        verdict = verify_quote(quote, source)
        assert verdict.verdict == "altered"
        assert len(verdict.differences) == 1
        assert verdict.differences[0].startswith("negation: (none) → ")
        assert marker in verdict.differences[0]

    def test_swapped_name(self):
        verdict = verify_quote(
            "Le président François Hollande a promis de baisser les impôts", SOURCE
        )
        assert verdict.verdict == "altered"
        assert verdict.differences == ("name: François Hollande → Emmanuel Macron",)

    def test_swapped_name_at_the_start(self):
        source = (
            "Selon le rapport, Élisabeth Borne a refusé. Macron a promis une baisse des impôts,"
            " rappelle l'entourage d'Emmanuel Macron."
        )
        verdict = verify_quote("Borne a promis une baisse des impôts", source)
        assert verdict.verdict == "altered"
        assert verdict.differences == ("name: Borne → Macron",)

    def test_a_name_swapped_at_the_very_start_is_compared(self):
        # The closest passage leaves the quote's first words out when the page has others
        # there: they must still be compared with the page's words in their place.
        source = (
            "Lors du débat, Marine Le Pen a promis de baisser les impôts de 10 milliards, et"
            " Emmanuel Macron a répondu que la dette publique atteignait 3 000 milliards d'euros."
        )
        verdict = verify_quote(
            "Le Pen a répondu que la dette publique atteignait 3 000 milliards", source
        )
        assert verdict.verdict == "altered"
        assert verdict.differences == ("name: Le Pen → Emmanuel Macron",)
        assert verdict.matched_text.startswith("Emmanuel Macron a répondu")
        check_offsets(verdict, source)

    def test_a_name_swapped_at_the_very_end_is_compared(self):
        source = "La dette publique atteignait 3 000 milliards, selon Emmanuel Macron, mardi."
        verdict = verify_quote("la dette publique atteignait 3 000 milliards, selon Le Pen", source)
        assert verdict.verdict == "altered"
        assert verdict.differences == ("name: Le Pen → Emmanuel Macron",)
        check_offsets(verdict, source)

    @pytest.mark.parametrize(
        "quote",
        [
            "Il a répondu que la dette publique atteignait 3 000 milliards",  # no name quoted
            "Franchement, la dette publique atteignait 3 000 milliards",  # words not on the page
        ],
    )
    def test_other_first_words_are_no_swap(self, quote):
        source = "Emmanuel Macron a répondu que la dette publique atteignait 3 000 milliards."
        assert verify_quote(quote, source).verdict == "approximate"

    def test_swapped_compound_name(self):
        source = "Il a dit que, selon Marine Le Pen, la loi est injuste."
        verdict = verify_quote("selon Jean-Luc Mélenchon, la loi est injuste", source)
        assert verdict.verdict == "altered"
        assert verdict.differences == ("name: Jean-Luc Mélenchon → Marine Le Pen",)

    def test_a_name_left_out_is_no_swap(self):
        quote = "Le président a promis de baisser les impôts des classes moyennes"
        verdict = verify_quote(quote, SOURCE)
        assert verdict.verdict == "approximate"

    def test_misspelled_name_is_not_another_name(self):
        verdict = verify_quote("a déclaré Elisabeth Borne", SOURCE)
        assert verdict.verdict == "approximate"

    def test_sentence_start_capitals_are_not_names(self):
        source = "Ils ont voté la loi. Nous aussi, dit-elle."
        verdict = verify_quote("Ils ont voté la loi. Vous aussi, dit-elle.", source)
        assert verdict.verdict == "approximate"


class TestAbsent:
    def test_unrelated_quote(self):
        verdict = verify_quote("La météo sera ensoleillée demain sur toute la Bretagne", SOURCE)
        assert verdict.verdict == "absent"
        assert (verdict.matched_text, verdict.start, verdict.end) == ("", None, None)
        assert 0 < verdict.score < 70  # the best passage's score is kept

    def test_empty_source(self):
        verdict = verify_quote("Nous avons accepté", "")
        assert verdict == QuoteVerdict("Nous avons accepté", "absent", 0.0, "", None, None)

    @pytest.mark.parametrize("quote", ["", "   ", "\n\t\u00a0"])
    def test_empty_quote_is_an_error(self, quote):
        with pytest.raises(ValueError, match="empty quote"):
            verify_quote(quote, SOURCE)

    def test_quote_without_words_is_absent(self):
        verdict = verify_quote("« … »", SOURCE)
        assert (verdict.verdict, verdict.score, verdict.start) == ("absent", 0.0, None)


# --- A long page --------------------------------------------------------------------------

PLANTED = (
    "Interrogée le 8 juillet sur France Inter, Élisabeth Borne a été claire\u00a0: « Le "
    "gouvernement n’a jamais accepté de repousser la réforme au-delà de 2027, et 80\u00a0% des "
    "économies prévues seront réalisées dès l’an prochain. »"
)


def long_page(size: int = 100_000, seed: int = 11) -> str:
    """Deterministic French news text of about ``size`` characters, PLANTED in the middle."""
    rng = random.Random(seed)
    subjects = ["Le gouvernement", "La ministre du Travail", "L’opposition", "Les syndicats"]
    verbs = ["a annoncé", "a estimé", "a rappelé", "affirme", "a démenti"]
    topics = [
        "une hausse de {n}\u00a0% du budget de la santé",
        "la suppression de {n}\u202f000 postes d’ici {year}",
        "un plan de relance de {n},{d} milliards d’euros",
        "le report de la réforme au-delà de {year}",
        "« une baisse de {d}\u00a0% du chômage » sur un an",
    ]
    months = ["janvier", "mars", "juin", "juillet", "octobre"]
    paragraphs: list[str] = []
    while sum(len(p) + 2 for p in paragraphs) < size:
        sentences = []
        for _ in range(rng.randint(3, 6)):
            topic = rng.choice(topics).format(
                n=rng.randint(2, 90), d=rng.randint(1, 9), year=rng.randint(2025, 2030)
            )
            when = f"le {rng.randint(1, 28)} {rng.choice(months)}"
            sentences.append(f"{rng.choice(subjects)} {rng.choice(verbs)}, {when}, {topic}.")
        paragraphs.append(" ".join(sentences))
    paragraphs.insert(len(paragraphs) // 2, PLANTED)
    return "\n\n".join(paragraphs)


@pytest.fixture(scope="module")
def page():
    text = long_page()
    assert 95_000 < len(text) < 110_000
    assert text.count(PLANTED) == 1
    return text


class TestLongPage:
    def test_exact_offsets_in_the_middle(self, page):
        quote = "Le gouvernement n'a jamais accepté de repousser la réforme au-delà de 2027"
        verdict = verify_quote(quote, page)
        assert verdict.verdict == "exact"
        assert verdict.start == page.index(PLANTED) + PLANTED.index("Le gouvernement")
        check_offsets(verdict, page)

    def test_approximate_and_altered_find_the_planted_passage(self, page):
        planted_at = page.index(PLANTED)
        quotes = [
            "80 % des économies prévues seront réalisés dès l'an prochain",
            "60 % des économies prévues seront réalisées dès l'an prochain",
            "Le gouvernement a accepté de repousser la réforme au-delà de 2027",
            "Nous construirons trois cents lycées professionnels dans les outre-mer",
        ]
        verdicts = verify_quotes(quotes, page)
        assert [v.verdict for v in verdicts] == ["approximate", "altered", "altered", "absent"]
        for verdict in verdicts[:3]:
            assert planted_at <= verdict.start < verdict.end <= planted_at + len(PLANTED)
            check_offsets(verdict, page)
        assert verdicts[1].differences == ("number: 60 → 80",)

    def test_long_quote(self, page):
        # Over 300 characters, the quote's head and tail are placed first.
        at = page.index(PLANTED)
        passage = page[at - 400 : at + len(PLANTED)]
        passage = passage[passage.index(". ") + 2 :]  # from a sentence start
        quote = passage.replace("a annoncé", "annonce").replace("économies", "économie")
        assert len(quote) > 400 and quote != passage
        verdict = verify_quote(quote, page)
        assert verdict.verdict == "approximate"
        assert verdict.matched_text == passage.rstrip(" .»")
        check_offsets(verdict, page)


def test_verify_quotes_gives_one_verdict_per_quote_in_order():
    quotes = [
        "Nous avons accepté cette réforme",
        "60% des salariés",
        "La météo sera ensoleillée demain sur toute la Bretagne",
        "60% des salariés",
    ]
    verdicts = verify_quotes(quotes, SOURCE)
    assert [v.quote for v in verdicts] == quotes
    assert [v.verdict for v in verdicts] == ["altered", "exact", "absent", "exact"]
    assert verdicts[0].as_dict() == {
        "quote": "Nous avons accepté cette réforme",
        "verdict": "altered",
        "score": verdicts[0].score,
        "matched_text": "Nous n’avons jamais accepté\u202fcette réforme",
        "start": SOURCE.index("Nous"),
        "end": SOURCE.index("réforme") + len("réforme"),
        "differences": ["negation: (none) → n' jamais"],
    }


def test_verify_quotes_with_no_quotes():
    assert verify_quotes([], SOURCE) == []
