from rest_framework.routers import SimpleRouter

from curriculum.api import PhaseViewSet, WeekViewSet

router = SimpleRouter()
router.register("phases", PhaseViewSet, basename="phase")
router.register("weeks", WeekViewSet, basename="week")

urlpatterns = router.urls
