from django.contrib import admin
from django.urls import path

from claims import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
