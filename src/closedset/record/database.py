"""PostgreSQL: the append as a stored function, installed after every migrate.

`services._append_in_one_statement` calls it. A function's statements are planned once per
database session and reused; the same statement sent as text was parsed and planned again on
every append, about a third of what the record added to a decision. It is (re)written by
`post_migrate`, so it follows the models whichever way the tables were made (migrations, or
`migrate --run-syncdb` and test databases built from the models). SQLite appends through the
ORM and gets nothing.
"""

from __future__ import annotations

from typing import Any

from django.db import connections, transaction

# The record models' own tables and columns (record/models.py). The guard in the UPDATE writes
# nothing unless the log row still holds exactly the head the caller extended; NULL tells the
# caller to lock the row and try again.
APPEND = """
CREATE OR REPLACE FUNCTION record_append(
    p_log bigint, p_organisation bigint, p_origin text,
    p_old_size bigint, p_old_root bytea, p_old_range bytea,
    p_size bigint, p_range bytea, p_root bytea,
    p_data bytea, p_leaf bytea, p_at timestamptz, p_refers_to bigint,
    p_users bigint[], p_salts bytea[], p_note text, p_vkey text
) RETURNS bigint LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    v_entry bigint;
BEGIN
    UPDATE record_log SET size = p_size, compact_range = p_range, root = p_root
    WHERE id = p_log AND organisation_id = p_organisation AND origin = p_origin
        AND size = p_old_size AND root = p_old_root AND compact_range = p_old_range;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    INSERT INTO record_logentry (log_id, "index", data, leaf_hash, created_at, refers_to)
    VALUES (p_log, p_old_size, p_data, p_leaf, p_at, p_refers_to)
    RETURNING id INTO v_entry;
    INSERT INTO record_commitment (entry_id, user_id, salt)
    SELECT v_entry, person.user_id, person.salt
    FROM unnest(p_users, p_salts) AS person(user_id, salt);
    INSERT INTO record_checkpoint (log_id, size, root, note, vkey, created_at)
    VALUES (p_log, p_size, p_root, p_note, p_vkey, p_at);
    RETURN v_entry;
END
$$
"""


def install_append_function(*, using: str = "default", **_: Any) -> None:
    """post_migrate receiver: create or replace record_append on PostgreSQL."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    # Two app servers migrating at once would both replace the function: one at a time.
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('closedset.record_append'))")
        cursor.execute(APPEND)
