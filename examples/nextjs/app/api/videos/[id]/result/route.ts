import { NextResponse, type NextRequest } from "next/server";
import { playableJob } from "@/lib/playable";
import { getSession } from "@/lib/session";
import { VideoApiError } from "@/lib/video-api";
import { JOB_ID } from "@/lib/videos";

export const runtime = "nodejs";

/**
 * GET /api/videos/{id}/result: the signed-in user's job with playable URLs (refreshed when they expire
 * within five minutes). `?refresh=1` forces fresh URLs: the player asks so when a URL failed to load.
 */
export async function GET(request: NextRequest, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const session = await getSession();
  if (!session) return error(401, "unauthorized", "sign in first");
  if (!JOB_ID.test(id)) return error(400, "bad_request", "invalid job id");
  try {
    const job = await playableJob(id, session, { force: request.nextUrl.searchParams.get("refresh") === "1" });
    if (!job) return error(404, "not_found", `no job ${id}`);
    return NextResponse.json(job, { headers: { "Cache-Control": "private, no-store" } });
  } catch (e) {
    if (!(e instanceof VideoApiError)) throw e;
    console.error(`[result] job ${id}: ${e.message}`);
    return error(502, "url_api_unavailable", "fresh URLs cannot be had right now");
  }
}

function error(status: number, code: string, message: string) {
  return NextResponse.json({ error: { code, message } }, { status, headers: { "Cache-Control": "no-store" } });
}
