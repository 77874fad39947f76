package dev.videolinks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.DoubleAdder;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * What DynamoDB bills for each kind of event, as DynamoDB Local reports it (ReturnConsumedCapacity on every
 * request): the figures of COSTS.md, which a change to the items or the writes must update on purpose. DynamoDB
 * Local reports nothing for a read of a missing item, which DynamoDB bills at the minimum: counted as 1 RRU here.
 */
class WriteUnitsTest extends PipelineTest {

    /** Adds up the write and read units of every DynamoDB call it sees. */
    static final class Meter implements ExecutionInterceptor {
        final DoubleAdder writes = new DoubleAdder();
        final DoubleAdder reads = new DoubleAdder();

        @Override
        public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
            return switch (context.request()) {
                case UpdateItemRequest r -> r.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.INDEXES).build();
                case TransactWriteItemsRequest r -> r.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.INDEXES).build();
                case GetItemRequest r -> r.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.INDEXES).build();
                case BatchGetItemRequest r -> r.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.INDEXES).build();
                case QueryRequest r -> r.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.INDEXES).build();
                default -> context.request();
            };
        }

        @Override
        public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            switch (context.response()) {
                case UpdateItemResponse r -> add(List.of(r.consumedCapacity()), true);
                case TransactWriteItemsResponse r -> add(r.consumedCapacity(), true);
                case GetItemResponse r -> add(r.consumedCapacity() == null || r.consumedCapacity().capacityUnits() == null
                        || r.consumedCapacity().capacityUnits() == 0 ? List.of(ConsumedCapacity.builder().capacityUnits(1.0)
                        .build()) : List.of(r.consumedCapacity()), false);
                case BatchGetItemResponse r -> add(r.consumedCapacity(), false);
                case QueryResponse r -> add(List.of(r.consumedCapacity()), false);
                default -> { }
            }
        }

        private void add(List<ConsumedCapacity> consumed, boolean write) {
            if (Boolean.getBoolean("units.verbose")) {
                System.out.println("units call: " + consumed);
            }
            for (var capacity : consumed) {
                if (capacity != null && capacity.capacityUnits() != null) {
                    (write ? writes : reads).add(capacity.capacityUnits());
                }
            }
        }

        String take() {
            String units = fmt(writes.sumThenReset()) + " WRU, " + fmt(reads.sumThenReset()) + " RRU";
            return units;
        }

        private static String fmt(double units) {
            return units == Math.rint(units) ? Long.toString((long) units) : Double.toString(units);
        }
    }

    @Test
    void eachKindOfEvent_theUnitsCostsMdQuotes() throws Exception {
        var meter = new Meter();
        var handler = pipeline.completion(new Wiring.ClientHooks(o -> o.addExecutionInterceptor(meter), dynamoDb -> dynamoDb));
        var units = new LinkedHashMap<String, String>();
        String one = "generated_videos/user_42/j_one/clip.mp4";
        pipeline.put(one, "clip", Map.of());
        byte[] created = pipeline.notification("ObjectCreated:Put", one, null, pipeline.nextSequencer());
        meter.take();

        pipeline.invoke(handler, created, "req-1");
        units.put("a one-video job: recorded, sent, its outcome recorded", meter.take());
        for (String id : List.of("j_one", "key#" + one)) {
            var item = aws.dynamoDb().client().getItem(g -> g.tableName(pipeline.table).key(Map.of("job_id",
                    software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(id)))).item();
            System.out.println("write units: the item " + id + " is " + dev.videolinks.store.Attributes.size(item) + " bytes");
        }
        meter.take();
        pipeline.invoke(handler, created, "req-2");
        units.put("a duplicate of that event", meter.take());
        String first = "generated_videos/user_42/j_two/a.mp4";
        String second = "generated_videos/user_42/j_two/b.mp4";
        pipeline.put(first, "a", Map.of("video-count", "2"));
        pipeline.invoke(handler, pipeline.notification("ObjectCreated:Put", first, null, pipeline.nextSequencer()), "req-3");
        units.put("the first of two videos (the job waits)", meter.take());
        pipeline.put(second, "b", Map.of("video-count", "2"));
        pipeline.invoke(handler, pipeline.notification("ObjectCreated:Put", second, null, pipeline.nextSequencer()), "req-4");
        units.put("the second of two videos: recorded, sent, its outcome recorded", meter.take());
        pipeline.put(one, "clip for another job", Map.of("job-id", "j_other"));
        pipeline.invoke(handler, pipeline.notification("ObjectCreated:Put", one, null, pipeline.nextSequencer()), "req-5");
        units.put("a key uploaded again for another job: moved, the new job's webhook sent", meter.take());
        aws.s3().client().deleteObject(d -> d.bucket(pipeline.bucket).key(first));
        pipeline.invoke(handler, pipeline.notification("ObjectRemoved:Delete", first, null, pipeline.nextSequencer()), "req-6");
        units.put("a removal that leaves its job incomplete", meter.take());

        units.forEach((event, used) -> System.out.println("write units: " + event + ": " + used));
        assertEquals(Map.of(
                "a one-video job: recorded, sent, its outcome recorded", "14 WRU, 2 RRU",
                "a duplicate of that event", "0 WRU, 3 RRU",
                "the first of two videos (the job waits)", "4 WRU, 2 RRU",
                "the second of two videos: recorded, sent, its outcome recorded", "14 WRU, 3 RRU",
                "a key uploaded again for another job: moved, the new job's webhook sent", "14 WRU, 4 RRU",
                "a removal that leaves its job incomplete", "4 WRU, 2 RRU"), units);
    }
}
