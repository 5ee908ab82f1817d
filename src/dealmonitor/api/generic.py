"""Viewsets and serializers built from the resources (resources.py): reads scoped to the
deals the user may read and the rows they may see, internal fields null for readers without
`can_view_internal`, writes through the services (their PermissionDenied and ValidationError
become 403 and 400)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.db.models import Q
from drf_spectacular.utils import extend_schema, extend_schema_view
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers, serializers, status, viewsets
from rest_framework.response import Response

from dealmonitor.deals import rules as deal_rules
from dealmonitor.deals.internal import internal_fields
from dealmonitor.deals.access import deal_at, rows_of_visible_deals, visible_deals
from dealmonitor.deals.references import REFERENCE_MESSAGE, ReferenceCheck, deal_of
from dealmonitor.utils.web_addresses import WebAddressSerializerField
from dealmonitor.ui.concurrency import lock_row, row_version


def _attr_path(path):
    return path.replace("__", ".")


def _deal_of_row(row, resource):
    return deal_at(row, resource.deal_path)


class VisibleDealField(serializers.SlugRelatedField):
    """A deal by its identifier; on writes only a deal the user may read is found. Read from
    the row along `resource.deal_path` (an element's deal is its pathway's)."""

    def __init__(self, resource, **kwargs):
        self.resource = resource
        if resource.outside_deal:  # a row may belong to no deal: left out or null
            kwargs.update(required=False, allow_null=True)
        super().__init__(slug_field="slug", queryset=visible_deals(None), **kwargs)

    def get_attribute(self, instance):
        return _deal_of_row(instance, self.resource)

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:  # PostgreSQL cannot even look it up
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return super().to_internal_value(data)

    def get_queryset(self):
        request = self.context.get("request")
        return visible_deals(request.user if request else None)


# Rows the API lists by an identifier of their own rather than a number: a deal (the other deal
# of a connection), an organisation and a person by their slug (/api/v1/organisations/ gives only that), a theme by its name (as a
# deal lists its themes). A reference to one in a write takes the same identifier; every
# other reference is the row's id, which its own list gives.
def _identifiers():
    from dealmonitor.deals.models import Deal, Theme
    from dealmonitor.organisations.models import Organisation, Person

    return {Deal: "slug", Organisation: "slug", Person: "slug", Theme: "name"}


class IdentifierField(serializers.SlugRelatedField):
    """A reference to an organisation, a person or a theme by the identifier the API lists."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or "\x00" in data:  # PostgreSQL cannot even look NUL up
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return super().to_internal_value(data)


class TextField(serializers.CharField):
    """Text as the document says: a string. (DRF's CharField also takes a number and writes
    it as text, so `{"note": 12}` would be accepted against the document.)"""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if self.max_length is not None:  # the forms' message (Django's), as the import gives it
            self.validators = [v for v in self.validators if not isinstance(v, MaxLengthValidator)]
            self.validators.append(MaxLengthValidator(self.max_length))

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


FIELD_MAPPING = {**serializers.ModelSerializer.serializer_field_mapping,
                 models.CharField: TextField, models.TextField: TextField,
                 # the one check for web addresses, as in the forms and the import
                 models.URLField: WebAddressSerializerField}


def serializer_for(resource):
    hidden = set(internal_fields(resource.model))
    attrs = {}
    names = list(resource.fields)
    if "deal" in names:
        if resource.deal_path == "deal" or resource.deal_given:
            attrs["deal"] = VisibleDealField(resource, help_text=(
                "The deal's identifier, e.g. cd-health-hub." if not resource.outside_deal else
                "The deal's identifier, e.g. cd-health-hub; null (or left out) for a row outside any deal."))
        else:
            attrs["deal"] = serializers.SlugRelatedField(
                slug_field="slug", read_only=True, source=_attr_path(resource.deal_path),
                help_text="The deal's identifier.")
    if "has_evidence" in names:
        attrs["has_evidence"] = serializers.BooleanField(read_only=True)
    attrs.update(resource.declared)
    extra = {name: {"read_only": True} for name in resource.read_only if name not in attrs}
    for name in hidden & set(names):
        extra.setdefault(name, {})["allow_null"] = True
    # An internal field reads as null for who may not see it, so the document calls it
    # nullable; where the column is not, a null sent back means "not given" (left as it is).
    null_is_absent = {name for name in hidden & set(names)
                      if not resource.model._meta.get_field(name).null}
    if not resource.writable:
        for name in names:
            if name not in attrs:
                extra.setdefault(name, {})["read_only"] = True

    def to_representation(self, instance):
        data = serializers.ModelSerializer.to_representation(self, instance)
        if hidden and resource.deal_path:
            request = self.context.get("request")
            user = request.user if request else None
            if not deal_rules.can_view_internal(user, _deal_of_row(instance, resource)):
                for name in hidden & set(data):
                    data[name] = None
        return data

    def to_internal_value(self, data):
        if null_is_absent and isinstance(data, dict) and not hasattr(data, "getlist"):
            data = {k: v for k, v in data.items() if not (v is None and k in null_is_absent)}
        return serializers.ModelSerializer.to_internal_value(self, data)

    def build_relational_field(self, field_name, relation_info):
        field_class, kwargs = serializers.ModelSerializer.build_relational_field(self, field_name, relation_info)
        identifier = _identifiers().get(relation_info.related_model)
        if identifier:
            field_class = IdentifierField
            kwargs["slug_field"] = identifier
            kwargs.setdefault("help_text", {
                "slug": "Its identifier (slug), as its list gives it (/api/v1/organisations/, /api/v1/deals/).",
                "name": "Its name, as a deal lists its themes."}[identifier])
        return field_class, kwargs

    def get_fields(self):
        # a row that does not exist answers as one of another deal or a hidden one does,
        # and a row of a deal the user may not read is not found at all
        fields = serializers.ModelSerializer.get_fields(self)
        request = self.context.get("request")
        for f in fields.values():
            _limit_to_visible(getattr(f, "child_relation", f), request.user if request else None)
            for relation in (f, getattr(f, "child_relation", None)):
                if isinstance(relation, (serializers.PrimaryKeyRelatedField, IdentifierField)):
                    relation.error_messages["does_not_exist"] = REFERENCE_MESSAGE
                    relation.error_messages["invalid"] = REFERENCE_MESSAGE
        return fields

    def run_validators(self, value):
        # references first: a uniqueness check against a hidden row would tell it exists
        request = self.context.get("request")
        check_references(request.user if request else None, resource, self.instance, value)
        return serializers.ModelSerializer.run_validators(self, value)

    meta = type("Meta", (), {"model": resource.model, "fields": names, "extra_kwargs": extra})
    name = "".join(p.capitalize() for p in resource.name.split("-")) + "Serializer"
    return type(name, (serializers.ModelSerializer,),
                {**attrs, "Meta": meta, "to_representation": to_representation,
                 "to_internal_value": to_internal_value, "get_fields": get_fields,
                 "build_relational_field": build_relational_field,
                 "run_validators": run_validators, "serializer_field_mapping": FIELD_MAPPING})


def check_references(user, resource, instance, attrs):
    """The services' reference check (deals/references.py) on the fields of a write, so that
    the answer is a 400 naming the field, before the service is called. The deal written to
    is the one named, the row's own, or that of the row it hangs under (or, for a link, of
    its first element)."""
    model = resource.model
    # (a reverse relation written through its own serializer, a measurement's values per
    # category, is checked by the service: its rows point only at the row written)
    relations = {name: value for name, value in attrs.items() if name != "deal"
                 and model._meta.get_field(name).is_relation
                 and not model._meta.get_field(name).auto_created}
    # a change stays in the row's deal (the writers ignore a deal sent with it)
    if instance is not None and resource.deal_path:
        deal = _deal_of_row(instance, resource)
    else:
        deal = attrs.get("deal")
    if deal is None:
        # a row that may be outside any deal (a mark on an organisation's own need) has the
        # deal of the row it hangs under, or none: never that of another reference (the offer)
        owner = resource.deal_path.split("__")[0] if resource.outside_deal and resource.deal_path else None
        candidates = {owner: relations[owner]} if owner in relations else relations
        if owner in relations and deal_of(relations[owner]) is None:
            # the row it hangs under is of no deal: found through its field (rows the user may
            # read), it is not a reference into a deal to check
            relations.pop(owner)
        found = next(((name, deal_of(v)) for name, v in candidates.items()
                      if isinstance(v, models.Model) and deal_of(v) is not None), None)
        if found:
            deal = found[1]
            if not deal_rules.can_view_deal(user, deal):  # as if that row did not exist
                raise serializers.ValidationError({found[0]: [REFERENCE_MESSAGE]})
    if deal is None and not relations:
        return
    try:
        ReferenceCheck(user).check(deal=deal, model=model, values=relations)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.message_dict) from None


def scoped_rows(resource, user, queryset):
    """`queryset` limited to the rows of `resource` that `user` may read: those of deals the
    user may read (the gateway), and, for a resource with rows outside any deal
    (`outside_deal`), those without a deal, which its `rows` alone scopes."""
    qs = queryset
    if resource.deal_path:
        if resource.outside_deal:
            qs = qs.filter(Q(**{f"{resource.deal_path}__in": visible_deals(user)})
                           | Q(**{f"{resource.deal_path}__isnull": True}))
        else:
            qs = rows_of_visible_deals(user, qs, resource.deal_path)
    if resource.rows:
        qs = qs.filter(resource.rows(user))
    return qs


def _limit_to_visible(field, user):
    """A reference to another row (an indicator, a link, a bottleneck) finds only rows the user
    may read, so a row the user may not see is answered exactly as one that does not exist
    (400 'does not exist'), never with a 403 that confirms it."""
    from .resources import RESOURCES

    queryset = getattr(field, "queryset", None)
    if queryset is None or getattr(field, "read_only", False):
        return
    for resource in RESOURCES:
        if resource.model is queryset.model and resource.deal_path:
            field.queryset = scoped_rows(resource, user, queryset)
            return


def _service_errors(fn):
    try:
        with transaction.atomic():
            return fn()
    except DjangoPermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc) or None) from None
    except DjangoValidationError as exc:
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        raise exceptions.ValidationError(detail) from None


def etag(row):
    """The row's version (ui/concurrency.py) as an HTTP entity tag."""
    return f'"{row_version(row)}"'


def _if_match(request):
    """The entity tags of the If-Match header (weak ones compared as strong), or None."""
    header = request.headers.get("If-Match")
    if header is None:
        return None
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


class VersionedMixin:
    """Lost updates: GET of one row answers with its version as ETag; PUT, PATCH and DELETE
    with If-Match are refused with 409 when the row changed since (the body says so and holds
    the row as saved now, with its ETag in the header). The row is locked
    (`select_for_update`) from the check to the write. Without If-Match a write goes ahead,
    as before. See docs/api/README.md#versions-and-conflicts."""

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = etag(self._current)
        return response

    def get_object(self):
        self._current = super().get_object()
        return self._current

    def _stale(self, request):
        tags = _if_match(request)
        if tags is None:
            return None
        current = lock_row(self.get_object())
        if "*" in tags or etag(current) in tags:
            return None
        return Response({
            "detail": _("Someone else changed this row since you read it. Nothing was "
                        "changed; the row as saved now is in 'current'. Send your change "
                        "again with its new ETag in If-Match to keep your version."),
            "current": self.get_serializer(current).data,
        }, status=status.HTTP_409_CONFLICT, headers={"ETag": etag(current)})

    def update(self, request, *args, **kwargs):
        with transaction.atomic():
            refused = self._stale(request)
            if refused is not None:
                return refused
            response = super().update(request, *args, **kwargs)
        response["ETag"] = etag(self._current)
        return response

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            refused = self._stale(request)
            if refused is not None:
                return refused
            return super().destroy(request, *args, **kwargs)


def filterset_for(resource):
    """The resource's filters; one on an organisation, a person or a theme takes the identifier
    the API lists (`?ministry=ministerie-van-bzk`), as the fields do."""
    from django_filters import rest_framework as filters

    identifiers = _identifiers()

    def extra(field):
        return {"queryset": field.remote_field.model._default_manager.all(),
                "to_field_name": identifiers.get(field.remote_field.model)}

    meta = type("Meta", (), {
        "model": resource.model, "fields": list(resource.filters),
        "filter_overrides": {models.ForeignKey: {"filter_class": filters.ModelChoiceFilter, "extra": extra}},
    })
    name = "".join(p.capitalize() for p in resource.name.split("-")) + "FilterSet"
    return type(name, (filters.FilterSet,), {"Meta": meta})


def viewset_for(resource):
    serializer_class = serializer_for(resource)
    methods = ["get", "head", "options"]
    if resource.create:
        methods.append("post")
    if resource.update:
        methods += ["put", "patch"]
    if resource.delete:
        methods.append("delete")
    filters = list(resource.filters)
    if resource.deal_path:
        filters.append("deal")

    class ViewSet(VersionedMixin, viewsets.ModelViewSet):
        __doc__ = resource.doc or f"The {resource.name.replace('-', ' ')} of the deals you may read."
        http_method_names = methods
        filterset_class = filterset_for(resource)
        filterset_fields = resource.filters  # the names of its filters (the class above is used)
        # JSON bodies only: a form cannot say null or an empty list, so the document would
        # promise writes that forms cannot make
        parser_classes = [parsers.JSONParser]
        deal_path = resource.deal_path  # for the gateway's DealRowPermission

        def get_serializer_class(self):
            return serializer_class

        def get_queryset(self):
            user = self.request.user
            qs = scoped_rows(resource, user, resource.model._default_manager.all())
            if resource.deal_path:
                slug = self.request.query_params.get("deal")
                if slug:
                    qs = qs.filter(**{f"{resource.deal_path}__slug": slug})
                qs = qs.select_related(resource.deal_path)
            if resource.prefetch:
                qs = qs.prefetch_related(*resource.prefetch)
            return qs.order_by("pk")

        def perform_create(self, serializer):
            data = dict(serializer.validated_data)
            serializer.instance = _service_errors(lambda: resource.create(self.request.user, data))

        def perform_update(self, serializer):
            data = dict(serializer.validated_data)
            row = serializer.instance
            serializer.instance = _service_errors(lambda: resource.update(self.request.user, row, data))
            self._current = serializer.instance

        def perform_destroy(self, instance):
            _service_errors(lambda: resource.delete(self.request.user, instance))

    ViewSet.__name__ = serializer_class.__name__.replace("Serializer", "ViewSet")
    ViewSet.__qualname__ = ViewSet.__name__
    if resource.deal_path:
        from drf_spectacular.utils import OpenApiParameter

        deal_param = OpenApiParameter("deal", str, description="Only rows of this deal (its identifier).")
        ViewSet = extend_schema_view(list=extend_schema(parameters=[deal_param]))(ViewSet)
    return ViewSet
