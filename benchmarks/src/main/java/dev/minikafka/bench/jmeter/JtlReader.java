package dev.minikafka.bench.jmeter;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a JMeter results file in CSV format (a JTL with a header line, JMeter's default output): one
 * {@link Sample} per line. Columns are found by their header names, so JMeter's optional columns may come and
 * go. Quoting is RFC 4180, as JMeter writes it: a field holding the delimiter, a quote or a line break is
 * quoted, and a quote inside it doubled (failure messages can span lines).
 */
public final class JtlReader {

    private JtlReader() {
    }

    /** One sampler result: when it started (epoch ms), how long it took (ms), its label and outcome. */
    public record Sample(long timeStamp, long elapsed, String label, String responseCode, boolean success) {
    }

    public static List<Sample> read(Path file) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(in);
        }
    }

    static List<Sample> read(Reader in) throws IOException {
        List<String> header = nextRow(in);
        if (header == null) {
            throw new IOException("the results file is empty (no header line)");
        }
        int timeStamp = column(header, "timeStamp");
        int elapsed = column(header, "elapsed");
        int label = column(header, "label");
        int responseCode = column(header, "responseCode");
        int success = column(header, "success");
        List<Sample> samples = new ArrayList<>();
        for (List<String> row = nextRow(in); row != null; row = nextRow(in)) {
            if (row.size() < header.size()) {
                throw new IOException("line " + (samples.size() + 2) + " has " + row.size() + " fields, the header " + header.size());
            }
            samples.add(new Sample(Long.parseLong(row.get(timeStamp)), Long.parseLong(row.get(elapsed)), row.get(label),
                    row.get(responseCode), Boolean.parseBoolean(row.get(success))));
        }
        return samples;
    }

    private static int column(List<String> header, String name) throws IOException {
        int index = header.indexOf(name);
        if (index < 0) {
            throw new IOException("the results file has no '" + name + "' column; its header is " + header
                    + " (write results as CSV with JMeter's default columns)");
        }
        return index;
    }

    /** The fields of the next row, or null at the end of the input. Accepts LF and CRLF line ends. */
    static List<String> nextRow(Reader in) throws IOException {
        int c = in.read();
        if (c < 0) {
            return null;
        }
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        while (c >= 0) {
            if (quoted) {
                if (c == '"') {
                    in.mark(1);
                    int next = in.read();
                    if (next == '"') {
                        field.append('"');
                    } else {
                        quoted = false;
                        if (next < 0) {
                            break;
                        }
                        in.reset();
                    }
                } else {
                    field.append((char) c);
                }
            } else if (c == '"' && field.isEmpty()) {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else if (c == '\n') {
                break;
            } else if (c != '\r') {
                field.append((char) c);
            }
            c = in.read();
        }
        fields.add(field.toString());
        return fields;
    }
}
