package dev.minikafka.client.internal;

import java.util.concurrent.TimeUnit;

import dev.minikafka.client.ClientSecurity;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;

/** Opens and closes the client's gRPC channel to the broker. Internal API. */
public final class Channels {

    /** Large enough for a fetch of the broker's biggest response (16 MiB) plus framing. */
    private static final int MAX_INBOUND_BYTES = 32 * 1024 * 1024;

    /** The header the broker reads the caller's client id from. */
    private static final Metadata.Key<String> CLIENT_ID = Metadata.Key.of("minikafka-client-id", Metadata.ASCII_STRING_MARSHALLER);

    private Channels() {
    }

    /** A plaintext channel to {@code host:port}; it connects lazily, on the first call. */
    public static ManagedChannel open(String bootstrap) {
        return open(bootstrap, null);
    }

    /**
     * As {@link #open(String)}, with every call naming {@code clientId} (the broker's quotas and metrics
     * tell clients apart by it); null sends none.
     */
    public static ManagedChannel open(String bootstrap, String clientId) {
        return open(bootstrap, clientId, ClientSecurity.NONE);
    }

    /** As {@link #open(String, String)}, over TLS and with a bearer token as {@code security} says. */
    public static ManagedChannel open(String bootstrap, String clientId, ClientSecurity security) {
        if (bootstrap.isBlank() || !bootstrap.contains(":")) {
            throw new IllegalArgumentException("bootstrap must be host:port, got '" + bootstrap + "'");
        }
        ManagedChannelBuilder<?> builder = Grpc.newChannelBuilder(bootstrap, ChannelCredentialsFactory.create(security))
                .maxInboundMessageSize(MAX_INBOUND_BYTES)
                .keepAliveTime(30, TimeUnit.SECONDS);
        if (clientId != null) {
            Metadata headers = new Metadata();
            headers.put(CLIENT_ID, clientId);
            builder.intercept(MetadataUtils.newAttachHeadersInterceptor(headers));
        }
        return builder.build();
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
