from django.urls import path

from tickets import views

app_name = "tickets"
urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("<int:year>/<int:sequence>/", views.ticket_detail, name="detail"),
    path("<int:year>/<int:sequence>/pdf/", views.ticket_pdf, name="pdf"),
    path("<int:year>/<int:sequence>/steps/<slug:step>/", views.ticket_step, name="step"),
    path("<int:year>/<int:sequence>/feedback/<int:pk>/", views.feedback_review, name="feedback_review"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
]
