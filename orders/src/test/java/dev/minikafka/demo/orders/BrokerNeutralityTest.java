package dev.minikafka.demo.orders;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The service must run on any binder: no class of it refers to a MiniKafka class (the demo's own are fine). */
class BrokerNeutralityTest {

    private static final Pattern MINIKAFKA_REFERENCE = Pattern.compile("dev[/.]minikafka[/.](?!demo[/.])");

    @Test
    void shouldReferToNoMiniKafkaClassInSourcesOrBytecode() throws IOException {
        assertThat(offenders(Path.of("src/main/java"), ".java")).isEmpty();
        assertThat(offenders(Path.of("target/classes"), ".class")).isEmpty();
        assertThat(Files.exists(Path.of("target/classes", getClass().getPackageName().replace('.', '/')))).isTrue();
    }

    private static List<Path> offenders(Path root, String suffix) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(file -> file.toString().endsWith(suffix))
                    .filter(file -> MINIKAFKA_REFERENCE.matcher(read(file)).find())
                    .toList();
        }
    }

    private static String read(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
