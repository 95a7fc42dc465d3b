from django.urls import path

from tickets import views

app_name = "tickets"
urlpatterns = [
    path("", views.ticket_list, name="list"),
    path("lookup/<slug:field>/", views.filter_lookup, name="lookup"),
    path("<int:year>/<int:sequence>/", views.ticket_detail, name="detail"),
    path("<int:year>/<int:sequence>/pdf/", views.ticket_pdf, name="pdf"),
    path("<int:year>/<int:sequence>/steps/<slug:step>/", views.ticket_step, name="step"),
    path("<int:year>/<int:sequence>/sending/", views.notification_sending, name="sending"),
    path("<int:year>/<int:sequence>/timeline-order/", views.timeline_order, name="timeline_order"),
    path("<int:year>/<int:sequence>/feedback/<int:pk>/", views.feedback_review, name="feedback_review"),
    path("<int:year>/<int:sequence>/letters/<int:pk>/pdf/", views.letter_pdf, name="letter_pdf"),
    path("<int:year>/<int:sequence>/letters/<int:pk>/posted/", views.letter_posted, name="letter_posted"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
]
