package dev.minikafka.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads sizes as the broker's configuration writes them (Spring's {@code DataSize}): {@code 512}, {@code 64KB},
 * {@code 256MB}, {@code 1GB}, {@code 2TB}, where a KB is 1024 bytes. {@code -1} means "no limit".
 */
final class ByteSizeConverter implements ITypeConverter<Long> {

    private static final Pattern SIZE = Pattern.compile("(-?\\d+)\\s*(b|kb|mb|gb|tb)?");

    @Override
    public Long convert(String value) {
        Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new TypeConversionException("'" + value + "' is not a size (e.g. 1048576, 64KB, 256MB, 1GB, -1)");
        }
        long amount = Long.parseLong(m.group(1));
        int shift = switch (m.group(2) == null ? "b" : m.group(2)) {
            case "kb" -> 10;
            case "mb" -> 20;
            case "gb" -> 30;
            case "tb" -> 40;
            default -> 0;
        };
        if (amount < 0) {
            return -1L;
        }
        if (Long.numberOfLeadingZeros(amount) <= shift) {
            throw new TypeConversionException("'" + value + "' is too large");
        }
        return amount << shift;
    }
}
