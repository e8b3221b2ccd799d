package dev.minikafka.cli.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.context.ConfigurableApplicationContext;

/**
 * One broker for every CLI test in the JVM, started on first use and stopped when the JVM exits: starting
 * Spring Boot costs seconds, and the tests keep apart by using their own topic names.
 */
public final class TestBroker {

    private static ConfigurableApplicationContext context;
    private static String bootstrap;

    private TestBroker() {
    }

    /** The running broker's {@code host:port}. */
    public static synchronized String bootstrap() {
        if (context == null) {
            try {
                // Under target/, so that `mvn clean` removes it; absolute, as H2 refuses relative paths.
                Path dataDir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "test-broker-").toAbsolutePath();
                context = BrokerRunner.start(dataDir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            bootstrap = "127.0.0.1:" + BrokerRunner.grpcPort(context);
            ConfigurableApplicationContext started = context;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "test-broker-stop"));
        }
        return bootstrap;
    }
}
