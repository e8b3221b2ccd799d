package dev.minikafka.broker.security;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.grpc.server.GlobalServerInterceptor;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The authentication and authorization beans. They exist whether {@code minikafka.broker.security.enabled}
 * is true or not, and the property decides what they do: the broker runs in Spring AOT mode, where the set
 * of beans is fixed when the jar is built, so a bean that came and went with a property would be decided by
 * the build's configuration instead of the operator's. With security off every call is let through as before
 * (the local demo).
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    /** Lets the call through untouched: the gRPC interceptor while security is off. */
    private static final ServerInterceptor LET_THROUGH = new ServerInterceptor() {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            return next.startCall(call, headers);
        }
    };

    @Bean
    TokenAuthenticator tokenAuthenticator(SecurityProperties properties) {
        return new TokenAuthenticator(properties);
    }

    @Bean
    Authorizer authorizer(SecurityProperties properties) {
        return new Authorizer(properties);
    }

    @Bean
    SecurityDenials securityDenials(MeterRegistry registry) {
        return new SecurityDenials(registry);
    }

    /** Outermost, so an unauthenticated call is refused before any other interceptor or service sees it. */
    @Bean
    @GlobalServerInterceptor
    @Order(Ordered.HIGHEST_PRECEDENCE)
    ServerInterceptor grpcSecurityInterceptor(SecurityProperties properties, TokenAuthenticator tokens, Authorizer authorizer,
            SecurityDenials denials) {
        return properties.enabled() ? new GrpcSecurityInterceptor(tokens, authorizer, denials) : LET_THROUGH;
    }
}
