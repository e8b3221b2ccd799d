package dev.minikafka.cli;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads a point in time as an ISO-8601 instant ({@code 2026-11-24T08:00:00Z}, or with an offset) or epoch milliseconds. */
final class TimestampConverter implements ITypeConverter<Instant> {

    @Override
    public Instant convert(String value) {
        String text = value.trim();
        if (!text.isEmpty() && text.chars().allMatch(Character::isDigit)) {
            return Instant.ofEpochMilli(Long.parseLong(text));
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new TypeConversionException("'" + value
                    + "' is not a time (an ISO-8601 instant such as 2026-11-24T08:00:00Z, or epoch milliseconds)");
        }
    }
}
