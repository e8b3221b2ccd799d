package dev.minikafka.binder.properties;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

import dev.minikafka.client.Acks;

/**
 * Settings of the binder as a whole: where the broker is, whether topics are created, and the producer and
 * consumer tuning every binding starts from ({@code spring.cloud.stream.minikafka.binder.*}).
 */
@ConfigurationProperties("spring.cloud.stream.minikafka.binder")
public class MiniKafkaBinderConfigurationProperties {

    /** The broker's gRPC address, host:port. */
    private String brokers = "127.0.0.1:9092";

    /** Create missing destinations (and dead-letter topics) when a binding starts. */
    private boolean autoCreateTopics = true;

    /** Fewest partitions a topic created by the binder gets; a partitioned producer's partitionCount raises it. */
    private int minPartitionCount = 1;

    /** How long a call to the broker may take: topic creation, and the consumers' offset look-ups and commits. */
    private Duration adminTimeout = Duration.ofSeconds(10);

    /** How long the health check waits for the broker before reporting DOWN. */
    private Duration healthTimeout = Duration.ofSeconds(2);

    private final Producer producer = new Producer();

    private final Consumer consumer = new Consumer();

    @NestedConfigurationProperty
    private final MiniKafkaSecurityProperties security = new MiniKafkaSecurityProperties();

    public String getBrokers() {
        return brokers;
    }

    public void setBrokers(String brokers) {
        this.brokers = brokers;
    }

    public boolean isAutoCreateTopics() {
        return autoCreateTopics;
    }

    public void setAutoCreateTopics(boolean autoCreateTopics) {
        this.autoCreateTopics = autoCreateTopics;
    }

    public int getMinPartitionCount() {
        return minPartitionCount;
    }

    public void setMinPartitionCount(int minPartitionCount) {
        this.minPartitionCount = minPartitionCount;
    }

    public Duration getAdminTimeout() {
        return adminTimeout;
    }

    public void setAdminTimeout(Duration adminTimeout) {
        this.adminTimeout = adminTimeout;
    }

    public Duration getHealthTimeout() {
        return healthTimeout;
    }

    public void setHealthTimeout(Duration healthTimeout) {
        this.healthTimeout = healthTimeout;
    }

    public Producer getProducer() {
        return producer;
    }

    public Consumer getConsumer() {
        return consumer;
    }

    /** TLS and credentials of every client the binder opens. */
    public MiniKafkaSecurityProperties getSecurity() {
        return security;
    }

    /** The client producer's settings (Kafka's names in parentheses). */
    public static class Producer {

        /** When the broker acknowledges: NONE, LEADER (page cache) or DURABLE (fsynced). */
        private Acks acks = Acks.LEADER;

        /** How long a batch waits for more records (linger.ms). */
        private Duration linger = Duration.ofMillis(5);

        /** Bytes at which a partition's batch is sent at once (batch.size). */
        private int batchSize = 65_536;

        /** Bytes of unacknowledged records held before send blocks (buffer.memory). */
        private long bufferMemory = 33_554_432;

        /** How long a send may block for buffer room or metadata (max.block.ms). */
        private Duration maxBlock = Duration.ofSeconds(60);

        /** How long a record may take from send to acknowledgement, retries included (delivery.timeout.ms). */
        private Duration deliveryTimeout = Duration.ofSeconds(120);

        public Acks getAcks() {
            return acks;
        }

        public void setAcks(Acks acks) {
            this.acks = acks;
        }

        public Duration getLinger() {
            return linger;
        }

        public void setLinger(Duration linger) {
            this.linger = linger;
        }

        public int getBatchSize() {
            return batchSize;
        }

        public void setBatchSize(int batchSize) {
            this.batchSize = batchSize;
        }

        public long getBufferMemory() {
            return bufferMemory;
        }

        public void setBufferMemory(long bufferMemory) {
            this.bufferMemory = bufferMemory;
        }

        public Duration getMaxBlock() {
            return maxBlock;
        }

        public void setMaxBlock(Duration maxBlock) {
            this.maxBlock = maxBlock;
        }

        public Duration getDeliveryTimeout() {
            return deliveryTimeout;
        }

        public void setDeliveryTimeout(Duration deliveryTimeout) {
            this.deliveryTimeout = deliveryTimeout;
        }
    }

    /** The client consumer's settings. */
    public static class Consumer {

        /** How long one poll waits for records before the loop checks for stop, pause and acknowledgements. */
        private Duration pollTimeout = Duration.ofMillis(200);

        /** A group member silent this long is removed by the broker (session.timeout.ms). */
        private Duration sessionTimeout = Duration.ofSeconds(10);

        /** Bytes one poll may return over all partitions (fetch.max.bytes). */
        private int fetchMaxBytes = 8_388_608;

        /** Bytes one poll may return per partition (max.partition.fetch.bytes). */
        private int maxPartitionFetchBytes = 1_048_576;

        /** The broker-side assignor: range or roundrobin. */
        private String assignor = "range";

        /** First pause after the broker could not be reached; doubles on each failure. */
        private Duration reconnectBackoff = Duration.ofMillis(200);

        /** Longest pause between reconnection attempts. */
        private Duration reconnectBackoffMax = Duration.ofSeconds(10);

        /**
         * How often processed offsets are committed while records flow (as Kafka's auto.commit.interval.ms);
         * 0 commits after every poll. Partitions are also committed before they are revoked and on stop. A
         * consumer that dies without stopping has its records since the last commit delivered again.
         */
        private Duration commitInterval = Duration.ofSeconds(1);

        public Duration getPollTimeout() {
            return pollTimeout;
        }

        public void setPollTimeout(Duration pollTimeout) {
            this.pollTimeout = pollTimeout;
        }

        public Duration getSessionTimeout() {
            return sessionTimeout;
        }

        public void setSessionTimeout(Duration sessionTimeout) {
            this.sessionTimeout = sessionTimeout;
        }

        public int getFetchMaxBytes() {
            return fetchMaxBytes;
        }

        public void setFetchMaxBytes(int fetchMaxBytes) {
            this.fetchMaxBytes = fetchMaxBytes;
        }

        public int getMaxPartitionFetchBytes() {
            return maxPartitionFetchBytes;
        }

        public void setMaxPartitionFetchBytes(int maxPartitionFetchBytes) {
            this.maxPartitionFetchBytes = maxPartitionFetchBytes;
        }

        public String getAssignor() {
            return assignor;
        }

        public void setAssignor(String assignor) {
            this.assignor = assignor;
        }

        public Duration getReconnectBackoff() {
            return reconnectBackoff;
        }

        public void setReconnectBackoff(Duration reconnectBackoff) {
            this.reconnectBackoff = reconnectBackoff;
        }

        public Duration getCommitInterval() {
            return commitInterval;
        }

        public void setCommitInterval(Duration commitInterval) {
            this.commitInterval = commitInterval;
        }

        public Duration getReconnectBackoffMax() {
            return reconnectBackoffMax;
        }

        public void setReconnectBackoffMax(Duration reconnectBackoffMax) {
            this.reconnectBackoffMax = reconnectBackoffMax;
        }
    }
}
