package dev.perfgate.reports.history;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.perfgate.reports.JmhResults;
import dev.perfgate.reports.RunEnvironment;
import dev.perfgate.reports.RunResult;

/**
 * The default history: a directory a CI can cache or commit, one subdirectory per environment, one file per run —
 * a Gatling run's own {@code results.json}, or a JMH run's result array wrapped with its environment. Files are
 * written under a temporary name and moved into place atomically with a name no other job can pick (time stamp,
 * group, commit and a random part), so concurrent jobs appending to the same directory never lose or tear an entry.
 */
public final class DirectoryHistory implements History {
    private final Path root;

    public DirectoryHistory(Path root) {
        this.root = root;
    }

    @Override
    public String append(String idPrefix, RunResult result) {
        String env = HistoryEntry.environmentKey(result.environment(), result.profile());
        String id = StoredRuns.runId(idPrefix);
        write(root.resolve(env).resolve(id + ".json"), StoredRuns.MAPPER.valueToTree(result));
        return id;
    }

    @Override
    public String appendJmh(JsonNode jmhResults, RunEnvironment environment, String profile, Instant startedAt) {
        JmhResults.parse(jmhResults); // a file that is not JMH's stops here, not when the history is read
        ObjectNode wrapped = StoredRuns.jmhDocument(jmhResults, environment, profile, startedAt);
        String id = StoredRuns.jmhId(startedAt);
        write(root.resolve(HistoryEntry.environmentKey(environment, profile)).resolve(id + ".json"), wrapped);
        return id;
    }

    @Override
    public Loaded load(String environment) {
        Path dir = root.resolve(environment);
        List<HistoryEntry> entries = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return new Loaded(entries, problems);
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("could not list the history " + dir, e);
        }
        for (Path file : files) {
            String id = file.getFileName().toString().replaceFirst("\\.json$", "");
            try {
                entries.add(StoredRuns.read(id, StoredRuns.MAPPER.readTree(file.toFile())));
            } catch (IOException | RuntimeException e) {
                problems.add(new Problem(dir.getFileName() + "/" + file.getFileName(),
                        String.valueOf(e.getMessage()).lines().findFirst().orElse("unreadable")));
            }
        }
        entries.sort(Comparator.comparing(HistoryEntry::startedAt).thenComparing(HistoryEntry::id));
        return new Loaded(entries, problems);
    }

    @Override
    public List<String> environments() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("could not list the history " + root, e);
        }
    }

    @Override
    public String describe() {
        return root.toString();
    }

    @Override
    public RunResult result(String environment, String id) {
        Path file = root.resolve(environment).resolve(id + ".json");
        if (!Files.exists(file)) {
            return null;
        }
        try {
            return StoredRuns.MAPPER.readValue(file.toFile(), RunResult.class);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path file, JsonNode json) {
        try {
            Files.createDirectories(file.getParent());
            Path temp = Files.createTempFile(file.getParent(), ".appending-", ".tmp");
            try {
                StoredRuns.MAPPER.writerWithDefaultPrettyPrinter().writeValue(temp.toFile(), json);
                try {
                    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, file);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not append to the history: " + file, e);
        }
    }
}
