package dev.minikafka.binder.contract;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.grpc.server.lifecycle.GrpcServerLifecycle;

import dev.minikafka.binder.MiniKafkaHeaders;
import dev.minikafka.broker.BrokerApplication;
import dev.minikafka.broker.security.TokenAuthenticator;

/**
 * The binder against a broker with TLS and authorization on: a self-signed broker certificate made with the
 * JDK's keytool (the way docs/security.md shows), a bearer token for principal {@code scst} whose ACLs allow
 * topics and groups but who is no super user. Provisioning, producing and group consuming all pass.
 */
class SecureMiniKafkaBinderTests extends AbstractBinderContractTests {

    private static final String PASSWORD = "changeit";
    private static final String TOKEN = "scst-token-" + Long.toHexString(System.nanoTime());

    @TempDir
    static Path dir;
    static ConfigurableApplicationContext broker;
    static String brokers;

    @BeforeAll
    static void startSecureBroker() throws Exception {
        Path keyStore = dir.resolve("broker.p12");
        Path certificate = dir.resolve("broker.pem");
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=broker", "-ext", "san=ip:127.0.0.1,dns:localhost",
                "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "broker", "-keystore", keyStore.toString(), "-storepass", PASSWORD,
                "-file", certificate.toString());
        broker = SpringApplication.run(BrokerApplication.class, "--minikafka.broker.data-dir=" + dir.resolve("data"),
                "--spring.grpc.server.address=127.0.0.1:0", "--spring.main.web-application-type=none",
                "--springdoc.api-docs.enabled=false", "--spring.main.banner-mode=off", "--spring.jmx.enabled=false",
                "--spring.ssl.bundle.jks.minikafka.keystore.location=file:" + keyStore,
                "--spring.ssl.bundle.jks.minikafka.keystore.type=PKCS12",
                "--spring.ssl.bundle.jks.minikafka.keystore.password=" + PASSWORD,
                "--spring.grpc.server.ssl.bundle=minikafka",
                "--minikafka.broker.security.enabled=true",
                "--minikafka.broker.security.tokens[0].principal=scst",
                "--minikafka.broker.security.tokens[0].sha256=" + TokenAuthenticator.hash(TOKEN),
                "--minikafka.broker.security.acls[0].principal=User:scst",
                "--minikafka.broker.security.acls[0].operation=ALL",
                "--minikafka.broker.security.acls[0].resource-type=TOPIC",
                "--minikafka.broker.security.acls[0].resource-name=*",
                "--minikafka.broker.security.acls[1].principal=User:scst",
                "--minikafka.broker.security.acls[1].operation=READ",
                "--minikafka.broker.security.acls[1].resource-type=GROUP",
                "--minikafka.broker.security.acls[1].resource-name=*");
        brokers = "127.0.0.1:" + broker.getBean(GrpcServerLifecycle.class).getPort();
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
    }

    @AfterAll
    static void stopSecureBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Override
    protected String binderName() {
        return "minikafka";
    }

    @Override
    protected List<String> connectionProperties() {
        return List.of("--spring.cloud.stream.minikafka.binder.brokers=" + brokers,
                "--spring.cloud.stream.minikafka.binder.security.trust-store=" + dir.resolve("broker.pem"),
                "--spring.cloud.stream.minikafka.binder.security.token=" + TOKEN);
    }

    @Override
    protected String receivedPartitionHeader() {
        return MiniKafkaHeaders.RECEIVED_PARTITION;
    }

    @Test
    void provisionsProducesAndConsumesInAGroupOverTlsWithAToken() {
        requiredGroupReceivesWhatWasSentBeforeItsConsumerStarted();
    }

    @Test
    void anonymousConsumerWorksOverTlsWithAToken() {
        anonymousConsumerReceivesWhatIsSentAfterItStarted();
    }
}
