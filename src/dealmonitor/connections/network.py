"""The partner network: organisations and deals as one graph (networkx).

- per organisation, the deals it links (organisations in two or more deals);
- connecting organisations ("verbindende organisaties"): the share of shortest paths between
  deals and organisations that runs through an organisation (betweenness centrality in the
  organisation–deal graph), shown as a percentage;
- communities of deals: Louvain communities of the deal graph in which two deals are joined
  by their shared organisations, weighted by rarity (the same weights as the related-deals
  engine, so a ministry in every deal does not glue the portfolio into one lump);
- growth: organisations and links by year (a partner's join date, else the deal's signing);
- the drawing (`drawing`): deals on the left, the organisations they share on the right,
  grouped by type, every node named, ordered so that lines cross little; kept in the cache
  until deals, partners or organisations change (`cached_view`).
"""

import hashlib
import math
from collections import Counter, defaultdict
from dataclasses import dataclass

import networkx as nx
from django.db.models import F

from dealmonitor.deals.models import Deal, Participation
from dealmonitor.organisations.constants import OrganisationType
from dealmonitor.organisations.models import Organisation
from dealmonitor.utils import cache

from .weights import df_cap

SVG_SIZE = 640
# The drawing: one row per organisation, deals spread over the same height.
DRAW_WIDTH = 1000
ROW = 22
GROUP_GAP = 30
TOP = 30
DEAL_X = 360  # deal nodes; their names end left of them
ORG_X = 600  # organisation nodes; their names start right of them
MAX_DRAWN_DEALS = 60  # more than this: choose a theme, a type or a deal first
MAX_DRAWN_ORGS = 120


@dataclass
class Network:
    deals: dict  # pk -> {"slug", "name", "community", "partners", "x", "y", "links"}
    organisations: list  # [{"pk", "slug", "name", "deals": [...], "betweenness"}]
    communities: list  # [[deal pk, ...]], largest first
    edges: list  # [(deal pk, deal pk, weight, shared count)]
    growth: list  # [{"year", "organisations", "links", "new_organisations"}]


def _year(value):
    return value.year if value else None


def build(deals=None, betweenness_sample=300):
    """The network of the given deals (all by default), in three queries."""
    deal_qs = (deals if deals is not None else Deal.objects.all()).order_by("name")
    deal_rows = {
        pk: {"pk": pk, "slug": slug, "name": name, "signed": signed, "partners": 0, "links": 0}
        for pk, slug, name, signed in deal_qs.values_list("pk", "slug", "name", "signing_date")
    }
    parts = list(
        Participation.objects.filter(deal_id__in=deal_rows).values_list(
            "deal_id", "organisation_id", "organisation__slug", "organisation__name", "joined_on",
            "organisation__type",
        ).order_by("deal_id", F("organisation__name"))
    )
    graph = nx.Graph()
    org_info = {}
    by_org = defaultdict(set)
    for deal_id, org_id, slug, name, joined, org_type in parts:
        graph.add_edge(("d", deal_id), ("o", org_id))
        org_info[org_id] = {"pk": org_id, "slug": slug, "name": name, "type": org_type}
        by_org[org_id].add(deal_id)
        deal_rows[deal_id]["partners"] += 1
    for pk in deal_rows:
        graph.add_node(("d", pk))

    # Bridging organisations: betweenness in the bipartite graph (sampled on large graphs).
    k = None if graph.number_of_nodes() <= betweenness_sample else betweenness_sample
    centrality = nx.betweenness_centrality(graph, k=k, seed=7) if graph.number_of_edges() else {}

    # Deals joined by shared organisations, weighted by rarity.
    n = max(len(deal_rows), 1)
    cap = df_cap(n)
    deal_graph = nx.Graph()
    deal_graph.add_nodes_from(deal_rows)
    pair_weight, pair_count = Counter(), Counter()
    for org_id, deal_ids in by_org.items():
        if not 2 <= len(deal_ids) <= cap:
            continue
        weight = math.log((n + 1) / len(deal_ids))
        ordered = sorted(deal_ids)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1:]:
                pair_weight[(a, b)] += weight
                pair_count[(a, b)] += 1
    for (a, b), weight in pair_weight.items():
        deal_graph.add_edge(a, b, weight=weight)
    if deal_graph.number_of_edges():
        found = nx.community.louvain_communities(deal_graph, weight="weight", seed=7)
    else:
        found = [{pk} for pk in deal_rows]
    communities = sorted(
        (sorted(c, key=lambda pk: deal_rows[pk]["name"]) for c in found),
        key=lambda c: (-len(c), deal_rows[c[0]]["name"]),
    )
    for number, members in enumerate(communities, start=1):
        for pk in members:
            deal_rows[pk]["community"] = number
    for (a, b) in pair_weight:
        deal_rows[a]["links"] += 1
        deal_rows[b]["links"] += 1

    # A circle, deals of one community side by side, so the lines inside a group stay short.
    order = [pk for members in communities for pk in members]
    radius = SVG_SIZE / 2 - 60
    for i, pk in enumerate(order):
        angle = 2 * math.pi * i / max(len(order), 1) - math.pi / 2
        deal_rows[pk]["x"] = round(SVG_SIZE / 2 + radius * math.cos(angle), 1)
        deal_rows[pk]["y"] = round(SVG_SIZE / 2 + radius * math.sin(angle), 1)

    organisations = []
    for org_id, deal_ids in by_org.items():
        if len(deal_ids) < 2:
            continue
        row = dict(org_info[org_id])
        row["deals"] = sorted((deal_rows[d] for d in deal_ids), key=lambda d: d["name"])
        row["betweenness"] = round(centrality.get(("o", org_id), 0.0), 4)
        row["percent"] = round(100 * row["betweenness"], 1)
        organisations.append(row)
    organisations.sort(key=lambda o: (-o["betweenness"], -len(o["deals"]), o["name"]))

    edges = [
        (a, b, round(pair_weight[(a, b)], 3), pair_count[(a, b)])
        for (a, b) in sorted(pair_weight)
    ]
    return Network(deal_rows, organisations, communities, edges, _growth(parts, deal_rows))


def _growth(parts, deal_rows):
    """Organisations and organisation–deal links by year of joining (a partner's own join
    date where the sources give one, else the deal's signing date); undated links apart."""
    first_year = {}
    links_by_year = Counter()
    for deal_id, org_id, _slug, _name, joined, _type in parts:
        year = _year(joined) or _year(deal_rows[deal_id]["signed"])
        links_by_year[year] += 1
        if year is not None and (org_id not in first_year or year < first_year[org_id]):
            first_year[org_id] = year
    new_by_year = Counter(first_year.values())
    rows, orgs, links = [], 0, 0
    for year in sorted(y for y in links_by_year if y is not None):
        orgs += new_by_year[year]
        links += links_by_year[year]
        rows.append({"year": year, "new_organisations": new_by_year[year],
                     "organisations": orgs, "links": links})
    if links_by_year.get(None):
        total = len({p[1] for p in parts})
        rows.append({"year": None, "new_organisations": total - orgs, "organisations": total,
                     "links": links + links_by_year[None]})
    return rows


def type_labels():
    return dict(OrganisationType.choices)


def drawing(net, org_type="", focus=None):
    """Positions for the picture: deals left, the organisations that link two or more of
    them right, grouped by type. `org_type` keeps one type; `focus` (a deal pk) keeps that
    deal, the deals it shares an organisation with and those organisations, and marks them.
    Returns None when there is too much to draw readably (the tables still show it all)."""
    orgs = [o for o in net.organisations if not org_type or o["type"] == org_type]
    deal_pks = [pk for members in net.communities for pk in members]
    if focus is not None:
        orgs = [o for o in orgs if any(d["pk"] == focus for d in o["deals"])]
        near = {d["pk"] for o in orgs for d in o["deals"]} | {focus}
        deal_pks = [pk for pk in deal_pks if pk in near]
    elif org_type:
        linked = {d["pk"] for o in orgs for d in o["deals"]}
        deal_pks = [pk for pk in deal_pks if pk in linked]
    if len(deal_pks) > MAX_DRAWN_DEALS or len(orgs) > MAX_DRAWN_ORGS:
        return None
    shown = set(deal_pks)
    labels = type_labels()
    # Organisations by type (largest group first), within a type by the mean position of
    # their deals, so that lines run as straight as they can.
    position = {pk: i for i, pk in enumerate(deal_pks)}
    groups = defaultdict(list)
    for o in orgs:
        groups[o["type"]].append(o)
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), str(labels.get(kv[0], kv[0]))))
    y = TOP
    group_rows, org_nodes = [], []
    for kind, members in ordered:
        members.sort(key=lambda o: (
            sum(position[d["pk"]] for d in o["deals"] if d["pk"] in shown)
            / max(1, sum(1 for d in o["deals"] if d["pk"] in shown)), o["name"]))
        group_rows.append({"label": labels.get(kind, kind), "x": ORG_X - 6, "y": y,
                           "count": len(members)})
        y += ROW
        for o in members:
            org_nodes.append({"pk": o["pk"], "slug": o["slug"], "name": o["name"], "x": ORG_X,
                              "y": y, "type": labels.get(kind, kind),
                              "deals": [d["pk"] for d in o["deals"] if d["pk"] in shown],
                              "focus": focus is not None})
            y += ROW
        y += GROUP_GAP - ROW
    height = max(y, TOP + ROW * len(deal_pks)) + TOP
    step = (height - 2 * TOP) / max(len(deal_pks), 1)
    deal_nodes = []
    for i, pk in enumerate(deal_pks):
        row = net.deals[pk]
        deal_nodes.append({"pk": pk, "slug": row["slug"], "name": row["name"], "x": DEAL_X,
                           "y": round(TOP + step * (i + 0.5), 1), "community": row["community"],
                           "focus": pk == focus})
    at = {n["pk"]: n for n in deal_nodes}
    lines = []
    for o in org_nodes:
        for pk in o["deals"]:
            lines.append({"x1": DEAL_X, "y1": at[pk]["y"], "x2": ORG_X, "y2": o["y"],
                          "deal": at[pk]["slug"], "org": o["slug"],
                          "focus": focus is not None and pk == focus})
    return {"deals": deal_nodes, "organisations": org_nodes, "groups": group_rows,
            "lines": lines, "width": DRAW_WIDTH, "height": round(height)}


def cached_view(deals, org_type="", focus=None):
    """(network, drawing) of `deals`, kept in the cache until deals, their themes, partners or
    organisations change; one key per set of deals and choice of filter."""
    pks = sorted(deals.values_list("pk", flat=True))
    digest = hashlib.sha1(",".join(map(str, pks)).encode()).hexdigest()[:16]
    digest = f"{digest}-{org_type}-{focus}"

    def compute():
        net = build(Deal.objects.filter(pk__in=pks))
        return net, drawing(net, org_type=org_type, focus=focus)

    return cache.cached(f"network:{digest}", compute,
                        tables=[Deal, Deal.themes.through, Participation, Organisation])
