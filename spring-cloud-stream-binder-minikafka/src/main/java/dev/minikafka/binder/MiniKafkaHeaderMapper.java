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
 * <p>Thread-safe. The only state is the last type list read back: a producer sends the same
 * {@code minikafka_headerTypes} value on every record, so it is parsed once, not once per record.
 */
final class MiniKafkaHeaderMapper {

    /** A type list as received and what it parses to; replaced whole, so readers on other threads see a pair. */
    private record ParsedTypes(byte[] spec, Map<String, String> types) {
    }

    private volatile ParsedTypes lastTypes = new ParsedTypes(new byte[0], Map.of());

    private static final Set<String> NEVER_SENT = Set.of(MessageHeaders.ID, MessageHeaders.TIMESTAMP,
            MessageHeaders.ERROR_CHANNEL, MessageHeaders.REPLY_CHANNEL,
            IntegrationMessageHeaderAccessor.ACKNOWLEDGMENT_CALLBACK, IntegrationMessageHeaderAccessor.DELIVERY_ATTEMPT,
            IntegrationMessageHeaderAccessor.SOURCE_DATA);

    List<Header> fromHeaders(MessageHeaders headers) {
        List<Header> out = new ArrayList<>(headers.size());
        StringBuilder types = null;
        for (Map.Entry<String, Object> entry : headers.entrySet()) {
            String name = entry.getKey();
            Object value = entry.getValue();
            if (value == null || NEVER_SENT.contains(name) || name.startsWith("scst_") || name.startsWith("minikafka_")) {
                continue;
            }
            String type = null;
            byte[] bytes;
            if (value instanceof String s) {
                bytes = s.getBytes(StandardCharsets.UTF_8);
            } else if (value instanceof byte[] b) {
                bytes = b;
                type = "bytes";
            } else if (MessageHeaders.CONTENT_TYPE.equals(name) && value instanceof MimeType mime) {
                bytes = mime.toString().getBytes(StandardCharsets.UTF_8);
            } else if (value instanceof Number || value instanceof Boolean || value instanceof UUID
                    || value instanceof MimeType || value instanceof Character) {
                bytes = value.toString().getBytes(StandardCharsets.UTF_8);
                type = value.getClass().getName();
            } else {
                continue;
            }
            out.add(new Header(name, bytes));
            if (type != null) {
                types = (types == null ? new StringBuilder() : types.append(';')).append(name).append('=').append(type);
            }
        }
        if (types != null) {
            out.add(Header.of(MiniKafkaHeaders.HEADER_TYPES, types.toString()));
        }
        return out;
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
            out.put(name, decode(header, types.get(name)));
        }
        return out;
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
