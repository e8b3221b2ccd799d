package dev.minikafka.broker.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
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

    /** A schema name not used before, named after the test, e.g. {@code mk_topics_contract_1a2b3c}. */
    public static String newSchema(String name) {
        return "mk_" + name + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
    }

    /**
     * Arguments for {@link BrokerRunner#start} that put the broker's metadata in {@code schema} (Flyway creates
     * it) of the database at {@code url}.
     */
    public static String[] brokerArgs(String url, String schema) {
        return new String[] {
                "--spring.datasource.url=" + url + "?currentSchema=" + schema,
                "--spring.datasource.username=" + user(),
                "--spring.datasource.password=",
                "--spring.flyway.schemas=" + schema,
                "--spring.flyway.default-schema=" + schema};
    }

    /** Drops a schema made for a test, with everything in it. */
    public static void dropSchema(String schema) {
        try (Connection connection = DriverManager.getConnection(url(), user(), "");
             Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException("could not drop test schema " + schema, e);
        }
    }

    /** Points the datasource and Flyway at a new schema named after the test, e.g. {@code mk_topics_contract_1a2b3c}. */
    public static String register(DynamicPropertyRegistry registry, String name) {
        String schema = newSchema(name);
        registry.add("spring.datasource.url", () -> url() + "?currentSchema=" + schema);
        registry.add("spring.datasource.username", PostgresTestDatabase::user);
        registry.add("spring.datasource.password", () -> "");
        registry.add("spring.flyway.schemas", () -> schema);
        registry.add("spring.flyway.default-schema", () -> schema);
        return schema;
    }
}
