from django.urls import path

from tools_registry import views

app_name = "tools_registry"

urlpatterns = [
    path("outils/<slug:slug>/", views.tool_detail, name="tool_detail"),
    path("collectivites/<slug:slug>/", views.collectivity_detail, name="collectivity_detail"),
]
