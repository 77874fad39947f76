package dev.videolinks.store;

import dev.videolinks.Job;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What following one event did to the table, all in one write (or none):
 * <ul>
 *   <li>{@code kind}: what became of the key;
 *   <li>{@code job}: the job the video is in after the write (RECORDED, DUPLICATE), or the job that refused it as
 *       it stood (OWNER_CONFLICT, TOO_MANY_VIDEOS);
 *   <li>{@code left}: the job that stopped listing the key, after the write (a move, a removal, or the object
 *       replaced by one that is refused or no video);
 *   <li>{@code leases}: the delivery leases the write took, by job id, for the jobs whose new set of videos is
 *       complete;
 *   <li>{@code conflicts}: how many times the write was cancelled by a concurrent transaction and tried again.
 * </ul>
 */
public record Change(Kind kind, Job job, Job left, Map<String, Lease> leases, int conflicts) {

    public Change {
        leases = Map.copyOf(leases);
    }

    public enum Kind {
        /** The video is now in its job. */
        RECORDED,
        /** The table already said so: a repeated event, or the repeat of a write whose answer was lost. */
        DUPLICATE,
        /** A later event of the key was followed already: this one changes nothing. */
        STALE,
        /** The key has no object, or no video, any more: its job no longer lists it. */
        REMOVED,
        /** Nothing to record and nothing to remove: the key was never a recorded video. */
        NOTHING,
        /** The job belongs to another user: the video is not recorded anywhere. */
        OWNER_CONFLICT,
        /** The job holds the most videos it may: the video is not recorded anywhere. */
        TOO_MANY_VIDEOS
    }

    /** The jobs this change may have to deliver, each with the lease the write took for it (or null). */
    public List<Map.Entry<Job, Lease>> jobsToDeliver() {
        var jobs = new ArrayList<Map.Entry<Job, Lease>>();
        if (job != null && (kind == Kind.RECORDED || kind == Kind.DUPLICATE)) {
            jobs.add(new java.util.AbstractMap.SimpleImmutableEntry<>(job, leases.get(job.jobId())));
        }
        if (left != null) {
            jobs.add(new java.util.AbstractMap.SimpleImmutableEntry<>(left, leases.get(left.jobId())));
        }
        return jobs;
    }

    static Change of(Kind kind, Job job) {
        return new Change(kind, job, null, Map.of(), 0);
    }
}
