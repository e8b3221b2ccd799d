package dev.minikafka.client;

import java.nio.file.Path;

/**
 * How a client proves who it is and checks who the broker is: TLS with a trust store (PEM certificates or a
 * PKCS12 file), optionally a client certificate for mutual TLS (a PKCS12 key store, or a PEM certificate
 * chain and PKCS#8 private key), and optionally a bearer token sent as gRPC call credentials
 * ({@code authorization: Bearer <token>}). {@link #NONE} is plaintext without credentials, the local demo.
 *
 * <pre>{@code ClientSecurity.builder().trustStore(Path.of("ca.pem")).token(System.getenv("MINIKAFKA_TOKEN")).build()}</pre>
 *
 * <p>{@link #toString()} never shows the token or a password.
 */
public final class ClientSecurity {

    /** Plaintext, no credentials. */
    public static final ClientSecurity NONE = builder().build();

    private final boolean tls;
    private final Path trustStore;
    private final char[] trustStorePassword;
    private final Path keyStore;
    private final char[] keyStorePassword;
    private final Path privateKey;
    private final String token;

    private ClientSecurity(Builder b) {
        this.trustStore = b.trustStore;
        this.trustStorePassword = b.trustStorePassword;
        this.keyStore = b.keyStore;
        this.keyStorePassword = b.keyStorePassword;
        this.privateKey = b.privateKey;
        this.token = b.token;
        this.tls = b.tls || trustStore != null || keyStore != null;
        if (token != null && (token.isBlank() || !token.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
            throw new IllegalArgumentException("token must be non-blank printable ASCII without spaces");
        }
        if (privateKey != null && keyStore == null) {
            throw new IllegalArgumentException("a private key needs its certificate chain (keyStore)");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** True when the channel uses TLS. */
    public boolean tls() {
        return tls;
    }

    /** PEM certificates or a PKCS12 file the broker's certificate must chain to; null trusts the JDK's CAs. */
    public Path trustStore() {
        return trustStore;
    }

    public char[] trustStorePassword() {
        return trustStorePassword;
    }

    /** The client certificate for mutual TLS: a PKCS12 file, or a PEM chain when {@link #privateKey()} is set. */
    public Path keyStore() {
        return keyStore;
    }

    public char[] keyStorePassword() {
        return keyStorePassword;
    }

    /** The PKCS#8 PEM private key of a PEM {@link #keyStore()}; null for PKCS12. */
    public Path privateKey() {
        return privateKey;
    }

    /** The bearer token, or null. */
    public String token() {
        return token;
    }

    @Override
    public String toString() {
        return "ClientSecurity[tls=" + tls + ", trustStore=" + trustStore + ", keyStore=" + keyStore
                + ", token=" + (token == null ? "none" : "****") + "]";
    }

    /** Everything is optional; setting a trust or key store turns TLS on. */
    public static final class Builder {
        private boolean tls;
        private Path trustStore;
        private char[] trustStorePassword;
        private Path keyStore;
        private char[] keyStorePassword;
        private Path privateKey;
        private String token;

        private Builder() {
        }

        /** TLS trusting the JDK's certificate authorities (no trust store needed for a publicly signed broker). */
        public Builder tls(boolean tls) {
            this.tls = tls;
            return this;
        }

        /**
         * The certificates the broker's certificate must chain to: a PEM file (e.g. the CA's {@code ca.pem})
         * or a PKCS12 file (told apart by their content).
         */
        public Builder trustStore(Path file) {
            this.trustStore = file;
            return this;
        }

        /** The password of a PKCS12 trust store; not needed for PEM. */
        public Builder trustStorePassword(char[] password) {
            this.trustStorePassword = password;
            return this;
        }

        /**
         * The client certificate for mutual TLS: a PKCS12 file holding the key and chain, or a PEM
         * certificate chain whose key is given by {@link #privateKey(Path)}.
         */
        public Builder keyStore(Path file) {
            this.keyStore = file;
            return this;
        }

        /** The password of a PKCS12 key store. */
        public Builder keyStorePassword(char[] password) {
            this.keyStorePassword = password;
            return this;
        }

        /** The unencrypted PKCS#8 PEM private key of a PEM {@link #keyStore(Path)}. */
        public Builder privateKey(Path pem) {
            this.privateKey = pem;
            return this;
        }

        /** Sends {@code authorization: Bearer <token>} on every call; null sends none. */
        public Builder token(String token) {
            this.token = token;
            return this;
        }

        public ClientSecurity build() {
            return new ClientSecurity(this);
        }
    }
}
