"""Areas and their context figures in the API (issue 17, item 8): the areas by CBS code, the
topics and sources, the figures (public facts, as on /gebieden/), the figures upload of the
programme team (/gebieden/cijfers-inlezen/), and a deal's areas with their figures (as on the
deal's tab /deals/<slug>/gebied/).

The writes take the page's own way: the page's form checks the data (so a refusal reads as on
the page, in the user's language), then the page's service writes it (areas/importing.py and
areas/services.py: the same rules, limits and history).
"""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, parsers, serializers, status, viewsets
from rest_framework.response import Response

from dealmonitor.areas import importing, rules, selectors, services
from dealmonitor.areas.constants import MAX_BYTES, AreaKind
from dealmonitor.areas.forms import ChooseAreaForm, FiguresUploadForm
from dealmonitor.areas.models import Area, Figure, FigureSource, Topic
from dealmonitor.deals import access

from .generic import TextField, _service_errors, etag

CODE_PATTERN = "[A-Za-z]{2}[0-9]{4,8}"
CODE = OpenApiParameter("code", str, OpenApiParameter.PATH, pattern=f"^{CODE_PATTERN}$",
                        description="The area's CBS code: GM0599 (municipality), WK059901 "
                                    "(district), BU05990101 (neighbourhood).")


# Serializers ---------------------------------------------------------------------------------


class AreaSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True,
        help_text="The CBS code of the area it lies in (null for a municipality).")
    successor = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True,
        help_text="For a municipality that merged: the CBS code of the one it merged into.")

    class Meta:
        model = Area
        fields = ["code", "kind", "name", "parent", "province", "valid_from", "valid_to", "successor"]
        read_only_fields = fields


class AreaBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Area
        fields = ["code", "kind", "name"]
        read_only_fields = fields


class TopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["id", "name", "unit", "cbs_key"]
        read_only_fields = fields


class FigureSourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = FigureSource
        fields = ["id", "title", "table_id", "publisher", "retrieved_on", "url", "file_name",
                  "imported_at"]
        read_only_fields = fields


FIGURE_VALUE_HELP = ("The figure; null where the source has none (CBS's '.' unknown or 'x' "
                     "confidential, see missing_reason), which is not zero.")


class FigureSerializer(serializers.ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="code", read_only=True,
                                        help_text="The area's CBS code.")
    value = serializers.DecimalField(max_digits=20, decimal_places=6, read_only=True,
                                     allow_null=True, help_text=FIGURE_VALUE_HELP)

    class Meta:
        model = Figure
        fields = ["id", "area", "topic", "period_start", "period_end", "period_label", "value",
                  "missing_reason", "source"]
        read_only_fields = fields


class ContextFigureSerializer(serializers.ModelSerializer):
    """A figure within a deal's area: its topic written out."""

    topic = TopicSerializer(read_only=True)
    value = serializers.DecimalField(max_digits=20, decimal_places=6, read_only=True,
                                     allow_null=True, help_text=FIGURE_VALUE_HELP)

    class Meta:
        model = Figure
        fields = ["id", "topic", "period_start", "period_end", "period_label", "value",
                  "missing_reason", "source"]
        read_only_fields = fields


class DealAreaRowSerializer(serializers.Serializer):
    area = AreaBriefSerializer(read_only=True)
    origin = serializers.ChoiceField(
        choices=[("partner", "partner"), ("gekozen", "gekozen")], read_only=True,
        help_text="partner: a municipality among the deal's partners; gekozen: chosen by the "
                  "deal team.")
    note = serializers.CharField(read_only=True)
    figures = ContextFigureSerializer(many=True, read_only=True)


class DealContextSerializer(serializers.Serializer):
    areas = DealAreaRowSerializer(source="rows", many=True, read_only=True)
    left_out = AreaBriefSerializer(many=True, read_only=True,
                                   help_text="Partner municipalities the deal team left out.")
    sources = FigureSourceSerializer(many=True, read_only=True,
                                     help_text="The sources of the figures shown.")


# The bodies of the writes: only the JSON types are checked here; the page's form checks the
# values (required, lengths, formats) and words its refusals.


class ChooseAreaSerializer(serializers.Serializer):
    code = TextField(required=False, allow_blank=True,
                     help_text="The CBS code of an existing area, e.g. GM0599, WK059901, BU05990101.")
    note = TextField(required=False, allow_blank=True, help_text="At most 300 characters.")


class ChooseAreaRequestSerializer(ChooseAreaSerializer):
    """As documented: the code is required (the form says so when it is missing)."""

    code = TextField(max_length=10, help_text=ChooseAreaSerializer().fields["code"].help_text)
    note = TextField(required=False, allow_blank=True, max_length=300)


class FigureImportSerializer(serializers.Serializer):
    csv = TextField(required=False, allow_blank=True, help_text=(
        "The StatLine download ('onbewerkte dataset', CSV with semicolons) as text, in a JSON "
        "body: at most as large as the server takes in a request body "
        "(DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB unless configured; 413 above it). A larger "
        f"download goes as `file` (multipart/form-data), up to {MAX_BYTES // (1024 * 1024)} MB "
        "as on the page. Either `csv` or `file`, not both."))
    file_name = TextField(required=False, allow_blank=True,
                          help_text="The name of the downloaded file, kept with the source.")
    topics = serializers.ListField(child=TextField(), required=False, help_text=(
        "One per column to read: 'column = name | unit', e.g. "
        "'AantalInwoners_5 = Inwoners | aantal'."))
    source_title = TextField(required=False, allow_blank=True,
                             help_text="E.g. 'Kerncijfers wijken en buurten 2024'.")
    table_id = TextField(required=False, allow_blank=True, help_text="E.g. 85984NED.")
    url = TextField(required=False, allow_blank=True, help_text="The address of the table.")
    retrieved_on = TextField(required=False, allow_blank=True,
                             help_text="The date the figures were retrieved, e.g. 2026-12-01.")
    period = TextField(required=False, allow_blank=True, help_text=(
        "Only for a file without a Perioden column (districts and neighbourhoods): the year "
        "of the table, e.g. 2024."))


class FigureImportRequestSerializer(FigureImportSerializer):
    csv = TextField(help_text=FigureImportSerializer().fields["csv"].help_text)


class FigureImportUploadSerializer(FigureImportSerializer):
    """The same fields as a form (multipart/form-data), the download as a file."""

    csv = None
    file = serializers.FileField(help_text=(
        f"The StatLine download as a file (.csv), at most {MAX_BYTES // (1024 * 1024)} MB."))
    topics = serializers.ListField(child=TextField(), min_length=1,
                                   help_text=FigureImportSerializer().fields["topics"].help_text)
    source_title = TextField(max_length=300,
                             help_text=FigureImportSerializer().fields["source_title"].help_text)
    retrieved_on = serializers.DateField(
        help_text=FigureImportSerializer().fields["retrieved_on"].help_text)


class FigureImportResultSerializer(serializers.Serializer):
    source = FigureSourceSerializer(read_only=True)
    created = serializers.IntegerField(read_only=True, help_text="Figures added.")
    updated = serializers.IntegerField(read_only=True,
                                       help_text="Figures already known, given the new value.")
    missing = serializers.IntegerField(read_only=True,
                                       help_text="Figures without a value (unknown at the source).")
    areas = serializers.IntegerField(read_only=True, help_text="Areas the figures are about.")


def _json_body(request, serializer_class):
    """The body's fields, checked for their JSON types only."""
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    return body.validated_data


def _form_errors(form, rename=None):
    rename = rename or {}
    return {("non_field_errors" if name == "__all__" else rename.get(name, name)): list(errors)
            for name, errors in form.errors.items()}


def _require(user, predicate, obj, message):
    """The page's rule, refused (403) with the service's words before the body is read."""
    if not access.allowed(user, predicate, obj):
        raise exceptions.PermissionDenied(str(message))


# Reading -------------------------------------------------------------------------------------


class AreaFilter(filters.FilterSet):
    search = filters.CharFilter(method="by_name_or_code",
                                help_text="Part of the name, or the whole CBS code.")
    kind = filters.ChoiceFilter(choices=AreaKind.choices)

    class Meta:
        model = Area
        fields = ["kind"]

    def by_name_or_code(self, queryset, name, value):
        return selectors.matching_areas(queryset, value)


@extend_schema_view(retrieve=extend_schema(parameters=[CODE]))
class AreaViewSet(viewsets.ReadOnlyModelViewSet):
    """Municipalities (the CBS list, with those that merged), districts and neighbourhoods, by
    their CBS code. Public facts: everyone reads them."""

    serializer_class = AreaSerializer
    filterset_class = AreaFilter
    lookup_field = "code"
    lookup_value_regex = CODE_PATTERN
    deal_path = None

    def get_queryset(self):
        return Area.objects.select_related("parent", "successor").order_by("code")

    def get_object(self):
        self.kwargs["code"] = self.kwargs["code"].upper()
        return super().get_object()


class VersionOnRead:
    """One row read by its id carries its version (ETag), as every such row of the API does
    (generic.VersionedMixin, whose writes these read-only rows do not have)."""

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = etag(self.get_object())
        return response


class TopicViewSet(VersionOnRead, viewsets.ReadOnlyModelViewSet):
    """What a figure counts ("Inwoners", aantal), with the StatLine column it was read from."""

    serializer_class = TopicSerializer
    queryset = Topic.objects.order_by("name")
    deal_path = None


class FigureSourceViewSet(VersionOnRead, viewsets.ReadOnlyModelViewSet):
    """The sources of the figures: one per upload, the table at CBS and when it was retrieved."""

    serializer_class = FigureSourceSerializer
    queryset = FigureSource.objects.order_by("-imported_at", "-pk")
    deal_path = None


class FigureFilter(filters.FilterSet):
    area = filters.CharFilter(field_name="area__code", method="by_area",
                              help_text="The area's CBS code, e.g. GM0599.")
    topic = filters.ModelChoiceFilter(queryset=Topic.objects.all(), help_text="The topic's id.")
    period = filters.CharFilter(field_name="period_label",
                                help_text="The period as listed (period_label), e.g. 2024.")

    class Meta:
        model = Figure
        fields = ["area", "topic", "period"]

    def by_area(self, queryset, name, value):
        return queryset.filter(area__code=value.strip().upper())


class FigureViewSet(VersionOnRead, viewsets.ReadOnlyModelViewSet):
    """Figures about areas (context, not a deal's result), one per area, topic and period;
    filter by area, topic and period. Public facts: everyone reads them."""

    serializer_class = FigureSerializer
    filterset_class = FigureFilter
    deal_path = None

    def get_queryset(self):
        return Figure.objects.select_related("area").order_by("area__code", "topic__name",
                                                               "period_start", "period_end", "pk")


# Writing -------------------------------------------------------------------------------------


class FigureImportViewSet(mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Add figures from a StatLine download, as the upload page does (/gebieden/cijfers-inlezen/):
    programme staff only; all figures or none, with one error per wrong row. A figure already
    known for the area, topic and period gets the new value and source."""

    # the download as text in JSON, or as a file in a form (past the server's body limit)
    parser_classes = [parsers.JSONParser, parsers.MultiPartParser]
    serializer_class = FigureImportSerializer
    deal_path = None

    @extend_schema(request={"application/json": FigureImportRequestSerializer,
                            "multipart/form-data": FigureImportUploadSerializer},
                   responses={201: FigureImportResultSerializer})
    def create(self, request, *args, **kwargs):
        _require(request.user, rules.can_import_figures, None, importing.ONLY_THE_PROGRAMME_IMPORTS)
        data = _json_body(request, FigureImportSerializer)
        text = data.get("csv", "")
        upload, file_field = request.FILES.get("file"), "file"
        if upload is not None and text:
            raise exceptions.ValidationError({"csv": [_("Send the download either as “csv” or as “file”, not both.")]})
        if upload is None:
            file_field = "csv"  # the form's errors about the file go where the client put it
            upload = SimpleUploadedFile("statline.csv", text.encode("utf-8"), content_type="text/csv") if text else None
        form = FiguresUploadForm(
            {"topics": "\n".join(data.get("topics", [])),
             **{name: data.get(name, "") for name in ("source_title", "table_id", "url",
                                                       "retrieved_on", "period")}},
            {"file": upload} if upload is not None else {})
        if not form.is_valid():
            raise exceptions.ValidationError(_form_errors(form, {"file": file_field}))
        cleaned = form.cleaned_data
        try:
            result = _service_errors(lambda: importing.import_figures(
                actor=request.user, data=cleaned["file"].read(MAX_BYTES + 1),
                topics=cleaned["topics"], source_title=cleaned["source_title"],
                table_id=cleaned["table_id"], url=cleaned["url"],
                retrieved_on=cleaned["retrieved_on"], period=cleaned["period"],
                file_name=data.get("file_name", "") or (upload.name if file_field == "file" else "")))
        except exceptions.ValidationError as exc:
            # the import's errors (one per wrong row) concern the file
            detail = exc.detail
            if isinstance(detail, dict) and set(detail) == {"non_field_errors"}:
                detail = {file_field: detail["non_field_errors"]}
            raise exceptions.ValidationError(detail) from None
        return Response(FigureImportResultSerializer(result).data, status=status.HTTP_201_CREATED)


def deal_context_response(deal):
    return Response(DealContextSerializer(selectors.deal_context(deal)).data)


def choose_area(request, deal):
    """POST /deals/<slug>/areas/: as the deal tab's form (areas/views.deal_context)."""
    _require(request.user, rules.can_choose_areas, deal, services.ONLY_THE_TEAM_CHOOSES)
    data = _json_body(request, ChooseAreaSerializer)
    form = ChooseAreaForm({name: data.get(name, "") for name in ("code", "note")})
    if not form.is_valid():
        raise exceptions.ValidationError(_form_errors(form))
    area = selectors.current_area(form.cleaned_data["code"])
    if area is None:
        raise exceptions.ValidationError({"code": [_("No existing area with this code.")]})
    try:
        _service_errors(lambda: services.choose_area(actor=request.user, deal=deal, area=area,
                                                     note=form.cleaned_data["note"]))
    except exceptions.ValidationError as exc:
        # the form shows the service's refusal at the code, as here
        raise exceptions.ValidationError({"code": _messages(exc.detail)}) from None
    context = selectors.deal_context(deal)
    row = next(r for r in context["rows"] if r.area.pk == area.pk)
    return Response(DealAreaRowSerializer(row).data, status=status.HTTP_201_CREATED)


def leave_out_area(request, deal, code):
    """DELETE /deals/<slug>/areas/<code>/: as the deal tab's "remove" button."""
    _require(request.user, rules.can_choose_areas, deal, services.ONLY_THE_TEAM_CHOOSES)
    area = Area.objects.filter(code=code.upper()[:10]).first()
    if area is None:
        raise exceptions.NotFound(_("Unknown area."))
    try:
        _service_errors(lambda: services.leave_out_area(actor=request.user, deal=deal, area=area))
    except exceptions.ValidationError as exc:
        raise exceptions.ValidationError({"code": _messages(exc.detail)}) from None
    return Response(status=status.HTTP_204_NO_CONTENT)


def _messages(detail):
    if isinstance(detail, dict):
        return [str(m) for messages in detail.values() for m in messages]
    return [str(m) for m in detail]


DEAL_AREAS_DOC = {
    "get": ("The deal's areas with their context figures, as on the deal's tab: its partner "
            "municipalities (unless the deal team left one out) and the areas the team chose, "
            "each with the figures about it; the municipalities left out; the sources. For "
            "whoever may read the deal."),
    "post": ("Add an area to the deal (or take back a partner municipality left out): the deal "
             "team and the dealmaker, as on the deal's tab; the change is kept in the deal's "
             "history (reason: X-Change-Reason)."),
}
LEAVE_OUT_DOC = ("Take an area off the deal's areas: a chosen area is removed, a partner "
                 "municipality is recorded as left out. The deal team and the dealmaker; kept in "
                 "the deal's history (reason: X-Change-Reason).")
