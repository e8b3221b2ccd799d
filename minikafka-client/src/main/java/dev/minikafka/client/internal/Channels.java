package dev.minikafka.client.internal;

import java.util.concurrent.TimeUnit;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;

/** Opens and closes the client's gRPC channel to the broker. Internal API. */
public final class Channels {

    /** Large enough for a fetch of the broker's biggest response (16 MiB) plus framing. */
    private static final int MAX_INBOUND_BYTES = 32 * 1024 * 1024;

    private Channels() {
    }

    /** A plaintext channel to {@code host:port}; it connects lazily, on the first call. */
    public static ManagedChannel open(String bootstrap) {
        if (bootstrap.isBlank() || !bootstrap.contains(":")) {
            throw new IllegalArgumentException("bootstrap must be host:port, got '" + bootstrap + "'");
        }
        return Grpc.newChannelBuilder(bootstrap, InsecureChannelCredentials.create())
                .maxInboundMessageSize(MAX_INBOUND_BYTES)
                .keepAliveTime(30, TimeUnit.SECONDS)
                .build();
    }

    public static void close(ManagedChannel channel) {
        channel.shutdown();
        try {
            if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            channel.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
