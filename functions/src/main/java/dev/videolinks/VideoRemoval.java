package dev.videolinks;

import dev.videolinks.VideoCompletion.ObjectOutcome;
import dev.videolinks.VideoCompletion.Outcome;
import java.util.Optional;

/**
 * An object that went (a deletion or a delete marker), applied to the job that holds its key: the video leaves
 * the job unless a later event was seen for the key or another version is the recorded one. An image that went
 * is handed to {@link Posters}.
 */
final class VideoRemoval {

    private final VideoKeys keys;
    private final VideoTable table;
    private final KeyIndex keyIndex;
    private final Posters posters;

    VideoRemoval(VideoKeys keys, VideoTable table, KeyIndex keyIndex, Posters posters) {
        this.keys = keys;
        this.table = table;
        this.keyIndex = keyIndex;
        this.posters = posters;
    }

    /**
     * A removal reaches the job that holds the key. A delete marker, or the deletion of an unversioned object,
     * removes the video unless a later event was seen for the key; deleting one version removes the video only
     * when it is the recorded version.
     */
    ObjectOutcome remove(ObjectEvent event) {
        String key = event.key();
        Optional<KeyIndex.Entry> entry = keyIndex.entry(key);
        if (entry.isEmpty() && Posters.isImage(key)) {
            return VideoCompletion.imageChanged(posters, key, true);
        }
        Optional<String> jobId = entry.map(KeyIndex.Entry::jobId)
                .or(() -> keys.fromKey(key).map(VideoKeys.KeyJob::jobId));
        if (jobId.isEmpty()) {
            return new ObjectOutcome(key, Outcome.IGNORED, null, "removal of a key no job was recorded for");
        }
        if (event.kind() == ObjectEvent.Kind.DELETED && event.versionId() != null) {
            Optional<Video> recorded = table.job(jobId.get()).flatMap(job -> job.video(key));
            if (recorded.isEmpty() || !event.versionId().equals(recorded.get().versionId())) {
                return new ObjectOutcome(key, Outcome.IGNORED, jobId.get(), "a version other than the recorded one was deleted");
            }
            keyIndex.removed(key, event.sequencer());
            return table.removeVersion(new VideoVersion(jobId.get(), key, recorded.get().etag(), recorded.get().versionId()))
                    .map(job -> new ObjectOutcome(key, Outcome.REMOVED, jobId.get(), null))
                    .orElseGet(() -> new ObjectOutcome(key, Outcome.IGNORED, jobId.get(), "replaced meanwhile"));
        }
        if (!keyIndex.removed(key, event.sequencer())) {
            return new ObjectOutcome(key, Outcome.STALE, jobId.get(), "a later version of the key was seen");
        }
        return table.removeUnlessNewer(jobId.get(), key, event.sequencer())
                .map(job -> new ObjectOutcome(key, Outcome.REMOVED, jobId.get(), null))
                .orElseGet(() -> new ObjectOutcome(key, Outcome.IGNORED, jobId.get(), "no current video to remove"));
    }
}
