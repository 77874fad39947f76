package dev.videolinks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Fresh presigned URLs for the jobs a caller may see (SPEC §4). */
final class VideoUrls {

    /** A job as the API shows it. Its videos are the same objects as in the webhook. */
    record JobView(String jobId, String status, String userId, List<VideoLink> videos) {}

    record BatchView(Map<String, JobView> jobs, List<String> notFound) {}

    private final VideoTable table;
    private final UrlSigner signer;
    private final Clock clock;

    VideoUrls(VideoTable table, UrlSigner signer, Clock clock) {
        this.table = table;
        this.signer = signer;
        this.clock = clock;
    }

    /** The job for this caller, or not found; a caller of null is trusted (IAM mode) and sees every job. */
    JobView one(Caller caller, UrlRequest request) {
        String jobId = request.jobIds().getFirst();
        return table.job(jobId).flatMap(job -> view(caller, job, request))
                .orElseThrow(() -> ApiError.notFound("job not found"));
    }

    BatchView many(Caller caller, UrlRequest request) {
        Map<String, Job> found = table.jobs(request.jobIds());
        var jobs = new LinkedHashMap<String, JobView>();
        var notFound = new ArrayList<String>();
        for (String jobId : request.jobIds()) {
            Optional<JobView> view = Optional.ofNullable(found.get(jobId)).flatMap(job -> view(caller, job, request));
            view.ifPresentOrElse(v -> jobs.put(jobId, v), () -> notFound.add(jobId));
        }
        return new BatchView(jobs, notFound);
    }

    /** Seconds a client may cache an answer: until the earliest URL expiry, less a minute; never negative. */
    long maxAge(List<JobView> views) {
        Instant now = clock.instant();
        return views.stream().flatMap(v -> v.videos().stream())
                .map(VideoLink::fileUrlExpiresAt)
                .min(Instant::compareTo)
                .map(earliest -> Math.max(0, Duration.between(now, earliest).toSeconds() - 60))
                .orElse(0L);
    }

    /** Another user's job, a job with no owner (unless trusted) and a job without videos are all "not found". */
    private Optional<JobView> view(Caller caller, Job job, UrlRequest request) {
        List<Video> videos = job.videos();
        if (videos.isEmpty() || !caller.maySee(job)) {
            return Optional.empty();
        }
        var links = videos.stream()
                .map(video -> VideoLink.of(video, signer.sign(video, request.ttl(), request.disposition())))
                .toList();
        return Optional.of(new JobView(job.jobId(), job.isComplete() ? "completed" : "processing", job.userId(), links));
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
