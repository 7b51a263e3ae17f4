"""Two people editing the same row: a save writes only what its user changed, and stops when
someone else changed the same field since the page was opened. The columns the form does not
show are saved as they are when the save is made, not as the page read them.

Each change form carries, hidden, the values of its fields as they were when the page was
opened. On save, the row is read again under a lock: the fields this user left as they found
them take the row's current values (so a colleague's change, or a worker's, is never reverted
by a page that merely showed the old one), and a field both changed is an edit conflict. The
form then keeps what the user typed in the fields that clash, shows the current values in the
others, says what the other change was, and takes the current values as its new starting
point: saving again keeps the user's version on purpose, and nothing else of the colleague's.
"""

import datetime
import json

from django import forms
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models.signals import post_init
from django.forms.models import InlineForeignKeyField
from django.utils import formats, timezone
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
# How far back the history is read for who changed a field.
HISTORY_LOOKBACK = 20
_JSON_SCALARS = (str, int, float, bool, type(None))


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
    except (ValueError, RecursionError):
        return None
    if not isinstance(values, dict) or not set(names) <= set(values):
        return None
    for value in values.values():
        items = value if isinstance(value, list) else [value]
        if not all(isinstance(item, _JSON_SCALARS) for item in items):
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
        """Lock the rows to lock before this one: every page and the workflow take their
        locks in one order (a claim's live verdict, the claim, then its rows)."""

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
        try:
            if value is not None and not model_field.is_relation:
                value = model_field.to_python(value)
            # As BoundField.initial does: a widget without microseconds shows none.
            if (
                isinstance(value, datetime.datetime | datetime.time)
                and not field.widget.supports_microseconds
            ):
                value = value.replace(microsecond=0)
            if isinstance(field, forms.CharField):
                # Browsers send a textarea's lines ending in \r\n, and the form field trims
                # and normalises (a URL's empty "?"): the stored text read the same way.
                if isinstance(data, str):
                    data = data.replace("\r\n", "\n")
                if isinstance(value, str):
                    value = field.to_python(value.replace("\r\n", "\n"))
            return field.has_changed(value, data)
        except (TypeError, ValueError, OverflowError, ValidationError):
            return True

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        self.lock_first()
        model = type(self.instance)
        # Not FOR UPDATE: a row inserted meanwhile that points at this one (an appearance in
        # this article) takes a key-share lock, which that would block, in a deadlock.
        current = model._base_manager.select_for_update(no_key=True).filter(pk=self.instance.pk)
        current = current.first()
        if current is None:
            raise forms.ValidationError(GONE)
        self._load(current)
        names = tracked_fields(self)
        now = row_values(current, names)
        opened = self.opened_on
        if opened is None:
            if not self.require_base:
                return cleaned
            self._start_over_from(current, now, keep=names)
            raise forms.ValidationError(BASE_MISSING)
        changed = set(self.changed_data)
        theirs = [name for name in names if opened[name] != now[name]]
        clashes = [
            name
            for name in theirs
            if name in changed and self._differs(name, now[name], self[name].data)
        ]
        if clashes:
            # The user's own changes stay in the form, theirs in the fields the user left.
            self._start_over_from(current, now, keep=changed)
            raise forms.ValidationError(
                CONFLICT,
                params={
                    "who": who_changed(current, clashes)
                    or pgettext_lazy("who changed it", "someone else"),
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

    def _load(self, current):
        """Make the instance the row as it is under the lock; the form's values go on it after
        ``clean``. The admin read it before: saved as read, every column would go back to
        what it was then (a triage, a link check committed meanwhile, undone)."""
        for field in type(self.instance)._meta.concrete_fields:
            if not field.primary_key:
                setattr(self.instance, field.attname, getattr(current, field.attname))
        # What the model's signals remember of the row as loaded (a source's address, whose
        # change queues a check): as loaded now, not as it was before the lock.
        post_init.send(sender=type(self.instance), instance=self.instance)

    def _start_over_from(self, current, values, keep):
        """Re-render with the row's current values as the page's starting point: in the form,
        the user's own in the fields ``keep`` lists, the row's in the others."""
        self.data = self.data.copy()
        self.data[self.add_prefix(BASE_FIELD)] = encode(values)
        for name in tracked_fields(self):
            if name not in keep:
                self._show(name, current_value(current, name))

    def _show(self, name, value):
        """Put ``value`` in the form's data as its widget would post it."""
        field = self.fields[name]
        widget = getattr(field.widget, "widget", field.widget)  # the admin's related wrapper
        key = self.add_prefix(name)
        value = field.prepare_value(value)
        if isinstance(widget, forms.MultiWidget):
            parts = zip(widget.widgets_names, widget.widgets, widget.decompress(value), strict=True)
            for suffix, part_widget, part in parts:
                self.data[key + suffix] = part_widget.format_value(part) or ""
        elif isinstance(widget, forms.CheckboxInput):
            if value:
                self.data[key] = "on"
            else:
                self.data.pop(key, None)
        elif getattr(widget, "allow_multiple_selected", False):
            self.data.setlist(key, [str(item) for item in value or []])
        else:
            formatted = widget.format_value(value)
            if isinstance(formatted, list):  # a select's chosen values, here one
                formatted = formatted[0] if formatted else ""
            self.data[key] = "" if formatted is None else formatted


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
    """``row``'s value of ``name`` as a reader of the admin would say it."""
    field = row._meta.get_field(name)
    value = current_value(row, name)
    if field.choices and value not in (None, ""):
        value = getattr(row, f"get_{name}_display")()
    elif isinstance(value, datetime.datetime):
        value = formats.localize(timezone.localtime(value))
    elif isinstance(value, list):
        value = ", ".join(str(item) for item in value)
    if value is None or value == "":
        return "—"
    return Truncator(str(value)).chars(200)


def who_changed(row, names):
    """Who last changed any of ``names`` on ``row``, where its history says so."""
    history = getattr(row, "history", None)
    if history is None:
        return None
    attnames = [row._meta.get_field(name).attname for name in names]
    records = list(history.select_related("history_user")[:HISTORY_LOOKBACK])
    for newer, older in zip(records, records[1:], strict=False):
        if any(getattr(newer, a) != getattr(older, a) for a in attnames):
            user = newer.history_user
            return user.get_username() if user is not None else None
    return None


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
