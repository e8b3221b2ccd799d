package dev.minikafka.broker.security;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.springframework.context.ConfigurableApplicationContext;

import dev.minikafka.broker.support.BrokerRunner;
import dev.minikafka.client.ClientSecurity;

/**
 * A broker with TLS on gRPC and HTTP (certificates from {@link TestCertificates}), security on, and these
 * principals: {@code admin} (super user), {@code orders} (write and read topics starting with "orders",
 * read group {@code orders-group}), {@code auditor} (describe every topic, write topic {@code audit}). Tokens are the
 * principal's name with a {@code -token-} and a random suffix; client certificates have the principal as CN.
 */
final class SecureBroker implements AutoCloseable {

    final TestCertificates certificates;
    final ConfigurableApplicationContext context;
    final String bootstrap;
    final String adminToken = token("admin");
    final String ordersToken = token("orders");
    final String auditorToken = token("auditor");

    SecureBroker(Path dir, String grpcClientAuth, String... extraArgs) {
        certificates = new TestCertificates(dir);
        TestCertificates.Issued broker = certificates.issue("broker", true);
        List<String> args = new ArrayList<>(List.of(
                "--spring.ssl.bundle.pem.minikafka.keystore.certificate=file:" + broker.certificate(),
                "--spring.ssl.bundle.pem.minikafka.keystore.private-key=file:" + broker.privateKey(),
                "--spring.ssl.bundle.pem.minikafka.truststore.certificate=file:" + certificates.caPem(),
                "--spring.grpc.server.ssl.bundle=minikafka",
                "--spring.grpc.server.ssl.client-auth=" + grpcClientAuth,
                "--server.ssl.bundle=minikafka",
                "--server.ssl.client-auth=want",
                "--minikafka.broker.security.enabled=true",
                "--minikafka.broker.security.super-users=User:admin",
                "--minikafka.broker.security.tokens[0].principal=admin",
                "--minikafka.broker.security.tokens[0].sha256=" + TokenAuthenticator.hash(adminToken),
                "--minikafka.broker.security.tokens[1].principal=User:orders",
                "--minikafka.broker.security.tokens[1].sha256=" + TokenAuthenticator.hash(ordersToken),
                "--minikafka.broker.security.tokens[2].principal=auditor",
                "--minikafka.broker.security.tokens[2].sha256=" + TokenAuthenticator.hash(auditorToken)));
        args.addAll(acl(0, "User:orders", "WRITE", "TOPIC", "orders", "PREFIXED"));
        args.addAll(acl(1, "User:orders", "READ", "TOPIC", "orders", "PREFIXED"));
        args.addAll(acl(2, "User:orders", "READ", "GROUP", "orders-group", "LITERAL"));
        args.addAll(acl(3, "User:auditor", "DESCRIBE", "TOPIC", "*", "LITERAL"));
        args.addAll(acl(4, "User:auditor", "WRITE", "TOPIC", "audit", "LITERAL"));
        args.addAll(List.of(extraArgs));
        context = BrokerRunner.start(dir.resolve("data"), args.toArray(String[]::new));
        bootstrap = "127.0.0.1:" + BrokerRunner.grpcPort(context);
    }

    private static List<String> acl(int i, String principal, String operation, String type, String name, String pattern) {
        String prefix = "--minikafka.broker.security.acls[" + i + "].";
        return List.of(prefix + "principal=" + principal, prefix + "operation=" + operation,
                prefix + "resource-type=" + type, prefix + "resource-name=" + name, prefix + "pattern-type=" + pattern);
    }

    private static String token(String principal) {
        return principal + "-token-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
    }

    /** TLS trusting the test CA (PEM), with a token or none. */
    ClientSecurity tls(String token) {
        return ClientSecurity.builder().trustStore(certificates.caPem()).token(token).build();
    }

    String httpsBase() {
        return "https://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
    }

    /** An SSL context trusting the test CA, for HTTPS calls. */
    SSLContext sslContext() {
        try (InputStream in = Files.newInputStream(certificates.caPkcs12())) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(in, TestCertificates.PASSWORD);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        context.close();
    }
}
