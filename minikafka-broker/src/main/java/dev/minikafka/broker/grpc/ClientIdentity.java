package dev.minikafka.broker.grpc;

import org.springframework.grpc.server.GlobalServerInterceptor;
import org.springframework.stereotype.Component;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Who is calling, for quotas and metrics: the {@code minikafka-client-id} header the Java client sends on
 * every call ({@code client.id} in its config), or {@link #ANONYMOUS}. Not authentication: any client may
 * claim any id (the security issue adds authenticated principals).
 */
@Component
@GlobalServerInterceptor
public class ClientIdentity implements ServerInterceptor {

    public static final Metadata.Key<String> HEADER = Metadata.Key.of("minikafka-client-id", Metadata.ASCII_STRING_MARSHALLER);
    public static final String ANONYMOUS = "anonymous";
    private static final Context.Key<String> CLIENT_ID = Context.key("minikafka-client-id");
    private static final int MAX_LENGTH = 255;

    /** The calling client's id, on a thread serving a gRPC call. */
    public static String current() {
        String id = CLIENT_ID.get();
        return id == null ? ANONYMOUS : id;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String id = headers.get(HEADER);
        if (id == null || id.isBlank()) {
            id = ANONYMOUS;
        } else if (id.length() > MAX_LENGTH) {
            id = id.substring(0, MAX_LENGTH);
        }
        return Contexts.interceptCall(Context.current().withValue(CLIENT_ID, id), call, headers, next);
    }
}
