from django.contrib import admin
from django.urls import path, re_path

from claims import evidence, views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    re_path(
        r"^evidence/(?P<check_id>[0-9]+)/(?P<kind>text|raw)$",
        evidence.snapshot,
        name="evidence-snapshot",
    ),
    path("admin/", admin.site.urls),
]
