"""The REST API at /api/v1/: one router; each app's viewsets are registered here.

Also the token endpoint (``auth/token/``), the OpenAPI schema (``schema/``) and
its docs page (``docs/``, Swagger UI served from drf-spectacular-sidecar: no
CDN). Schema and docs are the only things anonymous users can read.
"""

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny
from rest_framework.routers import DefaultRouter

from django.urls import include, path

from budgets.api.lines import BudgetLineViewSet, TagViewSet
from budgets.api.reference import (
    AccountViewSet,
    FundingSourceViewSet,
    NomenclatureViewSet,
    UnitViewSet,
)
from budgets.api.views import ImportBatchViewSet
from programs.api.views import (
    InterventionViewSet,
    PillarViewSet,
    StrategyFocusViewSet,
    StrategyViewSet,
)
from regions.api.views import RegionViewSet
from roadmap.api.views import (
    DecisionViewSet,
    MeetingViewSet,
    ObstacleViewSet,
    RoadmapActionViewSet,
    RoadmapViewSet,
)

from .api_auth import TokenView


class PortalRouter(DefaultRouter):
    include_format_suffixes = False  # ?format= is the one way to ask for a format


router = PortalRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("units", UnitViewSet, basename="unit")
router.register("nomenclature", NomenclatureViewSet, basename="nomenclature")
router.register("funding-sources", FundingSourceViewSet, basename="funding-source")
router.register("accounts", AccountViewSet, basename="account")
router.register("budget-lines", BudgetLineViewSet, basename="budget-line")
router.register("tags", TagViewSet, basename="tag")
router.register("pillars", PillarViewSet, basename="pillar")
router.register("strategies", StrategyViewSet, basename="strategy")
router.register("strategy-focuses", StrategyFocusViewSet, basename="strategy-focus")
router.register("interventions", InterventionViewSet, basename="intervention")
router.register("roadmaps", RoadmapViewSet, basename="roadmap")
router.register("roadmap-actions", RoadmapActionViewSet, basename="roadmap-action")
router.register("obstacles", ObstacleViewSet, basename="obstacle")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("decisions", DecisionViewSet, basename="decision")
router.register("imports", ImportBatchViewSet, basename="import")


class SchemaView(SpectacularAPIView):
    permission_classes = [AllowAny]
    public_schema_view = True


class DocsView(SpectacularSwaggerSplitView):
    permission_classes = [AllowAny]
    public_schema_view = True



urlpatterns = [
    # The error workbook keeps its file name (the router would add a slash).
    path(
        "imports/<int:pk>/errors.xlsx",
        # schema=None: the router's errors.xlsx/ route documents it already; two
        # entries collide in the OpenAPI schema (drf_spectacular.W001, which
        # fails `check --deploy --fail-level WARNING`).
        ImportBatchViewSet.as_view({"get": "errors_xlsx"}, schema=None),
        name="import-errors-xlsx",
    ),
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("docs/", DocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
]
