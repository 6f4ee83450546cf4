from rest_framework.routers import DefaultRouter

from tools_registry.api.views import TerritoryViewSet, ToolViewSet

router = DefaultRouter()
router.register("tools", ToolViewSet, basename="tool")
router.register("territories", TerritoryViewSet, basename="territory")

urlpatterns = router.urls
