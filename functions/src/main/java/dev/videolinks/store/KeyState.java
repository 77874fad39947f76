package dev.videolinks.store;

import dev.videolinks.Video;

/**
 * What an S3 event found its key to hold when the function looked, in the key's order (the event's sequencer, in
 * comparable form; null when it has none): a video of a job, no object at all, or an object that is no video of
 * any job (another type, a key or metadata that names no valid job, an entry too large to keep).
 */
public record KeyState(String key, String sequencer, Video video, Kind kind) {

    public enum Kind { VIDEO, GONE, NOT_A_VIDEO }

    public static KeyState video(Video video) {
        return new KeyState(video.key(), video.sequencer(), video, Kind.VIDEO);
    }

    public static KeyState gone(String key, String sequencer) {
        return new KeyState(key, sequencer, null, Kind.GONE);
    }

    public static KeyState notAVideo(String key, String sequencer) {
        return new KeyState(key, sequencer, null, Kind.NOT_A_VIDEO);
    }
}
