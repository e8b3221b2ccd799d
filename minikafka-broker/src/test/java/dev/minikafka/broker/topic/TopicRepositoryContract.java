package dev.minikafka.broker.topic;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What the topic metadata store must do, run against every database MiniKafka supports (the embedded H2
 * and PostgreSQL) through thin subclasses, so both run the same Flyway migrations and repository code.
 */
abstract class TopicRepositoryContract {

    @Autowired
    TopicRepository repository;

    @Autowired
    JdbcTemplate jdbc;

    @BeforeEach
    void clean() {
        repository.deleteAll();
    }

    @Test
    void shouldStoreAndLoadATopicWithEveryConfigField() {
        Instant created = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        TopicConfig config = new TopicConfig(3_600_000L, 1_073_741_824L, 1_048_576L, 86_400_000L, 2_000_000, true);
        repository.saveAndFlush(new TopicEntity("payments.v1", 8, config, created));

        TopicEntity loaded = repository.findById("payments.v1").orElseThrow();
        assertThat(loaded.partitions()).isEqualTo(8);
        assertThat(loaded.config()).isEqualTo(config);
        assertThat(loaded.createdAt()).isEqualTo(created);
    }

    @Test
    void shouldListDeleteAndCheckExistence() {
        TopicConfig config = new TopicConfig(-1, -1, 4096, 1000, 1024, false);
        repository.saveAndFlush(new TopicEntity("a", 1, config, Instant.now()));
        repository.saveAndFlush(new TopicEntity("b", 2, config, Instant.now()));
        assertThat(repository.findAll()).extracting(TopicEntity::name).containsExactlyInAnyOrder("a", "b");
        repository.deleteById("a");
        repository.flush();
        assertThat(repository.existsById("a")).isFalse();
        assertThat(repository.existsById("b")).isTrue();
    }

    @Test
    void shouldRefuseAZeroPartitionTopicAtTheDatabaseToo() {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> jdbc.update(
                "INSERT INTO topics VALUES ('bad', 0, -1, -1, 4096, 1000, 1024, false, CURRENT_TIMESTAMP)"));
        assertThat(thrown).isInstanceOf(DataIntegrityViolationException.class);
    }
}
