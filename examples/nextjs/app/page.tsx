import Link from "next/link";
import { getSession } from "@/lib/session";
import { listJobs } from "@/lib/videos";

export const dynamic = "force-dynamic";

export default async function Home() {
  const session = await getSession();
  if (!session) return <p>Sign in to see your videos.</p>;
  const jobs = listJobs(session.userId);
  return (
    <>
      <h1>Your video jobs</h1>
      {jobs.length === 0 && <p>No videos yet: they appear here when video-links calls the webhook.</p>}
      <ul>
        {jobs.map((job) => (
          <li key={job.job_id}>
            <Link href={`/videos/${job.job_id}`}>{job.job_id}</Link>{" "}
            <span className="muted">{job.status}, {job.videos.length} video(s)</span>
          </li>
        ))}
      </ul>
    </>
  );
}
