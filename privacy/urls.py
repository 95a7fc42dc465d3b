from django.urls import path

from privacy import views

app_name = "privacy"
urlpatterns = [
    path("access-log/", views.access_log, name="access_log"),
    path("access-log/csv/", views.access_log_csv, name="access_log_csv"),
]
