"""Query parameters: whatever a visitor puts in the address, no page and no API list answers
with a server error. A bad value is ignored or refused (400); it never reaches the database
as something it cannot hold.

Every address of the project comes from the permission matrix (one row per URL name, with the
address built on its small world of factory data; accounts/tests/test_permission_matrix.py).
`PARAMETERS` lists the query parameters each page reads; for the API, the list endpoints'
filter fields (and `deal`) come from the viewsets, with the pagination and format parameters
DRF reads. The test first asks every page with an unknown parameter and records which
parameters the code reads (any `QueryDict` access), and fails when a page reads one that is not
listed: a new parameter then gets its garbage too. Then every parameter of every page gets
every value of `GARBAGE`, one at a time.

The Django admin is left out: its addresses are Django's own code.
"""

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import resolve
from django.utils.datastructures import MultiValueDict

from dealmonitor.accounts.tests.test_permission_matrix import MATRIX, PARTS, POLICIES, part_of
from dealmonitor.accounts.tests.world import build_world, populate

# The parameters each page reads (GET), by URL name.
PARAMETERS = {
    "set_language": ["next"],
    "accounts:login": ["next"],
    "deals:portfolio": ["q", "kind", "status", "phase", "theme", "page"],
    "deals:change_log": ["onderdeel", "pagina"],
    "organisations:list": ["page"],
    "deals:organisation_options": ["organisation", "name", "type", "kvk_number", "web_domain"],
    "ecosystem:list": ["soort", "wat"],
    # the form that proposes a series of targets (rows _0, _1, ... for the periods)
    "impact:indicator_targets": ["periodicity", "first", "last",
                                 *(f"{f}_{n}" for n in range(3) for f in ("start", "end", "label", "value"))],
    # ?bijdragen=1: the contributions per partner and per category under each indicator
    "impact:performance": ["niveau", "periode", "geverifieerd", "bijdragen"],
    "impact:performance_export": ["niveau", "periode", "csv", "geverifieerd"],
    "impact:indicator": ["geverifieerd"],
    "connections:network": ["deal", "theme", "type"],
    "learning:bottlenecks": ["status", "ministry", "kind"],
    "learning:lessons": ["q", "theme", "kind", "phase", "page"],
    "learning:round_answer": ["organisation"],
    "imports:job": ["pagina"],
    "imports:mapping": ["sheet"],
    "reports:long_csv": ["deal", "csv", "geverifieerd"],
    "areas:list": ["q", "soort", "page"],
    "reports:codebook_csv": ["csv"],
    "v1:schema": ["lang", "deal"],
    "reports:deal_report": ["jaar", "geverifieerd"],
    "reports:deal_report_pdf": ["jaar", "geverifieerd"],
    "reports:deal_report_docx": ["jaar", "geverifieerd"],
    # drf-spectacular's Swagger UI page: its start script (?script) and the document's language
    "v1:docs": ["lang", "script"],
    "reports:portfolio_report": ["jaar", "geverifieerd"],
    "reports:portfolio_report_pdf": ["jaar", "geverifieerd"],
}
# What Django REST framework reads on every API address: the format override and pagination.
API_PARAMETERS = ["format", "page", "page_size"]
PROBE = "zz-onbekend"

GARBAGE = [
    "x",
    "99999999999999999999",
    "-1",
    "NaN",
    "a\x00b",
    "é€😀",
    "2024-13-45",
    "' OR 1=1 --",
    "x" * 5000,
    "",
    ["1", "2"],  # a list where one value is expected
]
# Raw escapes that do not decode (the test client would encode them).
RAW = ["%", "%ff"]


def _api_parameters(url):
    """DRF's own, the viewset's filter fields (or its FilterSet's filters) and, for the
    entities of one deal, ?deal=."""
    view = resolve(url.split("?")[0]).func
    cls = getattr(view, "cls", None)
    if cls is None:
        return API_PARAMETERS
    fields = list(view.initkwargs.get("filterset_fields", getattr(cls, "filterset_fields", None)) or [])
    filterset = view.initkwargs.get("filterset_class", getattr(cls, "filterset_class", None))
    if filterset is not None:  # a FilterSet of its own (api/areas.py): its filters, in the schema
        fields += list(filterset.base_filters)
    if cls.__module__ == "dealmonitor.api.generic":
        fields.append("deal")  # api/generic.py reads it in get_queryset
    return [*API_PARAMETERS, *fields]


class Reads:
    """Records the keys code reads from any QueryDict while it is active."""

    def __init__(self, monkeypatch):
        self.keys = set()
        reads = self

        def wrap(name):
            original = getattr(MultiValueDict, name)

            def recorded(self, key, *args, **kwargs):
                if isinstance(self, QueryDict):
                    reads.keys.add(key)
                return original(self, key, *args, **kwargs)

            return recorded

        for name in ("__getitem__", "get", "getlist"):
            monkeypatch.setattr(MultiValueDict, name, wrap(name))
        monkeypatch.setattr(MultiValueDict, "__contains__", wrap("__contains__"), raising=False)


def _cases(part=None):
    """(name, case) for every row the programme administrator may GET, admin excepted (of one
    part of the matrix, or all)."""
    for name, row in MATRIX.items():
        if name.startswith("admin:") or (part is not None and part_of(name) != part):
            continue
        for case in row if isinstance(row, list) else [row]:
            if case.read and "no such method" not in case.read:
                yield name, case


def _address(world, name, case):
    """The address of a case, the parameters the page is declared to read (for the API, with
    DRF's own), and the parameters that get the garbage there (none for an API detail: the
    same filters as its list; DRF's own only on the deals' list; none already in the
    address)."""
    key = "own" if len(next(iter(POLICIES[case.read].values()))) > 1 else None
    url = case.url(world, key or "own")
    base, _, fixed = url.partition("?")
    declared = (_api_parameters(base) if name.startswith("v1:") else []) + PARAMETERS.get(name, [])
    garbled = declared
    if name.startswith("v1:") and name.endswith("-detail"):
        garbled = []  # the same filters as the list (DRF), which gets the garbage
    elif name.startswith("v1:") and name != "v1:deal-list":
        garbled = [p for p in declared if p not in API_PARAMETERS]  # DRF's own: once
    return url, declared, [p for p in garbled if p not in QueryDict(fixed)]


@pytest.mark.django_db
def test_every_parameter_gets_its_garbage(django_user_model, settings, tmp_path):
    """The parts below hold every page once and, together, give over 900 values."""
    settings.MEDIA_ROOT = tmp_path
    world = populate(build_world(django_user_model), tmp_path)
    assert {part_of(name) for name, _ in _cases()} == set(PARTS)  # none empty, none unknown
    planned = sum(len(_address(world, name, case)[2]) for name, case in _cases())
    assert planned * (len(GARBAGE) + len(RAW)) > 900  # every parameter really gets its garbage


# In parts (those of the permission matrix), one test each, so pytest-xdist spreads them over
# its workers; each part builds the world afresh (the requests are GETs).
@pytest.mark.django_db
@pytest.mark.parametrize("part", PARTS)
def test_no_query_parameter_value_makes_a_page_fail(part, django_user_model, settings, tmp_path,
                                                   monkeypatch, pdf_layouts_once):
    settings.MEDIA_ROOT = tmp_path
    world = populate(build_world(django_user_model), tmp_path)
    client = Client(raise_request_exception=False)
    client.force_login(world.users["admin"])
    assert world.users["admin"].is_staff  # reads every page and row
    reads = Reads(monkeypatch)

    addresses = {}
    undeclared = []
    for name, case in _cases(part):
        url, declared, garbled = _address(world, name, case)
        fixed = url.partition("?")[2]
        reads.keys.clear()
        response = client.get(f"{url}{'&' if fixed else '?'}{PROBE}=1")
        assert response.status_code < 500, f"{name} {url}: {response.status_code}"
        read = reads.keys - {PROBE} - set(QueryDict(fixed))
        if read - set(declared):
            undeclared.append(f"{name}: reads {sorted(read - set(declared))}")
        addresses[name, url] = garbled
    assert not undeclared, ("pages read query parameters not listed in PARAMETERS "
                            "(src/dealmonitor/utils/tests/test_query_parameters.py):\n"
                            + "\n".join(undeclared))

    failures = []
    requests = 0
    for (name, url), parameters in addresses.items():
        joiner = "&" if "?" in url else "?"
        for parameter in parameters:
            for value in GARBAGE:
                requests += 1
                response = client.get(url, {parameter: value})
                if response.status_code >= 500:
                    failures.append(f"{name} {url} {parameter}={value!r:.40}: {response.status_code}")
            for raw in RAW:
                requests += 1
                response = client.get(f"{url}{joiner}{parameter}={raw}")
                if response.status_code >= 500:
                    failures.append(f"{name} {url} {parameter}={raw}: {response.status_code}")
    assert not failures, f"{len(failures)} of {requests} requests failed:\n" + "\n".join(failures)
