from django.urls import path

from intake import views

app_name = "intake"
urlpatterns = [
    path("oral/", views.oral_intake, name="oral"),
    path("written/", views.written_intake, name="written"),
    path("contacts/", views.contact_search, name="contact_search"),
    path("feedback/", views.feedback_search, name="feedback_search"),
    path("feedback/<int:year>/<int:sequence>/", views.feedback_register, name="feedback"),
    path("sheets/<int:pk>/pdf/", views.sheet_pdf, name="sheet_pdf"),
]
