import { AwsClient } from "aws4fetch";
import type { Session } from "./session";
import { parseVideo, type Job } from "./videos";

/**
 * The video-links URL API (POST /videos/urls), called from the server in the mode the stack runs:
 * VIDEO_API_AUTH=jwt (default) sends the signed-in user's token; VIDEO_API_AUTH=iam signs with SigV4 using
 * the server's AWS credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION).
 */
export type BatchAnswer = { jobs: Record<string, Job>; not_found: string[]; unprocessed?: string[] };

export class VideoApiError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
  }
}

const TIMEOUT_MS = 10_000;

export function apiUrl(): string {
  const url = process.env.VIDEO_API_URL;
  if (!url) throw new VideoApiError("VIDEO_API_URL is not set: the video-links API's URL (local: http://127.0.0.1:7072)");
  return url.replace(/\/+$/, "");
}

export function apiAuthMode(): "jwt" | "iam" {
  const mode = (process.env.VIDEO_API_AUTH ?? "jwt").toLowerCase();
  if (mode !== "jwt" && mode !== "iam") throw new VideoApiError(`VIDEO_API_AUTH must be jwt or iam, got ${mode}`);
  return mode;
}

/**
 * Fresh URLs for up to 100 jobs: one call, and one more with the ids the API left `unprocessed` whenever an
 * answer would have passed Lambda's 6 MB (each page holds at least one job, so this ends).
 */
export async function freshUrls(jobIds: string[], session: Session): Promise<BatchAnswer> {
  const all: BatchAnswer = { jobs: {}, not_found: [] };
  let pending = jobIds;
  for (let page = 0; pending.length > 0 && page < jobIds.length; page++) {
    const answer = await batchCall(pending, session);
    Object.assign(all.jobs, answer.jobs);
    all.not_found.push(...answer.not_found);
    pending = answer.unprocessed ?? [];
  }
  return all;
}

async function batchCall(jobIds: string[], session: Session): Promise<BatchAnswer> {
  const url = `${apiUrl()}/videos/urls`;
  const body = JSON.stringify({ job_ids: jobIds });
  let headers: HeadersInit = { "Content-Type": "application/json" };
  if (apiAuthMode() === "iam") {
    // Only signed by aws4fetch, sent below with the body as a string: aws4fetch's own fetch of its signed
    // Request never completed inside Next.js's server (next 16.4), where plain fetch works.
    headers = (await awsClient().sign(url, { method: "POST", headers, body })).headers;
  } else {
    headers = { ...headers, Authorization: `Bearer ${session.idToken}` };
  }
  let response: Response;
  try {
    response = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(TIMEOUT_MS), cache: "no-store" });
  } catch (error) {
    throw new VideoApiError(`URL API unreachable at ${url}: ${(error as Error).message}`);
  }
  const text = await response.text();
  if (!response.ok) {
    let code = text.slice(0, 200);
    try {
      code = JSON.parse(text).error?.code ?? code;
    } catch { /* not JSON: keep the text */ }
    throw new VideoApiError(`URL API answered ${response.status} (${code})`, response.status);
  }
  const answer = JSON.parse(text) as BatchAnswer;
  for (const job of Object.values(answer.jobs)) {
    job.videos = job.videos.map((video, i) => parseVideo(video, `jobs.${job.job_id}.videos[${i}]`));
  }
  return answer;
}

let client: AwsClient | undefined;

function awsClient(): AwsClient {
  const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION } = process.env;
  if (!AWS_ACCESS_KEY_ID || !AWS_SECRET_ACCESS_KEY) {
    throw new VideoApiError("VIDEO_API_AUTH=iam needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
  }
  client ??= new AwsClient({
    accessKeyId: AWS_ACCESS_KEY_ID,
    secretAccessKey: AWS_SECRET_ACCESS_KEY,
    sessionToken: AWS_SESSION_TOKEN,
    region: AWS_REGION,
    service: "execute-api",
  });
  return client;
}
