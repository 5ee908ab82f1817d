"""The partner network: organisations and deals as one graph (networkx).

- per organisation, the deals it links (organisations in two or more deals);
- bridging organisations: betweenness centrality in the organisation–deal graph;
- communities of deals: Louvain communities of the deal graph in which two deals are joined
  by their shared organisations, weighted by rarity (the same weights as the related-deals
  engine, so a ministry in every deal does not glue the portfolio into one lump);
- growth: organisations and links by year (a partner's join date, else the deal's signing).
"""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

import networkx as nx
from django.db.models import F

from dealmonitor.deals.models import Deal, Participation

from .related import df_cap

SVG_SIZE = 640


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
        pk: {"slug": slug, "name": name, "signed": signed, "partners": 0, "links": 0}
        for pk, slug, name, signed in deal_qs.values_list("pk", "slug", "name", "signing_date")
    }
    parts = list(
        Participation.objects.filter(deal_id__in=deal_rows).values_list(
            "deal_id", "organisation_id", "organisation__slug", "organisation__name", "joined_on"
        ).order_by("deal_id", F("organisation__name"))
    )
    graph = nx.Graph()
    org_info = {}
    by_org = defaultdict(set)
    for deal_id, org_id, slug, name, joined in parts:
        graph.add_edge(("d", deal_id), ("o", org_id))
        org_info[org_id] = {"pk": org_id, "slug": slug, "name": name}
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
    for deal_id, org_id, _slug, _name, joined in parts:
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
