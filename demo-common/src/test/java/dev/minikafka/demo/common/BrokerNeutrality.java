package dev.minikafka.demo.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The check behind every demo service's {@code BrokerNeutralityTest}: a service runs on any binder only if
 * none of its sources or compiled classes refers to a MiniKafka class (the demo's own,
 * {@code dev.minikafka.demo}, are fine). Shared with the services as this module's test jar.
 */
public final class BrokerNeutrality {

    private static final Pattern MINIKAFKA_REFERENCE = Pattern.compile("dev[/.]minikafka[/.](?!demo[/.])");

    private BrokerNeutrality() {
    }

    /** Files under the module's {@code src/main/java} and {@code target/classes} that refer to MiniKafka. */
    public static List<Path> offendersIn(Path module) {
        if (!Files.isDirectory(module.resolve("target/classes/dev/minikafka/demo"))) {
            throw new IllegalStateException("no compiled service classes under " + module.toAbsolutePath());
        }
        return Stream.concat(offenders(module.resolve("src/main/java"), ".java").stream(),
                offenders(module.resolve("target/classes"), ".class").stream()).toList();
    }

    private static List<Path> offenders(Path root, String suffix) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(file -> file.toString().endsWith(suffix))
                    .filter(file -> MINIKAFKA_REFERENCE.matcher(read(file)).find())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            // ISO-8859-1 maps every byte to one char: class files' constant pools read as text.
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
