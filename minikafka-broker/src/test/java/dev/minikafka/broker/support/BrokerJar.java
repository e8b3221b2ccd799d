package dev.minikafka.broker.support;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The broker's executable jar, made quick to start again and again as a child JVM. It is extracted once
 * (Spring Boot's {@code -Djarmode=tools extract}: the application jar plus {@code lib/}), because class-data
 * sharing maps only classes loaded from plain jars on the class path, not from jars nested in a jar. Beside
 * it lies a dynamic CDS archive ({@code -XX:+AutoCreateSharedArchive}, JDK 19+): the JVM writes it when a
 * broker exits cleanly or halts and there is no valid one, and maps it at every later start, so the classes
 * of Spring, Hibernate, gRPC and the broker are not parsed and verified again. A kill -9 writes nothing: a
 * test that only kills should run one life that stops cleanly first ({@link #hasArchive}).
 */
public final class BrokerJar {

    private final Path jar;
    private final Path archive;

    private BrokerJar(Path jar, Path archive) {
        this.jar = jar;
        this.archive = archive;
    }

    /**
     * The jar this build made (failsafe names it in {@code crash.brokerJar}), extracted into the folder
     * {@code dirName} beside it; each caller keeps its own folder, since the archive depends on the JVM options.
     */
    public static BrokerJar fromBuild(String dirName) throws IOException, InterruptedException {
        String built = System.getProperty("crash.brokerJar");
        if (built == null) {
            throw new IllegalStateException("crash.brokerJar must name the broker's -exec.jar (failsafe sets it)");
        }
        return prepare(Path.of(built), Path.of(built).resolveSibling(dirName));
    }

    /**
     * Extracts {@code execJar} into {@code dir} unless it was extracted there from this very build (the
     * archive goes with a stale extraction: the JVM would refuse it for jars that changed).
     */
    public static BrokerJar prepare(Path execJar, Path dir) throws IOException, InterruptedException {
        if (!Files.isRegularFile(execJar)) {
            throw new IllegalStateException("no broker jar at " + execJar + " (built by `package`)");
        }
        Path jar = dir.resolve(execJar.getFileName());
        Path stamp = dir.resolve("extracted-from");
        String built = contentStamp(execJar);
        if (!Files.isRegularFile(stamp) || !Files.readString(stamp).equals(built)) {
            deleteRecursively(dir);
            Files.createDirectories(dir);
            Process extract = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Djarmode=tools", "-jar", execJar.toString(), "extract", "--destination", dir.toString(), "--force")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("extract.log").toFile()).start();
            if (!extract.waitFor(10, TimeUnit.MINUTES) || extract.exitValue() != 0 || !Files.isRegularFile(jar)) {
                extract.destroyForcibly();
                throw new IllegalStateException("could not extract " + execJar + "; see " + dir.resolve("extract.log"));
            }
            Files.writeString(stamp, built);
        }
        return new BrokerJar(jar, dir.resolve("broker.jsa"));
    }

    /**
     * The names and CRCs of the jar's entries (from its central directory, no inflating): {@code package}
     * rewrites the jar on every build, but the same classes give the same stamp, so the extraction and its
     * archive are kept.
     */
    private static String contentStamp(Path jar) throws IOException {
        CRC32 crc = new CRC32();
        long entries = 0;
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                crc.update(entry.getName().getBytes(StandardCharsets.UTF_8));
                crc.update(ByteBuffer.allocate(16).putLong(entry.getCrc()).putLong(entry.getSize()).flip());
                entries++;
            }
        }
        return entries + " entries, crc " + Long.toHexString(crc.getValue());
    }

    /** Whether a CDS archive was written; without one, every start loads every class from the jars. */
    public boolean hasArchive() {
        return Files.isRegularFile(archive);
    }

    /** The JVM options and main jar that {@link ChildBroker} puts after its own JVM options. */
    List<String> launchArguments() {
        return List.of("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + archive, "-jar",
                jar.toString());
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
