package dev.videolinks;

import dev.videolinks.store.VideoStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Fresh presigned URLs for the jobs a caller may see (SPEC §4). */
final class VideoUrls {

    /** A job as the API shows it. Its videos are the same objects as in the webhook. */
    record JobView(String jobId, String status, String userId, List<VideoLink> videos) {}

    /** A page of a batch answer: the jobs it holds, the ids not found, and the ids left for the client to ask again. */
    record BatchView(Map<String, JobView> jobs, List<String> notFound, List<String> unprocessed) {}

    static final int FIRST_READ = 10;

    private final VideoStore table;
    private final VideoUrlSigner signer;
    private final Clock clock;

    VideoUrls(VideoStore table, VideoUrlSigner signer, Clock clock) {
        this.table = table;
        this.signer = signer;
        this.clock = clock;
    }

    /** The job for this caller, or not found; a caller of null is trusted (IAM mode) and sees every job. */
    JobView one(Caller caller, UrlRequest request) {
        String jobId = request.jobIds().getFirst();
        return table.job(jobId).filter(job -> isVisible(caller, job)).map(job -> view(job, request))
                .orElseThrow(() -> ApiError.notFound("job not found"));
    }

    /**
     * The requested jobs this caller may see, in request order, as many as fit in one answer (see
     * {@link ResponseLimit}): the ids before the first job that did not fit are answered or not found, that job and
     * every id after it are unprocessed. The first {@value #FIRST_READ} jobs are read, then the rest only if the
     * answer has room left: a page of the largest jobs (three fit) does not read the tens of megabytes of jobs it
     * would leave unprocessed, and a gallery costs at most two round trips.
     */
    ResponseLimit.BatchPage many(Caller caller, UrlRequest request) {
        List<String> ids = request.jobIds();
        var page = new ResponseLimit.BatchPage(ids);
        int next = 0;
        for (int end : List.of(Math.min(FIRST_READ, ids.size()), ids.size())) {
            Map<String, Job> found = table.jobs(ids.subList(next, end));
            for (; next < end; next++) {
                Job job = found.get(ids.get(next));
                if (job == null || !isVisible(caller, job)) {
                    page.notFound(ids.get(next));
                } else if (!page.add(view(job, request))) {
                    return page.unprocessed(ids.subList(next, ids.size()));
                }
            }
        }
        return page;
    }

    /** Seconds a client may cache an answer: until the earliest URL (video or poster) expires, less a minute; never negative. */
    long maxAge(Collection<JobView> views) {
        Instant now = clock.instant();
        return views.stream().flatMap(v -> v.videos().stream())
                .flatMap(link -> java.util.stream.Stream.of(link.fileUrlExpiresAt(), link.posterUrlExpiresAt()))
                .filter(java.util.Objects::nonNull)
                .min(Instant::compareTo)
                .map(earliest -> Math.max(0, Duration.between(now, earliest).toSeconds() - 60))
                .orElse(0L);
    }

    /** Another user's job, a job with no owner (unless trusted) and a job without videos are all "not found". */
    private static boolean isVisible(Caller caller, Job job) {
        return !job.videos().isEmpty() && caller.maySee(job);
    }

    private JobView view(Job job, UrlRequest request) {
        var links = job.videos().stream()
                .map(video -> VideoLink.of(video, signer.sign(video, request.ttl(), request.disposition()),
                        video.poster().map(poster -> signer.sign(poster, request.ttl(), UrlSigner.Disposition.INLINE)).orElse(null)))
                .toList();
        return new JobView(job.jobId(), job.isComplete() ? "completed" : "processing", job.userId(), links);
    }

    /** Who asks: a user named by the JWT owner claim, or a trusted backend (IAM mode). */
    record Caller(String userId, boolean trusted) {

        static Caller user(String userId) {
            return new Caller(userId, false);
        }

        static Caller trustedBackend() {
            return new Caller(null, true);
        }

        boolean maySee(Job job) {
            return trusted || (job.userId() != null && job.userId().equals(userId));
        }
    }
}
