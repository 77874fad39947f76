"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { Player } from "@/components/player";

type Video = { s3_key: string; filename: string; file_url: string };
type Answer = { jobs: Record<string, { job_id: string; videos: Video[] }>; not_found: string[]; unprocessed?: string[] };

/** Fresh URLs for every job of the page in one call to the URL API, straight from the browser. */
export function Gallery({ jobIds, api, initial }: {
  jobIds: string[];
  api?: { url: string; token: string };
  initial?: Answer;
}) {
  const [answer, setAnswer] = useState<Answer | undefined>(initial);
  const [error, setError] = useState<string>();
  const ids = jobIds.join(",");

  useEffect(() => {
    if (!api) return;
    const controller = new AbortController();
    (async () => {
      const all: Answer = { jobs: {}, not_found: [] };
      let pending = ids.split(",");
      // An answer that would pass the API's 6 MB lists the rest in `unprocessed`: ask again for those.
      for (let page = 0; pending.length > 0 && page < 100; page++) {
        const response = await fetch(`${api.url}/videos/urls`, {
          method: "POST",
          headers: { Authorization: `Bearer ${api.token}`, "Content-Type": "application/json" },
          body: JSON.stringify({ job_ids: pending, expires_in: 900 }),
          signal: controller.signal,
        });
        if (!response.ok) throw new Error(`the URL API answered ${response.status}`);
        const answer: Answer = await response.json();
        Object.assign(all.jobs, answer.jobs);
        all.not_found.push(...answer.not_found);
        pending = answer.unprocessed ?? [];
      }
      setAnswer(all);
    })().catch((e: Error) => {
      if (!controller.signal.aborted) setError(e.message);
    });
    return () => controller.abort();
  }, [api?.url, api?.token, ids]); // eslint-disable-line react-hooks/exhaustive-deps

  if (error) return <p className="note">Videos cannot be loaded right now ({error}).</p>;
  if (!answer) return <p className="muted">Loading…</p>;
  return (
    <>
      <h1>Gallery</h1>
      <div className="videos">
        {jobIds.flatMap((id) => answer.jobs[id]?.videos.map((video) => (
          <div key={video.s3_key}>
            <Player jobId={id} s3Key={video.s3_key} filename={video.filename} url={video.file_url} />
            <Link href={`/videos/${id}`} className="muted">job {id}</Link>
          </div>
        )) ?? [])}
      </div>
    </>
  );
}
