from django.contrib import admin
from django.urls import path

from claims import views

admin.site.site_header = "factcheck"
admin.site.site_title = "factcheck"
admin.site.index_title = "Claims, sources and verdicts"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
