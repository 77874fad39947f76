import { Webhook, WebhookVerificationError } from "standardwebhooks";
import { BadPayload, parseCompletion, recordCompletion, redact } from "@/lib/videos";

// better-sqlite3 and the raw body need Node.js, not the edge runtime.
export const runtime = "nodejs";

/**
 * video-links' completion webhook. The body is verified as it arrived (Standard Webhooks: webhook-id,
 * webhook-timestamp, webhook-signature) with every secret in WEBHOOK_SECRET (space-separated while rotating),
 * then stored once per webhook-id. 2xx tells video-links it is delivered; 401 and 400 are permanent for that
 * delivery; 5xx makes video-links retry later, so nothing is lost while the app is misconfigured.
 */
export async function POST(request: Request) {
  let verifiers: Webhook[];
  try {
    verifiers = webhookVerifiers();
  } catch (error) {
    console.error(`[webhook] ${(error as Error).message}`);
    return Response.json({ error: "webhook receiver not configured" }, { status: 500 });
  }
  const body = await request.text();
  const headers = Object.fromEntries(request.headers);
  if (!verifies(verifiers, body, headers)) {
    console.warn(`[webhook] rejected ${headers["webhook-id"] ?? "(no webhook-id)"}: bad or missing signature`);
    return Response.json({ error: "invalid signature" }, { status: 401 });
  }
  let completion;
  try {
    completion = parseCompletion(JSON.parse(body));
  } catch (error) {
    if (!(error instanceof BadPayload || error instanceof SyntaxError)) throw error;
    console.error(`[webhook] ${headers["webhook-id"]}: unusable body: ${error.message}`);
    return Response.json({ error: error.message }, { status: 400 });
  }
  const outcome = recordCompletion(headers["webhook-id"], completion);
  console.log(`[webhook] ${headers["webhook-id"]} ${outcome}: job ${completion.job.job_id}, `
    + completion.videos.map((v) => `${v.s3_key} -> ${redact(v.file_url)}`).join(", "));
  return Response.json({ status: outcome });
}

function webhookVerifiers(): Webhook[] {
  const secrets = (process.env.WEBHOOK_SECRET ?? "").split(/\s+/).filter(Boolean);
  if (secrets.length === 0) {
    throw new Error("WEBHOOK_SECRET is not set: put the stack's whsec_… value in .env.local (the local stack prints it)");
  }
  return secrets.map((secret, i) => {
    try {
      return new Webhook(secret);
    } catch {
      throw new Error(`WEBHOOK_SECRET entry ${i + 1} of ${secrets.length} is not a whsec_<base64> secret`);
    }
  });
}

function verifies(verifiers: Webhook[], body: string, headers: Record<string, string>): boolean {
  for (const verifier of verifiers) {
    try {
      verifier.verify(body, headers, { jsonParse: false });
      return true;
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
    }
  }
  return false;
}
