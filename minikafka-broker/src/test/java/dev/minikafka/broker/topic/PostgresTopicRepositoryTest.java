package dev.minikafka.broker.topic;

import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.minikafka.broker.support.PostgresTestDatabase;

/**
 * The metadata contract on the real PostgreSQL at 127.0.0.1:5432 (database {@code test}), in a schema of
 * its own that Flyway creates, so runs never see each other's tables.
 */
@DataJpaTest
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
class PostgresTopicRepositoryTest extends TopicRepositoryContract {

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) {
        PostgresTestDatabase.register(registry, "topics_contract");
    }
}
