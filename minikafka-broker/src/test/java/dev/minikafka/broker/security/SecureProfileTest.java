package dev.minikafka.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import dev.minikafka.broker.support.BrokerRunner;
import dev.minikafka.client.ClientSecurity;
import dev.minikafka.client.MiniKafkaAdmin;
import dev.minikafka.client.MiniKafkaException;
import dev.minikafka.proto.v1.ErrorCode;

/**
 * The documented production profile ({@code application-secure.yml}) with mutual TLS required: its
 * placeholders point at generated certificates; a client without a certificate cannot even connect, one with
 * a certificate is its CN, and a plaintext client is turned away.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SecureProfileTest {

    @TempDir
    static Path dir;
    static TestCertificates certificates;
    static ConfigurableApplicationContext broker;
    static String bootstrap;

    @BeforeAll
    static void start() {
        certificates = new TestCertificates(dir);
        TestCertificates.Issued server = certificates.issue("broker", true);
        broker = BrokerRunner.start(dir.resolve("data"), "--spring.profiles.active=secure",
                "--MINIKAFKA_TLS_CERTIFICATE=file:" + server.certificate(),
                "--MINIKAFKA_TLS_PRIVATE_KEY=file:" + server.privateKey(),
                "--MINIKAFKA_TLS_CA=file:" + certificates.caPem(),
                "--MINIKAFKA_TLS_CLIENT_AUTH=REQUIRE",
                "--minikafka.broker.security.super-users=ops");
        bootstrap = "127.0.0.1:" + BrokerRunner.grpcPort(broker);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void aClientCertificateIsRequiredAndNamesThePrincipal() {
        TestCertificates.Issued ops = certificates.issue("ops", false);
        TestCertificates.Issued dev = certificates.issue("dev", false);
        ClientSecurity withOps = ClientSecurity.builder().trustStore(certificates.caPem())
                .keyStore(ops.certificate()).privateKey(ops.privateKey()).build();
        ClientSecurity withDev = ClientSecurity.builder().trustStore(certificates.caPem())
                .keyStore(dev.certificate()).privateKey(dev.privateKey()).build();
        ClientSecurity noCertificate = ClientSecurity.builder().trustStore(certificates.caPem()).build();

        assertThat(call(withOps, admin -> admin.createTopic("audited", 1)).name()).isEqualTo("audited");
        MiniKafkaException denied = catchThrowableOfType(MiniKafkaException.class,
                () -> call(withDev, admin -> admin.createTopic("other", 1)));
        assertThat(denied.code()).isEqualTo(ErrorCode.NOT_AUTHORIZED);
        assertThat(denied.getMessage()).contains("'dev' may not CREATE TOPIC 'other'");
        MiniKafkaException handshake = catchThrowableOfType(MiniKafkaException.class,
                () -> call(noCertificate, MiniKafkaAdmin::listTopicNames));
        assertThat(handshake.code()).as("the TLS handshake fails").isEqualTo(ErrorCode.BROKER_UNAVAILABLE);
        MiniKafkaException plaintext = catchThrowableOfType(MiniKafkaException.class,
                () -> call(ClientSecurity.NONE, MiniKafkaAdmin::listTopicNames));
        assertThat(plaintext.code()).isEqualTo(ErrorCode.BROKER_UNAVAILABLE);
    }

    private static <T> T call(ClientSecurity security, java.util.function.Function<MiniKafkaAdmin, T> call) {
        try (MiniKafkaAdmin admin = new MiniKafkaAdmin(bootstrap, Duration.ofSeconds(5), security)) {
            return call.apply(admin);
        }
    }
}
