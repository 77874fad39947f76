import type { Session } from "./session";
import { freshUrls, VideoApiError } from "./video-api";
import { findJob, redact, saveFreshJob, type Job } from "./videos";

/** URLs that expire within this margin are replaced before a page gets them. */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;

export type PlayableJob = Job & { refreshed: boolean };

/**
 * The user's job with URLs a browser can play: the stored URLs while they have more than five minutes left,
 * otherwise fresh ones from the URL API (one batch call), stored back. `force` asks for fresh URLs whatever
 * the stored expiry says (a player whose URL failed). If the API cannot be reached, a page still gets the
 * stored URLs (they may yet play; the player asks again if they fail); a forced refresh fails instead.
 * Null when the job is unknown or another user's.
 */
export async function playableJob(jobId: string, session: Session, { force = false, now = Date.now() } = {}):
  Promise<PlayableJob | null> {
  const job = findJob(jobId);
  if (!job || job.user_id !== session.userId) return null;
  const expiring = job.videos.filter((v) => Date.parse(v.file_url_expires_at) - now < REFRESH_MARGIN_MS);
  if (!force && expiring.length === 0) return { ...job, refreshed: false };
  try {
    const answer = await freshUrls([jobId], session);
    const fresh = answer.jobs[jobId];
    if (!fresh) return null; // every video of the job was deleted, or the API does not know it
    saveFreshJob(fresh);
    console.log(`[result] job ${jobId}: ${fresh.videos.length} fresh URL(s) in one batch call`
      + ` (${force ? "asked by the player" : `${expiring.length} expiring`}), e.g. ${redact(fresh.videos[0]?.file_url ?? "")}`);
    return { ...findJob(jobId)!, refreshed: true };
  } catch (error) {
    if (force || !(error instanceof VideoApiError)) throw error;
    console.error(`[result] job ${jobId}: keeping the stored URLs, no fresh ones: ${error.message}`);
    return { ...job, refreshed: false };
  }
}
