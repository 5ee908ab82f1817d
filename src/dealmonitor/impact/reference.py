"""Reference data shipped with the product: the themes of the CBS Monitor Brede Welvaart and
the UN Sustainable Development Goals. Each set is versioned (code + edition) and carries its
source and licence; a new edition is a new set, so tags on old effects keep their meaning."""

import json
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
REFERENCE_FILES = ("brede-welvaart.json", "sdg.json")


def load_reference_sets(ReferenceSet=None, ReferenceItem=None):
    """Create or update the shipped sets; idempotent. Accepts historical models (migrations)."""
    if ReferenceSet is None:
        from .models import ReferenceItem, ReferenceSet
    for name in REFERENCE_FILES:
        spec = json.loads((REFERENCE_DIR / name).read_text(encoding="utf-8"))
        items = spec.pop("items")
        reference_set, _ = ReferenceSet.objects.update_or_create(
            code=spec.pop("code"), edition=spec.pop("edition"), defaults=spec
        )
        for order, item in enumerate(items, start=1):
            ReferenceItem.objects.update_or_create(
                reference_set=reference_set, code=item["code"],
                defaults={"name": item["name"], "description": item.get("description", ""),
                          "order": order},
            )
