"""Path converters for the public pages and the API."""

from django.urls import register_converter


class IdConverter:
    """A row id: up to 18 digits, so that any id in a URL fits a 64-bit column. A longer one
    is a 404 from the resolver rather than an overflow in the database driver (SQLite's)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


# Here, not in a URLconf: both claims/urls.py and claims/api/urls.py use it, and Django warns
# when a converter's name is registered twice.
register_converter(IdConverter, "id")
