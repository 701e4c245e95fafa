package dev.perfgate.reports.history;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

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
    private static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS")
            .withZone(ZoneOffset.UTC);
    private final Path root;

    public DirectoryHistory(Path root) {
        this.root = root;
    }

    @Override
    public String append(String idPrefix, RunResult result) {
        String env = HistoryEntry.environmentKey(result.environment(), result.profile());
        String id = clean(idPrefix) + "-" + random();
        write(root.resolve(env).resolve(id + ".json"), MAPPER.valueToTree(result));
        return id;
    }

    @Override
    public String appendJmh(JsonNode jmhResults, RunEnvironment environment, String profile, Instant startedAt) {
        JmhResults.parse(jmhResults); // a file that is not JMH's stops here, not when the history is read
        ObjectNode wrapped = MAPPER.createObjectNode();
        wrapped.put("kind", "jmh");
        wrapped.put("profile", profile);
        wrapped.put("startedAt", startedAt.toString());
        wrapped.set("environment", MAPPER.valueToTree(environment));
        wrapped.set("results", jmhResults);
        String id = STAMP.format(startedAt) + "-jmh-" + random();
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
                entries.add(read(id, MAPPER.readTree(file.toFile())));
            } catch (IOException | RuntimeException e) {
                problems.add(new Problem(dir.getFileName() + "/" + file.getFileName(),
                        String.valueOf(e.getMessage()).lines().findFirst().orElse("unreadable")));
            }
        }
        entries.sort(Comparator.comparing(HistoryEntry::startedAt).thenComparing(HistoryEntry::id));
        return new Loaded(entries, problems);
    }

    /** One stored file as an entry; anything missing that a series needs is a problem, not a silent gap. */
    static HistoryEntry read(String id, JsonNode json) throws IOException {
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("not a JSON object (truncated?)");
        }
        if ("jmh".equals(json.path("kind").asText())) {
            RunEnvironment env = MAPPER.treeToValue(json.path("environment"), RunEnvironment.class);
            if (!json.hasNonNull("startedAt")) {
                throw new IllegalArgumentException("JMH entry without startedAt");
            }
            return HistoryEntry.ofJmh(id, JmhResults.parse(json.path("results")), env, json.path("profile").asText(),
                    Instant.parse(json.path("startedAt").asText()));
        }
        RunResult r = MAPPER.treeToValue(json, RunResult.class);
        if (r.simulation() == null || r.startedAt() == null || r.requests() == null) {
            throw new IllegalArgumentException("not a results.json: simulation, startedAt or requests missing");
        }
        return HistoryEntry.of(id, r);
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
            return MAPPER.readValue(file.toFile(), RunResult.class);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path file, JsonNode json) {
        try {
            Files.createDirectories(file.getParent());
            Path temp = Files.createTempFile(file.getParent(), ".appending-", ".tmp");
            try {
                MAPPER.writerWithDefaultPrettyPrinter().writeValue(temp.toFile(), json);
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

    private static String random() {
        return Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    }

    private static String clean(String s) {
        return s.replaceAll("[^A-Za-z0-9_.-]+", "_");
    }
}
