"""The starting point of the history of many-to-many links, for the migrations that begin
keeping it (`HistoricalRecords(m2m_fields=...)`).

Before those migrations the links were not recorded, so earlier history entries have none.
Compared with the first entry that has them, every link would look newly added, by whoever
made that change. So the migration gives every earlier entry of a row the links the row has
now: the log shows no change that nobody made, and every change from then on is exact
(docs/development.md, "Links in the history"). Uses only the migration's models, never the
current ones.
"""

from collections import defaultdict

BATCH = 5000


def keep_current_links(app_label, model_name, field_names):
    """A RunPython function for the migration."""

    def run(apps, schema_editor):
        Model = apps.get_model(app_label, model_name)
        History = apps.get_model(app_label, f"Historical{model_name}")
        for name in field_names:
            field = Model._meta.get_field(name)
            own, other = field.m2m_field_name(), field.m2m_reverse_field_name()
            Kept = apps.get_model(app_label, f"Historical{model_name}_{name}")
            links = defaultdict(list)
            rows = field.remote_field.through.objects.values_list("id", f"{own}_id", f"{other}_id")
            for link_id, owner_id, target_id in rows.iterator():
                links[owner_id].append((link_id, target_id))
            if not links:
                continue
            batch = []
            for history_id, owner_id in History.objects.values_list("history_id", "id").iterator():
                for link_id, target_id in links.get(owner_id, ()):
                    batch.append(Kept(id=link_id, history_id=history_id,
                                      **{f"{own}_id": owner_id, f"{other}_id": target_id}))
                if len(batch) >= BATCH:
                    Kept.objects.bulk_create(batch)
                    batch = []
            Kept.objects.bulk_create(batch)

    return run
