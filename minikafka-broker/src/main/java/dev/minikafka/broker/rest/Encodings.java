package dev.minikafka.broker.rest;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Bytes to and from JSON strings: UTF-8 text when possible, base64 otherwise. */
final class Encodings {

    static final String UTF8 = "utf8";
    static final String BASE64 = "base64";

    private Encodings() {
    }

    /** A JSON string and how it encodes its bytes; both null for null bytes. */
    record Encoded(String text, String encoding) {
    }

    static Encoded encode(byte[] bytes) {
        if (bytes == null) {
            return new Encoded(null, null);
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
            return new Encoded(text, UTF8);
        } catch (CharacterCodingException e) {
            return new Encoded(Base64.getEncoder().encodeToString(bytes), BASE64);
        }
    }

    /**
     * The bytes of a field given as text or as base64, at most one of the two.
     *
     * @param field a name for messages, such as {@code records[3].value}
     * @throws ApiException 400 when both are set or the base64 is malformed
     */
    static byte[] decode(String text, String base64, String field) {
        if (text != null && base64 != null) {
            throw ApiException.badRequest(field + " and " + field + "Base64 are both set; give one of them");
        }
        if (text != null) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        if (base64 == null) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(field + "Base64 is not valid base64: " + e.getMessage());
        }
    }
}
