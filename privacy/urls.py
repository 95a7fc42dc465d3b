from django.urls import path

from privacy import request_views, views

app_name = "privacy"
urlpatterns = [
    path("access-log/", views.access_log, name="access_log"),
    path("access-log/csv/", views.access_log_csv, name="access_log_csv"),
    path("requests/", request_views.request_list, name="request_list"),
    path("requests/new/", request_views.request_new, name="request_new"),
    path("requests/<int:year>/<int:sequence>/", request_views.request_detail, name="request_detail"),
    path("requests/<int:year>/<int:sequence>/erase/", request_views.request_erase, name="request_erase"),
    path("requests/<int:year>/<int:sequence>/export/", request_views.request_export, name="request_export"),
    path("requests/<int:year>/<int:sequence>/exports/", request_views.export_status, name="export_status"),
    path("requests/<int:year>/<int:sequence>/<slug:step>/", request_views.request_step, name="request_step"),
    path("exports/<int:pk>/download/", request_views.export_download, name="export_download"),
]
