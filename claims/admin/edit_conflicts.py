"""Two people editing the same row: a save writes only what its user changed, and stops when
someone else changed the same field since the page was opened. The columns the form does not
show are saved as they are when the save is made, not as the page read them.

Each change form carries, hidden, the values of its fields as they were when the page was
opened. On save, the row is read again under a lock: the fields this user left as they found
them take the row's current values (so a colleague's change, or a worker's, is never reverted
by a page that merely showed the old one), and a field both changed is an edit conflict. The
form then keeps what the user typed, says what the other change was, and takes the current
values as its new starting point: saving again keeps the user's version on purpose.
"""

import datetime
import json

from django import forms
from django.core.serializers.json import DjangoJSONEncoder
from django.forms.models import InlineForeignKeyField
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

BASE_FIELD = "edit_base"
CONFLICT = _(
    "Since you opened this page, %(who)s changed %(fields)s. Nothing was saved. Your version "
    "is still in the form; theirs is: %(theirs)s. Save again to keep yours, or reload the page "
    "to start from theirs."
)
THEIR_VALUE = _("%(field)s: “%(value)s”")
GONE = _("Someone deleted this since you opened the page: there is nothing left to save it to.")
BASE_MISSING = _(
    "This form did not say what it was opened on, so nothing was saved: check the values "
    "shown, then save again."
)


class BaseField(forms.CharField):
    """The hidden starting point; never a change of the user's own."""

    widget = forms.HiddenInput

    def has_changed(self, initial, data):
        return False


def tracked_fields(form):
    """The model fields ``form`` lets its user edit."""
    opts = form._meta.model._meta
    names = {field.name for field in opts.get_fields() if field.concrete and not field.primary_key}
    # Not the parent a formset gives an inline's rows (after the form is made): not the user's.
    return [
        name
        for name, field in form.fields.items()
        if name in names and not isinstance(field, InlineForeignKeyField)
    ]


def row_values(instance, names):
    """``instance``'s values of ``names``, as the JSON the form carries (ids for relations)."""
    opts = instance._meta
    values = {}
    for name in names:
        field = opts.get_field(name)
        if field.many_to_many:
            value = sorted(related.pk for related in field.value_from_object(instance))
        else:
            value = field.value_from_object(instance)
        values[name] = value
    # Through JSON both ways, so a row read now compares equal to the one the page carried.
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder))


def encode(values):
    return json.dumps(values, sort_keys=True, separators=(",", ":"))


def decode(text, names):
    """The values a posted form was opened on, or None when it carries none it could have."""
    try:
        values = json.loads(text or "")
    except ValueError:
        return None
    if not isinstance(values, dict) or not set(names) <= set(values):
        return None
    return values


class EditConflictForm(forms.ModelForm):
    """A change form that saves only what its user changed (see the module's docstring)."""

    edit_base = BaseField(required=False)
    # A change page without it is refused (an old page, or a forged post): it would save over
    # whatever came in between. An inline's rows are saved only when they changed, and rows a
    # user may only read never carry it.
    require_base = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial[BASE_FIELD] = encode(row_values(self.instance, tracked_fields(self)))

    def lock_first(self):
        """Rows to lock before this one, so that every page takes its locks in one order."""

    @cached_property
    def opened_on(self):
        """The tracked values the page was opened on, or None (a new row, or none posted)."""
        if not self.is_bound or self.instance.pk is None:
            return None
        return decode(self.data.get(self.add_prefix(BASE_FIELD)), tracked_fields(self))

    @cached_property
    def changed_data(self):
        # What this user changed from the page they opened, not from the row as it is now:
        # a colleague's change in between is not theirs (nor a correction they must explain).
        opened = self.opened_on
        if opened is None:
            return super().changed_data
        return [
            name
            for name, bound in self._bound_items()
            if (
                self._differs(name, opened[name], bound.data)
                if name in opened
                else bound._has_changed()
            )
        ]

    def _differs(self, name, value, data):
        """Whether ``data`` (as posted) differs from the row value ``value`` (as JSON)."""
        field = self.fields[name]
        model_field = self._meta.model._meta.get_field(name)
        if value is not None and not model_field.is_relation:
            value = model_field.to_python(value)
        # As BoundField.initial does: a widget without microseconds shows none.
        if (
            isinstance(value, datetime.datetime | datetime.time)
            and not field.widget.supports_microseconds
        ):
            value = value.replace(microsecond=0)
        return field.has_changed(value, data)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        self.lock_first()
        model = type(self.instance)
        current = model._base_manager.select_for_update().filter(pk=self.instance.pk).first()
        if current is None:
            raise forms.ValidationError(GONE)
        names = tracked_fields(self)
        # The admin saves every column of the row it read before this lock: those the form
        # does not show (a claim's status, a source's link status) take their values now, or
        # the save would put back what the workflow or a background check changed meanwhile.
        for field in model._meta.concrete_fields:
            if field.name not in names and not field.primary_key:
                setattr(self.instance, field.attname, getattr(current, field.attname))
        now = row_values(current, names)
        opened = self.opened_on
        if opened is None:
            if not self.require_base:
                return cleaned
            self._start_over_from(now)
            raise forms.ValidationError(BASE_MISSING)
        changed = set(self.changed_data)
        theirs = [name for name in names if opened[name] != now[name]]
        clashes = [
            name
            for name in theirs
            if name in changed and self._differs(name, now[name], self[name].data)
        ]
        if clashes:
            self._start_over_from(now)
            raise forms.ValidationError(
                CONFLICT,
                params={
                    "who": last_editor(current) or pgettext_lazy("who changed it", "someone else"),
                    "fields": ", ".join(str(self.fields[name].label) for name in clashes),
                    "theirs": "; ".join(
                        THEIR_VALUE
                        % {"field": self.fields[name].label, "value": shown(current, name)}
                        for name in clashes
                    ),
                },
            )
        for name in names:
            if name not in changed and name in cleaned:
                cleaned[name] = current_value(current, name)
        return cleaned

    def _start_over_from(self, values):
        """Re-render with the row's current values as the page's starting point."""
        self.data = self.data.copy()
        self.data[self.add_prefix(BASE_FIELD)] = encode(values)


class EditConflictRowForm(EditConflictForm):
    """An inline's row: as ``EditConflictForm``, for the rows that carry their starting point."""

    require_base = False


def current_value(row, name):
    """``row``'s value of ``name`` as the form's cleaned value would be."""
    field = row._meta.get_field(name)
    if field.many_to_many:
        return list(getattr(row, name).all())
    return getattr(row, name)


def shown(row, name):
    value = current_value(row, name)
    if isinstance(value, list):
        value = ", ".join(str(item) for item in value)
    if value is None or value == "":
        return "—"
    return Truncator(str(value)).chars(200)


def last_editor(row):
    """Who last saved ``row``, where its history says so."""
    history = getattr(row, "history", None)
    if history is None:
        return None
    record = history.select_related("history_user").first()
    user = record.history_user if record is not None else None
    return user.get_username() if user is not None else None


class EditConflictAdmin:
    """Puts the form's hidden starting point on the change page (or, for an inline, the rows)
    of those who may save it; ``obj`` is the row, or the inline rows' parent."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self.has_change_permission(request, obj):
            return fieldsets
        (name, options), *rest = fieldsets
        if BASE_FIELD in options["fields"]:
            return fieldsets
        return [(name, {**options, "fields": [*options["fields"], BASE_FIELD]}), *rest]
