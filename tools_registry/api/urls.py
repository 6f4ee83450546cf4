from django.urls import path
from rest_framework.routers import DefaultRouter

from tools_registry.api import staff, views
from tools_registry.insights import api as insights

router = DefaultRouter()
router.register("tools", views.ToolViewSet, basename="tool")
router.register("collectivities", views.CollectivityViewSet, basename="collectivity")
router.register("territories", views.TerritoryViewSet, basename="territory")
router.register("staff/tools", staff.StaffToolViewSet, basename="staff-tool")

urlpatterns = [
    path("submissions/", views.submit, name="submission"),
    path("corrections/", views.correct, name="correction"),
    path("families/", views.families, name="families"),
    path("objectives/", views.objectives, name="objectives"),
    path("collectivity-kinds/", views.collectivity_kinds, name="collectivity-kinds"),
    path("insights/software/", insights.SoftwareView.as_view(), name="insights-software"),
    path("insights/coverage/", insights.coverage, name="insights-coverage"),
    path("insights/peers/<slug:slug>/", insights.peers, name="insights-peers"),
    *router.urls,
]
