"""The programme view's partner figures, kept by the database itself.

"Partners by type" counts, per organisation type, the organisations that take part in at
least one deal and the deals with at least one partner of that type. Counted from the
participations that is a quarter of a million rows at scale L (more than a second of SQL);
read from the summary it is one short table.

The summary is three tables (models in learning/models.py):

- `learning_partnerreach`: per organisation and type, in how many deals and published deals
  it takes part;
- `learning_dealpartnertype`: per deal and type, how many partners it has;
- `learning_partnertypetotal`: per type the four figures the page shows (organisations and
  deals, over all deals and over published deals only): a total changes only when a row of
  the two tables above goes from 0 to 1 or back.

They are kept by triggers on `deals_participation` (insert, delete, a changed deal or
organisation), `deals_deal` (published or not) and `organisations_organisation` (its type),
so every way of writing keeps them: the services, the import's bulk inserts, the admin, a
cascade, the generator's COPY. On PostgreSQL each step is an UPSERT whose
RETURNING gives the new count under the row's lock, and a participation takes a share lock
on its deal and organisation, so two writers at once cannot lose a change (tested with two
connections in tests/test_summary.py). On SQLite writers take turns anyway.

Rows loaded out of order (a participation before its deal or organisation, which deferred
foreign keys allow, as the test suite's snapshot of the demo data does) are left out: whoever
loads rows that way counts the summary again afterwards (`recount()`), as the restore of a
backup and the suite's snapshot do.

`recount()` rebuilds the three tables from the participations (`dealmonitor programme
recount`); `differences()` compares the kept tables with a recount without changing them
(`dealmonitor programme recount --check`).
"""

from django.db import DEFAULT_DB_ALIAS, connections, transaction

TABLES = ("learning_partnerreach", "learning_dealpartnertype", "learning_partnertypetotal")

# PostgreSQL --------------------------------------------------------------------------------

PG_INSTALL = """
CREATE OR REPLACE FUNCTION learning_partner_bump(org bigint, deal bigint, t varchar,
                                                 pub boolean, delta integer)
RETURNS void AS $$
DECLARE
    n integer; np integer; m integer;
    d_org integer := 0; d_porg integer := 0; d_deal integer := 0; d_pdeal integer := 0;
BEGIN
    INSERT INTO learning_partnerreach AS r (organisation_id, type, deals, published_deals)
    VALUES (org, t, delta, CASE WHEN pub THEN delta ELSE 0 END)
    ON CONFLICT (organisation_id, type) DO UPDATE
        SET deals = r.deals + EXCLUDED.deals,
            published_deals = r.published_deals + EXCLUDED.published_deals
    RETURNING r.deals, r.published_deals INTO n, np;
    INSERT INTO learning_dealpartnertype AS x (deal_id, type, partners)
    VALUES (deal, t, delta)
    ON CONFLICT (deal_id, type) DO UPDATE SET partners = x.partners + EXCLUDED.partners
    RETURNING x.partners INTO m;
    IF delta > 0 THEN
        d_org := (n = 1)::int; d_deal := (m = 1)::int;
        IF pub THEN d_porg := (np = 1)::int; d_pdeal := d_deal; END IF;
    ELSE
        d_org := -((n = 0)::int); d_deal := -((m = 0)::int);
        IF pub THEN d_porg := -((np = 0)::int); d_pdeal := d_deal; END IF;
    END IF;
    IF d_org <> 0 OR d_deal <> 0 OR d_porg <> 0 OR d_pdeal <> 0 THEN
        INSERT INTO learning_partnertypetotal AS s
            (type, organisations, deals, published_organisations, published_deals)
        VALUES (t, d_org, d_deal, d_porg, d_pdeal)
        ON CONFLICT (type) DO UPDATE
            SET organisations = s.organisations + EXCLUDED.organisations,
                deals = s.deals + EXCLUDED.deals,
                published_organisations = s.published_organisations + EXCLUDED.published_organisations,
                published_deals = s.published_deals + EXCLUDED.published_deals;
    END IF;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION learning_participation_summary() RETURNS trigger AS $$
DECLARE t varchar; pub boolean;
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        SELECT d.is_published INTO pub FROM deals_deal d WHERE d.id = OLD.deal_id FOR SHARE;
        SELECT o.type INTO t FROM organisations_organisation o
            WHERE o.id = OLD.organisation_id FOR SHARE;
        IF t IS NOT NULL AND pub IS NOT NULL THEN  -- see "Rows loaded out of order" above
            PERFORM learning_partner_bump(OLD.organisation_id, OLD.deal_id, t, pub, -1);
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT d.is_published INTO pub FROM deals_deal d WHERE d.id = NEW.deal_id FOR SHARE;
        SELECT o.type INTO t FROM organisations_organisation o
            WHERE o.id = NEW.organisation_id FOR SHARE;
        IF t IS NOT NULL AND pub IS NOT NULL THEN  -- see "Rows loaded out of order" above
            PERFORM learning_partner_bump(NEW.organisation_id, NEW.deal_id, t, pub, 1);
        END IF;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

-- Inserted and deleted participations, once per statement from the statement's rows (a COPY
-- of a quarter of a million rows, a bulk insert, a cascade): a row-level trigger would update
-- the same few totals rows once per participation, and PostgreSQL would then walk an
-- ever longer chain of row versions in the one transaction (quadratic: the generator's COPY
-- of the participations at scale L did not end in ten minutes).
CREATE OR REPLACE FUNCTION learning_participations_summary() RETURNS trigger AS $$
DECLARE delta integer := CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END;
BEGIN
    -- the deals and organisations stay as they are until the transaction ends (their
    -- published flag and type are what the figures below are counted under)
    PERFORM 1 FROM deals_deal d WHERE d.id IN (SELECT deal_id FROM changed_rows)
        ORDER BY d.id FOR SHARE;
    PERFORM 1 FROM organisations_organisation o
        WHERE o.id IN (SELECT organisation_id FROM changed_rows) ORDER BY o.id FOR SHARE;
    WITH c AS (  -- rows loaded out of order (no deal or organisation yet) are left out
        SELECT p.organisation_id AS org, p.deal_id AS deal, o.type AS t, d.is_published AS pub
        FROM changed_rows p
        JOIN organisations_organisation o ON o.id = p.organisation_id
        JOIN deals_deal d ON d.id = p.deal_id
    ), by_org AS (
        SELECT org, t, delta * COUNT(*) AS n, delta * SUM(pub::int) AS np
        FROM c GROUP BY org, t
    ), by_deal AS (
        SELECT deal, t, delta * COUNT(*) AS n, bool_or(pub) AS pub FROM c GROUP BY deal, t
    ), reach AS (
        INSERT INTO learning_partnerreach AS r (organisation_id, type, deals, published_deals)
        SELECT org, t, n, np FROM by_org ORDER BY org, t
        ON CONFLICT (organisation_id, type) DO UPDATE
            SET deals = r.deals + EXCLUDED.deals,
                published_deals = r.published_deals + EXCLUDED.published_deals
        RETURNING r.organisation_id, r.type, r.deals, r.published_deals
    ), per_deal AS (
        INSERT INTO learning_dealpartnertype AS x (deal_id, type, partners)
        SELECT deal, t, n FROM by_deal ORDER BY deal, t
        ON CONFLICT (deal_id, type) DO UPDATE SET partners = x.partners + EXCLUDED.partners
        RETURNING x.deal_id, x.type, x.partners
    ), crossed AS (  -- +1 where a count left 0, -1 where it came back to 0 (under the row's lock)
        SELECT r.type,
               (r.deals > 0 AND r.deals = b.n)::int - (r.deals = 0 AND b.n < 0)::int AS orgs,
               (r.published_deals > 0 AND r.published_deals = b.np)::int
                   - (r.published_deals = 0 AND b.np < 0)::int AS porgs,
               0 AS deals, 0 AS pdeals
        FROM reach r JOIN by_org b ON b.org = r.organisation_id AND b.t = r.type
        UNION ALL
        SELECT x.type, 0, 0,
               (x.partners > 0 AND x.partners = b.n)::int - (x.partners = 0 AND b.n < 0)::int,
               CASE WHEN b.pub THEN (x.partners > 0 AND x.partners = b.n)::int
                                    - (x.partners = 0 AND b.n < 0)::int ELSE 0 END
        FROM per_deal x JOIN by_deal b ON b.deal = x.deal_id AND b.t = x.type
    )
    INSERT INTO learning_partnertypetotal AS s
        (type, organisations, deals, published_organisations, published_deals)
    SELECT type, SUM(orgs), SUM(deals), SUM(porgs), SUM(pdeals) FROM crossed GROUP BY type
        HAVING SUM(abs(orgs) + abs(deals) + abs(porgs) + abs(pdeals)) > 0 ORDER BY type
    ON CONFLICT (type) DO UPDATE
        SET organisations = s.organisations + EXCLUDED.organisations,
            deals = s.deals + EXCLUDED.deals,
            published_organisations = s.published_organisations + EXCLUDED.published_organisations,
            published_deals = s.published_deals + EXCLUDED.published_deals;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION learning_deal_published_summary() RETURNS trigger AS $$
DECLARE r record; np integer; delta integer;
BEGIN
    delta := CASE WHEN NEW.is_published THEN 1 ELSE -1 END;
    FOR r IN SELECT p.organisation_id AS org, o.type AS t FROM deals_participation p
             JOIN organisations_organisation o ON o.id = p.organisation_id
             WHERE p.deal_id = NEW.id ORDER BY p.organisation_id FOR SHARE OF o LOOP
        UPDATE learning_partnerreach SET published_deals = published_deals + delta
            WHERE organisation_id = r.org AND type = r.t RETURNING published_deals INTO np;
        IF (delta > 0 AND np = 1) OR (delta < 0 AND np = 0) THEN
            UPDATE learning_partnertypetotal
                SET published_organisations = published_organisations + delta WHERE type = r.t;
        END IF;
    END LOOP;
    UPDATE learning_partnertypetotal s SET published_deals = s.published_deals + delta
        FROM learning_dealpartnertype x
        WHERE x.deal_id = NEW.id AND x.partners > 0 AND x.type = s.type;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION learning_organisation_type_summary() RETURNS trigger AS $$
DECLARE r record;
BEGIN
    FOR r IN SELECT p.deal_id AS deal, d.is_published AS pub FROM deals_participation p
             JOIN deals_deal d ON d.id = p.deal_id
             WHERE p.organisation_id = NEW.id ORDER BY p.deal_id FOR SHARE OF d LOOP
        PERFORM learning_partner_bump(NEW.id, r.deal, OLD.type, r.pub, -1);
        PERFORM learning_partner_bump(NEW.id, r.deal, NEW.type, r.pub, 1);
    END LOOP;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS learning_participation_summary ON deals_participation;
DROP TRIGGER IF EXISTS learning_participations_added ON deals_participation;
CREATE TRIGGER learning_participations_added AFTER INSERT ON deals_participation
    REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION learning_participations_summary();
DROP TRIGGER IF EXISTS learning_participations_removed ON deals_participation;
CREATE TRIGGER learning_participations_removed AFTER DELETE ON deals_participation
    REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION learning_participations_summary();
DROP TRIGGER IF EXISTS learning_participation_moved_summary ON deals_participation;
CREATE TRIGGER learning_participation_moved_summary
    AFTER UPDATE OF deal_id, organisation_id ON deals_participation FOR EACH ROW
    WHEN (OLD.deal_id IS DISTINCT FROM NEW.deal_id
          OR OLD.organisation_id IS DISTINCT FROM NEW.organisation_id)
    EXECUTE FUNCTION learning_participation_summary();
DROP TRIGGER IF EXISTS learning_deal_published_summary ON deals_deal;
CREATE TRIGGER learning_deal_published_summary AFTER UPDATE OF is_published ON deals_deal
    FOR EACH ROW WHEN (OLD.is_published IS DISTINCT FROM NEW.is_published)
    EXECUTE FUNCTION learning_deal_published_summary();
DROP TRIGGER IF EXISTS learning_organisation_type_summary ON organisations_organisation;
CREATE TRIGGER learning_organisation_type_summary
    AFTER UPDATE OF type ON organisations_organisation
    FOR EACH ROW WHEN (OLD.type IS DISTINCT FROM NEW.type)
    EXECUTE FUNCTION learning_organisation_type_summary();
"""

PG_REMOVE = """
DROP TRIGGER IF EXISTS learning_participation_summary ON deals_participation;
DROP TRIGGER IF EXISTS learning_participations_added ON deals_participation;
DROP TRIGGER IF EXISTS learning_participations_removed ON deals_participation;
DROP TRIGGER IF EXISTS learning_participation_moved_summary ON deals_participation;
DROP TRIGGER IF EXISTS learning_deal_published_summary ON deals_deal;
DROP TRIGGER IF EXISTS learning_organisation_type_summary ON organisations_organisation;
DROP FUNCTION IF EXISTS learning_participation_summary();
DROP FUNCTION IF EXISTS learning_participations_summary();
DROP FUNCTION IF EXISTS learning_deal_published_summary();
DROP FUNCTION IF EXISTS learning_organisation_type_summary();
DROP FUNCTION IF EXISTS learning_partner_bump(bigint, bigint, varchar, boolean, integer);
"""

# SQLite: writers take turns, so each trigger adds and then looks at the new count --------

_TYPE = "(SELECT type FROM organisations_organisation WHERE id = {row}.organisation_id)"
_PUB = "(SELECT is_published FROM deals_deal WHERE id = {row}.deal_id)"


def _sqlite_bump(row, delta):
    """The statements of a trigger body adding `delta` (+1/-1) for the participation `row`
    (NEW or OLD)."""
    t, pub, org, deal = _TYPE.format(row=row), _PUB.format(row=row), f"{row}.organisation_id", f"{row}.deal_id"
    edge = 1 if delta > 0 else 0  # the count right after the change that crosses 0
    reach = f"FROM learning_partnerreach WHERE organisation_id = {org} AND type = {t}"
    per_deal = f"FROM learning_dealpartnertype WHERE deal_id = {deal} AND type = {t}"
    return f"""
    INSERT OR IGNORE INTO learning_partnerreach (organisation_id, type, deals, published_deals)
        VALUES ({org}, {t}, 0, 0);
    INSERT OR IGNORE INTO learning_dealpartnertype (deal_id, type, partners) VALUES ({deal}, {t}, 0);
    INSERT OR IGNORE INTO learning_partnertypetotal
        (type, organisations, deals, published_organisations, published_deals) VALUES ({t}, 0, 0, 0, 0);
    UPDATE learning_partnerreach SET deals = deals + ({delta}),
        published_deals = published_deals + ({delta}) * coalesce({pub}, 0)
        WHERE organisation_id = {org} AND type = {t};
    UPDATE learning_dealpartnertype SET partners = partners + ({delta})
        WHERE deal_id = {deal} AND type = {t};
    UPDATE learning_partnertypetotal SET
        organisations = organisations + ({delta}) * (SELECT deals = {edge} {reach}),
        published_organisations = published_organisations
            + ({delta}) * (coalesce({pub}, 0) AND (SELECT published_deals = {edge} {reach})),
        deals = deals + ({delta}) * (SELECT partners = {edge} {per_deal}),
        published_deals = published_deals
            + ({delta}) * (coalesce({pub}, 0) AND (SELECT partners = {edge} {per_deal}))
        WHERE type = {t};"""


def _sqlite_refresh_totals(where):
    """Count the totals of the types in `where` again from the two tables below them (only
    on rare changes: a deal published or withdrawn, an organisation's type)."""
    return f"""
    UPDATE learning_partnertypetotal SET
        organisations = (SELECT COUNT(*) FROM learning_partnerreach r
                         WHERE r.type = learning_partnertypetotal.type AND r.deals > 0),
        published_organisations = (SELECT COUNT(*) FROM learning_partnerreach r
                         WHERE r.type = learning_partnertypetotal.type AND r.published_deals > 0),
        deals = (SELECT COUNT(*) FROM learning_dealpartnertype x
                 WHERE x.type = learning_partnertypetotal.type AND x.partners > 0),
        published_deals = (SELECT COUNT(*) FROM learning_dealpartnertype x
                           JOIN deals_deal d ON d.id = x.deal_id
                           WHERE x.type = learning_partnertypetotal.type AND x.partners > 0
                           AND d.is_published)
        WHERE {where};"""


_SQLITE_REACH_OF = """
    UPDATE learning_partnerreach SET
        deals = CASE WHEN type = (SELECT type FROM organisations_organisation o
                                  WHERE o.id = learning_partnerreach.organisation_id)
                THEN (SELECT COUNT(*) FROM deals_participation p
                      WHERE p.organisation_id = learning_partnerreach.organisation_id) ELSE 0 END,
        published_deals = CASE WHEN type = (SELECT type FROM organisations_organisation o
                                            WHERE o.id = learning_partnerreach.organisation_id)
                THEN (SELECT COUNT(*) FROM deals_participation p JOIN deals_deal d ON d.id = p.deal_id
                      WHERE p.organisation_id = learning_partnerreach.organisation_id
                      AND d.is_published) ELSE 0 END
        WHERE {where};"""

SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS learning_participation_added AFTER INSERT ON deals_participation
    FOR EACH ROW BEGIN {_sqlite_bump("NEW", 1)}
    END;""",
    f"""CREATE TRIGGER IF NOT EXISTS learning_participation_removed AFTER DELETE ON deals_participation
    FOR EACH ROW BEGIN {_sqlite_bump("OLD", -1)}
    END;""",
    f"""CREATE TRIGGER IF NOT EXISTS learning_participation_moved
    AFTER UPDATE OF deal_id, organisation_id ON deals_participation FOR EACH ROW
    WHEN OLD.deal_id IS NOT NEW.deal_id OR OLD.organisation_id IS NOT NEW.organisation_id
    BEGIN {_sqlite_bump("OLD", -1)} {_sqlite_bump("NEW", 1)}
    END;""",
    f"""CREATE TRIGGER IF NOT EXISTS learning_deal_published AFTER UPDATE OF is_published ON deals_deal
    FOR EACH ROW WHEN OLD.is_published IS NOT NEW.is_published BEGIN
    {_SQLITE_REACH_OF.format(where="organisation_id IN (SELECT organisation_id FROM deals_participation WHERE deal_id = NEW.id)")}
    {_sqlite_refresh_totals("type IN (SELECT type FROM learning_dealpartnertype WHERE deal_id = NEW.id)")}
    END;""",
    f"""CREATE TRIGGER IF NOT EXISTS learning_organisation_type AFTER UPDATE OF type ON organisations_organisation
    FOR EACH ROW WHEN OLD.type IS NOT NEW.type BEGIN
    INSERT OR IGNORE INTO learning_partnerreach (organisation_id, type, deals, published_deals)
        VALUES (NEW.id, NEW.type, 0, 0);
    {_SQLITE_REACH_OF.format(where="organisation_id = NEW.id")}
    INSERT OR IGNORE INTO learning_dealpartnertype (deal_id, type, partners)
        SELECT deal_id, NEW.type, 0 FROM deals_participation WHERE organisation_id = NEW.id;
    UPDATE learning_dealpartnertype SET partners = (
        SELECT COUNT(*) FROM deals_participation p JOIN organisations_organisation o
        ON o.id = p.organisation_id WHERE p.deal_id = learning_dealpartnertype.deal_id
        AND o.type = learning_dealpartnertype.type)
        WHERE type IN (OLD.type, NEW.type)
        AND deal_id IN (SELECT deal_id FROM deals_participation WHERE organisation_id = NEW.id);
    INSERT OR IGNORE INTO learning_partnertypetotal
        (type, organisations, deals, published_organisations, published_deals)
        VALUES (NEW.type, 0, 0, 0, 0);
    {_sqlite_refresh_totals("type IN (OLD.type, NEW.type)")}
    END;""",
]

SQLITE_REMOVE = [f"DROP TRIGGER IF EXISTS {name}" for name in (
    "learning_participation_added", "learning_participation_removed",
    "learning_participation_moved", "learning_deal_published", "learning_organisation_type")]


def install(schema_editor=None):
    """Create the triggers (the migration calls this; safe to call again)."""
    with (schema_editor.connection if schema_editor else connections[DEFAULT_DB_ALIAS]).cursor() as cursor:
        if cursor.db.vendor == "postgresql":
            cursor.execute(PG_INSTALL)
        else:
            for sql in SQLITE_INSTALL:
                cursor.execute(sql)


def remove(schema_editor=None):
    with (schema_editor.connection if schema_editor else connections[DEFAULT_DB_ALIAS]).cursor() as cursor:
        for sql in ([PG_REMOVE] if cursor.db.vendor == "postgresql" else SQLITE_REMOVE):
            cursor.execute(sql)


# Counting from scratch ---------------------------------------------------------------------

_COUNTED = {
    "learning_partnerreach": (
        "organisation_id, type, deals, published_deals",
        """SELECT p.organisation_id, o.type, COUNT(*),
                  SUM(CASE WHEN d.is_published THEN 1 ELSE 0 END)
           FROM deals_participation p
           JOIN organisations_organisation o ON o.id = p.organisation_id
           JOIN deals_deal d ON d.id = p.deal_id
           GROUP BY p.organisation_id, o.type"""),
    "learning_dealpartnertype": (
        "deal_id, type, partners",
        """SELECT p.deal_id, o.type, COUNT(*) FROM deals_participation p
           JOIN organisations_organisation o ON o.id = p.organisation_id
           GROUP BY p.deal_id, o.type"""),
    "learning_partnertypetotal": (
        "type, organisations, deals, published_organisations, published_deals",
        """SELECT t.type,
                  (SELECT COUNT(*) FROM learning_partnerreach r WHERE r.type = t.type AND r.deals > 0),
                  (SELECT COUNT(*) FROM learning_dealpartnertype x
                   WHERE x.type = t.type AND x.partners > 0),
                  (SELECT COUNT(*) FROM learning_partnerreach r
                   WHERE r.type = t.type AND r.published_deals > 0),
                  (SELECT COUNT(*) FROM learning_dealpartnertype x JOIN deals_deal d
                   ON d.id = x.deal_id WHERE x.type = t.type AND x.partners > 0 AND d.is_published)
           FROM (SELECT DISTINCT type FROM learning_dealpartnertype) t"""),
}


def _lock(cursor):
    if cursor.db.vendor == "postgresql":
        # No participation, deal or organisation changes while the summary is counted.
        cursor.execute("LOCK TABLE deals_participation, deals_deal, organisations_organisation "
                       "IN SHARE MODE")


def recount(using=DEFAULT_DB_ALIAS):
    """Rebuild the summary from the participations; {table: rows written}."""
    written = {}
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        _lock(cursor)
        for table in TABLES:  # in order: the totals are counted from the two tables above
            columns, select = _COUNTED[table]
            cursor.execute(f"DELETE FROM {table}")
            cursor.execute(f"INSERT INTO {table} ({columns}) {select}")
            written[table] = cursor.rowcount
    return written


def _kept(cursor, table):
    columns = _COUNTED[table][0]
    cursor.execute(f"SELECT {columns} FROM {table}")
    return cursor.fetchall()


def _meaningful(table, rows):
    """Rows that say something: a count of zero left behind is the same as no row."""
    return {tuple(r) for r in rows if any(v for v in r[2 if table != "learning_partnertypetotal" else 1:])}


def differences(using=DEFAULT_DB_ALIAS):
    """{table: (rows only kept, rows only counted)} where the kept summary and a recount
    differ; empty when they agree. Changes nothing (the recount is rolled back)."""
    out = {}
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        _lock(cursor)
        kept = {t: _meaningful(t, _kept(cursor, t)) for t in TABLES}
        sid = transaction.savepoint(using=using)
        recount(using)
        counted = {t: _meaningful(t, _kept(cursor, t)) for t in TABLES}
        transaction.savepoint_rollback(sid, using=using)
    for table in TABLES:
        if kept[table] != counted[table]:
            out[table] = (sorted(kept[table] - counted[table]), sorted(counted[table] - kept[table]))
    return out
