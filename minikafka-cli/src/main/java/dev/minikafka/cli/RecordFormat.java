package dev.minikafka.cli;

import dev.minikafka.client.ConsumerRecord;
import dev.minikafka.protocol.Header;

/**
 * One output line per record: {@code [partition:offset<TAB>][headers<TAB>][key<TAB>]value}. Headers print as
 * {@code k=v,k2=v2}; a missing key or value prints as {@code null}, as in {@code kafka-console-consumer}.
 * Bytes are read as UTF-8.
 */
final class RecordFormat {

    private final boolean printOffset;
    private final boolean printHeaders;
    private final boolean printKey;
    private final StringBuilder line = new StringBuilder();

    RecordFormat(boolean printOffset, boolean printHeaders, boolean printKey) {
        this.printOffset = printOffset;
        this.printHeaders = printHeaders;
        this.printKey = printKey;
    }

    /** The line for {@code record}, without the line break. */
    String format(ConsumerRecord record) {
        line.setLength(0);
        if (printOffset) {
            line.append(record.partition()).append(':').append(record.offset()).append('\t');
        }
        if (printHeaders) {
            for (int i = 0; i < record.headers().size(); i++) {
                Header header = record.headers().get(i);
                line.append(i == 0 ? "" : ",").append(header.key()).append('=').append(header.valueAsString());
            }
            line.append('\t');
        }
        if (printKey) {
            line.append(record.keyAsString()).append('\t');
        }
        line.append(record.valueAsString());
        return line.toString();
    }
}
