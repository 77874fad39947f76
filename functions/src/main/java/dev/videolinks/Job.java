package dev.videolinks;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A job as the table keeps it: its owner (fixed by the first video that names one), the videos in the bucket now
 * (in key order; a removed or moved video leaves the job), a revision that grows with every change to them, and
 * the state of its webhook delivery.
 */
record Job(String jobId, String owner, long revision, List<Video> videos, Optional<Delivery> delivery) {

    Job {
        videos = videos.stream().sorted(Comparator.comparing(Video::key)).toList();
    }

    Optional<Video> video(String key) {
        return videos.stream().filter(video -> video.key().equals(key)).findFirst();
    }

    /** How many videos the job announced (the largest {@code video-count} among them). */
    int expectedVideos() {
        return videos.stream().mapToInt(Video::videoCount).max().orElse(1);
    }

    boolean isComplete() {
        return !videos.isEmpty() && videos.size() >= expectedVideos();
    }

    /** Why the video may not join the job as it stands, or null. */
    VideoTable.Change refusal(Video video) {
        if (owner != null && video.userId() != null && !owner.equals(video.userId())) {
            return VideoTable.Change.OWNER_CONFLICT;
        }
        Optional<Video> existing = video(video.key());
        if (existing.isPresent() && existing.get().version().equals(video.version())) {
            return VideoTable.Change.DUPLICATE;
        }
        if (existing.isPresent() && ObjectEvent.isLater(existing.get().sequencer(), video.sequencer())) {
            return VideoTable.Change.STALE;
        }
        if (existing.isEmpty() && videos.size() >= VideoTable.MAX_VIDEOS) {
            return VideoTable.Change.TOO_MANY_VIDEOS;
        }
        return null;
    }

    /** The webhook id of the job's videos as they are now (see {@link #webhookId(String, List)}). */
    String webhookId() {
        return webhookId(jobId, videos);
    }

    /**
     * The same job with the same video versions always gets the same id, so every retry and duplicate carries
     * it; a new version of any video makes a new id.
     */
    static String webhookId(String jobId, List<Video> videos) {
        try {
            var digest = MessageDigest.getInstance("SHA-256");
            digest.update(jobId.getBytes(StandardCharsets.UTF_8));
            videos.stream().sorted(Comparator.comparing(Video::key)).forEach(video -> {
                digest.update((byte) 0);
                digest.update(video.key().getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(video.version().getBytes(StandardCharsets.UTF_8));
            });
            return "msg_" + HexFormat.of().formatHex(digest.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    String userId() {
        return owner;
    }
}
