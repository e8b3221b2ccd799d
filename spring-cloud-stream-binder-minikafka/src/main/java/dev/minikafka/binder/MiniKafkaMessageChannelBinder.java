package dev.minikafka.binder;

import java.util.List;
import java.util.UUID;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.cloud.stream.binder.AbstractMessageChannelBinder;
import org.springframework.cloud.stream.binder.BinderSpecificPropertiesProvider;
import org.springframework.cloud.stream.binder.ExtendedConsumerProperties;
import org.springframework.cloud.stream.binder.ExtendedProducerProperties;
import org.springframework.cloud.stream.binder.ExtendedPropertiesBinder;
import org.springframework.cloud.stream.provisioning.ConsumerDestination;
import org.springframework.cloud.stream.provisioning.ProducerDestination;
import org.springframework.integration.core.MessageProducer;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageHandler;

import dev.minikafka.binder.properties.MiniKafkaBinderConfigurationProperties;
import dev.minikafka.binder.properties.MiniKafkaConsumerProperties;
import dev.minikafka.binder.properties.MiniKafkaConsumerProperties.StartOffset;
import dev.minikafka.binder.properties.MiniKafkaExtendedBindingProperties;
import dev.minikafka.binder.properties.MiniKafkaProducerProperties;
import dev.minikafka.binder.provisioning.MiniKafkaDestination;
import dev.minikafka.binder.provisioning.MiniKafkaTopicProvisioner;
import dev.minikafka.client.Acks;
import dev.minikafka.client.ConsumerConfig;
import dev.minikafka.client.MiniKafkaProducer;
import dev.minikafka.client.OffsetReset;
import dev.minikafka.client.ProducerConfig;

/**
 * The MiniKafka binder: producer bindings send through a {@link MiniKafkaProducerMessageHandler}, consumer
 * bindings read through a {@link MiniKafkaInboundChannelAdapter} (or, polled, a {@link MiniKafkaMessageSource}),
 * and failed records go to a dead-letter topic through a {@link DeadLetterPublisher}. Topics come from the
 * {@link MiniKafkaTopicProvisioner}. Partition selection, content-type conversion, retries and the error
 * channels are the framework's; this class maps them onto MiniKafka's client.
 *
 * <p>Groups: a named group is a broker consumer group (members share the partitions, each group gets every
 * record); a binding without a group gets a unique {@code anonymous.<uuid>} group that starts at the latest
 * offset and commits nothing. A partitioned consumer ({@code partitioned: true}) with {@code instanceCount}
 * above one reads the partitions {@code p % instanceCount == instanceIndex} itself, committing to its group.
 */
public class MiniKafkaMessageChannelBinder extends
        AbstractMessageChannelBinder<ExtendedConsumerProperties<MiniKafkaConsumerProperties>, ExtendedProducerProperties<MiniKafkaProducerProperties>, MiniKafkaTopicProvisioner>
        implements ExtendedPropertiesBinder<MessageChannel, MiniKafkaConsumerProperties, MiniKafkaProducerProperties>,
        DisposableBean {

    private final MiniKafkaBinderConfigurationProperties binderProperties;
    private final MiniKafkaExtendedBindingProperties extendedProperties;
    private final BinderMetrics metrics;
    private MiniKafkaProducer deadLetterProducer;

    public MiniKafkaMessageChannelBinder(MiniKafkaBinderConfigurationProperties binderProperties,
            MiniKafkaExtendedBindingProperties extendedProperties, MiniKafkaTopicProvisioner provisioner,
            BinderMetrics metrics) {
        super(new String[0], provisioner);
        this.binderProperties = binderProperties;
        this.extendedProperties = extendedProperties;
        this.metrics = metrics;
    }

    @Override
    protected MessageHandler createProducerMessageHandler(ProducerDestination destination,
            ExtendedProducerProperties<MiniKafkaProducerProperties> properties, MessageChannel errorChannel) {
        MiniKafkaProducerProperties ext = properties.getExtension();
        ProducerConfig config = producerConfig(ext.getAcks());
        String binding = properties.getBindingName() != null ? properties.getBindingName() : destination.getName();
        MiniKafkaProducerMessageHandler handler = new MiniKafkaProducerMessageHandler((MiniKafkaDestination) destination,
                provisioningProvider, config, ext.isSync(), ext.getMessageKeyExpression(), errorChannel,
                metrics.sent(binding, destination.getName()), metrics.sendFailures(binding, destination.getName()));
        handler.setEvaluationContext(getEvaluationContext());
        if (getApplicationContext() != null) {
            handler.setBeanFactory(getApplicationContext().getBeanFactory());
        }
        return handler;
    }

    @Override
    protected MessageProducer createConsumerEndpoint(ConsumerDestination destination, String group,
            ExtendedConsumerProperties<MiniKafkaConsumerProperties> properties) {
        MiniKafkaDestination topic = (MiniKafkaDestination) destination;
        ConsumerSetup setup = consumerSetup(topic, group, properties);
        ErrorInfrastructure errors = registerErrorInfrastructure(destination, group, properties);
        MiniKafkaConsumerProperties ext = properties.getExtension();
        String binding = properties.getBindingName() != null ? properties.getBindingName() : destination.getName();
        MiniKafkaInboundChannelAdapter adapter = new MiniKafkaInboundChannelAdapter(topic, provisioningProvider, setup,
                binderProperties.getConsumer(), properties.getConcurrency(), properties.isBatchMode(),
                ext.getMaxBatchSize(), ext.getAckMode() == MiniKafkaConsumerProperties.AckMode.MANUAL,
                properties.getMaxAttempts() > 1 ? buildRetryTemplate(properties) : null, errors.getRecoverer(),
                metrics.received(binding, topic.getName(), setup.group()));
        adapter.setBeanFactory(getBeanFactory());
        return adapter;
    }

    @Override
    protected PolledConsumerResources createPolledConsumerResources(String name, String group,
            ConsumerDestination destination, ExtendedConsumerProperties<MiniKafkaConsumerProperties> properties) {
        MiniKafkaDestination topic = (MiniKafkaDestination) destination;
        ConsumerSetup setup = consumerSetup(topic, group, properties);
        MiniKafkaMessageSource source = new MiniKafkaMessageSource(topic, provisioningProvider, setup,
                metrics.received(name, topic.getName(), setup.group()));
        source.setBeanFactory(getBeanFactory());
        return new PolledConsumerResources(source, registerErrorInfrastructure(destination, group, properties, true));
    }

    @Override
    protected MessageHandler getErrorMessageHandler(ConsumerDestination destination, String group,
            ExtendedConsumerProperties<MiniKafkaConsumerProperties> properties) {
        MiniKafkaConsumerProperties ext = properties.getExtension();
        if (!ext.isEnableDlq()) {
            return null; // the framework's default: log, and pass on to the global errorChannel
        }
        String dlqName = ext.getDlqName() != null ? ext.getDlqName()
                : "error." + destination.getName() + "." + (group != null ? group : "anonymous");
        MiniKafkaDestination source = (MiniKafkaDestination) destination;
        MiniKafkaDestination dlq = provisioningProvider.ensureDlq(dlqName, source.partitions());
        return new DeadLetterPublisher(dlq, source, provisioningProvider, this::deadLetterProducer,
                metrics.deadLettered(destination.getName(), group != null ? group : "anonymous"));
    }

    @Override
    protected MessageHandler getPolledConsumerErrorMessageHandler(ConsumerDestination destination, String group,
            ExtendedConsumerProperties<MiniKafkaConsumerProperties> properties) {
        return getErrorMessageHandler(destination, group, properties);
    }

    private ConsumerSetup consumerSetup(MiniKafkaDestination topic, String group,
            ExtendedConsumerProperties<MiniKafkaConsumerProperties> properties) {
        boolean anonymous = group == null || group.isBlank();
        String brokerGroup = anonymous ? "anonymous." + UUID.randomUUID() : group;
        StartOffset start = properties.getExtension().getStartOffset();
        if (start == null) {
            start = anonymous ? StartOffset.LATEST : StartOffset.EARLIEST;
        }
        MiniKafkaBinderConfigurationProperties.Consumer tuning = binderProperties.getConsumer();
        ConsumerSetup.StaticPartitions partitions = null;
        boolean statically = properties.isPartitioned() && properties.getInstanceCount() > 1;
        if (statically) {
            List<Integer> indexes = properties.getInstanceIndexList() != null && !properties.getInstanceIndexList().isEmpty()
                    ? properties.getInstanceIndexList() : List.of(properties.getInstanceIndex());
            partitions = new ConsumerSetup.StaticPartitions(indexes, properties.getInstanceCount(),
                    Math.max(1, properties.getConcurrency()));
        }
        ConsumerConfig.Builder config = ConsumerConfig.builder(binderProperties.getBrokers())
                .autoOffsetReset(start == StartOffset.EARLIEST ? OffsetReset.EARLIEST : OffsetReset.LATEST)
                .enableAutoCommit(false)
                .requestTimeout(binderProperties.getAdminTimeout())
                .sessionTimeout(tuning.getSessionTimeout())
                .fetchMaxBytes(tuning.getFetchMaxBytes())
                .maxPartitionFetchBytes(tuning.getMaxPartitionFetchBytes())
                .assignor(tuning.getAssignor())
                .clientId("scst-" + (properties.getBindingName() != null ? properties.getBindingName() : topic.getName()))
                .security(binderProperties.getSecurity().toClientSecurity());
        if (statically && !anonymous) {
            config.groupId(brokerGroup);
        }
        return new ConsumerSetup(topic.getName(), brokerGroup, anonymous, config.build(), partitions);
    }

    private ProducerConfig producerConfig(Acks acksOverride) {
        MiniKafkaBinderConfigurationProperties.Producer p = binderProperties.getProducer();
        return ProducerConfig.builder(binderProperties.getBrokers())
                .acks(acksOverride != null ? acksOverride : p.getAcks())
                .linger(p.getLinger())
                .batchSize(p.getBatchSize())
                .bufferMemory(p.getBufferMemory())
                .maxBlock(p.getMaxBlock())
                .deliveryTimeout(p.getDeliveryTimeout())
                .security(binderProperties.getSecurity().toClientSecurity())
                .build();
    }

    /** One producer, made on first use, shared by every binding's dead-letter publisher. */
    private synchronized MiniKafkaProducer deadLetterProducer() {
        if (deadLetterProducer == null) {
            Acks acks = binderProperties.getProducer().getAcks() == Acks.NONE ? Acks.LEADER : binderProperties.getProducer().getAcks();
            deadLetterProducer = new MiniKafkaProducer(producerConfig(acks));
        }
        return deadLetterProducer;
    }

    @Override
    public synchronized void destroy() {
        if (deadLetterProducer != null) {
            deadLetterProducer.close(java.time.Duration.ofSeconds(5));
            deadLetterProducer = null;
        }
    }

    @Override
    public MiniKafkaConsumerProperties getExtendedConsumerProperties(String channelName) {
        return extendedProperties.getExtendedConsumerProperties(channelName);
    }

    @Override
    public MiniKafkaProducerProperties getExtendedProducerProperties(String channelName) {
        return extendedProperties.getExtendedProducerProperties(channelName);
    }

    @Override
    public String getDefaultsPrefix() {
        return extendedProperties.getDefaultsPrefix();
    }

    @Override
    public Class<? extends BinderSpecificPropertiesProvider> getExtendedPropertiesEntryClass() {
        return extendedProperties.getExtendedPropertiesEntryClass();
    }

}
