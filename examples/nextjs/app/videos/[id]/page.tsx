import { notFound } from "next/navigation";
import { playableJob } from "@/lib/playable";
import { getSession } from "@/lib/session";
import { JOB_ID } from "@/lib/videos";
import { Player } from "@/components/player";

export const dynamic = "force-dynamic";

/** One job's videos, each in a player that recovers from an expired URL. `?t=12.5` starts at 12.5 s. */
export default async function VideoPage({ params, searchParams }: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const [{ id }, query] = await Promise.all([params, searchParams]);
  const session = await getSession();
  if (!session) return <p>Sign in to see this video.</p>;
  if (!JOB_ID.test(id)) notFound();
  const job = await playableJob(id, session);
  if (!job) notFound();
  const startAt = Math.max(0, Number(query.t) || 0);
  return (
    <>
      <h1>Job {job.job_id}</h1>
      <p className="muted">{job.status} · {job.videos.length} video(s)</p>
      <div className="videos">
        {job.videos.map((video) => (
          <Player key={video.s3_key} jobId={job.job_id} s3Key={video.s3_key} filename={video.filename}
            url={video.file_url} startAt={startAt} />
        ))}
      </div>
    </>
  );
}
