package dev.videolinks;

import dev.videolinks.store.Change;
import dev.videolinks.store.KeyState;
import dev.videolinks.store.Sender;
import dev.videolinks.store.VideoStore;
import java.time.Instant;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Jobs written straight to a table, the way the completion function records them, for tests that need many. */
final class StoreFixtures {

    private StoreFixtures() {}

    /** Records the video as an event of its key would (its job's delivery started, its lease taken by "fixture"). */
    static Change record(VideoStore store, Video video) {
        Instant now = Instant.now();
        return store.follow(KeyState.video(video), new Sender("fixture", now, now.plusSeconds(75)));
    }

    static VideoStore store(DynamoDbClient dynamoDb, String table) {
        return new VideoStore(dynamoDb, table);
    }
}
