package dev.videolinks.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;

/**
 * S3Proxy's store, recording each GetObject (key and Range, as S3Proxy received them) and each ListObjectsV2
 * (its prefix): what the functions asked S3 for, counted on the server's side.
 */
public final class RecordingBlobStore extends ForwardingBlobStore {

    /** One GetObject: its key, and its Range header or null for the whole object. */
    public record Get(String key, String range) {}

    private final List<Get> gets = new CopyOnWriteArrayList<>();
    private final List<String> listings = new CopyOnWriteArrayList<>();

    RecordingBlobStore(BlobStore delegate) {
        super(delegate);
    }

    @Override
    public ResponseInputStream<GetObjectResponse> getBlob(GetObjectRequest request) {
        gets.add(new Get(request.key(), request.range()));
        return super.getBlob(request);
    }

    @Override
    public ListObjectsV2Response list(ListObjectsV2Request request) {
        listings.add(request.prefix());
        return super.list(request);
    }

    /** The GetObjects of this key so far. */
    public List<Get> gets(String key) {
        return gets.stream().filter(get -> get.key().equals(key)).toList();
    }

    /** The prefixes of the ListObjectsV2 calls so far. */
    public List<String> listings() {
        return List.copyOf(listings);
    }
}
