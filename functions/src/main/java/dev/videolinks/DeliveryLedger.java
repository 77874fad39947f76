package dev.videolinks;

import static dev.videolinks.Attributes.n;
import static dev.videolinks.Attributes.s;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * The delivery state of each job's webhook, kept in the job's item beside its videos (SPEC §3). Nothing is sent
 * without a lease, and nothing is recorded without still holding it:
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

    /** The sparse index of deliveries that need a (re)send: only items with {@code due} are in it. */
    static final String DUE_INDEX = "DueDeliveries";
    private static final String DUE = "due";
    private static final int MAX_ROUNDS = 4;
    /** Receivers' answers and errors are kept this long at most. */
    private static final int MAX_ERROR_LENGTH = 300;

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

    /** What became of an outcome: written, or refused because a newer webhook replaced it or the lease was lost. */
    enum Written { RECORDED, SUPERSEDED, LEASE_LOST }

    /** The outcome of an attempt series, to record. */
    record Outcome(String webhookId, Lease lease, Delivery.State state, int attempts, Integer lastStatus,
            String lastError, Instant nextAttemptAt) {}

    private final DynamoDbClient dynamoDb;
    private final String table;

    DeliveryLedger(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    /** The attributes of a delivery that starts in the write creating the job (token 1): see VideoTable. */
    static Lease startWith(Map<String, AttributeValue> item, VideoTable.FirstDelivery first) {
        long leaseEnd = first.leaseUntil().getEpochSecond();
        item.put("webhook_id", s(first.webhookId()));
        item.put("delivery_state", s(Delivery.State.PENDING.name()));
        item.put("attempts", n(0));
        item.put("updated_at", s(first.now().toString()));
        item.put("first_attempt_at", n(first.now().getEpochSecond()));
        item.put("lease_until", n(leaseEnd));
        item.put("lease_token", n(1));
        item.put(DUE, s(DUE));
        item.put("next_attempt_at", n(leaseEnd));
        return new Lease(1, Instant.ofEpochSecond(leaseEnd));
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
                seen = VideoTable.toJob(changed.item());
            }
        }
        throw new IllegalStateException("delivery of job " + job.jobId() + " kept changing while it was leased");
    }

    private Job acquire(Job job, String webhookId, boolean sameId, Instant now, Instant leaseUntil) {
        var values = values(now);
        values.put(":id", s(webhookId));
        values.put(":rev", n(job.revision()));
        values.put(":until", n(leaseUntil.getEpochSecond()));
        values.put(":one", n(1));
        String set = "SET delivery_state = :pending, updated_at = :now, lease_until = :until, due = :due,"
                + " next_attempt_at = :until";
        String update;
        String condition = "revision = :rev AND (attribute_not_exists(lease_until) OR lease_until <= :now_epoch)";
        if (sameId) {
            update = set + ", first_attempt_at = if_not_exists(first_attempt_at, :now_epoch) ADD lease_token :one";
            values.put(":delivered", s(Delivery.State.DELIVERED.name()));
            values.put(":abandoned", s(Delivery.State.ABANDONED.name()));
            condition += " AND webhook_id = :id AND delivery_state <> :delivered AND delivery_state <> :abandoned";
        } else {
            update = set + ", webhook_id = :id, attempts = :zero, first_attempt_at = :now_epoch"
                    + " REMOVE last_status, last_error, delivered_at ADD lease_token :one";
            values.put(":zero", n(0));
            condition += " AND (attribute_not_exists(webhook_id) OR webhook_id <> :id)";
        }
        String finalCondition = condition;
        return VideoTable.toJob(dynamoDb.updateItem(u -> u.tableName(table).key(VideoTable.key(job.jobId()))
                .updateExpression(update)
                .conditionExpression(finalCondition)
                .expressionAttributeValues(used(values, update, finalCondition))
                .returnValues(ReturnValue.ALL_NEW)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).attributes());
    }

    /** Puts a newer webhook in place of the one in flight, due when the holder's lease ends (or it lets go). */
    private Job queue(Job job, String webhookId, String heldId, Instant now) {
        var values = values(now);
        values.put(":id", s(webhookId));
        values.put(":held", s(heldId));
        values.put(":rev", n(job.revision()));
        values.put(":zero", n(0));
        String update = "SET webhook_id = :id, delivery_state = :pending, attempts = :zero,"
                + " first_attempt_at = :now_epoch, updated_at = :now, due = :due, next_attempt_at = lease_until"
                + " REMOVE last_status, last_error, delivered_at";
        String condition = "revision = :rev AND webhook_id = :held AND lease_until > :now_epoch";
        return VideoTable.toJob(dynamoDb.updateItem(u -> u.tableName(table).key(VideoTable.key(job.jobId()))
                .updateExpression(update)
                .conditionExpression(condition)
                .expressionAttributeValues(used(values, update, condition))
                .returnValues(ReturnValue.ALL_NEW)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).attributes());
    }

    /**
     * Takes the lease of a due delivery for the scheduled redelivery: only while it is still due and nobody holds
     * it. Answers the job as it is then, or empty.
     */
    Optional<Job> leaseDue(String jobId, Instant now, Instant leaseUntil) {
        var values = values(now);
        values.put(":until", n(leaseUntil.getEpochSecond()));
        values.put(":one", n(1));
        try {
            var updated = dynamoDb.updateItem(u -> u.tableName(table).key(VideoTable.key(jobId))
                    .updateExpression("SET lease_until = :until, next_attempt_at = :until, delivery_state = :pending,"
                            + " updated_at = :now ADD lease_token :one")
                    .conditionExpression("due = :due AND next_attempt_at <= :now_epoch"
                            + " AND (attribute_not_exists(lease_until) OR lease_until <= :now_epoch)")
                    .expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW));
            return Optional.of(VideoTable.toJob(updated.attributes()));
        } catch (ConditionalCheckFailedException takenOrDone) {
            return Optional.empty();
        }
    }

    /** The leased delivery now sends the job's current videos, under their webhook id, as a new series. */
    boolean retarget(String jobId, Lease lease, String fromId, String toId, Instant now) {
        var values = values(now);
        values.put(":from", s(fromId));
        values.put(":to", s(toId));
        values.put(":token", n(lease.token()));
        values.put(":zero", n(0));
        String update = "SET webhook_id = :to, attempts = :zero, first_attempt_at = :now_epoch, updated_at = :now"
                + " REMOVE last_status, last_error";
        String condition = "webhook_id = :from AND lease_token = :token AND delivery_state = :pending";
        return written(() -> dynamoDb.updateItem(u -> u.tableName(table).key(VideoTable.key(jobId))
                .updateExpression(update)
                .conditionExpression(condition)
                .expressionAttributeValues(used(values, update, condition))));
    }

    /** Job ids whose delivery is due now, oldest first, from the sparse index: no table scan. */
    List<String> dueJobs(Instant now, int limit) {
        return dynamoDb.queryPaginator(q -> q.tableName(table).indexName(DUE_INDEX)
                        .keyConditionExpression("due = :due AND next_attempt_at <= :now")
                        .expressionAttributeValues(Map.of(":due", s(DUE), ":now", n(now.getEpochSecond())))
                        .limit(Math.min(limit, 100)))
                .items().stream()
                .limit(limit)
                .map(item -> item.get(VideoTable.PARTITION_KEY).s())
                .toList();
    }

    /**
     * Writes the outcome of an attempt series and releases the lease: due again at {@code nextAttemptAt}, or out
     * of the due index when delivered or abandoned. Only while the lease's token is the current one and the
     * delivery of this webhook is still pending: answers whether it wrote, and why not.
     */
    Written recordOutcome(String jobId, Outcome outcome, Instant now) {
        var values = values(now);
        values.put(":id", s(outcome.webhookId()));
        values.put(":token", n(outcome.lease().token()));
        values.put(":state", s(outcome.state().name()));
        values.put(":attempts", n(outcome.attempts()));
        var set = new ArrayList<>(List.of("delivery_state = :state", "updated_at = :now"));
        var remove = new ArrayList<>(List.of("lease_until"));
        optional(set, remove, values, "last_status", outcome.lastStatus() == null ? null : n(outcome.lastStatus()));
        optional(set, remove, values, "last_error", outcome.lastError() == null ? null : s(bounded(outcome.lastError())));
        Instant next = outcome.nextAttemptAt();
        optional(set, remove, values, "next_attempt_at", next == null ? null : n(next.getEpochSecond()));
        optional(set, remove, values, DUE, next == null ? null : s(DUE));
        if (outcome.state() == Delivery.State.DELIVERED) {
            set.add("delivered_at = :now");
        }
        String update = "SET " + String.join(", ", set) + " REMOVE " + String.join(", ", remove) + " ADD attempts :attempts";
        String condition = "webhook_id = :id AND lease_token = :token AND delivery_state = :pending";
        try {
            dynamoDb.updateItem(u -> u.tableName(table).key(VideoTable.key(jobId))
                    .updateExpression(update)
                    .conditionExpression(condition)
                    .expressionAttributeValues(used(values, update, condition))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
            return Written.RECORDED;
        } catch (ConditionalCheckFailedException refused) {
            return outcome.webhookId().equals(Attributes.text(refused.item(), "webhook_id"))
                    ? Written.LEASE_LOST : Written.SUPERSEDED;
        }
    }

    /**
     * A sender whose webhook was replaced by a newer one while it was sending lets its lease go, so the newer one
     * is due now rather than when the lease would have ended.
     */
    void release(String jobId, Lease lease, Instant now) {
        written(() -> dynamoDb.updateItem(u -> u.tableName(table).key(VideoTable.key(jobId))
                .updateExpression("SET next_attempt_at = :now_epoch REMOVE lease_until")
                .conditionExpression("lease_token = :token AND attribute_exists(#due)")
                .expressionAttributeNames(Map.of("#due", DUE))
                .expressionAttributeValues(Map.of(":token", n(lease.token()), ":now_epoch", n(now.getEpochSecond())))));
    }

    /** Gives up on a leased delivery. True only for the call that did it, so the error line and metric are emitted once. */
    boolean abandon(String jobId, String webhookId, Lease lease, String reason, Instant now) {
        var values = values(now);
        values.put(":id", s(webhookId));
        values.put(":token", n(lease.token()));
        values.put(":abandoned", s(Delivery.State.ABANDONED.name()));
        values.put(":reason", s(bounded(reason)));
        String update = "SET delivery_state = :abandoned, last_error = :reason, updated_at = :now"
                + " REMOVE due, next_attempt_at, lease_until";
        String condition = "webhook_id = :id AND lease_token = :token AND delivery_state = :pending";
        return written(() -> dynamoDb.updateItem(u -> u.tableName(table).key(VideoTable.key(jobId))
                .updateExpression(update)
                .conditionExpression(condition)
                .expressionAttributeValues(used(values, update, condition))));
    }

    /** The values most writes use; {@link #used} keeps those an expression names (DynamoDB refuses the others). */
    private static Map<String, AttributeValue> values(Instant now) {
        var values = new HashMap<String, AttributeValue>();
        values.put(":pending", s(Delivery.State.PENDING.name()));
        values.put(":now", s(now.toString()));
        values.put(":now_epoch", n(now.getEpochSecond()));
        values.put(":due", s(DUE));
        return values;
    }

    private static Map<String, AttributeValue> used(Map<String, AttributeValue> values, String... expressions) {
        var used = new HashMap<String, AttributeValue>();
        values.forEach((name, value) -> {
            var placeholder = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(name) + "(?![A-Za-z0-9_])");
            for (String expression : expressions) {
                if (placeholder.matcher(expression).find()) {
                    used.put(name, value);
                }
            }
        });
        return used;
    }

    private static boolean written(Runnable write) {
        try {
            write.run();
            return true;
        } catch (ConditionalCheckFailedException refused) {
            return false;
        }
    }

    private static String bounded(String text) {
        return text.length() <= MAX_ERROR_LENGTH ? text : text.substring(0, MAX_ERROR_LENGTH - 1) + "…";
    }

    private static void optional(List<String> set, List<String> remove, Map<String, AttributeValue> values,
            String attribute, AttributeValue value) {
        if (value == null) {
            remove.add(attribute);
        } else {
            values.put(":" + attribute, value);
            set.add(attribute + " = :" + attribute);
        }
    }

    static Optional<Delivery> delivery(Map<String, AttributeValue> item) {
        if (!item.containsKey("webhook_id")) {
            return Optional.empty();
        }
        return Optional.of(new Delivery(
                item.get(VideoTable.PARTITION_KEY).s(),
                item.get("webhook_id").s(),
                Delivery.State.valueOf(item.get("delivery_state").s()),
                (int) Attributes.number(item, "attempts", 0),
                item.containsKey("last_status") ? Integer.valueOf(item.get("last_status").n()) : null,
                Attributes.text(item, "last_error"),
                Attributes.epoch(item, "first_attempt_at"),
                Attributes.epoch(item, "next_attempt_at"),
                Attributes.epoch(item, "lease_until"),
                Attributes.number(item, "lease_token", 0),
                Instant.parse(item.get("updated_at").s())));
    }
}
