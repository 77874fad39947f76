package dev.videolinks;

import dev.videolinks.ByteRanges.Unreadable;
import dev.videolinks.ByteRanges.Window;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Reads a video's facts (SPEC §3) when it is recorded, with at most {@value ByteRanges#MAX_READS} bounded ranged
 * GETs of the very version being recorded, never the whole object (unless it is smaller than the first read): the
 * first {@value ByteRanges#HEAD_BYTES} bytes tell the container (the EBML magic, or an ISO box), and its parser
 * ({@link IsoBmffFacts}, {@link EbmlFacts}) asks for what else it needs. A file that cannot be read (empty,
 * truncated, corrupt, no known container, or needing more than the bounded reads) gets {@link VideoFacts#UNKNOWN}
 * and the reason, for one WARN line; S3's own failures other than the object changing or being refused
 * propagate, so that Lambda retries the event.
 */
final class VideoFactsReader {

    /** The facts, why they are unknown (or null), and what reading them cost. */
    record Result(VideoFacts facts, String problem, int reads, long bytesRead) {}

    private final S3Client s3;

    VideoFactsReader(S3Client s3) {
        this.s3 = s3;
    }

    Result read(Video video) {
        return read(new ByteRanges(video.size(), (offset, length) -> get(video, offset, length)));
    }

    static Result read(ByteRanges ranges) {
        try {
            if (ranges.size() <= 0) {
                throw new Unreadable("the object is empty");
            }
            Window head = ranges.read(0, Math.min(ByteRanges.HEAD_BYTES, ranges.size()));
            VideoFacts facts;
            if (EbmlFacts.looksLike(head)) {
                facts = EbmlFacts.read(ranges, head);
            } else if (IsoBmffFacts.looksLike(head)) {
                facts = IsoBmffFacts.read(ranges, head);
            } else {
                throw new Unreadable("neither an MP4/MOV (ISO base media) nor a WebM/MKV (EBML) file");
            }
            return new Result(facts, null, ranges.reads(), ranges.bytesRead());
        } catch (Unreadable e) {
            return new Result(VideoFacts.UNKNOWN, e.getMessage(), ranges.reads(), ranges.bytesRead());
        } catch (SdkException e) {
            throw e;
        } catch (RuntimeException e) {
            // A parser bug must not cost the video its webhook; the fuzz test keeps this line from ever being reached.
            return new Result(VideoFacts.UNKNOWN, "parser error " + e.getClass().getName() + ": " + e.getMessage(),
                    ranges.reads(), ranges.bytesRead());
        }
    }

    /** One ranged GET of the recorded version: by version id, or by ETag in an unversioned bucket. */
    private byte[] get(Video video, long offset, int length) throws Unreadable {
        try {
            return s3.getObjectAsBytes(get -> {
                get.bucket(video.bucket()).key(video.key()).range("bytes=" + offset + "-" + (offset + length - 1));
                if (video.versionId() != null) {
                    get.versionId(video.versionId());
                } else {
                    get.ifMatch("\"" + video.etag() + "\"");
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
