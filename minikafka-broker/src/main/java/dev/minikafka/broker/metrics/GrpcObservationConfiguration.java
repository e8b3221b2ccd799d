package dev.minikafka.broker.metrics;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.grpc.MethodDescriptor.MethodType;
import io.micrometer.core.instrument.binder.grpc.GrpcServerObservationContext;
import io.micrometer.observation.ObservationPredicate;

/**
 * Leaves gRPC's streaming calls (Produce, Subscribe, the group session) out of Micrometer's observations; unary
 * calls (Fetch, Admin, commits) are still timed as {@code grpc.server}. A stream lives as long as its client's
 * connection, so its timer says nothing, while the observation's per-message events ("sent", "received") each
 * looked up a counter with freshly built tags: a fifth of what the broker allocated serving 10,000 one-record
 * produce requests a second. The broker's own meters ({@link BrokerMetrics}) count what flows through streams.
 */
@Configuration(proxyBeanMethods = false)
class GrpcObservationConfiguration {

    @Bean
    ObservationPredicate unaryGrpcCallsOnly() {
        return (name, context) -> !(context instanceof GrpcServerObservationContext grpc)
                || grpc.getMethodType() == MethodType.UNARY;
    }
}
