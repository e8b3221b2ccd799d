package dev.minikafka.binder.provisioning;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.cloud.stream.binder.ExtendedConsumerProperties;
import org.springframework.cloud.stream.binder.ExtendedProducerProperties;
import org.springframework.cloud.stream.provisioning.ConsumerDestination;
import org.springframework.cloud.stream.provisioning.ProducerDestination;
import org.springframework.cloud.stream.provisioning.ProvisioningException;
import org.springframework.cloud.stream.provisioning.ProvisioningProvider;

import dev.minikafka.binder.properties.MiniKafkaBinderConfigurationProperties;
import dev.minikafka.binder.properties.MiniKafkaConsumerProperties;
import dev.minikafka.binder.properties.MiniKafkaProducerProperties;
import dev.minikafka.client.MiniKafkaAdmin;
import dev.minikafka.client.MiniKafkaException;
import dev.minikafka.client.NewTopic;
import dev.minikafka.client.TopicInfo;

/**
 * Creates the topics bindings use, as the Kafka binder's provisioner does: with {@code autoCreateTopics}, a
 * missing topic is created with {@code max(partitionCount, instanceCount * concurrency, minPartitionCount)}
 * partitions; an existing topic is used as it is (partitions are never added or removed).
 *
 * <p>A broker that cannot be reached does not fail the binding: the destination is returned
 * <em>unprovisioned</em>, and the producer handler or consumer loop calls {@link #ensureTopic} again before
 * it first uses it, so an application can start before its broker.
 *
 * <p>Thread-safety: safe to share; the admin client is.
 */
public class MiniKafkaTopicProvisioner implements
        ProvisioningProvider<ExtendedConsumerProperties<MiniKafkaConsumerProperties>, ExtendedProducerProperties<MiniKafkaProducerProperties>>,
        DisposableBean {

    private static final Log log = LogFactory.getLog(MiniKafkaTopicProvisioner.class);

    private final MiniKafkaBinderConfigurationProperties binderProperties;
    /** Replaced after a failed call: a gRPC channel that failed to connect backs off for up to two minutes. */
    private volatile MiniKafkaAdmin admin;

    public MiniKafkaTopicProvisioner(MiniKafkaBinderConfigurationProperties binderProperties) {
        this.binderProperties = binderProperties;
        this.admin = new MiniKafkaAdmin(binderProperties.getBrokers(), binderProperties.getAdminTimeout(),
                binderProperties.getSecurity().toClientSecurity());
    }

    @Override
    public ProducerDestination provisionProducerDestination(String name,
            ExtendedProducerProperties<MiniKafkaProducerProperties> properties) throws ProvisioningException {
        int partitions = Math.max(properties.getPartitionCount(), binderProperties.getMinPartitionCount());
        MiniKafkaDestination destination = new MiniKafkaDestination(name.trim(), partitions);
        tryEnsure(destination);
        return destination;
    }

    @Override
    public ConsumerDestination provisionConsumerDestination(String name, String group,
            ExtendedConsumerProperties<MiniKafkaConsumerProperties> properties) throws ProvisioningException {
        int wanted = Math.max(properties.getInstanceCount() * properties.getConcurrency(),
                binderProperties.getMinPartitionCount());
        MiniKafkaDestination destination = new MiniKafkaDestination(name.trim(), wanted);
        tryEnsure(destination);
        return destination;
    }

    /**
     * Makes sure the destination's topic exists (creating it when {@code autoCreateTopics} allows) and records
     * its partition count. Throws when the broker is unreachable or the topic is missing and may not be created.
     */
    public void ensureTopic(MiniKafkaDestination destination) {
        if (destination.isProvisioned()) {
            return;
        }
        TopicInfo topic;
        try {
            topic = binderProperties.isAutoCreateTopics()
                    ? admin.createTopicIfAbsent(new NewTopic(destination.getName(), destination.wantedPartitions()))
                    : admin.describeTopic(destination.getName());
        } catch (MiniKafkaException e) {
            if (e.isRetriable()) {
                reconnect();
                throw e;
            }
            if (!binderProperties.isAutoCreateTopics()) {
                throw new ProvisioningException("topic '" + destination.getName()
                        + "' does not exist and spring.cloud.stream.minikafka.binder.auto-create-topics is false", e);
            }
            throw e;
        }
        destination.provisioned(topic.partitions().size());
    }

    /** The next call dials the broker afresh instead of waiting out the old channel's back-off. */
    private synchronized void reconnect() {
        MiniKafkaAdmin old = admin;
        admin = new MiniKafkaAdmin(binderProperties.getBrokers(), binderProperties.getAdminTimeout(),
                binderProperties.getSecurity().toClientSecurity());
        old.close();
    }

    /**
     * Creates a dead-letter topic with as many partitions as its source, unless it exists. An unreachable broker
     * leaves it unprovisioned: the dead-letter publisher calls {@link #provisionDlq} before its first write.
     */
    public MiniKafkaDestination ensureDlq(String dlqName, int partitions) {
        MiniKafkaDestination dlq = new MiniKafkaDestination(dlqName, partitions);
        tryEnsure(dlq);
        return dlq;
    }

    /**
     * Makes sure a dead-letter topic exists now, as {@link #ensureDlq} would have at binding start, and throws
     * as {@link #ensureTopic} does when it cannot. For a DLQ the broker was unreachable to create, or one
     * deleted since.
     */
    public MiniKafkaDestination provisionDlq(String dlqName, int partitions) {
        MiniKafkaDestination dlq = new MiniKafkaDestination(dlqName, partitions);
        ensureTopic(dlq);
        return dlq;
    }

    private void tryEnsure(MiniKafkaDestination destination) {
        try {
            ensureTopic(destination);
        } catch (MiniKafkaException e) {
            if (!e.isRetriable()) {
                throw new ProvisioningException("could not provision topic '" + destination.getName() + "': "
                        + e.getMessage(), e);
            }
            log.warn("MiniKafka at " + binderProperties.getBrokers() + " is not reachable (" + e.getMessage()
                    + "); topic '" + destination.getName() + "' will be provisioned when the binding first uses it");
        }
    }

    @Override
    public void destroy() {
        admin.close();
    }
}
