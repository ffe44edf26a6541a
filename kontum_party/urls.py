"""URL configuration: the apps, login/logout/password change, language switching and the admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from kontum_party import converters

# Before the apps' URLconfs are included: they use <year:...>.
converters.register()

admin.site.site_header = _("Grassroots party organization quality tracker — administration")
admin.site.site_title = _("Party organization quality administration")
admin.site.index_title = _("Data administration")

# Django's own account views, but not the password reset by e-mail: no mail is configured (an
# account is reset by provincial staff in the admin), and an unsent e-mail would be a server error.
account_patterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]

urlpatterns = [
    path("", include("reports.urls")),
    path("", include("assessments.urls")),
    path("", include("imports.urls")),
    path("to-chuc/", include("organizations.urls")),
    path("accounts/", include(account_patterns)),
    # Only a POST changes the language; Django's view would also answer a GET with a redirect.
    path("i18n/setlang/", require_POST(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]
