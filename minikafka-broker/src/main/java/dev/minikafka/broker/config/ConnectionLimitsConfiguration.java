package dev.minikafka.broker.config;

import java.util.concurrent.TimeUnit;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.grpc.server.ServerBuilderCustomizer;

import io.grpc.ServerBuilder;

/**
 * Applies {@link ConnectionLimits} to the gRPC server, whichever Netty transport Spring gRPC picked (the
 * plain or the shaded one; both builders have the same methods).
 */
@Configuration(proxyBeanMethods = false)
class ConnectionLimitsConfiguration {

    @Bean
    <T extends ServerBuilder<T>> ServerBuilderCustomizer<T> connectionLimitsCustomizer(ConnectionLimits limits) {
        return builder -> {
            builder.handshakeTimeout(limits.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (builder instanceof io.grpc.netty.NettyServerBuilder netty) {
                netty.maxConcurrentCallsPerConnection(limits.maxConcurrentCallsPerConnection());
            } else if (builder instanceof io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder shaded) {
                shaded.maxConcurrentCallsPerConnection(limits.maxConcurrentCallsPerConnection());
            }
        };
    }
}
