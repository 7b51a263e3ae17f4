"""List filters and annotations shared by the admin pages."""

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from ..models import Article, ClaimAppearance, Speaker


class HistoryAdmin(SimpleHistoryAdmin):
    """History pages that show old versions and never write them back.

    ``SIMPLE_HISTORY_REVERT_DISABLED`` only hides the revert button: simple_history still
    saves a POST to a version's page, which would restore a published claim's old status or
    assignee behind the workflow's back.
    """

    def history_view(self, request, object_id, extra_context=None):
        if not is_id(object_id):  # simple_history's lookups made it a 500
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        if not (is_id(object_id) and is_id(version_id)):  # simple_history's int(): a 500
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_changeform_initial_data(self, request):
        # "Add a source" links carry ?claim=<id>; an autocomplete given anything else was a 500.
        initial = super().get_changeform_initial_data(request)
        relations = {f.name for f in self.model._meta.get_fields() if f.is_relation}
        return {
            name: value
            for name, value in initial.items()
            if name not in relations
            or all(is_id(part) for part in (value if isinstance(value, list) else [value]))
        }


def is_id(value):
    """Whether a value from the URL is a row id: ASCII digits only."""
    # str.isdigit() also accepts "²" or "①", which int() and the database then refuse.
    return value.isascii() and value.isdigit()


class RowAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete, labelling an inline row's saved choice from the row itself."""

    # The object the row points to, loaded with the row (set by the row's form).
    chosen = None

    def optgroups(self, name, value, attr=None):
        # Django looks the chosen option up again: one query per row of an inline.
        chosen = self.chosen
        if chosen is None or [str(v) for v in value] != [str(chosen.pk)]:
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        label = self.choices.field.label_from_instance(chosen)
        options.append(self.create_option(name, chosen.pk, label, True, len(options)))
        return [(None, options, 0)]


class MostUsedFilter(admin.SimpleListFilter):
    """Offer only the most used values: a filter listing 100,000 speakers helps nobody.

    Any other value still works through the URL (``?speaker=42``), and a value chosen
    that way is listed too.
    """

    limit = 15

    def top_choices(self):
        raise NotImplementedError

    def lookups(self, request, model_admin):
        choices = [(str(obj.pk), str(obj)) for obj in self.top_choices()[: self.limit]]
        value = self.value()
        if value and value not in {pk for pk, _label in choices} and is_id(value):
            chosen = self.related_model.objects.filter(pk=value).first()
            if chosen:
                choices.append((value, str(chosen)))
        return choices

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not is_id(value):
            raise IncorrectLookupParameters(f"{self.parameter_name} must be an id")
        return self.filter_by(queryset, int(value))


class SpeakerFilter(MostUsedFilter):
    title = _("speaker")
    parameter_name = "speaker"
    related_model = Speaker

    def top_choices(self):
        return Speaker.objects.annotate(n=Count("claims")).filter(n__gt=0).order_by("-n", "name")

    def filter_by(self, queryset, pk):
        return queryset.filter(speaker_id=pk)


class ArticleFilter(MostUsedFilter):
    title = _("article")
    parameter_name = "article"
    related_model = Article

    def top_choices(self):
        return Article.objects.annotate(n=Count("appearances")).order_by("-n", "-id")

    def filter_by(self, queryset, pk):
        return queryset.filter(
            Exists(ClaimAppearance.objects.filter(claim=OuterRef("pk"), article_id=pk))
        )


def action_form_page(model_admin, request, form, title, cancel_url, **context):
    """The page asking for what a workflow action needs (a reason, an assignee, a note)."""
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": title,
        "form": form,
        "cancel_url": cancel_url,
        **context,
    }
    return TemplateResponse(request, "admin/claims/action_form.html", context)
