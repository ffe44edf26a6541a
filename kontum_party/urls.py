"""URL configuration: the home page, login/logout, language switching and the admin."""

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Grassroots party organization quality tracker — administration")
admin.site.site_title = _("Party organization quality administration")
admin.site.index_title = _("Data administration")

urlpatterns = [
    path("", include("reports.urls")),
    path("", include("assessments.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
