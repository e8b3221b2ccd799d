package dev.minikafka.broker.security;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority for the TLS tests, generated at test time with BouncyCastle: a CA, a
 * broker certificate for {@code 127.0.0.1}/{@code localhost}, and client certificates whose CN is the
 * principal. Files are PEM (certificates, PKCS#8 keys) or PKCS12, as a user would have them.
 */
final class TestCertificates {

    static final char[] PASSWORD = "changeit".toCharArray();
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private final Path dir;
    private final KeyPair caKeys;
    private final X509Certificate ca;

    TestCertificates(Path dir) {
        this.dir = dir;
        try {
            caKeys = keyPair();
            X500Name name = new X500Name("CN=MiniKafka Test CA");
            X509v3CertificateBuilder builder = builder(name, name, caKeys)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            ca = sign(builder, caKeys);
            writePem(dir.resolve("ca.pem"), ca);
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    Path caPem() {
        return dir.resolve("ca.pem");
    }

    /** The CA as a PKCS12 trust store. */
    Path caPkcs12() {
        Path file = dir.resolve("ca.p12");
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("ca", ca);
            try (OutputStream out = Files.newOutputStream(file)) {
                store.store(out, PASSWORD);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A signed certificate and its key as {@code name.pem} and {@code name-key.pem} (PKCS#8), and {@code name.p12}. */
    Issued issue(String commonName, boolean server) {
        try {
            KeyPair keys = keyPair();
            X509v3CertificateBuilder builder = builder(new X500Name("CN=MiniKafka Test CA"),
                    new X500Name("CN=" + commonName + ",O=MiniKafka Tests"), keys)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            if (server) {
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
            }
            X509Certificate certificate = sign(builder, caKeys);
            Path pem = dir.resolve(commonName + ".pem");
            Path key = dir.resolve(commonName + "-key.pem");
            Path p12 = dir.resolve(commonName + ".p12");
            writePem(pem, certificate);
            try (JcaPEMWriter writer = new JcaPEMWriter(Files.newBufferedWriter(key))) {
                writer.writeObject(new JcaPKCS8Generator(keys.getPrivate(), null));
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(commonName, keys.getPrivate(), PASSWORD, new Certificate[] {certificate, ca});
            try (OutputStream out = Files.newOutputStream(p12)) {
                store.store(out, PASSWORD);
            }
            return new Issued(pem, key, p12);
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The files of one issued certificate. */
    record Issued(Path certificate, Path privateKey, Path pkcs12) {

        /** The private key's PEM body, to check it never reaches a log. */
        String privateKeyText() {
            try {
                return Files.readString(privateKey);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject, keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuerKeys)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
    }

    private static void writePem(Path file, X509Certificate certificate) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(certificate);
        }
        Files.writeString(file, text.toString());
    }
}
