from django.urls import path

from library import views

app_name = "library"
urlpatterns = [
    path("", views.document_list, name="list"),
    path("new/", views.document_new, name="new"),
    path("<int:pk>/", views.document_detail, name="detail"),
    path("<int:pk>/edit/", views.document_edit, name="edit"),
    path("<int:pk>/versions/new/", views.version_new, name="version_new"),
    path("<int:pk>/versions/<int:number>/download/", views.version_download, name="download"),
    path("link/<int:year>/<int:sequence>/", views.ticket_link, name="link"),
    path("unlink/<int:year>/<int:sequence>/", views.ticket_unlink, name="unlink"),
]
