package dev.perfgate.sut.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** Writes rows in PostgreSQL's COPY text format. */
final class CopyWriter {
    private final Writer w;
    private boolean first = true;
    long count;

    CopyWriter(Writer w) {
        this.w = w;
    }

    CopyWriter col(long v) {
        sep();
        write(Long.toString(v));
        return this;
    }

    CopyWriter text(String v) {
        sep();
        if (v == null) {
            write("\\N");
        } else {
            for (int i = 0; i < v.length(); i++) {
                char ch = v.charAt(i);
                if (ch == '\\' || ch == '\t' || ch == '\n' || ch == '\r') {
                    throw new IllegalArgumentException("seed text needs escaping: " + v);
                }
            }
            write(v);
        }
        return this;
    }

    CopyWriter nullableId(long v) {
        return v <= 0 ? text(null) : col(v);
    }

    CopyWriter money(long cents) {
        sep();
        write(cents / 100 + "." + (cents % 100 < 10 ? "0" : "") + cents % 100);
        return this;
    }

    CopyWriter date(long epochDay) {
        sep();
        write(LocalDate.ofEpochDay(epochDay).toString());
        return this;
    }

    CopyWriter timestamp(long epochSecond) {
        sep();
        write(LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC) + "+00");
        return this;
    }

    CopyWriter nullableTimestamp(long epochSecond) {
        return epochSecond < 0 ? text(null) : timestamp(epochSecond);
    }

    void end() {
        write("\n");
        first = true;
        count++;
    }

    private void sep() {
        if (!first) {
            write("\t");
        }
        first = false;
    }

    private void write(String s) {
        try {
            w.write(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
