import json

from django.core.management.base import BaseCommand

from dealmonitor.connections.evaluation import LINKS_FILE, evaluate, r_precision
from dealmonitor.connections.related import Portfolio


class Command(BaseCommand):
    help = (
        "Precision and recall at k, and R-precision (precision among each deal's first R "
        "suggestions, R its number of stated links), of the related-deals engine on the links "
        "between deals that the sources state (connections/evaluation.json)."
    )

    def add_arguments(self, parser):
        parser.add_argument("-k", type=int, default=5)
        parser.add_argument("--links", default=str(LINKS_FILE), help="a JSON file of links")
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--verbose", action="store_true", help="one line per deal")

    def handle(self, *args, k, links, **options):
        from dealmonitor.connections.evaluation import stated_links

        pairs = stated_links(links)
        portfolio = Portfolio.load()
        runs = [("all signals", ())]
        runs.append(("without stated links", ("stated",)))
        runs.append(("without stated links and people", ("stated", "people")))
        results = []
        for label, without in runs:
            precision, recall, rows = evaluate(k=k, links=pairs, portfolio=portfolio,
                                               without=without)
            results.append({"run": label, "precision": round(precision, 3),
                            "recall": round(recall, 3),
                            "r_precision": round(r_precision(rows), 3), "deals": len(rows),
                            "rows": rows})
        if options["json"]:
            for r in results:
                r["per_deal"] = [{"deal": row.slug, "hits": row.hits, "expected":
                                  sorted(row.expected), "top": row.top} for row in r.pop("rows")]
            self.stdout.write(json.dumps({"k": k, "links": len(pairs), "runs": results},
                                         indent=2))
            return
        rows = results[0]["rows"]
        ceiling = sum(min(len(r.expected), k) / k for r in rows) / len(rows) if rows else 0.0
        self.stdout.write(
            f"{len(pairs)} stated links, {results[0]['deals']} deals with at least one; k = {k}; "
            f"highest precision@{k} possible with these links: {ceiling:.3f}"
        )
        for r in results:
            self.stdout.write(
                f"{r['run']:<36} precision@{k} {r['precision']:.3f}   recall@{k} {r['recall']:.3f}"
                f"   R-precision {r['r_precision']:.3f}"
            )
        if options["verbose"]:
            for row in results[0]["rows"]:
                self.stdout.write(
                    f"  {row.slug:<40} {row.hits}/{len(row.expected)}  top: {', '.join(row.top)}"
                )
