package dev.videolinks;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A job as the table keeps it: its videos (in key order) and the state of its webhook delivery. */
record Job(String jobId, List<Video> videos, Optional<Delivery> delivery) {

    Job {
        videos = videos.stream().sorted(Comparator.comparing(Video::key)).toList();
    }

    /** The videos still in the bucket. */
    List<Video> currentVideos() {
        return videos.stream().filter(video -> !video.removed()).toList();
    }

    /** How many videos the job announced (the largest {@code video-count} among them). */
    int expectedVideos() {
        return videos.stream().mapToInt(Video::videoCount).max().orElse(1);
    }

    boolean isComplete() {
        return currentVideos().size() >= expectedVideos();
    }

    /** The owner: the first user id any of its videos names, or null. */
    String userId() {
        return videos.stream().map(Video::userId).filter(Objects::nonNull).findFirst().orElse(null);
    }
}
