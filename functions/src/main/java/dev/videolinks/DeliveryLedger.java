package dev.videolinks;

import static dev.videolinks.Attributes.n;
import static dev.videolinks.Attributes.s;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The delivery state of each job's webhook, kept in the job's item beside its videos (SPEC §3) as
 * {@link DeliveryItem}: who may send it now (the lease, here) and what came of the sending
 * ({@link DeliveryOutcomes}). Nothing is sent without a lease, and nothing is recorded without still holding it:
 *
 * <ul>
 *   <li>a lease lasts until its holder's invocation ends (plus a margin), so no attempt series outlives it;
 *   <li>each lease gets a new token, and an outcome is written only on condition that the token is still the
 *       current one and the delivery still pending (a fencing token): a sender whose lease was taken over can
 *       never overwrite a later DELIVERED or ABANDONED;
 *   <li>a lease is only taken for the job's current revision, so a webhook never carries an older set of videos
 *       than one already being sent; a newer set waits behind the one in flight and is sent after it.
 * </ul>
 */
final class DeliveryLedger {

    /** Conditional writes that lost a race are decided again on what the table answered, this many times. */
    private static final int MAX_ROUNDS = 4;

    /** The right to send a job's webhook until {@code until}, and to record the outcome while {@code token} holds. */
    record Lease(long token, Instant until) {}

    /** Whether a send may start, and why not. */
    enum Start {
        /** This caller holds the lease. */
        ACQUIRED,
        /** Delivered or abandoned already. */
        SETTLED,
        /** Another sender holds the lease for this very webhook. */
        SENDING_ELSEWHERE,
        /** Another sender holds the lease for an older set of videos: this one is sent after it. */
        QUEUED,
        /** The job changed since this caller read it: the newer set is someone else's to send. */
        STALE
    }

    /** The answer of {@link #begin}: the job as the table has it now, and the lease when acquired. */
    record Started(Start start, Job job, Lease lease) {}

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final DeliveryOutcomes outcomes;

    DeliveryLedger(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
        this.outcomes = new DeliveryOutcomes(dynamoDb, table);
    }

    /** Where a lease's holder records what became of its attempts. */
    DeliveryOutcomes outcomes() {
        return outcomes;
    }

    /**
     * Takes the job's lease to send {@code webhookId} (the webhook of {@code job}'s videos) and marks the delivery
     * pending and due at the lease's end, so that a send that dies half-way is sent again. Only for the job's
     * current revision; never for a settled webhook; never while another sender holds the lease.
     */
    Started begin(Job job, String webhookId, Instant now, Instant leaseUntil) {
        Job seen = job;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Optional<Delivery> delivery = seen.delivery();
            boolean sameId = delivery.isPresent() && delivery.get().webhookId().equals(webhookId);
            if (seen.revision() != job.revision()) {
                return new Started(Start.STALE, seen, null);
            }
            if (sameId && delivery.get().isSettled(webhookId)) {
                return new Started(Start.SETTLED, seen, null);
            }
            try {
                if (delivery.isPresent() && delivery.get().isLeased(now)) {
                    if (sameId) {
                        return new Started(Start.SENDING_ELSEWHERE, seen, null);
                    }
                    return new Started(Start.QUEUED, queue(job, webhookId, delivery.get().webhookId(), now), null);
                }
                Job leased = acquire(job, webhookId, sameId, now, leaseUntil);
                return new Started(Start.ACQUIRED, leased, new Lease(leased.delivery().orElseThrow().leaseToken(),
                        Instant.ofEpochSecond(leaseUntil.getEpochSecond())));
            } catch (ConditionalCheckFailedException changed) {
                seen = JobItem.toJob(changed.item());
            }
        }
        throw new IllegalStateException("delivery of job " + job.jobId() + " kept changing while it was leased");
    }

    private Job acquire(Job job, String webhookId, boolean sameId, Instant now, Instant leaseUntil) {
        String set = "SET delivery_state = :pending, updated_at = :now, lease_until = :until, due = :due,"
                + " next_attempt_at = :until";
        var update = sameId
                ? DeliveryItem.update(job.jobId(), set + ", first_attempt_at = if_not_exists(first_attempt_at, :now_epoch)"
                        + " ADD lease_token :one", now)
                : DeliveryItem.update(job.jobId(), set + ", webhook_id = :id, attempts = :zero, first_attempt_at = :now_epoch"
                        + " REMOVE last_status, last_error, delivered_at ADD lease_token :one", now);
        update.value(":id", s(webhookId)).value(":rev", n(job.revision())).value(":until", n(leaseUntil.getEpochSecond()))
                .value(":one", n(1)).value(":zero", n(0))
                .value(":delivered", s(Delivery.State.DELIVERED.name())).value(":abandoned", s(Delivery.State.ABANDONED.name()))
                .when("revision = :rev AND (attribute_not_exists(lease_until) OR lease_until <= :now_epoch)");
        return update.when(sameId
                ? "webhook_id = :id AND delivery_state <> :delivered AND delivery_state <> :abandoned"
                : "(attribute_not_exists(webhook_id) OR webhook_id <> :id)").apply(dynamoDb, table);
    }

    /** Puts a newer webhook in place of the one in flight, due when the holder's lease ends (or it lets go). */
    private Job queue(Job job, String webhookId, String heldId, Instant now) {
        return DeliveryItem.update(job.jobId(), "SET webhook_id = :id, delivery_state = :pending, attempts = :zero,"
                        + " first_attempt_at = :now_epoch, updated_at = :now, due = :due, next_attempt_at = lease_until"
                        + " REMOVE last_status, last_error, delivered_at", now)
                .value(":id", s(webhookId)).value(":held", s(heldId)).value(":rev", n(job.revision())).value(":zero", n(0))
                .when("revision = :rev AND webhook_id = :held AND lease_until > :now_epoch")
                .apply(dynamoDb, table);
    }

    /**
     * Takes the lease of a due delivery for the scheduled redelivery: only while it is still due and nobody holds
     * it. Answers the job as it is then, or empty.
     */
    Optional<Job> leaseDue(String jobId, Instant now, Instant leaseUntil) {
        var update = DeliveryItem.update(jobId, "SET lease_until = :until, next_attempt_at = :until,"
                        + " delivery_state = :pending, updated_at = :now ADD lease_token :one", now)
                .value(":until", n(leaseUntil.getEpochSecond())).value(":one", n(1))
                .when("due = :due AND next_attempt_at <= :now_epoch")
                .when("(attribute_not_exists(lease_until) OR lease_until <= :now_epoch)");
        try {
            return Optional.of(update.apply(dynamoDb, table));
        } catch (ConditionalCheckFailedException takenOrDone) {
            return Optional.empty();
        }
    }

    /** The leased delivery now sends the job's current videos, under their webhook id, as a new series. */
    boolean retarget(String jobId, Lease lease, String fromId, String toId, Instant now) {
        return DeliveryItem.update(jobId, "SET webhook_id = :to, attempts = :zero, first_attempt_at = :now_epoch,"
                        + " updated_at = :now REMOVE last_status, last_error", now)
                .value(":from", s(fromId)).value(":to", s(toId)).value(":token", n(lease.token())).value(":zero", n(0))
                .when("webhook_id = :from AND lease_token = :token AND delivery_state = :pending")
                .applied(dynamoDb, table);
    }

    /** Job ids whose delivery is due now, oldest first, from the sparse index: no table scan. */
    List<String> dueJobs(Instant now, int limit) {
        return dynamoDb.queryPaginator(q -> q.tableName(table).indexName(DeliveryItem.DUE_INDEX)
                        .keyConditionExpression("due = :due AND next_attempt_at <= :now")
                        .expressionAttributeValues(Map.of(":due", s(DeliveryItem.DUE), ":now", n(now.getEpochSecond())))
                        .limit(Math.min(limit, 100)))
                .items().stream()
                .limit(limit)
                .map(item -> item.get(VideoTable.PARTITION_KEY).s())
                .toList();
    }

    /**
     * A sender whose webhook was replaced by a newer one while it was sending lets its lease go, so the newer one
     * is due now rather than when the lease would have ended.
     */
    void release(String jobId, Lease lease, Instant now) {
        DeliveryItem.update(jobId, "SET next_attempt_at = :now_epoch REMOVE lease_until", now)
                .name("#due", DeliveryItem.DUE).value(":token", n(lease.token()))
                .when("lease_token = :token AND attribute_exists(#due)")
                .applied(dynamoDb, table);
    }
}
