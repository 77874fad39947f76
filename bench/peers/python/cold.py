"""Cold-start peer of VideoCompletionFunction (bench/cold): Python 3 + boto3 (Debian's python3-boto3).

One S3 notification event file in, one signed webhook out, then exit:  cold.py EVENT_FILE
Warm (bench/warm): one process builds its clients once, then handles every event file in DIR, sorted by
name, timing each with time.perf_counter(); the first W (default 50) are warm-up; it ends with one JSON
line of the measured events' figures:  cold.py --warm DIR [W]
Same steps as the Java handler:
HeadObject, a conditional PutItem that records the video, a 1 h presigned GET URL, and a Standard
Webhooks-signed POST that must answer 2xx. Configuration: the handler's environment variables (AWS_REGION,
VIDEO_BUCKET, VIDEO_TABLE, WEBHOOK_URL, WEBHOOK_SECRET, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_DYNAMODB);
credentials from the SDK's default chain. Run it with /usr/bin/python3 (Debian's, where python3-boto3 is).
"""
import base64
import datetime
import hashlib
import hmac
import json
import math
import os
import sys
import time
import urllib.parse
import urllib.request

import boto3
from botocore.config import Config

TTL_SECONDS = 3600


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
        """One event (the bytes of an S3 notification): parse, HeadObject, PutItem, presign, signed POST."""
        bucket, table, s3, dynamodb = self.bucket, self.table, self.s3, self.dynamodb
        event = json.loads(event_bytes)
        record = event["Records"][0]
        if record["s3"]["bucket"]["name"] != bucket:
            raise SystemExit(f"bucket {record['s3']['bucket']['name']} is not VIDEO_BUCKET")
        # S3 notification keys are form-URL-encoded: '+' is a space.
        key = urllib.parse.unquote_plus(record["s3"]["object"]["key"])

        # 1. HeadObject
        head = s3.head_object(Bucket=bucket, Key=key)
        metadata = dict(head.get("Metadata", {}))
        parts = key.split("/")  # generated_videos/{userId}/{jobId}/{filename}
        job_id = metadata.get("job-id") or parts[2]
        user_id = metadata.get("user-id") or parts[1]
        for control in ("job-id", "user-id", "video-count"):
            metadata.pop(control, None)
        etag = head.get("ETag", "").strip('"')
        content_type = head.get("ContentType") or "binary/octet-stream"
        now = datetime.datetime.now(datetime.timezone.utc)

        # 2. Record the video once: a conditional PutItem.
        try:
            dynamodb.put_item(
                TableName=table,
                Item={
                    "job_id": {"S": job_id},
                    "user_id": {"S": user_id},
                    "videos": {"M": {key: {"M": {
                        "etag": {"S": etag}, "size": {"N": str(head["ContentLength"])},
                        "content_type": {"S": content_type}, "recorded_at": {"S": iso(now)}}}}},
                },
                ConditionExpression="attribute_not_exists(job_id)",
            )
        except dynamodb.exceptions.ConditionalCheckFailedException:
            print(json.dumps({"job_id": job_id, "outcome": "duplicate"}))
            return

        # 3. Presign a GET URL for an hour.
        file_url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=TTL_SECONDS)

        # 4. The signed webhook.
        body = json.dumps({
            "type": "video.completed", "job_id": job_id, "status": "completed", "user_id": user_id,
            "data": {"num_videos": 1, "videos": [{
                "filename": parts[-1], "file_path": key, "s3_bucket": bucket, "s3_key": key,
                "file_url": file_url, "file_url_expires_at": iso(now + datetime.timedelta(seconds=TTL_SECONDS)),
                "file_size": head["ContentLength"], "content_type": content_type, "etag": etag,
                "metadata": metadata}]},
            "created_at": iso(now),
        }, separators=(",", ":")).encode("utf-8")
        webhook_id = "msg_" + hashlib.sha256(f"{job_id}\n{key}\n{etag}".encode("utf-8")).hexdigest()[:32]
        timestamp = str(int(time.time()))
        signed = f"{webhook_id}.{timestamp}.".encode("utf-8") + body
        signature = " ".join(
            "v1," + base64.b64encode(hmac.new(base64.b64decode(secret[len("whsec_"):]), signed, hashlib.sha256).digest()).decode()
            for secret in self.secrets)
        headers = {"Content-Type": "application/json", "webhook-id": webhook_id, "webhook-timestamp": timestamp}
        if signature:
            headers["webhook-signature"] = signature
        request = urllib.request.Request(self.webhook_url, data=body, headers=headers, method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:  # raises on 4xx/5xx
            response.read()
            if not 200 <= response.status <= 299:
                raise SystemExit(f"webhook answered {response.status}")
        print(json.dumps({"job_id": job_id, "outcome": "delivered", "webhook_id": webhook_id, "status": response.status}))


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
        with open(path, "rb") as f:
            event_bytes = f.read()
        started = time.perf_counter()
        peer.handle(event_bytes)
        elapsed = time.perf_counter() - started
        if i >= warmup:
            samples.append(elapsed * 1000)
    ordered = sorted(samples)
    print(json.dumps({"runtime": "python", "warmup": warmup, "n": len(ordered), "median_ms": median(ordered),
                      "p90_ms": percentile(ordered, 90), "p99_ms": percentile(ordered, 99), "min_ms": ordered[0],
                      "max_ms": ordered[-1], "samples_ms": samples}, separators=(",", ":")))


def main(event_file):
    with open(event_file, "rb") as f:
        event_bytes = f.read()
    Peer().handle(event_bytes)


if __name__ == "__main__":
    if sys.argv[1] == "--warm":
        warm(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 50)
    else:
        main(sys.argv[1])
