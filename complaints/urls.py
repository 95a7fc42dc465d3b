from django.urls import path

from complaints import views

app_name = "complaints"
urlpatterns = [
    path("", views.register_list, name="list"),
    path("new/", views.record, name="record"),
    path("submit/", views.public_form, name="public_form"),
    path("from-ticket/<int:year>/<int:sequence>/", views.record, name="from_ticket"),
    path("statistics/", views.statistics, name="statistics"),
    path("inspection/csv/", views.export_csv, name="export_csv"),
    path("inspection/pdf/", views.export_pdf, name="export_pdf"),
    path("files/<int:pk>/", views.entry_file, name="entry_file"),
    path("<int:year>/<int:sequence>/", views.detail, name="detail"),
    path("<int:year>/<int:sequence>/record.pdf", views.record_pdf, name="record_pdf"),
    path("<int:year>/<int:sequence>/steps/<slug:step>/", views.step, name="step"),
    path("<int:year>/<int:sequence>/answers/<int:pk>/pdf/", views.answer_pdf, name="answer_pdf"),
    path("<int:year>/<int:sequence>/answers/<int:pk>/posted/", views.answer_posted, name="answer_posted"),
]
