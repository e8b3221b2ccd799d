package dev.minikafka.broker.support;

import java.util.concurrent.ThreadLocalRandom;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The PostgreSQL our machines run on 127.0.0.1:5432 (trust auth). Each test class gets a fresh schema in
 * database {@code test}; override with MINIKAFKA_TEST_PG_URL / MINIKAFKA_TEST_PG_USER.
 */
public final class PostgresTestDatabase {

    private PostgresTestDatabase() {
    }

    public static String url() {
        return System.getenv().getOrDefault("MINIKAFKA_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    }

    public static String user() {
        return System.getenv().getOrDefault("MINIKAFKA_TEST_PG_USER", "postgres");
    }

    /** Points the datasource and Flyway at a new schema named after the test, e.g. {@code mk_topics_contract_1a2b3c}. */
    public static String register(DynamicPropertyRegistry registry, String name) {
        String schema = "mk_" + name + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
        registry.add("spring.datasource.url", () -> url() + "?currentSchema=" + schema);
        registry.add("spring.datasource.username", PostgresTestDatabase::user);
        registry.add("spring.datasource.password", () -> "");
        registry.add("spring.flyway.schemas", () -> schema);
        registry.add("spring.flyway.default-schema", () -> schema);
        return schema;
    }
}
