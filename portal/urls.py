from django.urls import URLPattern, path

from portal import views

app_name = "portal"

_REQUEST = "requests/<int:year>/<int:sequence>/"

urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("invitation/<uidb64>/<token>/", views.invitation, name="invitation"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/done/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password-reset/complete/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("requests/new/", views.new_request, name="new_request"),
    path(_REQUEST, views.request_detail, name="request"),
    path(f"{_REQUEST}reply/", views.request_reply, name="reply"),
    path(f"{_REQUEST}feedback/", views.request_feedback, name="feedback"),
    path(f"{_REQUEST}rate/", views.request_rate, name="rate"),
    path(f"{_REQUEST}attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("complaint/", views.complaint, name="complaint"),
    path("documents/", views.documents, name="documents"),
    path("documents/<int:pk>/", views.document_detail, name="document"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
]
