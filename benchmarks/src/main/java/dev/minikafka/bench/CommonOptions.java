package dev.minikafka.bench;

import java.nio.file.Path;
import java.time.Duration;

import dev.minikafka.client.ClientSecurity;
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

    @Option(names = "--trust-store", paramLabel = "FILE", description = "TLS: the CA certificates (PEM or PKCS12, "
            + "password in env MINIKAFKA_TRUST_STORE_PASSWORD) the broker's certificate must chain to.")
    Path trustStore;

    @Option(names = "--key-store", paramLabel = "FILE", description = "Mutual TLS: the client certificate, PKCS12 "
            + "(password in env MINIKAFKA_KEY_STORE_PASSWORD) or a PEM chain with --private-key.")
    Path keyStore;

    @Option(names = "--private-key", paramLabel = "FILE", description = "PKCS#8 PEM key of a PEM --key-store.")
    Path privateKey;

    /** TLS as the options say; the bearer token only from the environment (MINIKAFKA_TOKEN), never an option. */
    ClientSecurity security() {
        String trustPassword = System.getenv("MINIKAFKA_TRUST_STORE_PASSWORD");
        String keyPassword = System.getenv("MINIKAFKA_KEY_STORE_PASSWORD");
        String token = System.getenv("MINIKAFKA_TOKEN");
        return ClientSecurity.builder().trustStore(trustStore).keyStore(keyStore).privateKey(privateKey)
                .trustStorePassword(trustPassword == null ? null : trustPassword.toCharArray())
                .keyStorePassword(keyPassword == null ? null : keyPassword.toCharArray())
                .token(token == null || token.isEmpty() ? null : token)
                .build();
    }

    /** Checks what picocli's types cannot express; the message goes back to the user as a usage error. */
    void validate(Validation v) {
        int colon = bootstrap.lastIndexOf(':');
        v.require(colon > 0 && colon < bootstrap.length() - 1 && bootstrap.substring(colon + 1).chars()
                .allMatch(Character::isDigit), "--bootstrap must be HOST:PORT, got '" + bootstrap + "'");
        v.require(!topic.isBlank(), "--topic must not be empty");
        v.require(!timeout.isNegative() && !timeout.isZero(), "--timeout must be positive");
    }
}
