package dev.minikafka.client.internal;

import java.util.concurrent.Executor;

import io.grpc.CallCredentials;
import io.grpc.Metadata;

/**
 * gRPC call credentials that send {@code authorization: Bearer <token>} on every call. The header is built
 * once; {@link #toString()} does not show the token. Internal API.
 */
final class BearerToken extends CallCredentials {

    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final Metadata headers = new Metadata();

    BearerToken(String token) {
        headers.put(AUTHORIZATION, "Bearer " + token);
    }

    @Override
    public void applyRequestMetadata(RequestInfo requestInfo, Executor appExecutor, MetadataApplier applier) {
        applier.apply(headers);
    }

    @Override
    public String toString() {
        return "BearerToken[****]";
    }
}
