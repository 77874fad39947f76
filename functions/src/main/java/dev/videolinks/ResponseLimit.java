package dev.videolinks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lambda's 6 MB limit on what a function answers, held by construction (README "Large answers"). What counts is
 * the response object the runtime sends, whose body is a JSON string inside it: every quote and backslash of the
 * body is escaped once more. Every URL API answer is measured here before it leaves, and a batch answer is built
 * to fit: the jobs that fit, in request order, and the rest listed as {@code unprocessed} for the client to ask
 * for again. One job's videos are never split.
 */
final class ResponseLimit {

    /** Lambda refuses a synchronous answer over 6 MB (6,291,456 bytes) and API Gateway then answers a bare 500. */
    static final long MAX_BYTES = 6_000_000;
    /** The response object around the body (status code, headers, field names) is about 200 bytes. */
    static final long ENVELOPE_BYTES = 1_024;

    private ResponseLimit() {}

    /** At least as many bytes as the response object carrying this body, however the runtime writes it. */
    static long bytes(String body) {
        return ENVELOPE_BYTES + inJsonString(body);
    }

    /**
     * The bytes a text takes inside a JSON string, counting the longest form a JSON writer may give each
     * character: {@code \"} and {@code \\} for quotes and backslashes, six ({@code \u00e9}, more than their UTF-8)
     * for control and non-ASCII characters, one byte for the rest.
     */
    static long inJsonString(CharSequence text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            bytes += c == '"' || c == '\\' ? 2 : c < 0x20 || c > 0x7e ? 6 : 1;
        }
        return bytes;
    }

    /** A single job's answer, or 413 when it alone is more than Lambda may answer. */
    static String single(String jobId, String body) {
        long bytes = bytes(body);
        if (bytes > MAX_BYTES) {
            throw tooLarge(jobId, bytes);
        }
        return body;
    }

    private static ApiError tooLarge(String jobId, long bytes) {
        return ApiError.payloadTooLarge("the answer for job '" + jobId + "' alone would be " + bytes
                + " bytes; a Lambda function answers at most " + MAX_BYTES);
    }

    /**
     * One {@code POST /videos/urls} answer, filled in request order: a job goes in while the answer stays within
     * {@link #MAX_BYTES}; the first that does not, and every id after it, are left unprocessed. Its body is, byte
     * for byte, the JSON of its {@link VideoUrls.BatchView}, assembled from each job's JSON as it is measured.
     */
    static final class BatchPage {

        private static final String HEAD = "{\"jobs\":{";

        private final long budget;
        private final StringBuilder body = new StringBuilder(HEAD);
        private final Map<String, VideoUrls.JobView> jobs = new LinkedHashMap<>();
        private final List<String> notFound = new ArrayList<>();
        private final List<String> unprocessed = new ArrayList<>();
        private long used;

        BatchPage(List<String> requested) {
            // The lists after the jobs never hold more than every requested id: that much room is kept from the start.
            budget = MAX_BYTES - ENVELOPE_BYTES - inJsonString(HEAD + tail(requested, requested));
        }

        void notFound(String jobId) {
            notFound.add(jobId);
        }

        /** Adds the job if the answer still fits; false when it does not (413 when it alone does not). */
        boolean add(VideoUrls.JobView job) {
            String entry = (jobs.isEmpty() ? "" : ",") + Json.writeString(job.jobId()) + ":" + Json.writeString(job);
            long bytes = inJsonString(entry);
            if (used + bytes > budget) {
                if (jobs.isEmpty()) {
                    throw tooLarge(job.jobId(), ENVELOPE_BYTES + inJsonString(HEAD) + bytes);
                }
                return false;
            }
            used += bytes;
            body.append(entry);
            jobs.put(job.jobId(), job);
            return true;
        }

        /** Closes the page: these ids were not answered, for the client to ask again. */
        BatchPage unprocessed(List<String> jobIds) {
            unprocessed.addAll(jobIds);
            return this;
        }

        String body() {
            return body + tail(notFound, unprocessed);
        }

        VideoUrls.BatchView view() {
            return new VideoUrls.BatchView(jobs, notFound, unprocessed);
        }

        private static String tail(List<String> notFound, List<String> unprocessed) {
            return "},\"not_found\":" + Json.writeString(notFound) + ",\"unprocessed\":" + Json.writeString(unprocessed) + "}";
        }
    }
}
