// Cold-start peer of VideoCompletionFunction (bench/cold): one S3 notification event file in, one signed webhook
// out, then exit:  node cold.mjs EVENT_FILE
// Warm (bench/warm): one process builds its clients once, then handles every event file in DIR, sorted by name,
// timing each with process.hrtime.bigint(); the first W (default 50) are warm-up; it ends with one JSON line of
// the measured events' figures, with the process's CPU time (user + sys, process.cpuUsage()) over them:
//   node cold.mjs --warm DIR [W]
// Same calls as the Java handler makes for the benchmark's objects (a new single-video job, a 4 KiB object of
// random bytes, no poster), with the same conditions; BENCHMARKS.md counts them:
//   S3 HeadObject;
//   DynamoDB UpdateItem of the key index item key#<key> (KeyIndex.claim: the key is the job's unless a later
//   sequencer was seen);
//   S3 ranged GetObject of the first bytes of that version (If-Match its ETag; VideoFactsReader), whose magic
//   numbers are checked: the benchmark's random bytes are neither MP4 nor WebM, so the facts stay unknown there
//   as in Java (this peer does not parse containers, and refuses a file that is one);
//   DynamoDB GetItem of the image index images#<base name> (Posters.posterOf; this peer refuses a video that
//   has a poster);
//   a conditional PutItem that records the video and, the job having one video, takes the delivery lease
//   (VideoTable.recordVideo with DeliveryLedger.startWith);
//   a 1 h presigned GET URL and a Standard Webhooks-signed POST;
//   a conditional UpdateItem that records the outcome and releases the lease (DeliveryLedger.recordOutcome).
// Not reproduced (no benchmark event reaches them): multi-video jobs, keys moving between jobs, posters, parsing
// MP4/WebM facts, Retry-After and 410 answers, resending after a duplicate event (the peer only says "duplicate").
// Configuration: the handler's environment variables (AWS_REGION, VIDEO_BUCKET, VIDEO_TABLE, WEBHOOK_URL,
// WEBHOOK_SECRET, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_DYNAMODB); credentials from the SDK's default chain.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createHash, createHmac } from 'node:crypto';
import { S3Client, HeadObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand, ConditionalCheckFailedException }
  from '@aws-sdk/client-dynamodb';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

const TTL_SECONDS = 3600;
// What the Java function's benchmark context and classes say: 60 s left, JobDelivery.LEASE_MARGIN,
// ByteRanges.HEAD_BYTES, the first step of JobDelivery.SCHEDULE, ObjectEvent.SEQUENCER_WIDTH.
const REMAINING_MILLIS = 60_000;
const LEASE_MARGIN_SECONDS = 15;
const HEAD_BYTES = 64 * 1024;
const FIRST_RETRY_SECONDS = 5;
const SEQUENCER_WIDTH = 24;
const EBML_MAGIC = '1a45dfa3';
const ISO_FIRST_BOXES = new Set(['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide', 'pnot', 'styp']);
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

/** One event (the text of an S3 notification): the calls listed at the top of this file, in that order. */
async function handle(peer, eventText) {
  const { bucket, table, webhookUrl, secrets, s3, dynamoDb } = peer;
  const event = JSON.parse(eventText);
  const record = event.Records[0];
  if (record.s3.bucket.name !== bucket) throw new Error(`bucket ${record.s3.bucket.name} is not VIDEO_BUCKET`);
  // S3 notification keys are form-URL-encoded: '+' is a space.
  const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
  const sequencer = comparable(record.s3.object.sequencer);

  // 1. HeadObject
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  const metadata = { ...(head.Metadata ?? {}) };
  const parts = key.split('/'); // generated_videos/{userId}/{jobId}/{filename}
  const jobId = metadata['job-id'] ?? parts[2];
  const userId = metadata['user-id'] ?? parts[1];
  if ((metadata['video-count'] ?? '1').trim() !== '1') throw new Error(`${key}: this peer handles single-video jobs only`);
  for (const control of ['job-id', 'user-id', 'video-count']) delete metadata[control];
  const etag = (head.ETag ?? '').replace(/"/g, '');
  const size = head.ContentLength ?? 0;
  const contentType = head.ContentType ?? 'binary/octet-stream';
  const now = new Date();
  const nowEpoch = Math.floor(now.getTime() / 1000);
  const deadline = now.getTime() + REMAINING_MILLIS;

  // 2. Claim the key for the job in the key index, unless a later event was seen for it.
  const values = { ':job': { S: jobId }, ':etag': { S: etag }, ':false': { BOOL: false } };
  let update = 'SET #job = :job, etag = :etag, removed = :false';
  let condition = '(attribute_not_exists(#job) OR #job = :job)';
  if (sequencer) {
    values[':seq'] = { S: sequencer };
    update += ', seq = :seq';
    condition += ' AND (attribute_not_exists(seq) OR seq <= :seq)';
  }
  let claimed;
  try {
    claimed = await dynamoDb.send(new UpdateItemCommand({ TableName: table, Key: { job_id: { S: 'key#' + key } },
      UpdateExpression: update + ' REMOVE vid', ConditionExpression: condition,
      ExpressionAttributeNames: { '#job': 'points_to' }, ExpressionAttributeValues: values,
      ReturnValues: 'ALL_OLD', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }));
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) {
      throw new Error(`${key}: claimed by another job or a later event; this peer handles new keys only`);
    }
    throw e;
  }
  if (claimed.Attributes?.moved_from) throw new Error(`${key}: moving a key between jobs is not reproduced by this peer`);

  // 3. The facts: the first bytes of this very version.
  if (size > 0) {
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key,
      Range: `bytes=0-${Math.min(HEAD_BYTES, size) - 1}`, IfMatch: `"${etag}"` }));
    const first = Buffer.from(await got.Body.transformToByteArray());
    if (first.subarray(0, 4).toString('hex') === EBML_MAGIC || ISO_FIRST_BOXES.has(first.subarray(4, 8).toString('latin1'))) {
      throw new Error(`${key}: an MP4/MOV or WebM/MKV file; this peer does not parse video facts`);
    }
  }

  // 4. The poster: the index of the images beside the video.
  const base = parts[parts.length - 1].includes('.') ? key.slice(0, key.lastIndexOf('.')) : key;
  const images = await dynamoDb.send(new GetItemCommand({ TableName: table, Key: { job_id: { S: 'images#' + base } },
    ConsistentRead: true }));
  if (images.Item?.exts) throw new Error(`${key}: has a poster image; posters are not reproduced by this peer`);

  // 5. Record the video once, starting its delivery and taking the lease in the same conditional PutItem.
  const id = webhookId(jobId, key, etag);
  const leaseUntil = Math.floor(deadline / 1000) + LEASE_MARGIN_SECONDS + 1;
  try {
    await dynamoDb.send(new PutItemCommand({
      TableName: table,
      Item: {
        job_id: { S: jobId },
        bucket: { S: bucket },
        revision: { N: '1' },
        videos: { M: { [key]: { M: {
          etag: { S: etag }, size: { N: String(size) }, type: { S: contentType }, count: { N: '1' },
          at: { N: String(nowEpoch) },
          meta: { M: Object.fromEntries(Object.entries(metadata).map(([name, value]) => [name, { S: value }])) },
          ...(sequencer ? { seq: { S: sequencer } } : {}) } } } },
        owner: { S: userId },
        webhook_id: { S: id },
        delivery_state: { S: 'PENDING' },
        attempts: { N: '0' },
        updated_at: { S: now.toISOString() },
        first_attempt_at: { N: String(nowEpoch) },
        lease_until: { N: String(leaseUntil) },
        lease_token: { N: '1' },
        due: { S: 'due' },
        next_attempt_at: { N: String(leaseUntil) },
      },
      ConditionExpression: 'attribute_not_exists(job_id)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    }));
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) {
      console.log(JSON.stringify({ job_id: jobId, outcome: 'duplicate' }));
      return;
    }
    throw e;
  }

  // 6. Presign a GET URL for an hour.
  const fileUrl = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: TTL_SECONDS });

  // 7. The signed webhook.
  const body = JSON.stringify({
    type: 'video.completed', job_id: jobId, status: 'completed', user_id: userId,
    data: { num_videos: 1, videos: [{
      filename: parts[parts.length - 1], file_path: key, s3_bucket: bucket, s3_key: key,
      file_url: fileUrl, file_url_expires_at: new Date(now.getTime() + TTL_SECONDS * 1000).toISOString(),
      file_size: size, content_type: contentType, etag, metadata,
      duration_seconds: null, width: null, height: null, video_codec: null, has_audio: null, faststart: null,
      poster_url: null, poster_url_expires_at: null }] },
    created_at: now.toISOString(),
  });
  const timestamp = Math.floor(Date.now() / 1000).toString();
  const signature = secrets.map(secret => 'v1,' + createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64'))
    .update(`${id}.${timestamp}.${body}`).digest('base64')).join(' ');
  const headers = { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': timestamp };
  if (signature) headers['webhook-signature'] = signature;
  const response = await fetch(webhookUrl, { method: 'POST', headers, body, redirect: 'manual',
    signal: AbortSignal.timeout(10_000) });
  await response.arrayBuffer();
  const delivered = response.status >= 200 && response.status <= 299;

  // 8. Record the outcome and release the lease, while the lease is still this sender's.
  const outcome = { ':state': { S: delivered ? 'DELIVERED' : 'FAILED' }, ':now': { S: new Date().toISOString() },
    ':last_status': { N: String(response.status) }, ':attempts': { N: '1' }, ':id': { S: id }, ':token': { N: '1' },
    ':pending': { S: 'PENDING' } };
  let recorded;
  if (delivered) {
    recorded = 'SET delivery_state = :state, updated_at = :now, last_status = :last_status, delivered_at = :now'
      + ' REMOVE lease_until, last_error, next_attempt_at, due ADD attempts :attempts';
  } else {
    outcome[':next_attempt_at'] = { N: String(nowEpoch + FIRST_RETRY_SECONDS) };
    outcome[':due'] = { S: 'due' };
    recorded = 'SET delivery_state = :state, updated_at = :now, last_status = :last_status,'
      + ' next_attempt_at = :next_attempt_at, due = :due REMOVE lease_until, last_error ADD attempts :attempts';
  }
  await dynamoDb.send(new UpdateItemCommand({ TableName: table, Key: { job_id: { S: jobId } }, UpdateExpression: recorded,
    ConditionExpression: 'webhook_id = :id AND lease_token = :token AND delivery_state = :pending',
    ExpressionAttributeValues: outcome, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }));
  if (!delivered) throw new Error(`webhook answered ${response.status}`);
  console.log(JSON.stringify({ job_id: jobId, outcome: 'delivered', webhook_id: id, status: response.status }));
}

/** A sequencer as ObjectEvent keeps it: upper case, right-padded with zeros to 24 digits; undefined if not one. */
function comparable(sequencer) {
  if (!sequencer || sequencer.length > SEQUENCER_WIDTH || !/^[0-9A-Fa-f]+$/.test(sequencer)) return undefined;
  return (sequencer.toUpperCase() + '0'.repeat(SEQUENCER_WIDTH)).slice(0, SEQUENCER_WIDTH);
}

/** JobDelivery.webhookId for a job of one unversioned video: the same job and version, the same id. */
function webhookId(jobId, key, etag) {
  return 'msg_' + createHash('sha256').update(`${jobId}\0${key}\0${etag}`).digest('hex').slice(0, 32);
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
  let cpuStarted;
  let spanStarted;
  for (let i = 0; i < files.length; i++) {
    if (i === warmup) {
      // The process's CPU time (user + sys, all threads) and the wall clock across the measured events.
      cpuStarted = process.cpuUsage();
      spanStarted = process.hrtime.bigint();
    }
    const eventText = readFileSync(files[i], 'utf8');
    const started = process.hrtime.bigint();
    await handle(peer, eventText);
    const elapsed = process.hrtime.bigint() - started;
    if (i >= warmup) samples.push(Number(elapsed) / 1e6);
  }
  const cpu = process.cpuUsage(cpuStarted);
  const spanMs = Number(process.hrtime.bigint() - spanStarted) / 1e6;
  const ordered = [...samples].sort((a, b) => a - b);
  console.log(JSON.stringify({ runtime: 'node', warmup, n: ordered.length, median_ms: median(ordered),
    p90_ms: percentile(ordered, 90), p99_ms: percentile(ordered, 99), min_ms: ordered[0],
    max_ms: ordered[ordered.length - 1], cpu_ms: (cpu.user + cpu.system) / 1000, span_ms: spanMs, samples_ms: samples }));
}

async function main(eventFile) {
  await handle(createPeer(), readFileSync(eventFile, 'utf8'));
}

(process.argv[2] === '--warm' ? warm(process.argv[3], process.argv[4] === undefined ? 50 : Number(process.argv[4]))
  : main(process.argv[2])).catch(error => {
  console.error(error);
  process.exitCode = 1;
});
