using Microsoft.Data.Sqlite;

namespace Palisade.Storage.Sqlite;

/// <summary>Ordered schema migrations; each runs once, in its own transaction, recorded in schema_version.</summary>
internal static class SqliteMigrations
{
    internal static readonly string[] Steps =
    [
        """
        CREATE TABLE api_keys (
            id          INTEGER PRIMARY KEY,
            name        TEXT    NOT NULL UNIQUE,
            tier        TEXT    NOT NULL,
            hash        BLOB    NOT NULL UNIQUE,
            prefix      TEXT    NOT NULL,
            created_at  INTEGER NOT NULL,
            revoked_at  INTEGER NULL,
            limits      TEXT    NULL
        );
        CREATE TABLE reports (
            id                 INTEGER PRIMARY KEY,
            address            TEXT    NOT NULL,
            key_id             INTEGER NOT NULL,
            kind               INTEGER NOT NULL,
            trust              REAL    NOT NULL,
            categories         TEXT    NOT NULL,
            protocol           TEXT    NULL,
            port               INTEGER NULL,
            username           TEXT    NULL,
            comment            TEXT    NULL,
            reported_at        INTEGER NOT NULL,
            received_at        INTEGER NOT NULL,
            source             INTEGER NOT NULL,
            dialect            TEXT    NULL,
            dialect_categories TEXT    NULL
        );
        CREATE INDEX reports_by_address  ON reports (address, reported_at);
        CREATE INDEX reports_by_reported ON reports (reported_at);
        CREATE INDEX reports_by_received ON reports (received_at);
        CREATE TABLE quota_usage (
            key_id INTEGER NOT NULL,
            family INTEGER NOT NULL,
            day    INTEGER NOT NULL,
            used   INTEGER NOT NULL,
            PRIMARY KEY (key_id, family, day)
        ) WITHOUT ROWID;
        CREATE TABLE whitelist (
            network    TEXT    PRIMARY KEY,
            name       TEXT    NOT NULL,
            multiplier REAL    NOT NULL,
            expires_at INTEGER NULL,
            created_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE change_signal (
            id         INTEGER PRIMARY KEY CHECK (id = 1),
            generation INTEGER NOT NULL
        );
        INSERT INTO change_signal (id, generation) VALUES (1, 0);
        """,
        """
        CREATE TABLE taxii_settings (
            name  TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE taxii_heads (
            address      TEXT    PRIMARY KEY,
            object_id    TEXT    NOT NULL,
            generation   INTEGER NOT NULL,
            created      INTEGER NOT NULL,
            modified     INTEGER NOT NULL,
            valid_from   INTEGER NOT NULL,
            valid_until  INTEGER NOT NULL,
            band         INTEGER NOT NULL,
            confidence   INTEGER NOT NULL,
            labels       TEXT    NOT NULL,
            techniques   TEXT    NOT NULL,
            revoked      INTEGER NOT NULL,
            in_high      INTEGER NOT NULL
        );
        CREATE TABLE taxii_versions (
            collection  INTEGER NOT NULL,
            date_added  INTEGER NOT NULL,
            object_id   TEXT    NOT NULL,
            object_type TEXT    NOT NULL,
            modified    INTEGER NOT NULL,
            is_first    INTEGER NOT NULL,
            is_last     INTEGER NOT NULL,
            body        TEXT    NOT NULL,
            PRIMARY KEY (collection, date_added)
        );
        CREATE INDEX taxii_versions_last   ON taxii_versions (collection, is_last, date_added);
        CREATE INDEX taxii_versions_object ON taxii_versions (collection, object_id, date_added);
        """,
        """
        CREATE TABLE address_audit (
            id         INTEGER PRIMARY KEY,
            address    TEXT    NOT NULL,
            key_id     INTEGER NOT NULL,
            action     TEXT    NOT NULL,
            reason     TEXT    NULL,
            reports    INTEGER NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE INDEX address_audit_by_address ON address_audit (address, created_at);
        """,
        """
        CREATE TABLE alerts (
            id              INTEGER PRIMARY KEY,
            key_id          INTEGER NOT NULL,
            kind            INTEGER NOT NULL,
            target          TEXT    NOT NULL,
            label           TEXT    NULL,
            enabled         INTEGER NOT NULL,
            min_score       INTEGER NOT NULL,
            categories      TEXT    NOT NULL,
            notify_email    TEXT    NULL,
            webhook_url     TEXT    NULL,
            webhook_secret  TEXT    NULL,
            cooldown_ms     INTEGER NOT NULL,
            created_at      INTEGER NOT NULL,
            updated_at      INTEGER NOT NULL,
            last_alerted_at INTEGER NULL,
            total_alerts    INTEGER NOT NULL,
            match_count     INTEGER NOT NULL
        );
        CREATE INDEX alerts_by_key ON alerts (key_id, kind);
        CREATE TABLE alert_events (
            id          INTEGER PRIMARY KEY,
            alert_id    INTEGER NOT NULL,
            report_id   INTEGER NOT NULL,
            address     TEXT    NOT NULL,
            categories  TEXT    NOT NULL,
            score       INTEGER NOT NULL,
            username    TEXT    NULL,
            reported_at INTEGER NOT NULL,
            created_at  INTEGER NOT NULL
        );
        CREATE INDEX alert_events_by_alert ON alert_events (alert_id, id);
        CREATE TABLE alert_deliveries (
            id              INTEGER PRIMARY KEY,
            alert_id        INTEGER NOT NULL,
            key_id          INTEGER NOT NULL,
            channel         INTEGER NOT NULL,
            destination     TEXT    NOT NULL,
            payload         TEXT    NOT NULL,
            created_at      INTEGER NOT NULL,
            attempts        INTEGER NOT NULL,
            next_attempt_at INTEGER NOT NULL,
            status          INTEGER NOT NULL,
            sent_at         INTEGER NULL,
            last_error      TEXT    NULL,
            locked_until    INTEGER NOT NULL
        );
        CREATE INDEX alert_deliveries_due ON alert_deliveries (status, next_attempt_at);
        CREATE INDEX alert_deliveries_by_alert ON alert_deliveries (alert_id, id);
        """,
        """
        CREATE TABLE dashboard_users (
            id            INTEGER PRIMARY KEY,
            email         TEXT    NOT NULL UNIQUE,
            password_hash BLOB    NOT NULL,
            password_salt BLOB    NOT NULL,
            iterations    INTEGER NOT NULL,
            created_at    INTEGER NOT NULL
        );
        CREATE TABLE dashboard_user_keys (
            key_id  INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL
        );
        CREATE INDEX dashboard_user_keys_by_user ON dashboard_user_keys (user_id);
        """,
        """
        ALTER TABLE api_keys ADD COLUMN reporter TEXT NULL;
        ALTER TABLE api_keys ADD COLUMN reporter_id INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE api_keys ADD COLUMN self_service INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE api_keys ADD COLUMN network TEXT NULL;
        UPDATE api_keys SET reporter = 'key-' || id, reporter_id = (random() & 4503599627370495) + 1;
        UPDATE api_keys SET reporter = 'account-' || (SELECT u.user_id FROM dashboard_user_keys u WHERE u.key_id = api_keys.id), self_service = 1
            WHERE id IN (SELECT key_id FROM dashboard_user_keys);
        UPDATE api_keys SET reporter_id = (SELECT min(k.reporter_id) FROM api_keys k WHERE k.reporter = api_keys.reporter) WHERE self_service = 1;
        CREATE INDEX api_keys_by_reporter ON api_keys (reporter);
        CREATE TABLE reporter_networks (
            reporter_id INTEGER NOT NULL,
            network     TEXT    NOT NULL,
            seen_at     INTEGER NOT NULL,
            PRIMARY KEY (reporter_id, network)
        ) WITHOUT ROWID;
        CREATE INDEX address_audit_by_created ON address_audit (created_at);
        """,
        """
        ALTER TABLE dashboard_users ADD COLUMN security_stamp TEXT NOT NULL DEFAULT '';
        ALTER TABLE dashboard_users ADD COLUMN verified_at INTEGER NULL;
        ALTER TABLE dashboard_users ADD COLUMN verify_hash BLOB NULL;
        ALTER TABLE dashboard_users ADD COLUMN verify_expires_at INTEGER NULL;
        ALTER TABLE dashboard_users ADD COLUMN key_count INTEGER NOT NULL DEFAULT 0;
        UPDATE dashboard_users SET verified_at = created_at,
            key_count = (SELECT count(*) FROM dashboard_user_keys k WHERE k.user_id = dashboard_users.id);
        UPDATE api_keys SET name = 'dashboard:' || CAST((SELECT k.user_id FROM dashboard_user_keys k WHERE k.key_id = api_keys.id) AS TEXT) || ':' || name
            WHERE id IN (SELECT key_id FROM dashboard_user_keys);
        CREATE TABLE dashboard_invites (
            token_hash BLOB    PRIMARY KEY,
            email      TEXT    NULL,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            used_at    INTEGER NULL
        );
        """,
        """
        ALTER TABLE dashboard_users ADD COLUMN signup_network TEXT NULL;
        """,
        // E-mail intelligence (GET /v1/key/email/{email}): a report's structured e-mail address, normalised; it is
        // deleted with its report by retention and withdrawal.
        """
        ALTER TABLE reports ADD COLUMN email TEXT NULL;
        CREATE INDEX reports_by_email ON reports (email) WHERE email IS NOT NULL;
        """,
        // The TAXII log compact (issue 15): one row per version instead of one per collection; an indicator version keeps
        // its fields and is rendered when read (SqlTaxiiLog); the object id is its UUID's 16 bytes; heads are the last
        // versions; label and technique lists are ids into taxii_texts. Old rows keep their JSON; each address's head fields
        // are copied onto its last version.
        """
        CREATE TABLE taxii_log (
            date_added  INTEGER PRIMARY KEY,
            object_uuid BLOB    NOT NULL,
            flags       INTEGER NOT NULL,
            modified    INTEGER NOT NULL,
            created     INTEGER NULL,
            valid_from  INTEGER NULL,
            valid_until INTEGER NULL,
            confidence  INTEGER NULL,
            generation  INTEGER NULL,
            address     TEXT    NULL,
            labels      INTEGER NULL,
            techniques  INTEGER NULL,
            object_type TEXT    NULL,
            body        TEXT    NULL
        );
        CREATE TABLE taxii_texts (
            id   INTEGER PRIMARY KEY,
            text TEXT NOT NULL UNIQUE
        );
        INSERT INTO taxii_texts (text) SELECT labels FROM taxii_heads UNION SELECT techniques FROM taxii_heads;
        INSERT INTO taxii_log (date_added, object_uuid, flags, modified, object_type, body)
        SELECT a.date_added, unhex(replace(substr(a.object_id, instr(a.object_id, '--') + 2), '-', '')),
               a.is_first | 8 * a.is_last | CASE WHEN h.date_added IS NULL THEN 0 ELSE 2 | 4 * h.is_first END,
               a.modified, a.object_type, a.body
        FROM taxii_versions a LEFT JOIN taxii_versions h ON h.collection = 2 AND h.date_added = a.date_added
        WHERE a.collection = 1;
        CREATE INDEX taxii_log_object ON taxii_log (object_uuid);
        CREATE INDEX taxii_log_high ON taxii_log (date_added) WHERE (flags & 2) <> 0;
        UPDATE taxii_log SET address = h.address, generation = h.generation, created = h.created, valid_from = nullif(h.valid_from, h.created),
            valid_until = h.valid_until, confidence = h.confidence,
            labels = (SELECT t.id FROM taxii_texts t WHERE t.text = h.labels), techniques = (SELECT t.id FROM taxii_texts t WHERE t.text = h.techniques),
            flags = taxii_log.flags | 16 * h.revoked
        FROM taxii_heads h
        WHERE taxii_log.object_uuid = unhex(replace(substr(h.object_id, instr(h.object_id, '--') + 2), '-', '')) AND (taxii_log.flags & 8) <> 0;
        DROP TABLE taxii_heads;
        DROP TABLE taxii_versions;
        """,
        // The latest versions by date_added (a poll's default view; the heads load): without it a page scanned every
        // superseded version before its first row (at ten million addresses, 1.6 million rows and ~200 ms for the first page
        // once the feed had updated each indicator once). Kept up as versions are appended and unmarked.
        """
        CREATE INDEX taxii_log_last ON taxii_log (date_added) WHERE (flags & 8) <> 0;
        """,
    ];

    public static async Task ApplyAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)";
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        for (var version = 1; version <= Steps.Length; version++)
        {
            // BEGIN IMMEDIATE takes the write lock first, so two processes starting together cannot both migrate.
            using var transaction = connection.BeginTransaction(deferred: false);
            using var check = connection.CreateCommand();
            check.Transaction = transaction;
            check.CommandText = "SELECT count(*) FROM schema_version WHERE version = $v";
            check.Parameters.AddWithValue("$v", version);
            if ((long)(await check.ExecuteScalarAsync(cancellationToken))! > 0)
            {
                continue;
            }

            using var step = connection.CreateCommand();
            step.Transaction = transaction;
            step.CommandText = Steps[version - 1] + "\nINSERT INTO schema_version (version) VALUES (" + version + ");";
            await step.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
    }
}
