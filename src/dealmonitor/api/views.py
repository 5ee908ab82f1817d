from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from django.conf import settings
from django.http import HttpResponse
from django.utils import translation
from drf_spectacular.views import SCHEMA_KWARGS, SpectacularAPIView, SpectacularSwaggerSplitView
from knox.views import LoginView
from rest_framework import serializers as drf_serializers
from rest_framework import parsers, viewsets
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from dealmonitor.connections import selectors as connection_selectors
from dealmonitor.connections.serializers import RelatedDealSerializer

from dealmonitor.deals.access import visible_deals
from dealmonitor.deals.selectors import visible_organisations

from dealmonitor.utils import change_reason

from . import areas as area_api
from . import serializers


SLUG_PATTERN = "[-a-zA-Z0-9_]+"
SLUG = OpenApiParameter("slug", str, OpenApiParameter.PATH, pattern=f"^{SLUG_PATTERN}$",
                        description="The deal's stable identifier, e.g. cd-health-hub.")


@extend_schema_view(retrieve=extend_schema(parameters=[SLUG]), related=extend_schema(parameters=[SLUG]),
                    areas=extend_schema(parameters=[SLUG]))
class DealViewSet(viewsets.ReadOnlyModelViewSet):
    """Deals, by their stable identifier (the data file's id)."""

    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    deal_path = ""  # the rows are deals
    filterset_fields = ["kind", "status", "phase"]

    def get_queryset(self):
        qs = visible_deals(self.request.user).prefetch_related("themes").order_by("name")
        if self.action == "retrieve":
            qs = qs.prefetch_related("participations__organisation")
        return qs

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.DealDetailSerializer
        return serializers.DealSerializer

    @extend_schema(responses=RelatedDealSerializer(many=True), filters=False)
    @action(detail=True, pagination_class=None, filterset_fields=[])
    def related(self, request, slug=None):
        """Related deals, best first, with the reasons (connections app)."""
        items = connection_selectors.related_for_deal(request.user, self.get_object())["items"]
        return Response(connection_selectors.related_as_data(items))

    @extend_schema(methods=["GET"], responses=area_api.DealContextSerializer, filters=False,
                   description=area_api.DEAL_AREAS_DOC["get"])
    @extend_schema(methods=["POST"], request=area_api.ChooseAreaRequestSerializer,
                   responses={201: area_api.DealAreaRowSerializer}, filters=False,
                   parameters=[change_reason.openapi_parameter()],
                   description=area_api.DEAL_AREAS_DOC["post"])
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_fields=[],
            parser_classes=[parsers.JSONParser])
    def areas(self, request, slug=None):
        """A deal's areas with their context figures (areas app)."""
        deal = self.get_object()
        if request.method == "POST":
            return area_api.choose_area(request, deal)
        return area_api.deal_context_response(deal)

    @extend_schema(parameters=[SLUG, area_api.CODE, change_reason.openapi_parameter()],
                   responses={204: None}, filters=False, description=area_api.LEAVE_OUT_DOC)
    @action(detail=True, methods=["delete"], url_path=f"areas/(?P<code>{area_api.CODE_PATTERN})",
            url_name="area", pagination_class=None, filterset_fields=[])
    def leave_out_area(self, request, slug=None, code=None):
        return area_api.leave_out_area(request, self.get_object(), code)


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"
    serializer_class = serializers.OrganisationSerializer
    filterset_fields = ["type", "government_level"]

    def get_queryset(self):
        return visible_organisations(self.request.user).order_by("name")


def not_found(request, exception=None):
    """Django's 404 for every address; under /api/ as JSON, as the OpenAPI document says."""
    from django.http import JsonResponse
    from django.views.defaults import page_not_found

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)


class TokenView(LoginView):
    """Exchange a username and password for a new API token (`Authorization: Token <key>`),
    valid until `expiry`. Only a hash of the token is stored: it is shown this once. Every
    token of a user stops working when the password changes or the account is deactivated.
    Sign-in attempts are limited as on the sign-in page (django-axes)."""

    # the username and password are the credentials (django-rest-knox's own view expects a
    # request that is already signed in)
    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = ()
    serializer_class = AuthTokenSerializer

    @extend_schema(request=AuthTokenSerializer, responses=inline_serializer("Token", {
        "token": drf_serializers.CharField(help_text="The token; shown only in this answer."),
        "expiry": drf_serializers.DateTimeField(help_text="When the token stops working."),
    }))
    def post(self, request, format=None):
        credentials = AuthTokenSerializer(data=request.data, context={"request": request})
        credentials.is_valid(raise_exception=True)
        request.user = credentials.validated_data["user"]
        return super().post(request, format)


# The API's documentation page: Swagger UI on the OpenAPI document, served from the package
# (drf-spectacular-sidecar) with its start script as a file of its own, so the page keeps the
# site's Content-Security-Policy: scripts, styles and images from our own origin only (Redoc
# would load its logo from elsewhere and needs inline styles). "Try it out" sends requests
# with the reader's session, to this origin only.
class SchemaView(SpectacularAPIView):
    """The OpenAPI document (/api/v1/schema/). It is public and the same for every request of
    a language, version and format, and generating and rendering it costs some 0.4 s of CPU:
    a process makes it once per (language, version, format) and sends the same bytes after.
    `lang` counts only for a language the site has (otherwise the request's own); the API's
    one version bounds the rest. A new process (a new release) makes it anew."""

    _made = {}

    @classmethod
    def forget(cls):
        cls._made.clear()

    @extend_schema(**SCHEMA_KWARGS)  # as drf-spectacular's own: not in the document itself
    def get(self, request, *args, **kwargs):
        lang = request.GET.get("lang")
        if lang not in dict(settings.LANGUAGES):
            lang = translation.get_language()
        renderer, media_type = self.perform_content_negotiation(request)
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (lang, version, renderer.media_type)
        made = self._made.get(key)
        if made is None:
            with translation.override(lang):
                response = self._get_schema_response(request)
            response.accepted_renderer, response.accepted_media_type = renderer, media_type
            response.renderer_context = self.get_renderer_context()
            response.render()
            made = self._made[key] = (response.content, response["Content-Type"],
                                      response["Content-Disposition"])
        content, content_type, disposition = made
        return HttpResponse(content, content_type=content_type,
                            headers={"Content-Disposition": disposition})


documentation = SpectacularSwaggerSplitView.as_view(template_name="api/docs.html", url_name="v1:schema",
                                                    title="Dealmonitor API")
