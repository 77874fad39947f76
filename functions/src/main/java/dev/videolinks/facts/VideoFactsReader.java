package dev.videolinks.facts;

import dev.videolinks.facts.ByteRanges.Unreadable;
import dev.videolinks.facts.ByteRanges.Window;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Reads a video's facts when it is recorded, with at most {@value ByteRanges#MAX_READS} bounded ranged GETs (each
 * at most {@value ByteRanges#MAX_READ_BYTES} bytes) of the very version being recorded, never the whole object
 * (unless it is smaller than the first read): the first {@value ByteRanges#HEAD_BYTES} bytes tell the container
 * (the EBML magic, or an ISO box), and its parser ({@link IsoBmffFacts}, {@link EbmlFacts}) asks for what else it
 * needs. A file that cannot be read (empty, corrupt, no known container, or needing more than the bounded reads)
 * gets {@link VideoFacts#UNKNOWN} and the reason; one read with a doubt (cut off, tracks past the reads) gets its
 * facts and a warning; either is one WARN line. S3's own failures other than the object changing or being
 * refused propagate, so that Lambda retries the event.
 *
 * <pre>{@code
 * var result = new VideoFactsReader(s3).read(new VideoFactsReader.StoredObject(bucket, key, versionId, etag, size));
 * result.facts(); result.problem(); result.warning();
 * }</pre>
 */
public final class VideoFactsReader {

    /** The version of an object to read: by its version id, or (in a bucket without versions) its ETag. */
    public record StoredObject(String bucket, String key, String versionId, String etag, long size) {}

    /** The facts, why they are unknown (or null), a doubt about them (or null), and what reading them cost. */
    public record Result(VideoFacts facts, String problem, String warning, int reads, long bytesRead) {}

    private final S3Client s3;

    public VideoFactsReader(S3Client s3) {
        this.s3 = s3;
    }

    public Result read(StoredObject object) {
        return read(new ByteRanges(object.size(), (offset, length) -> get(object, offset, length)));
    }

    /** Reads the smallest MP4 and WebM to their ends, so that a SnapStart snapshot holds the parsers' code, warm. */
    public static VideoFacts prime() {
        read(SampleVideos.webm());
        return read(SampleVideos.mp4()).facts();
    }

    /** The facts of the bytes in memory: the test clips, and priming. */
    public static Result read(byte[] bytes) {
        return read(ByteRanges.of(bytes));
    }

    static Result read(ByteRanges ranges) {
        try {
            if (ranges.size() <= 0) {
                throw new Unreadable("the object is empty");
            }
            Window head = ranges.read(0, Math.min(ByteRanges.HEAD_BYTES, ranges.size()));
            IsoBmffFacts.Parsed parsed;
            if (EbmlFacts.looksLike(head)) {
                parsed = EbmlFacts.read(ranges);
            } else if (IsoBmffFacts.looksLike(head)) {
                parsed = IsoBmffFacts.read(ranges);
            } else {
                throw new Unreadable("neither an MP4/MOV (ISO base media) nor a WebM/MKV (EBML) file");
            }
            return new Result(parsed.facts(), null, parsed.warning(), ranges.reads(), ranges.bytesRead());
        } catch (Unreadable e) {
            return new Result(VideoFacts.UNKNOWN, e.getMessage(), null, ranges.reads(), ranges.bytesRead());
        } catch (SdkException e) {
            throw e;
        } catch (RuntimeException e) {
            if (ranges.failedInFetch()) {
                throw e; // S3's, or a caller's: Lambda retries the event
            }
            // A parser bug must not cost the video its webhook; the fuzz test keeps this line from ever being reached.
            return new Result(VideoFacts.UNKNOWN, "parser error " + e.getClass().getName() + ": " + e.getMessage(), null,
                    ranges.reads(), ranges.bytesRead());
        }
    }

    /** One ranged GET of the recorded version: by version id, or by ETag in an unversioned bucket. */
    private byte[] get(StoredObject object, long offset, int length) throws Unreadable {
        try {
            return s3.getObjectAsBytes(get -> {
                get.bucket(object.bucket()).key(object.key()).range("bytes=" + offset + "-" + (offset + length - 1));
                if (object.versionId() != null) {
                    get.versionId(object.versionId());
                } else {
                    get.ifMatch("\"" + object.etag() + "\"");
                }
            }).asByteArrayUnsafe(); // the response is ours alone: no copy of up to 4 MiB
        } catch (S3Exception e) {
            switch (e.statusCode()) {
                case 404, 412, 416 -> throw new Unreadable("the object changed or went while its facts were read (GetObject answered "
                        + e.statusCode() + ")");
                case 403 -> throw new Unreadable("GetObject was denied (403)");
                default -> throw e;
            }
        }
    }
}
