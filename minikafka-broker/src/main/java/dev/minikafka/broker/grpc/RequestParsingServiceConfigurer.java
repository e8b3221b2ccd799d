package dev.minikafka.broker.grpc;

import org.springframework.context.ApplicationContext;
import org.springframework.grpc.server.GrpcServerFactory;
import org.springframework.grpc.server.service.DefaultGrpcServiceConfigurer;
import org.springframework.grpc.server.service.GrpcServiceSpec;
import org.springframework.stereotype.Component;

import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;

/**
 * Binds every gRPC service as Spring gRPC does (global interceptors included), then moves request parsing
 * into the listener chain so {@link MalformedRequests} can answer bytes that are not the method's request
 * message. grpc-java parses before any interceptor runs and answers a failure with a bare
 * {@code UNKNOWN: Application error processing RPC}; with the raw stream handed through
 * ({@link ServerInterceptors#useInputStreamMessages}, no copy) the same parse happens one step later, inside
 * the chain. Replaces Spring gRPC's default configurer, which backs off when one of its type exists.
 */
@Component
class RequestParsingServiceConfigurer extends DefaultGrpcServiceConfigurer {

    RequestParsingServiceConfigurer(ApplicationContext applicationContext) {
        super(applicationContext);
    }

    @Override
    public ServerServiceDefinition configure(GrpcServiceSpec spec, GrpcServerFactory serverFactory) {
        ServerServiceDefinition service = super.configure(spec, serverFactory);
        return ServerInterceptors.intercept(ServerInterceptors.useInputStreamMessages(service), new MalformedRequests());
    }
}
