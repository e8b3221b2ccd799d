package dev.minikafka.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Plain-text tables with columns padded to their widest cell, two spaces between columns and none after the
 * last, so the output is easy to read and to {@code awk}. Two shapes: a table with a header line, whose
 * leading text columns (names) are left-aligned and the others (numbers, sizes) right-aligned; and a list of
 * {@code label value} properties, all left-aligned.
 */
final class Table {

    private final List<String[]> rows = new ArrayList<>();
    private final int columns;
    private final int textColumns;

    private Table(int columns, int textColumns) {
        this.columns = columns;
        this.textColumns = textColumns;
    }

    /** A table whose first line names the columns; the first {@code textColumns} hold text, the rest numbers. */
    static Table withHeader(int textColumns, String... names) {
        Table table = new Table(names.length, textColumns);
        table.row((Object[]) names);
        return table;
    }

    /** Label and value pairs, one per line. */
    static Table properties() {
        return new Table(2, 2);
    }

    Table row(Object... cells) {
        if (cells.length != columns) {
            throw new IllegalArgumentException("expected " + columns + " cells, got " + cells.length);
        }
        String[] text = new String[columns];
        for (int c = 0; c < columns; c++) {
            text[c] = String.valueOf(cells[c]);
        }
        rows.add(text);
        return this;
    }

    void print(PrintWriter out) {
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int c = 0; c < columns; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        StringBuilder line = new StringBuilder();
        for (String[] row : rows) {
            line.setLength(0);
            for (int c = 0; c < columns; c++) {
                String padding = " ".repeat(widths[c] - row[c].length());
                boolean last = c == columns - 1;
                if (c >= textColumns) {
                    line.append(padding).append(row[c]);
                } else {
                    line.append(row[c]).append(last ? "" : padding);
                }
                if (!last) {
                    line.append("  ");
                }
            }
            out.println(line);
        }
        out.flush();
    }
}
