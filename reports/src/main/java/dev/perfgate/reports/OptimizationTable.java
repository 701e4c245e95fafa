package dev.perfgate.reports;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The measured before/after table, written from one JMH run ({@code reports/OPTIMIZATIONS.md} and an HTML twin):
 * for each optimization the naive way's figure, the optimized figure and the ratio, each with its error, and the
 * command that reproduces it; then what each of our wrappers costs over the raw library it wraps. Both sides of a
 * row come from the same run on the same machine, so the ratio holds where absolute times do not.
 */
public final class OptimizationTable {
    private static final String BENCH = "dev.perfgate.bench.";

    /**
     * A pair of benchmarks: what is compared, the side before (the naive way, or the raw library) and the side after
     * (the optimized way, or perfgate's path through the library).
     */
    public record Pair(String section, String what, String before, String after) {
    }

    /**
     * One measured row: the two scores and the ratio (speed-up or overhead, see the sections), with its error, and the
     * ratio of each round when the two sides' forks took turns (empty otherwise).
     */
    public record Row(Pair pair, JmhResults.Score before, JmhResults.Score after, double ratio, double ratioError,
                      List<Double> perRound) {
    }

    static final String OPTIMIZATIONS = "Optimizations: naive → optimized (ratio = how many times faster)";
    static final String WRAPPERS = "Wrapper cost: raw library → perfgate's path (ratio = overhead factor)";

    /** The pairs the table reports, by benchmark id. */
    public static final List<Pair> PAIRS = List.of(
            new Pair(OPTIMIZATIONS, "Cache: primary-key read from PostgreSQL (pool with statement statistics) vs L1 hit",
                    "QueryInterceptionBenchmark.monitoredPkSelect", "CacheBenchmark.l1Hit"),
            new Pair(OPTIMIZATIONS, "Cache: L2 hit (Redis) vs L1 hit", "CacheBenchmark.l2Hit", "CacheBenchmark.l1Hit"),
            new Pair(OPTIMIZATIONS, "Batching: page of 50 vendors, N+1 vs one = ANY(?) query",
                    "QueryPatternsBenchmark.nPlusOnePage", "QueryPatternsBenchmark.batchedPage"),
            new Pair(OPTIMIZATIONS, "Set-based update: 1,000 rows, per-row UPDATE loop vs one UPDATE … FROM unnest",
                    "QueryPatternsBenchmark.perRowUpdateLoop", "QueryPatternsBenchmark.setBasedUpdate"),
            new Pair(OPTIMIZATIONS, "Set-based update, the alternatives: JDBC batch of 1,000 UPDATEs vs UPDATE … FROM unnest",
                    "QueryPatternsBenchmark.jdbcBatchUpdate", "QueryPatternsBenchmark.setBasedUpdate"),
            new Pair(OPTIMIZATIONS, "Set-based update, the alternatives: COPY into a temp table + UPDATE … FROM vs unnest",
                    "QueryPatternsBenchmark.copyThenUpdate", "QueryPatternsBenchmark.setBasedUpdate"),
            new Pair(OPTIMIZATIONS, "Set-based update, the alternatives: UPDATE … FROM (VALUES 1,000 rows) vs unnest",
                    "QueryPatternsBenchmark.valuesUpdate", "QueryPatternsBenchmark.setBasedUpdate"),
            new Pair(OPTIMIZATIONS, "Keyset paging: page of 20 at row 100,000, OFFSET vs keyset",
                    "QueryPatternsBenchmark.offsetDeepPage", "QueryPatternsBenchmark.keysetDeepPage"),
            new Pair(OPTIMIZATIONS, "Compression speed: deflate-6 (gzip's default) vs deflate-1 (the cache's), vendor page",
                    "CompressionBenchmark.compress [algorithm=deflate-6,payload=vendor-search-100]",
                    "CompressionBenchmark.compress [algorithm=deflate-1,payload=vendor-search-100]"),
            new Pair(OPTIMIZATIONS, "Compression speed: deflate-1 vs zstd-1, vendor page",
                    "CompressionBenchmark.compress [algorithm=deflate-1,payload=vendor-search-100]",
                    "CompressionBenchmark.compress [algorithm=zstd-1,payload=vendor-search-100]"),
            new Pair(OPTIMIZATIONS, "Compression speed: deflate-1 vs LZ4, vendor page",
                    "CompressionBenchmark.compress [algorithm=deflate-1,payload=vendor-search-100]",
                    "CompressionBenchmark.compress [algorithm=lz4,payload=vendor-search-100]"),
            new Pair(OPTIMIZATIONS, "Response coding: Brotli-4 vs zstd-1 (the service's first choice), vendor page",
                    "CompressionBenchmark.compress [algorithm=br-4,payload=vendor-search-100]",
                    "CompressionBenchmark.compress [algorithm=zstd-1,payload=vendor-search-100]"),
            new Pair(OPTIMIZATIONS, "Response coding: the service's gzip (level 1) vs zstd-1, vendor page",
                    "CompressionBenchmark.compress [algorithm=http-gzip,payload=vendor-search-100]",
                    "CompressionBenchmark.compress [algorithm=zstd-1,payload=vendor-search-100]"),
            new Pair(OPTIMIZATIONS, "Pooling: open a PostgreSQL connection (loopback) vs borrow from the service's pool",
                    "PoolBenchmark.newPostgresConnection", "PoolBenchmark.servicePoolBorrowReturn"),
            new Pair(WRAPPERS, "Borrow/return: HikariCP defaults vs HikariCP as the service configures it (stub driver)",
                    "PoolBenchmark.defaultPoolBorrowReturn", "PoolBenchmark.servicePoolBorrowReturn"),
            new Pair(WRAPPERS, "Pool setting on its own: HikariCP defaults vs defaults + Micrometer metrics tracker (the service's)",
                    "PoolBenchmark.defaultPoolBorrowReturn", "PoolBenchmark.defaultsWithMicrometerMetrics"),
            new Pair(WRAPPERS, "Pool setting on its own: HikariCP defaults vs defaults + leak detection (off unless set)",
                    "PoolBenchmark.defaultPoolBorrowReturn", "PoolBenchmark.defaultsWithLeakDetection"),
            new Pair(WRAPPERS, "Pool setting on its own: HikariCP defaults vs defaults + read-only",
                    "PoolBenchmark.defaultPoolBorrowReturn", "PoolBenchmark.defaultsReadOnly"),
            new Pair(WRAPPERS, "Plan JSON: Jackson tree vs perfgate's plan tree (3 real plans)",
                    "PlanAnalyzerBenchmark.jacksonTree", "PlanAnalyzerBenchmark.parse"),
            new Pair(WRAPPERS, "Write a vendor page of 100: hand-written Jackson streaming vs databind (the service's)",
                    "SerializationBenchmark.streaming", "SerializationBenchmark.databind"),
            new Pair(WRAPPERS, "Rate-limit check, like for like: raw Bucket4j on one of 1,000 buckets vs the service's limiter",
                    "RateLimitBenchmark.rawBucket4jAmong1000", "RateLimitBenchmark.limiterCheck"),
            new Pair(WRAPPERS, "Rate-limit check: raw Bucket4j vs the service's limiter (bucket found among 1,000 clients)",
                    "RateLimitBenchmark.rawBucket4j", "RateLimitBenchmark.limiterCheck"),
            new Pair(WRAPPERS, "Rate-limit check, like for like: raw Bucket4j on one bucket vs the service's limiter for one client",
                    "RateLimitBenchmark.rawBucket4j", "RateLimitBenchmark.limiterCheckOneClient"),
            new Pair(WRAPPERS, "Per-request metrics: raw HdrHistogram vs route record with its slowest requests",
                    "EndpointStatsBenchmark.rawHdrRecorder", "EndpointStatsBenchmark.routeRecordAndSlowest"),
            new Pair(WRAPPERS, "L1 hit vs raw Caffeine getIfPresent", "CacheBenchmark.rawCaffeineGetIfPresent",
                    "CacheBenchmark.l1Hit"),
            new Pair(WRAPPERS, "L1 hit with its request filing the hit count (a one-read request) vs raw Caffeine",
                    "CacheBenchmark.rawCaffeineGetIfPresent", "CacheBenchmark.l1HitFiledPerRequest"),
            new Pair(WRAPPERS, "L2 hit vs raw Lettuce GET of the same bytes", "CacheBenchmark.rawLettuceGet",
                    "CacheBenchmark.l2Hit"),
            new Pair(WRAPPERS, "Primary-key SELECT: raw pgjdbc vs datasource-proxy + statement statistics",
                    "QueryInterceptionBenchmark.rawPkSelect", "QueryInterceptionBenchmark.monitoredPkSelect"),
            new Pair(WRAPPERS, "Decode a dashboard: Jackson JSON vs the cache's Smile codec",
                    "CodecBenchmark.jsonDecode [payload=dashboard]", "CodecBenchmark.codecDecode [payload=dashboard]"),
            new Pair(WRAPPERS, "Encode a vendor page: Jackson JSON vs the cache's codec (Smile + deflate-1)",
                    "CodecBenchmark.jsonEncode [payload=vendor-search-100]",
                    "CodecBenchmark.codecEncode [payload=vendor-search-100]"));

    private OptimizationTable() {
    }

    /**
     * perfgate's paths and the raw library each is measured against, by benchmark id without the package: the
     * {@link #WRAPPERS} rows, the first row that names a path giving its reference. The gate judges such a path by its
     * ratio to the reference in the same run as well, which a change of machine moves far less than it moves times.
     */
    public static Map<String, String> references() {
        Map<String, String> out = new LinkedHashMap<>();
        PAIRS.stream().filter(p -> p.section().equals(WRAPPERS)).forEach(p -> out.putIfAbsent(p.after(), p.before()));
        return out;
    }

    /** A benchmark id as the pairs name it: without {@code dev.perfgate.bench.}. */
    static String shortId(String id) {
        return id.startsWith(BENCH) ? id.substring(BENCH.length()) : id;
    }

    /** Returns the rows whose two benchmarks are both in the run (a partial run gives a partial table). */
    public static List<Row> rows(List<JmhResults.Score> scores) {
        return rows(scores, Map.of());
    }

    /**
     * Returns the rows, with per-round ratios where both sides of a pair are in {@code roundMeans}: by benchmark id,
     * each fork's mean in the order of the rounds in which the two sides took turns, in the score's unit. A pair
     * whose sides ran a different number of rounds gets none.
     */
    public static List<Row> rows(List<JmhResults.Score> scores, Map<String, List<Double>> roundMeans) {
        Map<String, JmhResults.Score> byId = new LinkedHashMap<>();
        scores.forEach(s -> byId.put(shortId(s.id()), s));
        List<Row> out = new ArrayList<>();
        for (Pair p : PAIRS) {
            JmhResults.Score a = byId.get(p.before());
            JmhResults.Score b = byId.get(p.after());
            if (a == null || b == null) {
                continue;
            }
            // a speed-up for optimizations (naive time / optimized time), an overhead for wrappers (ours / raw)
            JmhResults.Score numerator = p.section().equals(WRAPPERS) ? b : a;
            JmhResults.Score denominator = numerator == b ? a : b;
            Ratio ratio = ratio(numerator, denominator);
            List<Double> perRound = new ArrayList<>();
            List<Double> mn = roundMeans.getOrDefault(numerator.id(), List.of());
            List<Double> md = roundMeans.getOrDefault(denominator.id(), List.of());
            for (int i = 0; mn.size() == md.size() && i < mn.size(); i++) {
                perRound.add(nanos(numerator, mn.get(i)) / nanos(denominator, md.get(i)));
            }
            out.add(new Row(p, a, b, ratio.value(), ratio.error(), List.copyOf(perRound)));
        }
        return out;
    }

    /** A ratio of two scores' times and its half-width, both sides' relative errors combined. */
    record Ratio(double value, double error) {
        boolean overlaps(Ratio other) {
            return value - error <= other.value + other.error && other.value - other.error <= value + error;
        }
    }

    /** The time of {@code numerator} over the time of {@code denominator}, whatever their units. */
    static Ratio ratio(JmhResults.Score numerator, JmhResults.Score denominator) {
        double value = nanos(numerator) / nanos(denominator);
        return new Ratio(value, value * Math.hypot(relativeError(numerator), relativeError(denominator)));
    }

    /** A score as nanoseconds per operation, whatever its unit (a throughput is inverted). */
    static double nanos(JmhResults.Score s) {
        return nanos(s, s.score());
    }

    /** A value in a score's unit as nanoseconds per operation. */
    private static double nanos(JmhResults.Score s, double value) {
        String[] parts = s.unit().split("/");
        if (parts.length != 2) {
            throw new IllegalArgumentException("unknown JMH unit " + s.unit());
        }
        return parts[0].equals("ops") ? scale(parts[1]) / value : value * scale(parts[0]);
    }

    private static double scale(String timeUnit) {
        return switch (timeUnit) {
            case "ns" -> 1;
            case "us" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "min" -> 60e9;
            default -> throw new IllegalArgumentException("unknown JMH time unit " + timeUnit);
        };
    }

    private static double relativeError(JmhResults.Score s) {
        return s.score() == 0 ? 0 : (s.high() - s.low()) / 2 / s.score();
    }

    /** Writes the Markdown table and its HTML twin next to it. */
    public static void write(Path markdown, List<Row> rows, RunEnvironment env, String runDescription) {
        StringBuilder md = new StringBuilder("# Measured before/after\n\n");
        md.append("Generated from ").append(runDescription).append(" on ").append(env.availableProcessors())
                .append(" CPUs, ").append(env.javaVendor()).append(' ').append(env.javaVersion())
                .append(env.gitCommit() == null ? "" : ", commit " + env.gitCommit())
                .append(". Figures are JMH averages with their 99.9 % confidence half-width; each ratio compares two"
                        + " benchmarks of the same run; \"per round\" gives it for each round in which the two sides'"
                        + " forks took turns, which the machine's drift moves far less than the averages. Reproduce a row"
                        + " with the command given (JMH's regex picks both sides; plain JMH runs one side's forks, then"
                        + " the other's).\n");
        StringBuilder html = new StringBuilder("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<title>Measured before/after</title><style>body{font:14px system-ui,sans-serif;margin:2em}"
                + "table{border-collapse:collapse}td,th{padding:4px 10px;border-bottom:1px solid #ddd;text-align:right}"
                + "td.l,th.l{text-align:left}code{font-size:12px}</style></head><body><h1>Measured before/after</h1><p>")
                .append(esc(md.substring(md.indexOf("Generated")))).append("</p>");
        String section = null;
        for (Row r : rows) {
            if (!r.pair().section().equals(section)) {
                section = r.pair().section();
                md.append("\n## ").append(section).append("\n\n| what | before | after | ratio | per round | reproduce |\n")
                        .append("| --- | --- | --- | --- | --- | --- |\n");
                html.append(section.equals(rows.getFirst().pair().section()) ? "" : "</table>").append("<h2>")
                        .append(esc(section)).append("</h2><table><tr><th class=l>what</th><th>before</th>"
                                + "<th>after</th><th>ratio</th><th>per round</th><th class=l>reproduce</th></tr>");
            }
            String before = figure(r.before());
            String after = figure(r.after());
            String ratio = String.format(Locale.ROOT, "%.2fx ± %.2f", r.ratio(), r.ratioError());
            String perRound = r.perRound().isEmpty() ? "—" : String.join(", ", r.perRound().stream()
                    .map(x -> String.format(Locale.ROOT, "%.2fx", x)).toList());
            String command = "java -jar benchmarks/target/benchmarks.jar " + arguments(r.pair());
            md.append("| ").append(r.pair().what()).append(" | ").append(before).append(" | ").append(after)
                    .append(" | ").append(ratio).append(" | ").append(perRound).append(" | `")
                    .append(command.replace("|", "\\|")).append("` |\n");
            html.append("<tr><td class=l>").append(esc(r.pair().what())).append("</td><td>").append(esc(before))
                    .append("</td><td>").append(esc(after)).append("</td><td>").append(ratio)
                    .append("</td><td>").append(perRound).append("</td><td class=l><code>").append(esc(command)).append("</code></td></tr>");
        }
        if (rows.isEmpty()) {
            md.append("\nNo pair of this table was in the run.\n");
        }
        html.append(rows.isEmpty() ? "" : "</table>").append("</body></html>\n");
        try {
            Files.createDirectories(markdown.toAbsolutePath().getParent());
            Files.writeString(markdown, md.toString());
            Files.writeString(markdown.resolveSibling(markdown.getFileName().toString().replaceFirst("\\.md$", "")
                    + ".html"), html.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + markdown, e);
        }
    }

    private static String figure(JmhResults.Score s) {
        return String.format(Locale.ROOT, "%s ± %s %s", compact(s.score()), compact((s.high() - s.low()) / 2),
                s.unit());
    }

    private static String compact(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : v >= 10 ? String.format(Locale.ROOT, "%.1f", v)
                : String.format(Locale.ROOT, "%.3f", v);
    }

    /**
     * The JMH arguments that run both sides of a pair: an include regex of their methods, and {@code -p} for the
     * parameters they have (both values when they differ).
     */
    static String arguments(Pair p) {
        String a = method(p.before());
        String b = method(p.after());
        StringBuilder out = new StringBuilder("'").append(a.equals(b) ? a : "(" + a + "|" + b + ")").append("$'");
        Map<String, java.util.Set<String>> params = new java.util.TreeMap<>();
        for (String id : List.of(p.before(), p.after())) {
            int open = id.indexOf(" [");
            if (open < 0) {
                continue;
            }
            for (String kv : id.substring(open + 2, id.length() - 1).split(",")) {
                String[] pair = kv.split("=", 2);
                params.computeIfAbsent(pair[0], k -> new java.util.LinkedHashSet<>()).add(pair[1]);
            }
        }
        params.forEach((k, v) -> out.append(" -p ").append(k).append('=').append(String.join(",", v)));
        return out.toString();
    }

    private static String method(String id) {
        int space = id.indexOf(' ');
        return (space < 0 ? id : id.substring(0, space)).replace(".", "\\.");
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
