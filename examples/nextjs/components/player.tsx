"use client";

import { useCallback, useEffect, useRef, useState } from "react";

type Props = { jobId: string; s3Key: string; filename: string; url: string; startAt?: number };

/**
 * One video. Presigned URLs expire: when the <video> fails to load (an expired URL answers 403), the player
 * asks the app once for a fresh URL and goes on where it was: same position, playing if it was.
 */
export function Player({ jobId, s3Key, filename, url, startAt = 0 }: Props) {
  const video = useRef<HTMLVideoElement>(null);
  const [src, setSrc] = useState(url);
  const [failed, setFailed] = useState(false);
  const position = useRef(startAt); // kept across a change of URL
  const playing = useRef(false); // whether to play on after a change of URL
  const retried = useRef(false); // one fresh URL per failure; reset once a URL plays

  const recover = useCallback(async () => {
    if (retried.current) {
      setFailed(true);
      return;
    }
    retried.current = true;
    try {
      const response = await fetch(`/api/videos/${encodeURIComponent(jobId)}/result?refresh=1`, { cache: "no-store" });
      if (!response.ok) throw new Error(`fresh URL: ${response.status}`);
      const job: { videos: { s3_key: string; file_url: string }[] } = await response.json();
      const fresh = job.videos.find((v) => v.s3_key === s3Key);
      if (!fresh) throw new Error("the video is gone");
      setSrc(fresh.file_url);
    } catch {
      setFailed(true);
    }
  }, [jobId, s3Key]);

  // A load that fails before React hydrates the page fires its error event before anyone listens.
  useEffect(() => {
    if (video.current?.error && !retried.current) void recover();
  }, [recover]);

  return (
    <figure>
      <video
        ref={video}
        src={src}
        controls
        playsInline
        preload="metadata"
        data-s3-key={s3Key}
        onLoadedMetadata={(e) => {
          const element = e.currentTarget;
          if (position.current > 0 && Math.abs(element.currentTime - position.current) > 0.1) {
            element.currentTime = Math.min(position.current, element.duration || position.current);
          }
          if (playing.current) void element.play().catch(() => {});
        }}
        onTimeUpdate={(e) => {
          const element = e.currentTarget;
          // A new URL resets the element to 0 before its metadata loads: that is not where the viewer was.
          if (element.readyState >= HTMLMediaElement.HAVE_METADATA && !element.error) position.current = element.currentTime;
        }}
        onPlay={() => {
          playing.current = true;
        }}
        onPause={(e) => {
          // A failed or reloading element pauses too: that is not the viewer's choice.
          const element = e.currentTarget;
          if (!element.error && element.readyState >= HTMLMediaElement.HAVE_METADATA) playing.current = false;
        }}
        onPlaying={() => {
          retried.current = false;
          setFailed(false);
        }}
        onError={() => void recover()}
      />
      <figcaption>
        {filename}
        {failed && <span className="note"> · cannot be played right now, try again later</span>}
      </figcaption>
    </figure>
  );
}
