import Database from "better-sqlite3";
import fs from "node:fs";
import path from "node:path";

/**
 * The app's database: SQLite through better-sqlite3, one connection per server process, the schema created
 * when it opens (at server start, see instrumentation.ts). DATABASE_PATH names the file.
 */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS jobs (
    job_id      TEXT PRIMARY KEY,
    user_id     TEXT,
    status      TEXT NOT NULL,
    num_videos  INTEGER NOT NULL,
    created_at  TEXT,               -- the webhook's created_at
    updated_at  TEXT NOT NULL,
    extra       TEXT NOT NULL DEFAULT '{}'  -- every other top-level field of the webhook, as JSON
  );
  CREATE TABLE IF NOT EXISTS videos (
    job_id              TEXT NOT NULL REFERENCES jobs(job_id) ON DELETE CASCADE,
    s3_key              TEXT NOT NULL,
    s3_bucket           TEXT,
    filename            TEXT NOT NULL,
    file_url            TEXT NOT NULL,  -- presigned: a bearer token that expires, never logged whole
    file_url_expires_at TEXT NOT NULL,  -- ISO-8601
    file_size           INTEGER,
    content_type        TEXT,
    etag                TEXT,
    facts               TEXT NOT NULL DEFAULT '{}',  -- metadata, video facts, poster_url... as JSON
    position            INTEGER NOT NULL,
    PRIMARY KEY (job_id, s3_key)
  );
  CREATE TABLE IF NOT EXISTS webhook_deliveries (
    webhook_id  TEXT PRIMARY KEY,       -- Standard Webhooks' webhook-id: the same for every retry
    job_id      TEXT NOT NULL,
    received_at TEXT NOT NULL
  );
`;

export type Db = Database.Database;

declare global {
  // Kept on globalThis so that `next dev` reloading modules does not open a connection per reload.
  var videoLinksDb: Db | undefined;
}

export function db(): Db {
  globalThis.videoLinksDb ??= openDb(process.env.DATABASE_PATH || "data/videos.db");
  return globalThis.videoLinksDb;
}

export function openDb(file: string): Db {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const connection = new Database(file);
  connection.pragma("journal_mode = WAL");
  connection.pragma("busy_timeout = 5000");
  connection.pragma("foreign_keys = ON");
  connection.exec(SCHEMA);
  return connection;
}
