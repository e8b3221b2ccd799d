package dev.minikafka.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import dev.minikafka.client.ClientSecurity;
import picocli.CommandLine;

class SecurityOptionsTest {

    private static ClientSecurity parse(String... args) {
        SecurityOptions options = new SecurityOptions();
        new CommandLine(options).parseArgs(args);
        return options.toClientSecurity();
    }

    @Test
    void shouldBePlaintextWithoutCredentialsByDefault() {
        ClientSecurity security = parse();

        assertThat(security.tls()).isFalse();
        assertThat(security.token()).as("MINIKAFKA_TOKEN is not set in tests").isNull();
    }

    @Test
    void shouldTurnTlsOnWithATrustStoreAndCarryTheToken() {
        ClientSecurity security = parse("--trust-store", "ca.pem", "--key-store", "me.pem", "--private-key", "me-key.pem",
                "--token", "s3cret");

        assertThat(security.tls()).isTrue();
        assertThat(security.trustStore()).isEqualTo(Path.of("ca.pem"));
        assertThat(security.keyStore()).isEqualTo(Path.of("me.pem"));
        assertThat(security.privateKey()).isEqualTo(Path.of("me-key.pem"));
        assertThat(security.token()).isEqualTo("s3cret");
        assertThat(security.toString()).doesNotContain("s3cret");
    }

    @Test
    void shouldUseJdkTrustWithTlsAlone() {
        ClientSecurity security = parse("--tls");

        assertThat(security.tls()).isTrue();
        assertThat(security.trustStore()).isNull();
    }
}
