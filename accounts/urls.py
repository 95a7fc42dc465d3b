from django.urls import path

from accounts import oidc, views

app_name = "accounts"

urlpatterns = [
    path("login/code/", views.login_code, name="login_code"),
    path("sessions/", views.session_list, name="sessions"),
    path("sessions/<int:session_id>/end/", views.session_end, name="session_end"),
    path("sessions/end-others/", views.session_end_others, name="session_end_others"),
    path("two-factor/", views.two_factor_page, name="two_factor"),
    # Company sign-on with OpenID Connect (404 while it is not configured); register the callback at the provider.
    path("sign-on/oidc/", oidc.OidcStartView.as_view(), name="oidc_start"),
    path("sign-on/oidc/callback/", oidc.OidcCallbackView.as_view(), name="oidc_callback"),
]
