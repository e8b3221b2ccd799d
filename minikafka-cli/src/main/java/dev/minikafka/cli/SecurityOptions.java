package dev.minikafka.cli;

import java.nio.file.Path;

import dev.minikafka.client.ClientSecurity;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * How the command reaches a broker with security on: TLS trust and key files (PEM or PKCS12) and a bearer
 * token. Secrets come from the environment by default, so they stay out of the shell history and {@code ps}.
 */
final class SecurityOptions {

    @Option(names = "--tls", scope = ScopeType.INHERIT,
            description = "Use TLS, trusting the JDK's CAs unless --trust-store is given (implied by --trust-store/--key-store).")
    boolean tls;

    @Option(names = "--trust-store", scope = ScopeType.INHERIT, paramLabel = "FILE",
            defaultValue = "${env:MINIKAFKA_TRUST_STORE}",
            description = "CA certificates the broker's must chain to: PEM or PKCS12 (env MINIKAFKA_TRUST_STORE).")
    Path trustStore;

    @Option(names = "--key-store", scope = ScopeType.INHERIT, paramLabel = "FILE",
            defaultValue = "${env:MINIKAFKA_KEY_STORE}",
            description = "Client certificate for mutual TLS: PKCS12, or a PEM chain with --private-key (env MINIKAFKA_KEY_STORE).")
    Path keyStore;

    @Option(names = "--private-key", scope = ScopeType.INHERIT, paramLabel = "FILE",
            defaultValue = "${env:MINIKAFKA_PRIVATE_KEY}",
            description = "PKCS#8 PEM key of a PEM --key-store (env MINIKAFKA_PRIVATE_KEY).")
    Path privateKey;

    @Option(names = "--token", scope = ScopeType.INHERIT, paramLabel = "TOKEN",
            defaultValue = "${env:MINIKAFKA_TOKEN}",
            description = "Bearer token; prefer the environment variable MINIKAFKA_TOKEN, which no process listing shows.")
    String token;

    ClientSecurity toClientSecurity() {
        return ClientSecurity.builder()
                .tls(tls)
                .trustStore(trustStore)
                .trustStorePassword(password("MINIKAFKA_TRUST_STORE_PASSWORD"))
                .keyStore(keyStore)
                .keyStorePassword(password("MINIKAFKA_KEY_STORE_PASSWORD"))
                .privateKey(privateKey)
                .token(token == null || token.isEmpty() ? null : token)
                .build();
    }

    /** PKCS12 passwords only from the environment: an option would show them to every user of the machine. */
    private static char[] password(String variable) {
        String value = System.getenv(variable);
        return value == null ? null : value.toCharArray();
    }
}
