from django.urls import path

from dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.home, name="home"),
    path("overview/", views.live_overview, name="overview"),
    path("report/", views.period_report_page, name="report"),
    path("report/csv/", views.period_report_csv, name="report_csv"),
]
