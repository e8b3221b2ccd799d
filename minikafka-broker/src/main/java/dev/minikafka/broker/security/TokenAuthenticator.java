package dev.minikafka.broker.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Finds the principal of a bearer token by its SHA-256 digest. Every configured digest is compared, in
 * constant time, whatever matched first, so the time taken says nothing about how close a guess was.
 * Tokens are never stored or logged; only their digests are held.
 *
 * <p>Thread-safety: immutable.
 */
public final class TokenAuthenticator {

    private record Entry(String principal, byte[] sha256) {
    }

    private final List<Entry> entries;

    public TokenAuthenticator(SecurityProperties properties) {
        this.entries = properties.tokens().stream().map(t -> {
            if (t.sha256() == null || !t.sha256().matches("[0-9a-fA-F]{64}")) {
                throw new IllegalArgumentException("minikafka.broker.security.tokens: sha256 of principal '"
                        + t.principal() + "' must be 64 hex digits (printf %s \"$TOKEN\" | sha256sum)");
            }
            return new Entry(Principals.normalize(t.principal()), HexFormat.of().parseHex(t.sha256()));
        }).toList();
    }

    /** The token's principal, or null when no configured digest matches. */
    public String principalOf(String token) {
        byte[] digest = sha256(token);
        String found = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(entry.sha256(), digest) && found == null) {
                found = entry.principal();
            }
        }
        return found;
    }

    /** The hex SHA-256 of a token, as configured in {@code tokens[n].sha256}. */
    public static String hash(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
