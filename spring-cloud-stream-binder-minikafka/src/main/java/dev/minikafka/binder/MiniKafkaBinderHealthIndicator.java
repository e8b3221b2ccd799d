package dev.minikafka.binder;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import dev.minikafka.binder.properties.MiniKafkaBinderConfigurationProperties;
import dev.minikafka.client.MiniKafkaAdmin;

/**
 * UP when the broker answers a topic listing within {@code health-timeout}, DOWN (with the reason) otherwise.
 * Shown under {@code /actuator/health} as {@code binders.minikafka}. Uses its own admin connection so a slow
 * provisioning call never delays it.
 */
public class MiniKafkaBinderHealthIndicator extends AbstractHealthIndicator implements DisposableBean {

    private final MiniKafkaBinderConfigurationProperties properties;
    private final String brokers;
    /** Replaced after a failed check, so that a broker that comes back is seen at once (gRPC backs off reconnects). */
    private volatile MiniKafkaAdmin admin;

    public MiniKafkaBinderHealthIndicator(MiniKafkaBinderConfigurationProperties properties) {
        super("MiniKafka health check failed");
        this.properties = properties;
        this.brokers = properties.getBrokers();
        this.admin = new MiniKafkaAdmin(brokers, properties.getHealthTimeout(), properties.getSecurity().toClientSecurity());
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        builder.withDetail("brokers", brokers);
        try {
            int topics = admin.listTopicNames().size();
            builder.up().withDetail("topics", topics);
        } catch (RuntimeException e) {
            builder.down().withDetail("error", e.getMessage());
            reconnect();
        }
    }

    private synchronized void reconnect() {
        MiniKafkaAdmin old = admin;
        admin = new MiniKafkaAdmin(brokers, properties.getHealthTimeout(), properties.getSecurity().toClientSecurity());
        old.close();
    }

    @Override
    public void destroy() {
        admin.close();
    }
}
