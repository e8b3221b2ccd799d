package dev.minikafka.broker.security;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.grpc.server.GlobalServerInterceptor;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * The authentication and authorization beans, created only when {@code minikafka.broker.security.enabled}
 * is true; without them every call is let through as before (the local demo).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("minikafka.broker.security.enabled")
class SecurityConfiguration {

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
    GrpcSecurityInterceptor grpcSecurityInterceptor(TokenAuthenticator tokens, Authorizer authorizer, SecurityDenials denials) {
        return new GrpcSecurityInterceptor(tokens, authorizer, denials);
    }
}
