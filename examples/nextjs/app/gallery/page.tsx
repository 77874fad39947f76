import { getSession } from "@/lib/session";
import { apiAuthMode, apiUrl, freshUrls } from "@/lib/video-api";
import { listJobs } from "@/lib/videos";
import { Gallery } from "./gallery";

export const dynamic = "force-dynamic";

/**
 * All the user's recent videos. In JWT mode the browser asks the URL API itself for fresh URLs, in one
 * POST /videos/urls with the user's token (the API's CorsAllowedOrigins must list this app's origin). In IAM
 * mode only the server can sign, so the page asks on the server, with the same single call.
 */
export default async function GalleryPage() {
  const session = await getSession();
  if (!session) return <p>Sign in to see your videos.</p>;
  const jobIds = listJobs(session.userId, 100).map((job) => job.job_id);
  if (jobIds.length === 0) return <p>No videos yet.</p>;
  if (apiAuthMode() === "iam") {
    const answer = await freshUrls(jobIds, session);
    return <Gallery jobIds={jobIds} initial={answer} />;
  }
  return <Gallery jobIds={jobIds} api={{ url: apiUrl(), token: session.idToken }} />;
}
