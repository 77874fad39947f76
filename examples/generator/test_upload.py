"""upload.py against a real S3: the local stack's S3Proxy (./mvnw verify starts one and sets the variables).

Run by hand against `local/start`:
    AWS_ENDPOINT_URL_S3=http://127.0.0.1:7070 AWS_ACCESS_KEY_ID=AKIDLOCAL AWS_SECRET_ACCESS_KEY=localsecret \
    AWS_REGION=us-east-1 python3 -m unittest discover -s examples/generator -v
"""

import contextlib
import io
import os
import subprocess
import sys
import tempfile
import unittest
import uuid
import warnings
from pathlib import Path

import boto3
from botocore.config import Config

HERE = Path(__file__).resolve().parent
SAMPLES = HERE / "samples"
UPLOAD = HERE / "upload.py"
sys.path.insert(0, str(HERE))
import upload  # noqa: E402  (the command itself, for the refusals that need no process of their own)


def setUpModule():
    if not os.environ.get("AWS_ENDPOINT_URL_S3"):
        raise RuntimeError("set AWS_ENDPOINT_URL_S3 (and the local credentials) to a local S3: these tests never "
                           "touch AWS; `local/start` prints the values")


class UploadTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        # A bucket of its own: the stack's bucket would send these uploads to VideoCompletionFunction.
        cls.bucket = f"generator-test-{uuid.uuid4().hex[:12]}"
        cls.s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL_S3"],
                              config=Config(s3={"addressing_style": "path"}))
        cls.s3.create_bucket(Bucket=cls.bucket)
        cls.work = tempfile.TemporaryDirectory()

    @classmethod
    def tearDownClass(cls):
        cls.work.cleanup()

    def upload(self, *args, env=None):
        """Runs the command as a user would; only the variables of the SDK's own chain point it at S3."""
        return subprocess.run([sys.executable, str(UPLOAD), *args], capture_output=True, text=True, timeout=120,
                              env={**os.environ, "VIDEO_BUCKET": self.bucket, **(env or {})})

    def run_main(self, *args, env=None):
        """The same command in this process: the refusals need no S3 and no interpreter start of their own."""
        out, err = io.StringIO(), io.StringIO()
        saved = dict(os.environ)
        os.environ.update({"VIDEO_BUCKET": self.bucket, **(env or {})})
        try:
            # ResourceWarnings of the test's own S3 client, collected meanwhile, are not the command's output.
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), warnings.catch_warnings():
                warnings.simplefilter("ignore", ResourceWarning)
                code = upload.main(list(args))
        finally:
            os.environ.clear()
            os.environ.update(saved)
        return subprocess.CompletedProcess(["upload.py", *args], code, out.getvalue(), err.getvalue())

    def keys(self, prefix):
        return [o["Key"] for o in self.s3.list_objects_v2(Bucket=self.bucket, Prefix=prefix).get("Contents", [])]

    def body(self, key):
        return self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def file(self, name, size):
        path = Path(self.work.name) / name
        path.write_bytes(os.urandom(size))
        return path

    def assertRefused(self, result, exit_code, words):
        self.assertEqual(exit_code, result.returncode, result.stderr)
        lines = result.stderr.strip().splitlines()
        self.assertEqual(1, len(lines), result.stderr)
        self.assertTrue(lines[0].startswith("upload.py: "), lines[0])
        self.assertIn(words, lines[0])
        self.assertEqual("", result.stdout)

    def test_upload_twoVideos_keysContentTypesAndMetadata(self):
        result = self.upload("--user", "u1", "--job", "job_two", "--processing-time", "12.5",
                             str(SAMPLES / "clip.mp4"), str(SAMPLES / "second-take.webm"))

        self.assertEqual(0, result.returncode, result.stderr)
        mp4 = "generated_videos/u1/job_two/clip.mp4"
        webm = "generated_videos/u1/job_two/second-take.webm"
        self.assertEqual([f"s3://{self.bucket}/{mp4}", f"s3://{self.bucket}/{webm}"], result.stdout.split())
        for key, content_type, sample in [(mp4, "video/mp4", "clip.mp4"), (webm, "video/webm", "second-take.webm")]:
            head = self.s3.head_object(Bucket=self.bucket, Key=key)
            self.assertEqual(content_type, head["ContentType"])
            self.assertEqual({"job-id": "job_two", "user-id": "u1", "video-count": "2", "processing-time": "12.5"},
                             head["Metadata"])
            self.assertEqual((SAMPLES / sample).read_bytes(), self.body(key))

    def test_upload_metaOptionAndPrefix_storedAsGiven(self):
        result = self.upload("--user", "auth0|42", "--job", "job_meta", "--meta", "model=gen-3", "--meta", "Seed=7",
                             "--prefix", "renders/", str(SAMPLES / "clip.mp4"))

        self.assertEqual(0, result.returncode, result.stderr)
        head = self.s3.head_object(Bucket=self.bucket, Key="renders/auth0|42/job_meta/clip.mp4")
        self.assertEqual({"job-id": "job_meta", "user-id": "auth0|42", "video-count": "1", "model": "gen-3", "seed": "7"},
                         head["Metadata"])

    def test_upload_aboveThreshold_multipartInParts(self):
        big = self.file("long.mp4", 6 * 1024 * 1024 + 123)

        result = self.upload("--user", "u1", "--job", "job_big", "--multipart-threshold", str(5 * 1024 * 1024), str(big))

        self.assertEqual(0, result.returncode, result.stderr)
        key = "generated_videos/u1/job_big/long.mp4"
        head = self.s3.head_object(Bucket=self.bucket, Key=key)
        self.assertTrue(head["ETag"].strip('"').endswith("-2"), f"a 2-part upload's ETag, got {head['ETag']}")
        self.assertEqual("video/mp4", head["ContentType"])
        self.assertEqual("1", head["Metadata"]["video-count"])
        self.assertEqual(big.read_bytes(), self.body(key))

    def test_upload_belowThreshold_onePut(self):
        small = self.file("short.mov", 100 * 1024)

        result = self.upload("--user", "u1", "--job", "job_small", str(small))

        self.assertEqual(0, result.returncode, result.stderr)
        head = self.s3.head_object(Bucket=self.bucket, Key="generated_videos/u1/job_small/short.mov")
        self.assertNotIn("-", head["ETag"])
        self.assertEqual("video/quicktime", head["ContentType"])

    def test_upload_withPoster_posterFirstAndEveryVideoNamesIt(self):
        result = self.upload("--user", "u1", "--job", "job_poster", "--poster", str(SAMPLES / "poster.jpg"),
                             str(SAMPLES / "clip.mp4"), str(SAMPLES / "second-take.webm"))

        self.assertEqual(0, result.returncode, result.stderr)
        folder = "generated_videos/u1/job_poster/"
        poster = folder + "poster.jpg"
        self.assertEqual([f"s3://{self.bucket}/{key}" for key in (poster, folder + "clip.mp4", folder + "second-take.webm")],
                         result.stdout.split())
        self.assertEqual("image/jpeg", self.s3.head_object(Bucket=self.bucket, Key=poster)["ContentType"])
        self.assertEqual((SAMPLES / "poster.jpg").read_bytes(), self.body(poster))
        for video in ("clip.mp4", "second-take.webm"):
            self.assertEqual(poster, self.s3.head_object(Bucket=self.bucket, Key=folder + video)["Metadata"]["poster-key"])

    def test_uploadJob_withPoster_uploadsThePosterBeforeAnyVideo(self):
        order = []

        class Recording:
            def upload_file(inner, filename, bucket, key, **kwargs):
                order.append(key)
                self.s3.upload_file(filename, bucket, key, **kwargs)

        upload.upload_job(Recording(), self.bucket, "u1", "job_order", [SAMPLES / "clip.mp4"], poster=SAMPLES / "poster.jpg")

        self.assertEqual(["generated_videos/u1/job_order/poster.jpg", "generated_videos/u1/job_order/clip.mp4"], order)

    def test_upload_posterNotAnImage_refused(self):
        result = self.run_main("--user", "u1", "--job", "job_bad_poster", "--poster", str(SAMPLES / "clip.mp4"),
                               str(SAMPLES / "second-take.webm"))

        self.assertRefused(result, 2, "not a poster image")
        self.assertEqual([], self.keys("generated_videos/u1/job_bad_poster/"))

    def test_upload_missingFile_refusedBeforeAnyUpload(self):
        result = self.run_main("--user", "u1", "--job", "job_missing", str(SAMPLES / "clip.mp4"), "no-such-take.mp4")

        self.assertRefused(result, 2, "no such file: no-such-take.mp4")
        self.assertEqual([], self.keys("generated_videos/u1/job_missing/"))

    def test_upload_invalidJobId_refused(self):
        result = self.run_main("--user", "u1", "--job", "../escape", str(SAMPLES / "clip.mp4"))

        self.assertRefused(result, 2, "invalid job id '../escape'")
        self.assertEqual([], [key for key in self.keys("") if "escape" in key])

    def test_upload_invalidUserId_refused(self):
        result = self.run_main("--user", "u 1", "--job", "job_user", str(SAMPLES / "clip.mp4"))

        self.assertRefused(result, 2, "invalid user id 'u 1'")

    def test_upload_notAVideo_refused(self):
        thumbnail = self.file("poster.jpg", 10)

        result = self.run_main("--user", "u1", "--job", "job_jpg", str(thumbnail))

        self.assertRefused(result, 2, "not a video file")

    def test_upload_sameNameTwice_refused(self):
        other = Path(self.work.name) / "other"
        other.mkdir(exist_ok=True)
        (other / "clip.mp4").write_bytes(b"another take")

        result = self.run_main("--user", "u1", "--job", "job_dupe", str(SAMPLES / "clip.mp4"), str(other / "clip.mp4"))

        self.assertRefused(result, 2, "two files named clip.mp4")
        self.assertEqual([], self.keys("generated_videos/u1/job_dupe/"))

    def test_upload_reservedMetadata_refused(self):
        result = self.run_main("--user", "u1", "--job", "job_reserved", "--meta", "video-count=9", str(SAMPLES / "clip.mp4"))

        self.assertRefused(result, 2, "invalid metadata name 'video-count'")

    def test_upload_noBucket_refused(self):
        result = self.run_main("--user", "u1", "--job", "job_nobucket", str(SAMPLES / "clip.mp4"), env={"VIDEO_BUCKET": ""})

        self.assertRefused(result, 2, "no bucket")

    def test_upload_bucketDoesNotExist_failsWithOneLine(self):
        result = self.run_main("--user", "u1", "--job", "job_nosuch", "--bucket", "no-such-bucket-" + uuid.uuid4().hex[:8],
                             str(SAMPLES / "clip.mp4"))

        self.assertRefused(result, 1, "NoSuchBucket")


if __name__ == "__main__":
    unittest.main()
