package dev.videolinks;

import java.time.Instant;
import java.util.List;

/** The body of the {@code video.completed} webhook (SPEC §3), serialized in snake_case. */
record WebhookPayload(String type, String jobId, String status, String userId, Data data, Instant createdAt) {

    record Data(int numVideos, List<VideoLink> videos) {}

    static WebhookPayload completed(String jobId, String userId, List<VideoLink> videos, Instant now) {
        return new WebhookPayload("video.completed", jobId, "completed", userId, new Data(videos.size(), videos), now);
    }
}
