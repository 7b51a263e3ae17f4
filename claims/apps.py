from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class ClaimsConfig(AppConfig):
    default = True
    name = "claims"
    verbose_name = _("Claims and verdicts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals, system_checks  # noqa: F401 - connect the receivers and checks


class NewsroomAdminConfig(admin_apps.AdminConfig):
    """Django's admin, served by the site that adds the newsroom's work queues."""

    default = False  # named in INSTALLED_APPS; ClaimsConfig stays the app's default
    default_site = "claims.admin_site.NewsroomAdminSite"
