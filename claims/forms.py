"""Forms readers fill in: the verdict filters and the submission form."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Language, ReaderSubmission, Review, normalize_name


class FilterSelect(forms.Select):
    """A select whose options are written out in its template rather than included one by
    one: the same markup, in a fraction of the time (claims/templates/public/widgets/)."""

    template_name = "public/widgets/select.html"
    # {group label: the language its words are in}, for a lang attribute on each group; forms
    # replace it whole on their own copy of the widget.
    group_languages = {}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["groups"] = [
            (group_name, self.group_languages.get(group_name, ""), options)
            for group_name, options, _index in context["widget"]["optgroups"]
        ]
        return context


class DayPicker(forms.DateInput):
    """A date picker, whose value HTML wants as YYYY-MM-DD: a day typed in another format the
    field accepts is shown in that one, and text that is no day is left out, as browsers would
    leave it out (the error beside the field says what was wrong)."""

    input_type = "date"

    def format_value(self, value):
        if isinstance(value, str):
            try:
                value = forms.DateField().to_python(value)
            except ValidationError:
                return None
        return value.isoformat() if value else None


# Dates the filters accept: far enough apart for any verdict, near enough that a day more or
# a time zone shift stays a valid datetime (9999-12-31 + 1 day would not).
EARLIEST_DAY, LATEST_DAY = date(1900, 1, 1), date(2999, 12, 31)


class VerdictFilterForm(forms.Form):
    """Filters of the verdict list; an invalid value is reported and ignored, never an error."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    rating = forms.ChoiceField(label=_("Rating"), required=False, widget=FilterSelect)
    speaker = forms.CharField(label=_("Speaker"), required=False, max_length=200)
    language = forms.ChoiceField(
        label=_("Language of the claim"),
        choices=[("", _("All languages")), *Language.choices],
        required=False,
        widget=FilterSelect,
    )
    since = forms.DateField(label=_("Published from"), required=False, widget=DayPicker)
    until = forms.DateField(label=_("Published until"), required=False, widget=DayPicker)

    def __init__(self, *args, scales=(), **kwargs):
        super().__init__(*args, **kwargs)
        # ``public_scales()``, loaded by the page already: no query of its own.
        self.ratings = {
            rating.public_key: rating for _scale, ratings in scales for rating in ratings
        }
        groups = [
            (scale.name_text, [(rating.public_key, rating.label_text) for rating in ratings])
            for scale, ratings in scales
        ]
        if len(groups) == 1:  # one scale: its labels, without a group around them
            groups = groups[0][1]
        self.fields["rating"].choices = [("", _("All ratings")), *groups]
        self.fields["rating"].widget.group_languages = {
            scale.name_text: scale.name_language for scale, _ratings in scales
        }

    def clean_rating(self):
        return self.ratings.get(self.cleaned_data["rating"])

    def clean_speaker(self):
        speaker = self.cleaned_data["speaker"]
        if speaker and not normalize_name(speaker):
            # Punctuation alone would match every named speaker.
            raise forms.ValidationError(_("Enter a name, or part of one."))
        return speaker

    def clean_since(self):
        return self._clean_day("since")

    def clean_until(self):
        return self._clean_day("until")

    def _clean_day(self, name):
        day = self.cleaned_data[name]
        if day is not None and not EARLIEST_DAY <= day <= LATEST_DAY:
            raise forms.ValidationError(
                _("Enter a date between %(earliest)s and %(latest)s."),
                params={"earliest": EARLIEST_DAY.year, "latest": LATEST_DAY.year},
            )
        return day

    @property
    def filtering(self):
        """Whether a valid filter or search is in use (other query parameters do not count)."""
        if not self.is_bound:
            return False
        self.is_valid()  # cleaned_data then holds the valid fields only
        return any(self.cleaned_data.get(name) for name in self.fields)

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return cleaned


class SubmissionForm(forms.ModelForm):
    # A field people never see: bots fill it in, and their submission is dropped.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    class Meta:
        model = ReaderSubmission
        fields = ["kind", "text", "url", "review", "email"]
        labels = {
            "kind": _("What do you want to tell us?"),
            "text": _("The claim, or the error you found"),
            "url": _("Where did you see it? (link, optional)"),
            "email": _("Your email, if you want an answer (optional)"),
        }
        widgets = {
            "kind": forms.RadioSelect,
            "text": forms.Textarea(attrs={"rows": 6, "maxlength": 5000}),
            "review": forms.HiddenInput,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["review"].queryset = Review.objects.filter(state=Review.State.PUBLISHED)
        self.fields["text"].max_length = 5000
        self.fields["website"].widget.attrs.update(tabindex="-1", autocomplete="off")
        if not (self.initial.get("review") or self.data.get("review")):
            self._ask_for_the_verdicts_link()

    def _ask_for_the_verdicts_link(self):
        # No verdict came with the form: an error report needs the verdict's link. (Validation
        # has made the field's BoundField already, with the label it had then.)
        label = _("Where did you see it? (link; for an error, the verdict's link is needed)")
        self.fields["url"].label = self["url"].label = label

    @property
    def is_bot(self):
        return bool(self.data.get("website"))

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if len(text) < 10:
            raise forms.ValidationError(_("Please write at least a few words."))
        if len(text) > 5000:
            raise forms.ValidationError(_("Please keep it under 5,000 characters."))
        return text

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("review"):  # none, or one no longer published
            self._ask_for_the_verdicts_link()
        if cleaned.get("kind") == ReaderSubmission.Kind.ERROR and not (
            cleaned.get("review") or cleaned.get("url")
        ):
            self.add_error("url", _("Tell us which verdict: give its link."))
        return cleaned
