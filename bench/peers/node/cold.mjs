// Cold-start peer of VideoCompletionFunction (bench/cold): one S3 notification event file in, one signed webhook
// out, then exit:  node cold.mjs EVENT_FILE
// Warm (bench/warm): one process builds its clients once, then handles every event file in DIR, sorted by name,
// timing each with process.hrtime.bigint(); the first W (default 50) are warm-up; it ends with one JSON line of
// the measured events' figures:  node cold.mjs --warm DIR [W]
// Same steps as the Java handler: HeadObject, a conditional PutItem that records the video,
// a 1 h presigned GET URL, and a Standard Webhooks-signed POST that must answer 2xx.
// Configuration: the handler's environment variables (AWS_REGION, VIDEO_BUCKET, VIDEO_TABLE, WEBHOOK_URL,
// WEBHOOK_SECRET, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_DYNAMODB); credentials from the SDK's default chain.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createHash, createHmac } from 'node:crypto';
import { S3Client, HeadObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBClient, PutItemCommand, ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

const TTL_SECONDS = 3600;
const env = process.env;

function required(name) {
  const value = env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

/** What a Lambda function builds once per execution environment: configuration and the two clients. */
function createPeer() {
  const region = required('AWS_REGION');
  const bucket = required('VIDEO_BUCKET');
  const table = required('VIDEO_TABLE');
  const webhookUrl = required('WEBHOOK_URL');
  const secrets = (env.WEBHOOK_SECRET ?? '').split(/\s+/).filter(Boolean);
  // Path-style against the local endpoint; response checksums only where required (as the Java clients).
  const s3 = new S3Client({ region, endpoint: env.AWS_ENDPOINT_URL_S3, forcePathStyle: true,
    responseChecksumValidation: 'WHEN_REQUIRED', requestChecksumCalculation: 'WHEN_REQUIRED' });
  const dynamoDb = new DynamoDBClient({ region, endpoint: env.AWS_ENDPOINT_URL_DYNAMODB });
  return { bucket, table, webhookUrl, secrets, s3, dynamoDb };
}

/** One event (the text of an S3 notification): parse, HeadObject, PutItem, presign, signed POST. */
async function handle(peer, eventText) {
  const { bucket, table, webhookUrl, secrets, s3, dynamoDb } = peer;
  const event = JSON.parse(eventText);
  const record = event.Records[0];
  if (record.s3.bucket.name !== bucket) throw new Error(`bucket ${record.s3.bucket.name} is not VIDEO_BUCKET`);
  // S3 notification keys are form-URL-encoded: '+' is a space.
  const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));

  // 1. HeadObject
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  const metadata = { ...(head.Metadata ?? {}) };
  const parts = key.split('/'); // generated_videos/{userId}/{jobId}/{filename}
  const jobId = metadata['job-id'] ?? parts[2];
  const userId = metadata['user-id'] ?? parts[1];
  for (const control of ['job-id', 'user-id', 'video-count']) delete metadata[control];
  const etag = (head.ETag ?? '').replace(/"/g, '');
  const contentType = head.ContentType ?? 'binary/octet-stream';
  const now = new Date();

  // 2. Record the video once: a conditional PutItem.
  try {
    await dynamoDb.send(new PutItemCommand({
      TableName: table,
      Item: {
        job_id: { S: jobId },
        user_id: { S: userId },
        videos: { M: { [key]: { M: {
          etag: { S: etag }, size: { N: String(head.ContentLength ?? 0) },
          content_type: { S: contentType }, recorded_at: { S: now.toISOString() } } } } },
      },
      ConditionExpression: 'attribute_not_exists(job_id)',
    }));
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) {
      console.log(JSON.stringify({ job_id: jobId, outcome: 'duplicate' }));
      return;
    }
    throw e;
  }

  // 3. Presign a GET URL for an hour.
  const fileUrl = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: TTL_SECONDS });

  // 4. The signed webhook.
  const body = JSON.stringify({
    type: 'video.completed', job_id: jobId, status: 'completed', user_id: userId,
    data: { num_videos: 1, videos: [{
      filename: parts[parts.length - 1], file_path: key, s3_bucket: bucket, s3_key: key,
      file_url: fileUrl, file_url_expires_at: new Date(now.getTime() + TTL_SECONDS * 1000).toISOString(),
      file_size: head.ContentLength, content_type: contentType, etag, metadata }] },
    created_at: now.toISOString(),
  });
  const id = 'msg_' + createHash('sha256').update(`${jobId}\n${key}\n${etag}`).digest('hex').slice(0, 32);
  const timestamp = Math.floor(Date.now() / 1000).toString();
  const signature = secrets.map(secret => 'v1,' + createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64'))
    .update(`${id}.${timestamp}.${body}`).digest('base64')).join(' ');
  const headers = { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': timestamp };
  if (signature) headers['webhook-signature'] = signature;
  const response = await fetch(webhookUrl, { method: 'POST', headers, body, redirect: 'manual',
    signal: AbortSignal.timeout(10_000) });
  await response.arrayBuffer();
  if (response.status < 200 || response.status > 299) throw new Error(`webhook answered ${response.status}`);
  console.log(JSON.stringify({ job_id: jobId, outcome: 'delivered', webhook_id: id, status: response.status }));
}

/** Nearest rank: the smallest value with at least p % of the values at or below it (as the Java and Python runs). */
function percentile(ordered, p) {
  return ordered[Math.max(0, Math.ceil(p / 100 * ordered.length) - 1)];
}

function median(ordered) {
  const n = ordered.length;
  return n % 2 ? ordered[(n - 1) / 2] : (ordered[n / 2 - 1] + ordered[n / 2]) / 2;
}

async function warm(directory, warmup) {
  const peer = createPeer();
  const files = readdirSync(directory).filter(name => name.endsWith('.json')).sort().map(name => join(directory, name));
  if (files.length <= warmup) throw new Error(`${directory} has ${files.length} event files: not more than the ${warmup} warm-up events`);
  const samples = [];
  for (let i = 0; i < files.length; i++) {
    const eventText = readFileSync(files[i], 'utf8');
    const started = process.hrtime.bigint();
    await handle(peer, eventText);
    const elapsed = process.hrtime.bigint() - started;
    if (i >= warmup) samples.push(Number(elapsed) / 1e6);
  }
  const ordered = [...samples].sort((a, b) => a - b);
  console.log(JSON.stringify({ runtime: 'node', warmup, n: ordered.length, median_ms: median(ordered),
    p90_ms: percentile(ordered, 90), p99_ms: percentile(ordered, 99), min_ms: ordered[0],
    max_ms: ordered[ordered.length - 1], samples_ms: samples }));
}

async function main(eventFile) {
  await handle(createPeer(), readFileSync(eventFile, 'utf8'));
}

(process.argv[2] === '--warm' ? warm(process.argv[3], process.argv[4] === undefined ? 50 : Number(process.argv[4]))
  : main(process.argv[2])).catch(error => {
  console.error(error);
  process.exitCode = 1;
});
