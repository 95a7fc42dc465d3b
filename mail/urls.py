from django.urls import path

from mail import views

app_name = "mail"
urlpatterns = [
    path("messages/<int:pk>/raw/", views.raw_message, name="raw"),
    path("worker/", views.worker_status, name="worker"),
]
