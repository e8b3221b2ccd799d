package dev.minikafka.binder.properties;

import java.nio.file.Path;

import dev.minikafka.client.ClientSecurity;

/**
 * How the binder's clients reach a broker with security on ({@code spring.cloud.stream.minikafka.binder.security.*}):
 * TLS trust and key material as PEM or PKCS12 files, and a bearer token. Nothing set means plaintext without
 * credentials, the local demo.
 */
public class MiniKafkaSecurityProperties {

    /** Use TLS even without a trust store (trusting the JDK's certificate authorities). Setting a trust or key store turns TLS on too. */
    private boolean tls;

    /** The certificates the broker's must chain to: a PEM file (e.g. ca.pem) or a PKCS12 file. */
    private Path trustStore;

    /** Password of a PKCS12 trust store. */
    private String trustStorePassword;

    /** The client certificate for mutual TLS: a PKCS12 file, or a PEM certificate chain with private-key. */
    private Path keyStore;

    /** Password of a PKCS12 key store. */
    private String keyStorePassword;

    /** The unencrypted PKCS#8 PEM private key of a PEM key-store. */
    private Path privateKey;

    /** Bearer token sent on every call (authorization: Bearer ...); keep it out of files, e.g. from an environment variable. */
    private String token;

    /** The client-side settings these properties describe. */
    public ClientSecurity toClientSecurity() {
        return ClientSecurity.builder()
                .tls(tls)
                .trustStore(trustStore)
                .trustStorePassword(trustStorePassword == null ? null : trustStorePassword.toCharArray())
                .keyStore(keyStore)
                .keyStorePassword(keyStorePassword == null ? null : keyStorePassword.toCharArray())
                .privateKey(privateKey)
                .token(token == null || token.isEmpty() ? null : token)
                .build();
    }

    public boolean isTls() {
        return tls;
    }

    public void setTls(boolean tls) {
        this.tls = tls;
    }

    public Path getTrustStore() {
        return trustStore;
    }

    public void setTrustStore(Path trustStore) {
        this.trustStore = trustStore;
    }

    public String getTrustStorePassword() {
        return trustStorePassword;
    }

    public void setTrustStorePassword(String trustStorePassword) {
        this.trustStorePassword = trustStorePassword;
    }

    public Path getKeyStore() {
        return keyStore;
    }

    public void setKeyStore(Path keyStore) {
        this.keyStore = keyStore;
    }

    public String getKeyStorePassword() {
        return keyStorePassword;
    }

    public void setKeyStorePassword(String keyStorePassword) {
        this.keyStorePassword = keyStorePassword;
    }

    public Path getPrivateKey() {
        return privateKey;
    }

    public void setPrivateKey(Path privateKey) {
        this.privateKey = privateKey;
    }

    public String getToken() {
        return token;
    }

    public void setToken(String token) {
        this.token = token;
    }
}
