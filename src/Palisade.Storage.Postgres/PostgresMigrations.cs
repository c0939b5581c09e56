using Npgsql;

namespace Palisade.Storage.Postgres;

/// <summary>Ordered schema migrations, each applied once in its own transaction under an advisory lock.</summary>
internal static class PostgresMigrations
{
    // Arbitrary constant shared by every node: "Palisade" in ASCII.
    private const long MigrationLock = 0x50616c6973616465;

    internal static readonly string[] Steps =
    [
        """
        CREATE TABLE api_keys (
            id          bigserial PRIMARY KEY,
            name        text      NOT NULL UNIQUE,
            tier        text      NOT NULL,
            hash        bytea     NOT NULL UNIQUE,
            prefix      text      NOT NULL,
            created_at  bigint    NOT NULL,
            revoked_at  bigint    NULL,
            limits      text      NULL
        );
        CREATE TABLE reports (
            id                 bigint   PRIMARY KEY,
            address            text     NOT NULL,
            key_id             bigint   NOT NULL,
            kind               integer  NOT NULL,
            trust              double precision NOT NULL,
            categories         text     NOT NULL,
            protocol           text     NULL,
            port               integer  NULL,
            username           text     NULL,
            comment            text     NULL,
            reported_at        bigint   NOT NULL,
            received_at        bigint   NOT NULL,
            source             integer  NOT NULL,
            dialect            text     NULL,
            dialect_categories text     NULL
        );
        CREATE SEQUENCE reports_id_seq OWNED BY reports.id;
        CREATE INDEX reports_by_address  ON reports (address, reported_at);
        CREATE INDEX reports_by_reported ON reports (reported_at);
        CREATE INDEX reports_by_received ON reports (received_at);
        CREATE TABLE quota_usage (
            key_id bigint  NOT NULL,
            family integer NOT NULL,
            day    integer NOT NULL,
            used   bigint  NOT NULL,
            PRIMARY KEY (key_id, family, day)
        );
        CREATE TABLE whitelist (
            network    text   PRIMARY KEY,
            name       text   NOT NULL,
            multiplier double precision NOT NULL,
            expires_at bigint NULL,
            created_at bigint NOT NULL
        );
        CREATE TABLE change_signal (
            id         integer PRIMARY KEY CHECK (id = 1),
            generation bigint  NOT NULL
        );
        INSERT INTO change_signal (id, generation) VALUES (1, 0);
        """,
        """
        CREATE TABLE taxii_settings (
            name  text PRIMARY KEY,
            value text NOT NULL
        );
        CREATE TABLE taxii_heads (
            address      text    PRIMARY KEY,
            object_id    text    NOT NULL,
            generation   integer NOT NULL,
            created      bigint  NOT NULL,
            modified     bigint  NOT NULL,
            valid_from   bigint  NOT NULL,
            valid_until  bigint  NOT NULL,
            band         integer NOT NULL,
            confidence   integer NOT NULL,
            labels       text    NOT NULL,
            techniques   text    NOT NULL,
            revoked      boolean NOT NULL,
            in_high      boolean NOT NULL
        );
        CREATE TABLE taxii_versions (
            collection  integer NOT NULL,
            date_added  bigint  NOT NULL,
            object_id   text    NOT NULL,
            object_type text    NOT NULL,
            modified    bigint  NOT NULL,
            is_first    boolean NOT NULL,
            is_last     boolean NOT NULL,
            body        text    NOT NULL,
            PRIMARY KEY (collection, date_added)
        );
        CREATE INDEX taxii_versions_last   ON taxii_versions (collection, is_last, date_added);
        CREATE INDEX taxii_versions_object ON taxii_versions (collection, object_id, date_added);
        """,
        """
        CREATE TABLE address_audit (
            id         bigserial PRIMARY KEY,
            address    text      NOT NULL,
            key_id     bigint    NOT NULL,
            action     text      NOT NULL,
            reason     text      NULL,
            reports    integer   NOT NULL,
            created_at bigint    NOT NULL
        );
        CREATE INDEX address_audit_by_address ON address_audit (address, created_at);
        """,
        """
        CREATE TABLE alerts (
            id              bigserial PRIMARY KEY,
            key_id          bigint  NOT NULL,
            kind            bigint  NOT NULL,
            target          text    NOT NULL,
            label           text    NULL,
            enabled         bigint  NOT NULL,
            min_score       bigint  NOT NULL,
            categories      text    NOT NULL,
            notify_email    text    NULL,
            webhook_url     text    NULL,
            webhook_secret  text    NULL,
            cooldown_ms     bigint  NOT NULL,
            created_at      bigint  NOT NULL,
            updated_at      bigint  NOT NULL,
            last_alerted_at bigint  NULL,
            total_alerts    bigint  NOT NULL,
            match_count     bigint  NOT NULL
        );
        CREATE INDEX alerts_by_key ON alerts (key_id, kind);
        CREATE TABLE alert_events (
            id          bigserial PRIMARY KEY,
            alert_id    bigint  NOT NULL,
            report_id   bigint  NOT NULL,
            address     text    NOT NULL,
            categories  text    NOT NULL,
            score       bigint  NOT NULL,
            username    text    NULL,
            reported_at bigint  NOT NULL,
            created_at  bigint  NOT NULL
        );
        CREATE INDEX alert_events_by_alert ON alert_events (alert_id, id);
        CREATE TABLE alert_deliveries (
            id              bigserial PRIMARY KEY,
            alert_id        bigint  NOT NULL,
            key_id          bigint  NOT NULL,
            channel         bigint  NOT NULL,
            destination     text    NOT NULL,
            payload         text    NOT NULL,
            created_at      bigint  NOT NULL,
            attempts        bigint  NOT NULL,
            next_attempt_at bigint  NOT NULL,
            status          bigint  NOT NULL,
            sent_at         bigint  NULL,
            last_error      text    NULL,
            locked_until    bigint  NOT NULL
        );
        CREATE INDEX alert_deliveries_due ON alert_deliveries (status, next_attempt_at);
        CREATE INDEX alert_deliveries_by_alert ON alert_deliveries (alert_id, id);
        """,
        """
        CREATE TABLE dashboard_users (
            id            bigserial PRIMARY KEY,
            email         text   NOT NULL UNIQUE,
            password_hash bytea  NOT NULL,
            password_salt bytea  NOT NULL,
            iterations    bigint NOT NULL,
            created_at    bigint NOT NULL
        );
        CREATE TABLE dashboard_user_keys (
            key_id  bigint PRIMARY KEY,
            user_id bigint NOT NULL
        );
        CREATE INDEX dashboard_user_keys_by_user ON dashboard_user_keys (user_id);
        """,
        """
        ALTER TABLE api_keys ADD COLUMN reporter text NULL;
        ALTER TABLE api_keys ADD COLUMN reporter_id bigint NOT NULL DEFAULT 0;
        ALTER TABLE api_keys ADD COLUMN self_service bigint NOT NULL DEFAULT 0;
        ALTER TABLE api_keys ADD COLUMN network text NULL;
        UPDATE api_keys SET reporter = 'key-' || id, reporter_id = floor(random() * 4503599627370495)::bigint + 1;
        UPDATE api_keys SET reporter = 'account-' || (SELECT u.user_id FROM dashboard_user_keys u WHERE u.key_id = api_keys.id), self_service = 1
            WHERE id IN (SELECT key_id FROM dashboard_user_keys);
        UPDATE api_keys SET reporter_id = (SELECT min(k.reporter_id) FROM api_keys k WHERE k.reporter = api_keys.reporter) WHERE self_service = 1;
        CREATE INDEX api_keys_by_reporter ON api_keys (reporter);
        CREATE TABLE reporter_networks (
            reporter_id bigint NOT NULL,
            network     text   NOT NULL,
            seen_at     bigint NOT NULL,
            PRIMARY KEY (reporter_id, network)
        );
        CREATE INDEX address_audit_by_created ON address_audit (created_at);
        """,
        """
        ALTER TABLE dashboard_users ADD COLUMN security_stamp text NOT NULL DEFAULT '';
        ALTER TABLE dashboard_users ADD COLUMN verified_at bigint NULL;
        ALTER TABLE dashboard_users ADD COLUMN verify_hash bytea NULL;
        ALTER TABLE dashboard_users ADD COLUMN verify_expires_at bigint NULL;
        ALTER TABLE dashboard_users ADD COLUMN key_count bigint NOT NULL DEFAULT 0;
        UPDATE dashboard_users SET verified_at = created_at,
            key_count = (SELECT count(*) FROM dashboard_user_keys k WHERE k.user_id = dashboard_users.id);
        UPDATE api_keys SET name = 'dashboard:' || CAST((SELECT k.user_id FROM dashboard_user_keys k WHERE k.key_id = api_keys.id) AS text) || ':' || name
            WHERE id IN (SELECT key_id FROM dashboard_user_keys);
        CREATE TABLE dashboard_invites (
            token_hash bytea  PRIMARY KEY,
            email      text   NULL,
            created_at bigint NOT NULL,
            expires_at bigint NOT NULL,
            used_at    bigint NULL
        );
        """,
        """
        ALTER TABLE dashboard_users ADD COLUMN signup_network text NULL;
        """,
        // E-mail intelligence (GET /v1/key/email/{email}): a report's structured e-mail address, normalised; it is
        // deleted with its report by retention and withdrawal.
        """
        ALTER TABLE reports ADD COLUMN email text NULL;
        CREATE INDEX reports_by_email ON reports (email) WHERE email IS NOT NULL;
        """,
        // The TAXII log compact (issue 15): one row per version instead of one per collection; an indicator version keeps
        // its fields and is rendered when read (SqlTaxiiLog); the object id is its UUID's 16 bytes; heads are the last
        // versions; label and technique lists are ids into taxii_texts. Old rows keep their JSON; each address's head fields
        // are copied onto its last version.
        """
        CREATE TABLE taxii_log (
            date_added  bigint  PRIMARY KEY,
            object_uuid bytea   NOT NULL,
            flags       integer NOT NULL,
            modified    bigint  NOT NULL,
            created     bigint  NULL,
            valid_from  bigint  NULL,
            valid_until bigint  NULL,
            confidence  integer NULL,
            generation  integer NULL,
            address     text    NULL,
            labels      bigint  NULL,
            techniques  bigint  NULL,
            object_type text    NULL,
            body        text    NULL
        );
        CREATE TABLE taxii_texts (
            id   bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            text text NOT NULL UNIQUE
        );
        INSERT INTO taxii_texts (text) SELECT labels FROM taxii_heads UNION SELECT techniques FROM taxii_heads;
        INSERT INTO taxii_log (date_added, object_uuid, flags, modified, object_type, body)
        SELECT a.date_added, decode(replace(substring(a.object_id from position('--' in a.object_id) + 2), '-', ''), 'hex'),
               (CASE WHEN a.is_first THEN 1 ELSE 0 END) | (CASE WHEN a.is_last THEN 8 ELSE 0 END)
                   | (CASE WHEN h.date_added IS NULL THEN 0 WHEN h.is_first THEN 6 ELSE 2 END),
               a.modified, a.object_type, a.body
        FROM taxii_versions a LEFT JOIN taxii_versions h ON h.collection = 2 AND h.date_added = a.date_added
        WHERE a.collection = 1;
        CREATE INDEX taxii_log_object ON taxii_log (object_uuid);
        CREATE INDEX taxii_log_high ON taxii_log (date_added) WHERE (flags & 2) <> 0;
        UPDATE taxii_log SET address = h.address, generation = h.generation, created = h.created, valid_from = nullif(h.valid_from, h.created),
            valid_until = h.valid_until, confidence = h.confidence,
            labels = (SELECT t.id FROM taxii_texts t WHERE t.text = h.labels), techniques = (SELECT t.id FROM taxii_texts t WHERE t.text = h.techniques),
            flags = taxii_log.flags | (CASE WHEN h.revoked THEN 16 ELSE 0 END)
        FROM taxii_heads h
        WHERE taxii_log.object_uuid = decode(replace(substring(h.object_id from position('--' in h.object_id) + 2), '-', ''), 'hex')
            AND (taxii_log.flags & 8) <> 0;
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

    public static async Task ApplyAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var setup = new NpgsqlCommand(
            "SELECT pg_advisory_xact_lock(@lock); CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY);", connection, transaction))
        {
            setup.Parameters.AddWithValue("lock", MigrationLock);
            await setup.ExecuteNonQueryAsync(cancellationToken);
        }

        for (var version = 1; version <= Steps.Length; version++)
        {
            await using var check = new NpgsqlCommand("SELECT count(*) FROM schema_version WHERE version = @v", connection, transaction);
            check.Parameters.AddWithValue("v", version);
            if ((long)(await check.ExecuteScalarAsync(cancellationToken))! > 0)
            {
                continue;
            }

            await using var step = new NpgsqlCommand(Steps[version - 1] + $"\nINSERT INTO schema_version (version) VALUES ({version});", connection, transaction);
            await step.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
