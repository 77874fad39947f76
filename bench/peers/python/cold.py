"""Cold-start peer of VideoCompletionFunction (bench/cold): Python 3 + boto3 (Debian's python3-boto3).

One S3 notification event file in, one signed webhook out, then exit:  cold.py EVENT_FILE
Warm (bench/warm): one process builds its clients once, then handles every event file in DIR, sorted by
name, timing each with time.perf_counter(); the first W (default 50) are warm-up; it ends with one JSON
line of the measured events' figures, with the process's CPU time (user + sys, time.process_time()) over
them:  cold.py --warm DIR [W]
Same calls as the Java handler makes for the benchmark's objects (a new single-video job, a 4 KiB object of random
bytes, no poster), with the same conditions; BENCHMARKS.md counts them:
  S3 HeadObject;
  DynamoDB UpdateItem of the key index item key#<key> (KeyIndex.claim: the key is the job's unless a later
  sequencer was seen);
  S3 ranged GetObject of the first bytes of that version (If-Match its ETag; VideoFactsReader), whose magic
  numbers are checked: the benchmark's random bytes are neither MP4 nor WebM, so the facts stay unknown there as
  in Java (this peer does not parse containers, and refuses a file that is one);
  DynamoDB GetItem of the image index images#<base name> (Posters.posterOf; this peer refuses a video that has
  a poster);
  a conditional PutItem that records the video and, the job having one video, takes the delivery lease
  (VideoTable.recordVideo with DeliveryLedger.startWith);
  a 1 h presigned GET URL and a Standard Webhooks-signed POST;
  a conditional UpdateItem that records the outcome and releases the lease (DeliveryLedger.recordOutcome).
Not reproduced (no benchmark event reaches them): multi-video jobs, keys moving between jobs, posters, parsing
MP4/WebM facts, Retry-After and 410 answers, resending after a duplicate event (the peer only says "duplicate"). boto3 1.26 cannot send ReturnValuesOnConditionCheckFailure (it only
changes what a failed condition answers; no condition fails here). Configuration: the handler's environment
variables (AWS_REGION, VIDEO_BUCKET, VIDEO_TABLE, WEBHOOK_URL, WEBHOOK_SECRET, AWS_ENDPOINT_URL_S3,
AWS_ENDPOINT_URL_DYNAMODB); credentials from the SDK's default chain. Run it with /usr/bin/python3 (Debian's,
where python3-boto3 is).
"""
import base64
import datetime
import hashlib
import hmac
import json
import math
import os
import string
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import boto3
from botocore.config import Config

TTL_SECONDS = 3600
# What the Java function's benchmark context and classes say: 60 s left, JobDelivery.LEASE_MARGIN,
# ByteRanges.HEAD_BYTES, the first step of JobDelivery.SCHEDULE, ObjectEvent.SEQUENCER_WIDTH.
REMAINING_MILLIS = 60_000
LEASE_MARGIN = datetime.timedelta(seconds=15)
HEAD_BYTES = 64 * 1024
FIRST_RETRY_SECONDS = 5
SEQUENCER_WIDTH = 24
EBML_MAGIC = bytes.fromhex("1a45dfa3")
ISO_FIRST_BOXES = {b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot", b"styp"}


def required(name):
    value = os.environ.get(name)
    if not value:
        raise SystemExit(f"{name} is required")
    return value


def iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


class Peer:
    """What a Lambda function builds once per execution environment: configuration and the two clients."""

    def __init__(self):
        self.region = required("AWS_REGION")
        self.bucket = required("VIDEO_BUCKET")
        self.table = required("VIDEO_TABLE")
        self.webhook_url = required("WEBHOOK_URL")
        self.secrets = os.environ.get("WEBHOOK_SECRET", "").split()
        # botocore 1.29 does not read AWS_ENDPOINT_URL_* itself (1.31 does): pass them. Path-style, SigV4.
        self.s3 = boto3.client("s3", region_name=self.region, endpoint_url=os.environ.get("AWS_ENDPOINT_URL_S3"),
                               config=Config(signature_version="s3v4", s3={"addressing_style": "path"}))
        self.dynamodb = boto3.client("dynamodb", region_name=self.region,
                                     endpoint_url=os.environ.get("AWS_ENDPOINT_URL_DYNAMODB"))

    def handle(self, event_bytes):
        """One event (the bytes of an S3 notification): the calls listed at the top of this file, in that order."""
        bucket, table, s3, dynamodb = self.bucket, self.table, self.s3, self.dynamodb
        event = json.loads(event_bytes)
        record = event["Records"][0]
        if record["s3"]["bucket"]["name"] != bucket:
            raise SystemExit(f"bucket {record['s3']['bucket']['name']} is not VIDEO_BUCKET")
        # S3 notification keys are form-URL-encoded: '+' is a space.
        key = urllib.parse.unquote_plus(record["s3"]["object"]["key"])
        sequencer = comparable(record["s3"]["object"].get("sequencer"))

        # 1. HeadObject
        head = s3.head_object(Bucket=bucket, Key=key)
        metadata = dict(head.get("Metadata", {}))
        parts = key.split("/")  # generated_videos/{userId}/{jobId}/{filename}
        job_id = metadata.get("job-id") or parts[2]
        user_id = metadata.get("user-id") or parts[1]
        if metadata.get("video-count", "1").strip() != "1":
            raise SystemExit(f"{key}: this peer handles single-video jobs only")
        for control in ("job-id", "user-id", "video-count"):
            metadata.pop(control, None)
        etag = head.get("ETag", "").strip('"')
        size = head["ContentLength"]
        content_type = head.get("ContentType") or "binary/octet-stream"
        now = datetime.datetime.now(datetime.timezone.utc)
        deadline = now + datetime.timedelta(milliseconds=REMAINING_MILLIS)

        # 2. Claim the key for the job in the key index, unless a later event was seen for it.
        values = {":job": {"S": job_id}, ":etag": {"S": etag}, ":false": {"BOOL": False}}
        update = "SET #job = :job, etag = :etag, removed = :false"
        condition = "(attribute_not_exists(#job) OR #job = :job)"
        if sequencer:
            values[":seq"] = {"S": sequencer}
            update += ", seq = :seq"
            condition += " AND (attribute_not_exists(seq) OR seq <= :seq)"
        try:
            old = dynamodb.update_item(
                TableName=table, Key={"job_id": {"S": "key#" + key}}, UpdateExpression=update + " REMOVE vid",
                ConditionExpression=condition, ExpressionAttributeNames={"#job": "points_to"},
                ExpressionAttributeValues=values, ReturnValues="ALL_OLD").get("Attributes", {})
        except dynamodb.exceptions.ConditionalCheckFailedException:
            raise SystemExit(f"{key}: claimed by another job or a later event; this peer handles new keys only")
        if "moved_from" in old:
            raise SystemExit(f"{key}: moving a key between jobs is not reproduced by this peer")

        # 3. The facts: the first bytes of this very version.
        if size > 0:
            first = s3.get_object(Bucket=bucket, Key=key, Range=f"bytes=0-{min(HEAD_BYTES, size) - 1}",
                                  IfMatch=f'"{etag}"')["Body"].read()
            if first[:4] == EBML_MAGIC or first[4:8] in ISO_FIRST_BOXES:
                raise SystemExit(f"{key}: an MP4/MOV or WebM/MKV file; this peer does not parse video facts")

        # 4. The poster: the index of the images beside the video.
        base = key[:key.rindex(".")] if "." in parts[-1] else key
        images = dynamodb.get_item(TableName=table, Key={"job_id": {"S": "images#" + base}}, ConsistentRead=True)
        if "exts" in images.get("Item", {}):
            raise SystemExit(f"{key}: has a poster image; posters are not reproduced by this peer")

        # 5. Record the video once, starting its delivery and taking the lease in the same conditional PutItem.
        webhook_id = webhook_id_of(job_id, key, etag)
        lease_until = int((deadline + LEASE_MARGIN).timestamp()) + 1
        try:
            dynamodb.put_item(
                TableName=table,
                Item={
                    "job_id": {"S": job_id},
                    "bucket": {"S": bucket},
                    "revision": {"N": "1"},
                    "videos": {"M": {key: {"M": {
                        "etag": {"S": etag}, "size": {"N": str(size)}, "type": {"S": content_type},
                        "count": {"N": "1"}, "at": {"N": str(int(now.timestamp()))},
                        "meta": {"M": {name: {"S": value} for name, value in metadata.items()}},
                        **({"seq": {"S": sequencer}} if sequencer else {})}}}},
                    "owner": {"S": user_id},
                    "webhook_id": {"S": webhook_id},
                    "delivery_state": {"S": "PENDING"},
                    "attempts": {"N": "0"},
                    "updated_at": {"S": iso(now)},
                    "first_attempt_at": {"N": str(int(now.timestamp()))},
                    "lease_until": {"N": str(lease_until)},
                    "lease_token": {"N": "1"},
                    "due": {"S": "due"},
                    "next_attempt_at": {"N": str(lease_until)},
                },
                ConditionExpression="attribute_not_exists(job_id)",
            )
        except dynamodb.exceptions.ConditionalCheckFailedException:
            print(json.dumps({"job_id": job_id, "outcome": "duplicate"}))
            return

        # 6. Presign a GET URL for an hour.
        file_url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=TTL_SECONDS)

        # 7. The signed webhook.
        body = json.dumps({
            "type": "video.completed", "job_id": job_id, "status": "completed", "user_id": user_id,
            "data": {"num_videos": 1, "videos": [{
                "filename": parts[-1], "file_path": key, "s3_bucket": bucket, "s3_key": key,
                "file_url": file_url, "file_url_expires_at": iso(now + datetime.timedelta(seconds=TTL_SECONDS)),
                "file_size": size, "content_type": content_type, "etag": etag, "metadata": metadata,
                "duration_seconds": None, "width": None, "height": None, "video_codec": None, "has_audio": None,
                "faststart": None, "poster_url": None, "poster_url_expires_at": None}]},
            "created_at": iso(now),
        }, separators=(",", ":")).encode("utf-8")
        timestamp = str(int(time.time()))
        signed = f"{webhook_id}.{timestamp}.".encode("utf-8") + body
        signature = " ".join(
            "v1," + base64.b64encode(hmac.new(base64.b64decode(secret[len("whsec_"):]), signed, hashlib.sha256).digest()).decode()
            for secret in self.secrets)
        headers = {"Content-Type": "application/json", "webhook-id": webhook_id, "webhook-timestamp": timestamp}
        if signature:
            headers["webhook-signature"] = signature
        request = urllib.request.Request(self.webhook_url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # raises on 4xx/5xx
                response.read()
                status = response.status
        except urllib.error.HTTPError as e:
            status = e.code
        delivered = 200 <= status <= 299

        # 8. Record the outcome and release the lease, while the lease is still this sender's.
        ended = datetime.datetime.now(datetime.timezone.utc)
        values = {":state": {"S": "DELIVERED" if delivered else "FAILED"}, ":now": {"S": iso(ended)},
                  ":last_status": {"N": str(status)}, ":attempts": {"N": "1"}, ":id": {"S": webhook_id},
                  ":token": {"N": "1"}, ":pending": {"S": "PENDING"}}
        if delivered:
            update = ("SET delivery_state = :state, updated_at = :now, last_status = :last_status, delivered_at = :now"
                      " REMOVE lease_until, last_error, next_attempt_at, due ADD attempts :attempts")
        else:
            values[":next_attempt_at"] = {"N": str(int(now.timestamp()) + FIRST_RETRY_SECONDS)}
            values[":due"] = {"S": "due"}
            update = ("SET delivery_state = :state, updated_at = :now, last_status = :last_status,"
                      " next_attempt_at = :next_attempt_at, due = :due REMOVE lease_until, last_error ADD attempts :attempts")
        dynamodb.update_item(
            TableName=table, Key={"job_id": {"S": job_id}}, UpdateExpression=update,
            ConditionExpression="webhook_id = :id AND lease_token = :token AND delivery_state = :pending",
            ExpressionAttributeValues=values)
        if not delivered:
            raise SystemExit(f"webhook answered {status}")
        print(json.dumps({"job_id": job_id, "outcome": "delivered", "webhook_id": webhook_id, "status": status}))


def comparable(sequencer):
    """A sequencer as ObjectEvent keeps it: upper case, right-padded with zeros to 24 digits; None if not one."""
    if not sequencer or len(sequencer) > SEQUENCER_WIDTH or any(c not in string.hexdigits for c in sequencer):
        return None
    return (sequencer.upper() + "0" * SEQUENCER_WIDTH)[:SEQUENCER_WIDTH]


def webhook_id_of(job_id, key, etag):
    """JobDelivery.webhookId for a job of one unversioned video: the same job and version, the same id."""
    digest = hashlib.sha256(job_id.encode("utf-8") + b"\0" + key.encode("utf-8") + b"\0" + etag.encode("utf-8"))
    return "msg_" + digest.hexdigest()[:32]


def percentile(ordered, p):
    """Nearest rank: the smallest value with at least p % of the values at or below it (as the Java and Node runs)."""
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def median(ordered):
    n = len(ordered)
    return ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2


def warm(directory, warmup):
    peer = Peer()
    files = sorted(os.path.join(directory, name) for name in os.listdir(directory) if name.endswith(".json"))
    if len(files) <= warmup:
        raise SystemExit(f"{directory} has {len(files)} event files: not more than the {warmup} warm-up events")
    samples = []
    for i, path in enumerate(files):
        if i == warmup:
            # The process's CPU time (user + sys, all threads) and the wall clock across the measured events.
            cpu_started, span_started = time.process_time(), time.perf_counter()
        with open(path, "rb") as f:
            event_bytes = f.read()
        started = time.perf_counter()
        peer.handle(event_bytes)
        elapsed = time.perf_counter() - started
        if i >= warmup:
            samples.append(elapsed * 1000)
    cpu_ms, span_ms = (time.process_time() - cpu_started) * 1000, (time.perf_counter() - span_started) * 1000
    ordered = sorted(samples)
    print(json.dumps({"runtime": "python", "warmup": warmup, "n": len(ordered), "median_ms": median(ordered),
                      "p90_ms": percentile(ordered, 90), "p99_ms": percentile(ordered, 99), "min_ms": ordered[0],
                      "max_ms": ordered[-1], "cpu_ms": cpu_ms, "span_ms": span_ms, "samples_ms": samples},
                     separators=(",", ":")))


def main(event_file):
    with open(event_file, "rb") as f:
        event_bytes = f.read()
    Peer().handle(event_bytes)


if __name__ == "__main__":
    if sys.argv[1] == "--warm":
        warm(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 50)
    else:
        main(sys.argv[1])
