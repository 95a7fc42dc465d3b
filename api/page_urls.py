from django.urls import URLPattern, path  # noqa: F401

app_name = "api_pages"
urlpatterns: list[URLPattern] = []
