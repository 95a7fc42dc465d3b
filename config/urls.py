from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from accounts.views import LoginView, admin_login
from privacy.views import privacy_notice

# The admin speaks of Pult, not of "Django administration" (templates/admin/base_site.html gives its look).
admin.site.site_header = admin.site.site_title = _("Pult administration")
admin.site.index_title = _("Reference data, users and settings")

urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("account/", include("accounts.urls")),
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
    path("tickets/", include("tickets.urls")),
    path("intake/", include("intake.urls")),
    path("mail/", include("mail.urls")),
    path("complaints/", include("complaints.urls")),
    path("api/v1/", include("api.urls")),
    path("profile/", include("api.page_urls")),
    path("library/", include("library.urls")),
    path("privacy/", include("privacy.urls")),
    path("portal/privacy/", privacy_notice, name="privacy_notice"),
    path("portal/", include("portal.urls")),
    path("webhooks/", include("webhooks.urls")),
    path("", include("monitoring.urls")),  # /health/live, /health/ready, /metrics
    path("", include("dashboard.urls")),
]
