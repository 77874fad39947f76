#!/usr/bin/env python3
"""Uploads a job's finished videos where video-links picks them up.

    upload.py --user USER_ID --job JOB_ID [--poster IMAGE] [--processing-time SECONDS] [--meta KEY=VALUE ...]
              a.mp4 [b.webm ...]

Each file goes to s3://$VIDEO_BUCKET/generated_videos/{user}/{job}/{file name} with its Content-Type and the
metadata video-links reads (job-id, user-id, video-count) plus the generator's own facts (processing-time and
any --meta). Files above the multipart threshold go up in parts through boto3's transfer manager. A --poster
image goes first, into the same folder, and every video names it in its poster-key metadata, so the webhook's
poster_url works as soon as it arrives.

It neither presigns nor sends a webhook: video-links does both once every video of the job is there.
Credentials and region come from boto3's own chain (AWS_PROFILE, AWS_ACCESS_KEY_ID..., an instance or task
role); AWS_ENDPOINT_URL_S3 points it at another S3, such as the local stack's. Prints one s3:// URL per
uploaded file; on bad input or a failed upload prints one line to stderr and exits non-zero (2: bad input,
1: the upload failed).
"""

import argparse
import os
import re
import sys
from pathlib import Path

import boto3
from boto3.exceptions import Boto3Error
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

JOB_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")
USER_ID = re.compile(r"[A-Za-z0-9_.@|:-]{1,256}")
META_KEY = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
CONTENT_TYPES = {
    ".mp4": "video/mp4",
    ".m4v": "video/x-m4v",
    ".mov": "video/quicktime",
    ".webm": "video/webm",
    ".mkv": "video/x-matroska",
}
IMAGE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}
RESERVED_METADATA = ("job-id", "user-id", "video-count")
POSTER_KEY = "poster-key"
MAX_VIDEOS = 100
MIN_PART = 5 * 1024 * 1024  # S3's smallest part (all but the last)
DEFAULT_MULTIPART_THRESHOLD = 16 * 1024 * 1024


class BadInput(Exception):
    """Input the upload refuses; the message is the one line the command prints."""


def s3_client():
    """boto3's S3 client with the SDK's own settings.

    botocore 1.31 and later read AWS_ENDPOINT_URL_S3 themselves; Debian 12's botocore (1.29) does not, so
    the variable is passed on explicitly, which means the same to both. An endpoint other than AWS's (the
    local stack, an IP address) is addressed path-style."""
    endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    if not endpoint:
        return boto3.client("s3")
    return boto3.client("s3", endpoint_url=endpoint, config=Config(s3={"addressing_style": "path"}))


def transfer_config(threshold=DEFAULT_MULTIPART_THRESHOLD):
    """Multipart above the threshold, in parts of the threshold's size (at least S3's 5 MiB)."""
    return TransferConfig(multipart_threshold=threshold, multipart_chunksize=max(threshold, MIN_PART))


def check_job(user_id, job_id, paths, facts, poster=None):
    """Everything wrong with the input, found before the first byte is sent."""
    if not USER_ID.fullmatch(user_id or ""):
        raise BadInput(f"invalid user id {user_id!r}: use 1 to 256 of A-Z a-z 0-9 _ . @ | : -")
    if not JOB_ID.fullmatch(job_id or ""):
        raise BadInput(f"invalid job id {job_id!r}: use 1 to 128 of A-Z a-z 0-9 _ -")
    if not paths:
        raise BadInput("no video files given")
    if len(paths) > MAX_VIDEOS:
        raise BadInput(f"{len(paths)} videos in one job: at most {MAX_VIDEOS}")
    names = set()
    for path in paths:
        if not path.is_file():
            raise BadInput(f"no such file: {path}")
        if path.suffix.lower() not in CONTENT_TYPES:
            raise BadInput(f"not a video file: {path} (expected {' '.join(CONTENT_TYPES)})")
        if path.name in names:
            raise BadInput(f"two files named {path.name} in one job: each becomes the same S3 key")
        names.add(path.name)
    for key, value in facts.items():
        if key in RESERVED_METADATA or not META_KEY.fullmatch(key):
            raise BadInput(f"invalid metadata name {key!r}: lower-case letters, digits and -, not {', '.join(RESERVED_METADATA)}")
        if not value.isascii() or not value.isprintable():
            raise BadInput(f"invalid metadata value for {key}: S3 metadata must be printable ASCII")
    if poster is not None:
        if not poster.is_file():
            raise BadInput(f"no such poster: {poster}")
        if poster.suffix.lower() not in IMAGE_TYPES:
            raise BadInput(f"not a poster image: {poster} (expected {' '.join(IMAGE_TYPES)})")
        if POSTER_KEY in facts:
            raise BadInput(f"--poster and --meta {POSTER_KEY} both name the poster: give one")


def upload_job(s3, bucket, user_id, job_id, paths, facts=None, prefix="generated_videos/", config=None, poster=None):
    """Uploads the poster, if any, then every video of one job; returns the keys, the poster's first. Raises
    BadInput before uploading anything."""
    paths = [Path(p) for p in paths]
    poster = Path(poster) if poster is not None else None
    facts = dict(facts or {})
    check_job(user_id, job_id, paths, facts, poster)
    metadata = {"job-id": job_id, "user-id": user_id, "video-count": str(len(paths)), **facts}
    keys = []
    if poster is not None:
        # Before the videos: the webhook that the last video sets off carries the poster's URL.
        key = f"{prefix}{user_id}/{job_id}/{poster.name}"
        s3.upload_file(str(poster), bucket, key, ExtraArgs={"ContentType": IMAGE_TYPES[poster.suffix.lower()]})
        metadata[POSTER_KEY] = key
        keys.append(key)
    for path in paths:
        key = f"{prefix}{user_id}/{job_id}/{path.name}"
        s3.upload_file(str(path), bucket, key, Config=config or transfer_config(),
                       ExtraArgs={"ContentType": CONTENT_TYPES[path.suffix.lower()], "Metadata": metadata})
        keys.append(key)
    return keys


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="upload.py",
        description="Upload a job's finished videos to s3://$VIDEO_BUCKET/generated_videos/{user}/{job}/ "
                    "with the metadata video-links reads. AWS_ENDPOINT_URL_S3 points it at the local stack.")
    parser.add_argument("videos", nargs="+", metavar="VIDEO", help="video files (.mp4 .m4v .mov .webm .mkv)")
    parser.add_argument("--user", required=True, help="the user id the videos belong to (x-amz-meta-user-id)")
    parser.add_argument("--job", required=True, help="the job id (x-amz-meta-job-id)")
    parser.add_argument("--bucket", default=os.environ.get("VIDEO_BUCKET"),
                        help="the bucket (default: $VIDEO_BUCKET)")
    parser.add_argument("--prefix", default=os.environ.get("VIDEO_PREFIX", "generated_videos/"),
                        help="the key prefix video-links watches (default: $VIDEO_PREFIX or generated_videos/)")
    parser.add_argument("--poster", metavar="IMAGE",
                        help="a .jpg, .jpeg, .png or .webp uploaded first; every video names it (x-amz-meta-poster-key)")
    parser.add_argument("--processing-time", metavar="SECONDS", help="how long generating took (x-amz-meta-processing-time)")
    parser.add_argument("--meta", action="append", default=[], metavar="KEY=VALUE",
                        help="another fact to store as x-amz-meta-KEY (repeatable)")
    parser.add_argument("--multipart-threshold", type=int, default=DEFAULT_MULTIPART_THRESHOLD, metavar="BYTES",
                        help=f"upload in parts above this size (default {DEFAULT_MULTIPART_THRESHOLD}; parts of at least 5 MiB)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        if not args.bucket:
            raise BadInput("no bucket: pass --bucket or set VIDEO_BUCKET")
        if not args.prefix.endswith("/") or args.prefix.startswith("/"):
            raise BadInput(f"invalid prefix {args.prefix!r}: it ends in / and does not start with one")
        if args.multipart_threshold < 1:
            raise BadInput("--multipart-threshold must be a positive number of bytes")
        facts = {}
        if args.processing_time is not None:
            try:
                if float(args.processing_time) < 0:
                    raise ValueError
            except ValueError:
                raise BadInput(f"invalid --processing-time {args.processing_time!r}: a number of seconds") from None
            facts["processing-time"] = args.processing_time
        for item in args.meta:
            key, sep, value = item.partition("=")
            if not sep:
                raise BadInput(f"invalid --meta {item!r}: use KEY=VALUE")
            facts[key.strip().lower()] = value
        keys = upload_job(s3_client(), args.bucket, args.user, args.job, args.videos, facts, args.prefix,
                          transfer_config(args.multipart_threshold), args.poster)
    except BadInput as e:
        print(f"upload.py: {e}", file=sys.stderr)
        return 2
    except (Boto3Error, ClientError, BotoCoreError) as e:
        print(f"upload.py: upload to s3://{args.bucket} failed: {one_line(e)}", file=sys.stderr)
        return 1
    for key in keys:
        print(f"s3://{args.bucket}/{key}")
    return 0


def one_line(error):
    return " ".join(str(error).split())


if __name__ == "__main__":
    sys.exit(main())
