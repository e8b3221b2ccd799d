package dev.minikafka.bench.binder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a role's JSON summary to {@code bench.report}, when one is set. */
final class Reports {

    private Reports() {
    }

    static void write(Path file, String json) {
        if (file == null) {
            return;
        }
        try {
            Files.writeString(file, json + System.lineSeparator());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report to " + file, e);
        }
    }
}
