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
 * the delivery of the webhook of its current videos.
 */
public record Job(String jobId, String owner, long revision, List<Video> videos, Optional<Delivery> delivery) {

    public Job {
        videos = List.copyOf(videos.stream().sorted(Comparator.comparing(Video::key)).toList());
    }

    public Optional<Video> video(String key) {
        return videos.stream().filter(video -> video.key().equals(key)).findFirst();
    }

    /** How many videos the job announced (the largest {@code video-count} among them). */
    public int expectedVideos() {
        return videos.stream().mapToInt(Video::videoCount).max().orElse(1);
    }

    public boolean isComplete() {
        return !videos.isEmpty() && videos.size() >= expectedVideos();
    }

    /** The webhook id of the job's videos as they are now (see {@link #webhookId(String, long, List)}). */
    public String webhookId() {
        return webhookId(jobId, revision, videos);
    }

    /**
     * Every retry and duplicate of one set of videos carries the same id: the job, the revision at which the set
     * came to be and the versions in it. A set that changes gets a new id, and so does a set that went away and
     * came back (a video deleted and uploaded again with the same bytes): its revision is another.
     */
    static String webhookId(String jobId, long revision, List<Video> videos) {
        try {
            var digest = MessageDigest.getInstance("SHA-256");
            digest.update(jobId.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(Long.toString(revision).getBytes(StandardCharsets.UTF_8));
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

    public String userId() {
        return owner;
    }
}
