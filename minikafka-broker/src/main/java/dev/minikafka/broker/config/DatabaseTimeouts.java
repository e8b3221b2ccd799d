package dev.minikafka.broker.config;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;

import com.zaxxer.hikari.HikariDataSource;

/**
 * Bounds every wait on PostgreSQL, so a database that stops answering (a network partition, a frozen host)
 * fails a commit instead of holding the offset-commit thread and the pool's connections for the hours TCP
 * takes to notice. The PostgreSQL driver waits forever on a silent socket by default ({@code socketTimeout=0},
 * {@code loginTimeout=0}); Hikari's {@code connection-timeout} bounds only the wait for a pooled connection.
 *
 * <p>The values are defaults: a {@code socketTimeout} or {@code loginTimeout} in the JDBC URL wins (the driver
 * reads URL parameters over properties), as does one set in {@code spring.datasource.hikari.data-source-properties}.
 * H2 is left alone: it refuses settings it does not know.
 */
@Component
class DatabaseTimeouts implements BeanPostProcessor {

    /** Longest a single statement may wait for the database; far above any query the broker runs. */
    static final String SOCKET_TIMEOUT_SECONDS = "30";
    /** Longest opening a connection (TCP, TLS, authentication) may take. */
    static final String LOGIN_TIMEOUT_SECONDS = "10";

    @Override
    public Object postProcessBeforeInitialization(Object bean, String beanName) {
        if (bean instanceof HikariDataSource hikari && hikari.getJdbcUrl() != null
                && hikari.getJdbcUrl().startsWith("jdbc:postgresql:")) {
            hikari.getDataSourceProperties().putIfAbsent("socketTimeout", SOCKET_TIMEOUT_SECONDS);
            hikari.getDataSourceProperties().putIfAbsent("loginTimeout", LOGIN_TIMEOUT_SECONDS);
            hikari.getDataSourceProperties().putIfAbsent("tcpKeepAlive", "true");
        }
        return bean;
    }
}
