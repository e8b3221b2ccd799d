package dev.minikafka.binder;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.springframework.integration.IntegrationMessageHeaderAccessor;
import org.springframework.messaging.MessageHeaders;
import org.springframework.util.MimeType;

import dev.minikafka.protocol.Header;

/**
 * Maps message headers to record headers and back. Strings travel as UTF-8 and {@code byte[]} as they are;
 * numbers, booleans, UUIDs and MIME types travel as text, with their types listed in one extra header
 * ({@code minikafka_headerTypes}, {@code name=type;...}) so that they are read back as the same types. The
 * content type always travels as text. Other values (objects, channels, callbacks) are not sent.
 *
 * <p>Never sent: {@code id} and {@code timestamp} (every message gets its own), the framework's
 * {@code scst_*} routing headers, the binder's own inbound {@code minikafka_*} headers, and the integration
 * framework's per-delivery headers (acknowledgment callback, delivery attempt, source data).
 *
 * <p>Thread-safe. The only state is what the last message had: a producer sends the same types and content
 * type on every record, so the {@code minikafka_headerTypes} value is built (sending) and parsed (receiving)
 * once, not once per record, and a content type's text is encoded once. Each is replaced whole, so a reader on
 * another thread sees a consistent pair, at worst an older one it then replaces.
 */
final class MiniKafkaHeaderMapper {

    /** A type list as received and what it parses to; replaced whole, so readers on other threads see a pair. */
    private record ParsedTypes(byte[] spec, Map<String, String> types) {
    }

    private volatile ParsedTypes lastTypes = new ParsedTypes(new byte[0], Map.of());

    /** The content type last sent and its bytes; replaced whole. Record headers' values are only read. */
    private record ContentTypeBytes(MimeType mime, byte[] bytes) {
    }

    private volatile ContentTypeBytes lastContentType = new ContentTypeBytes(null, null);

    /** The content type last received, as bytes and as text; replaced whole. */
    private record ContentTypeText(byte[] bytes, String text) {
    }

    private volatile ContentTypeText lastContentTypeText = new ContentTypeText(new byte[0], "");

    /** The type list last sent, with its header; replaced whole. */
    private volatile TypeList lastSentTypes = TypeList.NONE;

    /** The {@code minikafka_headerTypes} of a message: its typed headers' names and types, in order. */
    private record TypeList(String[] names, String[] types, Header header) {

        static final TypeList NONE = new TypeList(new String[0], new String[0], null);

        int size() {
            return names.length;
        }

        boolean matches(int index, String name, String type) {
            return index < names.length && names[index].equals(name) && types[index].equals(type);
        }

        /** The type list of the first {@code count} headers in {@code out}, read from the message's values. */
        static TypeList of(Header[] out, int count, MessageHeaders headers) {
            List<String> names = new ArrayList<>();
            List<String> types = new ArrayList<>();
            StringBuilder spec = new StringBuilder();
            for (int i = 0; i < count; i++) {
                String name = out[i].key();
                String type = typeOf(name, headers.get(name));
                if (type != null) {
                    names.add(name);
                    types.add(type);
                    (spec.isEmpty() ? spec : spec.append(';')).append(name).append('=').append(type);
                }
            }
            return new TypeList(names.toArray(String[]::new), types.toArray(String[]::new),
                    Header.of(MiniKafkaHeaders.HEADER_TYPES, spec.toString()));
        }
    }

    /** {@link #typeOf} for a value that is not sent (objects, channels, callbacks); compared by identity. */
    private static final String NOT_SENT = new String("not sent");

    private static final Set<String> NEVER_SENT = Set.of(MessageHeaders.ID, MessageHeaders.TIMESTAMP,
            MessageHeaders.ERROR_CHANNEL, MessageHeaders.REPLY_CHANNEL,
            IntegrationMessageHeaderAccessor.ACKNOWLEDGMENT_CALLBACK, IntegrationMessageHeaderAccessor.DELIVERY_ATTEMPT,
            IntegrationMessageHeaderAccessor.SOURCE_DATA);

    /**
     * The record headers for {@code headers}, as an unmodifiable list (a {@code ProducerRecord} keeps such a
     * list as it is). Per message this allocates a few small arrays, the headers and their values' bytes; the
     * type list and a repeated content type are reused from the last message that had the same ones.
     */
    List<Header> fromHeaders(MessageHeaders headers) {
        Header[] out = new Header[headers.size() + 1];
        int count = 0;
        TypeList types = lastSentTypes;
        int typed = 0;
        boolean sameTypes = true;
        for (Map.Entry<String, Object> entry : headers.entrySet()) {
            String name = entry.getKey();
            Object value = entry.getValue();
            if (value == null || NEVER_SENT.contains(name) || name.startsWith("scst_") || name.startsWith("minikafka_")) {
                continue;
            }
            String type = typeOf(name, value);
            if (type == NOT_SENT) {
                continue;
            }
            byte[] bytes;
            if (value instanceof String s) {
                bytes = s.getBytes(StandardCharsets.UTF_8);
            } else if (value instanceof byte[] b) {
                bytes = b;
            } else if (type == null && value instanceof MimeType mime) {
                bytes = contentTypeBytes(mime);
            } else {
                bytes = value.toString().getBytes(StandardCharsets.UTF_8);
            }
            out[count++] = new Header(name, bytes);
            if (type != null) {
                sameTypes = sameTypes && types.matches(typed, name, type);
                typed++;
            }
        }
        if (typed > 0) {
            if (!sameTypes || typed != types.size()) {
                types = TypeList.of(out, count, headers); // the types changed: rare, so a second pass is fine
                lastSentTypes = types;
            }
            out[count++] = types.header();
        }
        return List.of(count == out.length ? out : Arrays.copyOf(out, count));
    }

    /** What {@code minikafka_headerTypes} says a value is: null for text, {@link #NOT_SENT} for what is not sent. */
    private static String typeOf(String name, Object value) {
        if (value instanceof String || MessageHeaders.CONTENT_TYPE.equals(name) && value instanceof MimeType) {
            return null;
        }
        if (value instanceof byte[]) {
            return "bytes";
        }
        if (value instanceof Number || value instanceof Boolean || value instanceof UUID || value instanceof MimeType
                || value instanceof Character) {
            return value.getClass().getName();
        }
        return NOT_SENT;
    }

    /** A MIME type's text as bytes; the last one is kept, as a producer sends the same content type every time. */
    private byte[] contentTypeBytes(MimeType mime) {
        ContentTypeBytes last = lastContentType;
        if (last.mime() != mime) {
            last = new ContentTypeBytes(mime, mime.toString().getBytes(StandardCharsets.UTF_8));
            lastContentType = last;
        }
        return last.bytes();
    }

    Map<String, Object> toHeaders(List<Header> recordHeaders) {
        Map<String, Object> out = new HashMap<>(recordHeaders.size() + 8);
        Map<String, String> types = Map.of();
        for (Header header : recordHeaders) {
            if (MiniKafkaHeaders.HEADER_TYPES.equals(header.key())) {
                types = types(header.value());
            }
        }
        for (Header header : recordHeaders) {
            String name = header.key();
            if (MiniKafkaHeaders.HEADER_TYPES.equals(name)) {
                continue;
            }
            String type = types.get(name);
            out.put(name, type == null && header.value() != null && MessageHeaders.CONTENT_TYPE.equals(name)
                    ? contentTypeText(header.value()) : decode(header, type));
        }
        return out;
    }

    /** A received content type's text; the last one is kept, as a topic's records mostly share one. */
    private String contentTypeText(byte[] value) {
        ContentTypeText last = lastContentTypeText;
        if (!Arrays.equals(last.bytes(), value)) {
            last = new ContentTypeText(value.clone(), new String(value, StandardCharsets.UTF_8));
            lastContentTypeText = last;
        }
        return last.text();
    }

    private static Object decode(Header header, String type) {
        if ("bytes".equals(type) || header.value() == null) {
            return header.value() == null ? new byte[0] : header.value();
        }
        String text = header.valueAsString();
        if (type == null) {
            return text;
        }
        try {
            return switch (type) {
                case "java.lang.Integer" -> Integer.valueOf(text);
                case "java.lang.Long" -> Long.valueOf(text);
                case "java.lang.Short" -> Short.valueOf(text);
                case "java.lang.Byte" -> Byte.valueOf(text);
                case "java.lang.Double" -> Double.valueOf(text);
                case "java.lang.Float" -> Float.valueOf(text);
                case "java.lang.Boolean" -> Boolean.valueOf(text);
                case "java.lang.Character" -> text.isEmpty() ? text : text.charAt(0);
                case "java.util.UUID" -> UUID.fromString(text);
                case "java.math.BigDecimal" -> new java.math.BigDecimal(text);
                case "java.math.BigInteger" -> new java.math.BigInteger(text);
                default -> type.startsWith("org.springframework.util.MimeType")
                        || type.startsWith("org.springframework.http.MediaType") ? MimeType.valueOf(text) : text;
            };
        } catch (IllegalArgumentException e) {
            return text; // a header written by someone else under a type we cannot parse: keep the text
        }
    }

    private Map<String, String> types(byte[] spec) {
        if (spec == null) {
            return Map.of();
        }
        ParsedTypes last = lastTypes;
        if (!Arrays.equals(last.spec(), spec)) {
            last = new ParsedTypes(spec.clone(), Map.copyOf(parseTypes(new String(spec, StandardCharsets.UTF_8))));
            lastTypes = last;
        }
        return last.types();
    }

    private static Map<String, String> parseTypes(String spec) {
        Map<String, String> types = new HashMap<>();
        for (String pair : spec.split(";")) {
            int eq = pair.lastIndexOf('=');
            if (eq > 0) {
                types.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return types;
    }
}
