-- raw_users: the system of record for every user fetched, keyed by the natural key login.uuid.
CREATE TABLE IF NOT EXISTS raw_users (
  user_id       uuid        PRIMARY KEY,
  payload       jsonb       NOT NULL,
  source        text        NOT NULL DEFAULT 'randomuser',
  batch_id      text        NOT NULL,
  first_seen_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at  timestamptz NOT NULL DEFAULT now()
);

-- outbox: rows written in the same transaction as raw_users, drained to Kafka users.raw by publish.
CREATE TABLE IF NOT EXISTS outbox (
  id           bigserial   PRIMARY KEY,
  user_id      uuid        NOT NULL,
  topic        text        NOT NULL DEFAULT 'users.raw',
  created_at   timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz
);
-- publish scans only unpublished rows, oldest first.
CREATE INDEX IF NOT EXISTS outbox_unpublished ON outbox (id) WHERE published_at IS NULL;

-- rejected_users: records that failed validation at fetch, kept with their reason (nothing dropped silently).
CREATE TABLE IF NOT EXISTS rejected_users (
  id          bigserial   PRIMARY KEY,
  batch_id    text        NOT NULL,
  reason      text        NOT NULL,
  payload     jsonb,
  raw_text    text,
  rejected_at timestamptz NOT NULL DEFAULT now()
);
