package dev.minikafka.broker.config;

import java.io.IOException;
import java.time.Clock;

import javax.sql.DataSource;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.StringUtils;

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

    /**
     * Makes every {@link DataSource} depend on the {@link LogManager}, so the logs start opening (on their
     * own threads) before the connection pool, Flyway and Hibernate start, and their checks overlap those
     * instead of following them: otherwise the log manager is created only when the topic registry needs it,
     * after the database, and the registry waits for all of it.
     */
    @Bean
    static BeanFactoryPostProcessor openLogsBeforeTheDatabase() {
        return beanFactory -> {
            if (!beanFactory.containsBeanDefinition("logManager")) {
                return; // a test slice with a database and no logs
            }
            for (String name : beanFactory.getBeanNamesForType(DataSource.class, true, false)) {
                BeanDefinition definition = beanFactory.getBeanDefinition(name);
                definition.setDependsOn(StringUtils.addStringToArray(definition.getDependsOn(), "logManager"));
            }
        };
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
