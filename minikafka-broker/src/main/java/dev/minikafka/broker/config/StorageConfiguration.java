package dev.minikafka.broker.config;

import java.io.IOException;
import java.time.Clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.minikafka.broker.log.LogManager;
import dev.minikafka.broker.log.ProducerStateConfig;

/**
 * Wires the storage layer (plain Java) into Spring. The {@link LogManager} closes after the gRPC server
 * has stopped (beans are destroyed after lifecycle beans stop), so a SIGTERM finishes in-flight appends,
 * flushes and writes the clean-shutdown marker last.
 */
@Configuration(proxyBeanMethods = false)
public class StorageConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean(destroyMethod = "close")
    LogManager logManager(BrokerProperties properties, Clock clock) throws IOException {
        LogManager manager = LogManager.open(properties.dataDir(), properties.writerThreads(),
                properties.pendingAppendBytes().toBytes(), properties.flushInterval().toMillis(),
                properties.retentionCheckInterval().toMillis(), clock::millis);
        manager.setProducerStateConfig(new ProducerStateConfig(properties.producerIdExpiration().toMillis(),
                properties.maxProducersPerPartition()));
        // The partitions' crash checks run beside the rest of start-up (JPA, Flyway, the servers), which
        // keeps mostly one core busy; the topic registry waits only for what is not done when it loads.
        manager.openAllInBackground(Runtime.getRuntime().availableProcessors());
        return manager;
    }
}
