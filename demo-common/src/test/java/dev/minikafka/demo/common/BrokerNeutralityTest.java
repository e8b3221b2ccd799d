package dev.minikafka.demo.common;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class BrokerNeutralityTest {

    @TempDir
    Path module;

    private Path write(String path, String content) throws IOException {
        Path file = module.resolve(path);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content, StandardCharsets.ISO_8859_1);
    }

    @Test
    void shouldFindMiniKafkaReferencesInSourcesAndClassesButNotTheDemosOwn() throws IOException {
        write("src/main/java/dev/minikafka/demo/x/Fine.java", "import dev.minikafka.demo.common.PaymentEvent;");
        Path source = write("src/main/java/dev/minikafka/demo/x/Leaks.java", "import dev.minikafka.client.MiniKafkaProducer;");
        write("target/classes/dev/minikafka/demo/x/Fine.class", "\u0001\u0000\u0020dev/minikafka/demo/common/PaymentEvent");
        Path compiled = write("target/classes/dev/minikafka/demo/x/Leaks.class", "\u0001\u0000\u0020Ldev/minikafka/binder/Thing;");

        assertThat(BrokerNeutrality.offendersIn(module)).containsExactlyInAnyOrder(source, compiled);
    }
}
