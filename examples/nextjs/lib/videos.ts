import { db } from "./db";

/** A job id as video-links accepts it. */
export const JOB_ID = /^[A-Za-z0-9_-]{1,128}$/;

/** One video as the webhook and the URL API describe it; fields this app does not know are kept in `facts`. */
export type Video = {
  s3_key: string;
  s3_bucket: string | null;
  filename: string;
  file_path: string;
  file_url: string;
  file_url_expires_at: string;
  file_size: number | null;
  content_type: string | null;
  etag: string | null;
  [fact: string]: unknown;
};

export type Job = {
  job_id: string;
  user_id: string | null;
  status: string;
  num_videos: number;
  created_at: string | null;
  videos: Video[];
};

/** The webhook's body, checked: `job_id`, `status`, `data.videos[]` with `s3_key` and `file_url`. */
export type Completion = {
  job: Omit<Job, "videos">;
  extra: Record<string, unknown>;
  videos: Video[];
};

export class BadPayload extends Error {}

const KNOWN_JOB_FIELDS = ["type", "job_id", "status", "user_id", "data", "created_at"];
const VIDEO_COLUMNS = ["s3_key", "s3_bucket", "filename", "file_path", "file_url", "file_url_expires_at",
  "file_size", "content_type", "etag"];

/** Reads a completion webhook's body (already verified); throws BadPayload naming what is wrong. */
export function parseCompletion(body: unknown): Completion {
  if (!isObject(body)) throw new BadPayload("the body is not a JSON object");
  const jobId = body.job_id;
  if (typeof jobId !== "string" || !JOB_ID.test(jobId)) throw new BadPayload("job_id is missing or invalid");
  if (typeof body.status !== "string") throw new BadPayload("status is missing");
  const data = body.data;
  if (!isObject(data) || !Array.isArray(data.videos) || data.videos.length === 0) {
    throw new BadPayload("data.videos is missing or empty");
  }
  const videos = data.videos.map((video, i) => parseVideo(video, `data.videos[${i}]`));
  const extra = Object.fromEntries(Object.entries(body).filter(([key]) => !KNOWN_JOB_FIELDS.includes(key)));
  const dataExtra = Object.fromEntries(Object.entries(data).filter(([key]) => key !== "videos" && key !== "num_videos"));
  if (Object.keys(dataExtra).length > 0) extra.data = dataExtra;
  return {
    job: {
      job_id: jobId,
      user_id: typeof body.user_id === "string" ? body.user_id : null,
      status: body.status,
      num_videos: typeof data.num_videos === "number" ? data.num_videos : videos.length,
      created_at: typeof body.created_at === "string" ? body.created_at : null,
    },
    extra,
    videos,
  };
}

export function parseVideo(video: unknown, where: string): Video {
  if (!isObject(video)) throw new BadPayload(`${where} is not an object`);
  for (const field of ["s3_key", "file_url", "file_url_expires_at"]) {
    if (typeof video[field] !== "string" || video[field] === "") throw new BadPayload(`${where}.${field} is missing`);
  }
  if (Number.isNaN(Date.parse(video.file_url_expires_at as string))) {
    throw new BadPayload(`${where}.file_url_expires_at is not a date`);
  }
  const key = video.s3_key as string;
  return {
    ...video,
    s3_key: key,
    s3_bucket: typeof video.s3_bucket === "string" ? video.s3_bucket : null,
    filename: typeof video.filename === "string" ? video.filename : key.slice(key.lastIndexOf("/") + 1),
    file_path: key,
    file_url: video.file_url as string,
    file_url_expires_at: video.file_url_expires_at as string,
    file_size: typeof video.file_size === "number" ? video.file_size : null,
    content_type: typeof video.content_type === "string" ? video.content_type : null,
    etag: typeof video.etag === "string" ? video.etag : null,
  };
}

/**
 * Stores a verified webhook once per webhook-id, all in one transaction: a retry or a replay of the same
 * delivery changes nothing. A later delivery for the same job (a new version of a video) replaces its videos.
 */
export function recordCompletion(webhookId: string, completion: Completion, now = new Date()):
  "stored" | "duplicate" | "outdated" {
  const connection = db();
  return connection.transaction(() => {
    const first = connection.prepare(
      "INSERT INTO webhook_deliveries (webhook_id, job_id, received_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
    ).run(webhookId, completion.job.job_id, now.toISOString());
    if (first.changes === 0) return "duplicate";
    const { job } = completion;
    // A late redelivery of an older version must not replace what a newer delivery stored.
    const stored = connection.prepare("SELECT created_at FROM jobs WHERE job_id = ?").get(job.job_id) as
      { created_at: string | null } | undefined;
    if (stored?.created_at && job.created_at && Date.parse(job.created_at) < Date.parse(stored.created_at)) {
      return "outdated";
    }
    connection.prepare(`
      INSERT INTO jobs (job_id, user_id, status, num_videos, created_at, updated_at, extra)
      VALUES (@job_id, @user_id, @status, @num_videos, @created_at, @updated_at, @extra)
      ON CONFLICT (job_id) DO UPDATE SET user_id = excluded.user_id, status = excluded.status,
        num_videos = excluded.num_videos, created_at = excluded.created_at, updated_at = excluded.updated_at,
        extra = excluded.extra`,
    ).run({ ...job, updated_at: now.toISOString(), extra: JSON.stringify(completion.extra) });
    replaceVideos(job.job_id, completion.videos);
    return "stored";
  }).immediate();
}

/** The job as stored, or null. */
export function findJob(jobId: string): Job | null {
  const row = db().prepare("SELECT job_id, user_id, status, num_videos, created_at FROM jobs WHERE job_id = ?")
    .get(jobId) as Omit<Job, "videos"> | undefined;
  if (!row) return null;
  const videos = (db().prepare("SELECT * FROM videos WHERE job_id = ? ORDER BY position").all(jobId) as VideoRow[])
    .map(fromRow);
  return { ...row, videos };
}

/** The user's most recent jobs, newest first. */
export function listJobs(userId: string, limit = 24): Job[] {
  const ids = db().prepare("SELECT job_id FROM jobs WHERE user_id = ? ORDER BY updated_at DESC, job_id LIMIT ?")
    .all(userId, limit) as { job_id: string }[];
  return ids.map(({ job_id }) => findJob(job_id)!);
}

/** Stores fresh URLs from the URL API: the API's answer is the job's current truth (removed videos drop out). */
export function saveFreshJob(job: Pick<Job, "job_id" | "status" | "videos">, now = new Date()) {
  const connection = db();
  connection.transaction(() => {
    connection.prepare("UPDATE jobs SET status = ?, updated_at = ? WHERE job_id = ?")
      .run(job.status, now.toISOString(), job.job_id);
    replaceVideos(job.job_id, job.videos);
  }).immediate();
}

type VideoRow = {
  job_id: string; s3_key: string; s3_bucket: string | null; filename: string; file_url: string;
  file_url_expires_at: string; file_size: number | null; content_type: string | null; etag: string | null;
  facts: string; position: number;
};

function replaceVideos(jobId: string, videos: Video[]) {
  const connection = db();
  connection.prepare("DELETE FROM videos WHERE job_id = ?").run(jobId);
  const insert = connection.prepare(`
    INSERT INTO videos (job_id, s3_key, s3_bucket, filename, file_url, file_url_expires_at, file_size,
      content_type, etag, facts, position)
    VALUES (@job_id, @s3_key, @s3_bucket, @filename, @file_url, @file_url_expires_at, @file_size,
      @content_type, @etag, @facts, @position)`);
  videos.forEach((video, position) => {
    const facts = Object.fromEntries(Object.entries(video).filter(([key]) => !VIDEO_COLUMNS.includes(key)));
    insert.run({
      job_id: jobId, s3_key: video.s3_key, s3_bucket: video.s3_bucket, filename: video.filename,
      file_url: video.file_url, file_url_expires_at: video.file_url_expires_at, file_size: video.file_size,
      content_type: video.content_type, etag: video.etag, facts: JSON.stringify(facts), position,
    });
  });
}

function fromRow(row: VideoRow): Video {
  return {
    ...JSON.parse(row.facts),
    s3_key: row.s3_key,
    s3_bucket: row.s3_bucket,
    filename: row.filename,
    file_path: row.s3_key,
    file_url: row.file_url,
    file_url_expires_at: row.file_url_expires_at,
    file_size: row.file_size,
    content_type: row.content_type,
    etag: row.etag,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A presigned URL without its query string (the signature): what may be logged. */
export function redact(url: string): string {
  const i = url.indexOf("?");
  return i < 0 ? url : `${url.slice(0, i)}?…`;
}
