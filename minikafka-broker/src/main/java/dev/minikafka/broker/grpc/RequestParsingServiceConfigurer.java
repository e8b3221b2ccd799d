package dev.minikafka.broker.grpc;

import java.io.InputStream;

import org.springframework.context.ApplicationContext;
import org.springframework.grpc.server.GrpcServerFactory;
import org.springframework.grpc.server.service.DefaultGrpcServiceConfigurer;
import org.springframework.grpc.server.service.GrpcServiceSpec;
import org.springframework.stereotype.Component;

import io.grpc.MethodDescriptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;

/**
 * Binds every gRPC service as Spring gRPC does (global interceptors included), then moves request parsing
 * into the listener chain so {@link MalformedRequests} can answer bytes that are not the method's request
 * message. grpc-java parses before any interceptor runs and answers a failure with a bare
 * {@code UNKNOWN: Application error processing RPC}; with the raw stream handed through the same parse
 * happens one step later, inside the chain. Replaces Spring gRPC's default configurer, which backs off when
 * one of its type exists.
 */
@Component
class RequestParsingServiceConfigurer extends DefaultGrpcServiceConfigurer {

    RequestParsingServiceConfigurer(ApplicationContext applicationContext) {
        super(applicationContext);
    }

    @Override
    public ServerServiceDefinition configure(GrpcServiceSpec spec, GrpcServerFactory serverFactory) {
        ServerServiceDefinition service = super.configure(spec, serverFactory);
        return ServerInterceptors.intercept(ServerInterceptors.useMarshalledMessages(service, new PassThrough()),
                new MalformedRequests());
    }

    /**
     * Hands a message's stream on as it is. grpc-java's own {@link ServerInterceptors#useInputStreamMessages}
     * wraps every response (protobuf's stream, which cannot mark) in an 8 KiB {@code BufferedInputStream}, which
     * the framer, finding it not drainable, then copies through another 8 KiB buffer: 16 KiB of garbage per
     * message, four fifths of what the broker allocated serving 10,000 one-record produce requests a second.
     * Passing the stream through is safe: a request's stream is parsed inside {@code onMessage}, before grpc-java
     * closes it, and a response's is drained once, at once, by the framer.
     */
    static final class PassThrough implements MethodDescriptor.Marshaller<InputStream> {

        @Override
        public InputStream stream(InputStream value) {
            return value;
        }

        @Override
        public InputStream parse(InputStream stream) {
            return stream;
        }
    }
}
