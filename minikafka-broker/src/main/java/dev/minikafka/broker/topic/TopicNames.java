package dev.minikafka.broker.topic;

import java.util.regex.Pattern;

/**
 * Kafka's topic naming rules: 1 to 249 characters from {@code [a-zA-Z0-9._-]}, and not {@code .} or
 * {@code ..}. Names become directory names, so the rules also keep them safe on disk.
 */
public final class TopicNames {

    public static final int MAX_LENGTH = 249;
    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]+");

    private TopicNames() {
    }

    /** Returns null when the name is valid, otherwise a sentence saying what is wrong with it. */
    public static String problemWith(String name) {
        if (name == null || name.isEmpty()) {
            return "topic name is empty";
        }
        if (name.length() > MAX_LENGTH) {
            return "topic name is " + name.length() + " characters long; the limit is " + MAX_LENGTH;
        }
        if (name.equals(".") || name.equals("..")) {
            return "topic name cannot be '.' or '..'";
        }
        if (!LEGAL.matcher(name).matches()) {
            return "topic name '" + printable(name) + "' may contain only ASCII letters, digits, '.', '_' and '-'";
        }
        return null;
    }

    private static String printable(String name) {
        String shortened = name.length() > 64 ? name.substring(0, 64) + "..." : name;
        StringBuilder out = new StringBuilder(shortened.length());
        shortened.codePoints().forEach(cp -> {
            if (cp < 0x20 || cp == 0x7f) {
                out.append(String.format("\\u%04x", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }
}
