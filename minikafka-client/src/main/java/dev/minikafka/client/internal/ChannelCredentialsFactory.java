package dev.minikafka.client.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

import dev.minikafka.client.ClientSecurity;
import io.grpc.ChannelCredentials;
import io.grpc.CompositeChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;

/**
 * Turns {@link ClientSecurity} into gRPC channel credentials: plaintext or TLS, with the bearer token as
 * call credentials on top. PEM and PKCS12 files are told apart by their first byte (a PKCS12 file is DER,
 * which starts with a SEQUENCE tag, 0x30). Internal API.
 */
final class ChannelCredentialsFactory {

    private static final int DER_SEQUENCE = 0x30;

    private ChannelCredentialsFactory() {
    }

    static ChannelCredentials create(ClientSecurity security) {
        ChannelCredentials transport = security.tls() ? tls(security) : InsecureChannelCredentials.create();
        return security.token() == null ? transport
                : CompositeChannelCredentials.create(transport, new BearerToken(security.token()));
    }

    private static ChannelCredentials tls(ClientSecurity security) {
        TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder();
        try {
            if (security.trustStore() != null) {
                Path trust = security.trustStore();
                if (isPkcs12(trust)) {
                    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                    factory.init(load(trust, security.trustStorePassword()));
                    builder.trustManager(factory.getTrustManagers());
                } else {
                    builder.trustManager(trust.toFile());
                }
            }
            if (security.keyStore() != null) {
                Path key = security.keyStore();
                if (security.privateKey() != null) {
                    builder.keyManager(key.toFile(), security.privateKey().toFile());
                } else {
                    KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                    char[] password = security.keyStorePassword() == null ? new char[0] : security.keyStorePassword();
                    factory.init(load(key, password), password);
                    builder.keyManager(factory.getKeyManagers());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the TLS trust or key store: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use the TLS trust or key store: " + e.getMessage(), e);
        }
        return builder.build();
    }

    private static boolean isPkcs12(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == DER_SEQUENCE;
        }
    }

    private static KeyStore load(Path pkcs12, char[] password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(pkcs12)) {
            store.load(in, password);
        }
        return store;
    }
}
