package dev.videolinks.store;

import static dev.videolinks.store.Attributes.n;
import static dev.videolinks.store.Attributes.s;

import dev.videolinks.Delivery;
import dev.videolinks.Job;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * Who may send a job's webhook, and what came of it. The delivery of a job's current set of videos is started by
 * the write that changed the set ({@link VideoStore#follow}); here it is leased and its outcome recorded:
 * <ul>
 *   <li>nothing is sent without the lease, which lasts until its holder's invocation ends (plus a margin), so no
 *       attempt series outlives it; the invocation that holds it (a Lambda retry of the same request, too) may take
 *       it again at once;
 *   <li>each lease gets the next token, and an outcome is written only while the token is the current one and the
 *       delivery still pending (a fencing token): a sender whose lease was taken over can never overwrite a later
 *       DELIVERED, ABANDONED or SUPERSEDED;
 *   <li>a write whose answer was lost is not a refusal: when a condition fails, the item as it was says whether
 *       the state asked for already holds.
 * </ul>
 */
public final class Deliveries {

    /** Whether a send may start, and why not. */
    public enum Start {
        /** The caller holds the lease. */
        ACQUIRED,
        /** Delivered, given up, or replaced by a newer set of videos: nothing to send. */
        SETTLED,
        /** Another invocation holds the lease; if it fails, the delivery is due when its lease ends. */
        LEASED_ELSEWHERE,
        /** The job's videos changed since the caller read them: the newer set has a delivery of its own. */
        STALE
    }

    /** The answer of {@link #lease}: the job as the table has it now, and the lease when acquired. */
    public record Leased(Start start, Job job, Lease lease) {}

    /** What became of an outcome: written, or refused because a newer set replaced the webhook or the lease was lost. */
    public enum Written { RECORDED, SUPERSEDED, LEASE_LOST }

    /** What an attempt series came to, to record. */
    public record Outcome(String webhookId, Lease lease, Delivery.State state, int attempts, Integer lastStatus,
            String lastError, Instant nextAttemptAt) {}

    private final DynamoDbClient dynamoDb;
    private final String table;

    public Deliveries(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    /**
     * Takes the lease of the job's pending or failed delivery, for its current set of videos, unless another
     * invocation holds it.
     */
    public Leased lease(Job job, Sender sender) {
        Delivery delivery = job.delivery().orElse(null);
        if (delivery == null || !job.isComplete()) {
            return new Leased(Start.STALE, job, null);
        }
        if (delivery.isSettled()) {
            return new Leased(Start.SETTLED, job, null);
        }
        long now = sender.now().getEpochSecond();
        var update = leaseUpdate(job.jobId(), sender)
                .set("# = ?", DeliveryItem.STATE, s(Delivery.State.PENDING.name()))
                .set("# = ?", DeliveryItem.DUE, s(DeliveryItem.DUE))
                .when("# = ?", JobItem.REVISION, n(job.revision()))
                .when("# = ?", DeliveryItem.WEBHOOK_ID, s(delivery.webhookId()))
                .when("# IN (?, ?)", DeliveryItem.STATE, s(Delivery.State.PENDING.name()), s(Delivery.State.FAILED.name()))
                .when("attribute_not_exists(#) OR # <= ? OR # = ?", DeliveryItem.LEASE_UNTIL, DeliveryItem.LEASE_UNTIL,
                        n(now), DeliveryItem.LEASE_HOLDER, s(sender.holder()));
        try {
            Job leased = JobItem.toJob(dynamoDb.updateItem(update.request(ReturnValue.ALL_NEW)).attributes());
            return new Leased(Start.ACQUIRED, leased, lease(leased));
        } catch (ConditionalCheckFailedException refused) {
            Job current = JobItem.toJob(refused.item());
            Delivery seen = current.delivery().orElseThrow();
            if (current.revision() != job.revision() || !seen.webhookId().equals(delivery.webhookId())) {
                return new Leased(Start.STALE, current, null);
            }
            if (seen.isSettled()) {
                return new Leased(Start.SETTLED, current, null);
            }
            return new Leased(Start.LEASED_ELSEWHERE, current, null);
        }
    }

    /**
     * Takes the lease of a due delivery for the scheduled redelivery: only while it is still due and nobody else
     * holds it. Answers the job as it is then, or empty.
     */
    public Optional<Job> leaseDue(String jobId, Sender sender) {
        long now = sender.now().getEpochSecond();
        var update = leaseUpdate(jobId, sender)
                .set("# = ?", DeliveryItem.STATE, s(Delivery.State.PENDING.name()))
                .when("# = ?", DeliveryItem.DUE, s(DeliveryItem.DUE))
                .when("# <= ?", DeliveryItem.NEXT_ATTEMPT_AT, n(now))
                .when("attribute_not_exists(#) OR # <= ? OR # = ?", DeliveryItem.LEASE_UNTIL, DeliveryItem.LEASE_UNTIL,
                        n(now), DeliveryItem.LEASE_HOLDER, s(sender.holder()));
        try {
            return Optional.of(JobItem.toJob(dynamoDb.updateItem(update.request(ReturnValue.ALL_NEW)).attributes()));
        } catch (ConditionalCheckFailedException takenOrDone) {
            return Optional.empty();
        }
    }

    /** The lease a job's delivery holds, as {@link #lease} or {@link #leaseDue} took it. */
    public static Lease lease(Job job) {
        Delivery delivery = job.delivery().orElseThrow();
        return new Lease(delivery.leaseToken(), delivery.leaseUntil());
    }

    private ItemUpdate leaseUpdate(String jobId, Sender sender) {
        long until = sender.leaseUntil().getEpochSecond();
        return new ItemUpdate(table, JobItem.key(jobId))
                .set("# = ?", DeliveryItem.LEASE_UNTIL, n(until))
                .set("# = ?", DeliveryItem.NEXT_ATTEMPT_AT, n(until))
                .set("# = ?", DeliveryItem.LEASE_HOLDER, s(sender.holder()))
                .set("# = ?", DeliveryItem.UPDATED_AT, s(sender.now().toString()))
                .add(DeliveryItem.LEASE_TOKEN, 1)
                .when("attribute_exists(#)", DeliveryItem.WEBHOOK_ID);
    }

    /** Job ids whose delivery is due now, oldest first, from the sparse index: no table scan. */
    public List<String> dueJobs(Instant now, int limit) {
        return dynamoDb.queryPaginator(q -> q.tableName(table).indexName(DeliveryItem.DUE_INDEX)
                        .keyConditionExpression("#due = :due AND #next <= :now")
                        .expressionAttributeNames(Map.of("#due", DeliveryItem.DUE, "#next", DeliveryItem.NEXT_ATTEMPT_AT))
                        .expressionAttributeValues(Map.of(":due", s(DeliveryItem.DUE), ":now", n(now.getEpochSecond())))
                        .limit(Math.min(limit, 100)))
                .items().stream()
                .limit(limit)
                .map(item -> item.get(JobItem.PARTITION_KEY).s())
                .toList();
    }

    /**
     * Writes what an attempt series came to and lets the lease go: due again at {@code nextAttemptAt}, or out of
     * the due index when delivered or abandoned. Only while the lease's token is the current one and this
     * webhook's delivery still pending: answers whether it wrote, and why not.
     */
    public Written record(String jobId, Outcome outcome, Instant now) {
        Instant next = outcome.nextAttemptAt();
        var update = new ItemUpdate(table, JobItem.key(jobId))
                .set("# = ?", DeliveryItem.STATE, s(outcome.state().name()))
                .set("# = ?", DeliveryItem.UPDATED_AT, s(now.toString()))
                .setOrRemove(DeliveryItem.LAST_STATUS, outcome.lastStatus() == null ? null : n(outcome.lastStatus()))
                .setOrRemove(DeliveryItem.LAST_ERROR, outcome.lastError() == null ? null : DeliveryItem.bounded(outcome.lastError()))
                .setOrRemove(DeliveryItem.NEXT_ATTEMPT_AT, next == null ? null : n(next.getEpochSecond()))
                .setOrRemove(DeliveryItem.DUE, next == null ? null : s(DeliveryItem.DUE))
                .remove("#", DeliveryItem.LEASE_UNTIL)
                .add(DeliveryItem.ATTEMPTS, outcome.attempts());
        if (outcome.state() == Delivery.State.DELIVERED) {
            update.set("# = ?", DeliveryItem.DELIVERED_AT, s(now.toString()));
        }
        fenced(update, outcome.webhookId(), outcome.lease());
        try {
            dynamoDb.updateItem(update.request(ReturnValue.NONE));
            return Written.RECORDED;
        } catch (ConditionalCheckFailedException refused) {
            return refusal(refused.item(), outcome.webhookId(), outcome.lease(), outcome.state());
        }
    }

    /**
     * Gives up on a leased delivery (past the give-up window, or its job no longer complete). True only for the
     * call that did it, so the error line and metric are emitted once.
     */
    public boolean abandon(String jobId, String webhookId, Lease lease, String reason, Instant now) {
        var update = new ItemUpdate(table, JobItem.key(jobId))
                .set("# = ?", DeliveryItem.STATE, s(Delivery.State.ABANDONED.name()))
                .set("# = ?", DeliveryItem.LAST_ERROR, DeliveryItem.bounded(reason))
                .set("# = ?", DeliveryItem.UPDATED_AT, s(now.toString()))
                .remove("#, #, #", DeliveryItem.DUE, DeliveryItem.NEXT_ATTEMPT_AT, DeliveryItem.LEASE_UNTIL);
        fenced(update, webhookId, lease);
        try {
            dynamoDb.updateItem(update.request(ReturnValue.NONE));
            return true;
        } catch (ConditionalCheckFailedException refused) {
            return refusal(refused.item(), webhookId, lease, Delivery.State.ABANDONED) == Written.RECORDED;
        }
    }

    /**
     * A sender whose webhook was replaced by a newer set while it was sending lets its lease go, so the newer one is
     * due now rather than when the lease would have ended.
     */
    public void release(String jobId, Lease lease, Instant now) {
        var update = new ItemUpdate(table, JobItem.key(jobId))
                .set("# = ?", DeliveryItem.NEXT_ATTEMPT_AT, n(now.getEpochSecond()))
                .remove("#", DeliveryItem.LEASE_UNTIL)
                .when("# = ?", DeliveryItem.LEASE_TOKEN, n(lease.token()))
                .when("attribute_exists(#)", DeliveryItem.DUE);
        try {
            dynamoDb.updateItem(update.request(ReturnValue.NONE));
        } catch (ConditionalCheckFailedException alreadyGone) {
            // Taken over, or nothing due: the lease is not this sender's to let go.
        }
    }

    private static void fenced(ItemUpdate update, String webhookId, Lease lease) {
        update.when("# = ?", DeliveryItem.WEBHOOK_ID, s(webhookId))
                .when("# = ?", DeliveryItem.LEASE_TOKEN, n(lease.token()))
                .when("# = ?", DeliveryItem.STATE, s(Delivery.State.PENDING.name()));
    }

    /**
     * Why a fenced write was refused, from the item as it was: the very state asked for (this write, applied, whose
     * answer was lost and which the SDK sent again), a newer set of videos, or a lease taken over.
     */
    private static Written refusal(Map<String, AttributeValue> old, String webhookId, Lease lease, Delivery.State wanted) {
        String id = Attributes.text(old, DeliveryItem.WEBHOOK_ID);
        String state = Attributes.text(old, DeliveryItem.STATE);
        if (!webhookId.equals(id) || Delivery.State.SUPERSEDED.name().equals(state)) {
            return Written.SUPERSEDED;
        }
        if (Attributes.number(old, DeliveryItem.LEASE_TOKEN, 0) == lease.token() && wanted.name().equals(state)
                && !old.containsKey(DeliveryItem.LEASE_UNTIL)) {
            return Written.RECORDED;
        }
        return Written.LEASE_LOST;
    }
}
