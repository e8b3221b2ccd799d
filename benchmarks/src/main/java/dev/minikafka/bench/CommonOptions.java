package dev.minikafka.bench;

import java.time.Duration;
import picocli.CommandLine.Option;

/** Options every command takes: where the broker is, which topic, how long at most, how to print. */
final class CommonOptions {

    @Option(names = "--bootstrap", defaultValue = "127.0.0.1:9092", paramLabel = "HOST:PORT",
            description = "The broker to connect to; nothing else is contacted (default: ${DEFAULT-VALUE}).")
    String bootstrap;

    @Option(names = "--topic", defaultValue = "bench", description = "Topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--timeout", defaultValue = "5m", converter = DurationConverter.class,
            description = "Stop the run after this long, whatever is left, and report what completed "
                    + "(default: ${DEFAULT-VALUE}; e.g. 500ms, 30s, 5m).")
    Duration timeout;

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    /** Checks what picocli's types cannot express; the message goes back to the user as a usage error. */
    void validate(Validation v) {
        int colon = bootstrap.lastIndexOf(':');
        v.require(colon > 0 && colon < bootstrap.length() - 1 && bootstrap.substring(colon + 1).chars()
                .allMatch(Character::isDigit), "--bootstrap must be HOST:PORT, got '" + bootstrap + "'");
        v.require(!topic.isBlank(), "--topic must not be empty");
        v.require(!timeout.isNegative() && !timeout.isZero(), "--timeout must be positive");
    }
}
