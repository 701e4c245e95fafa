package dev.perfgate.sut;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import dev.perfgate.sut.db.InfraSettings;
import dev.perfgate.sut.http.ResponseEncoding;

/** Looks keys up in both sources and collects problems instead of failing on the first. */
final class ConfigReader {
    private final Map<String, String> env;
    private final Properties properties;
    private final List<String> problems = new ArrayList<>();

    ConfigReader(Map<String, String> env, Properties properties) {
        this.env = env;
        this.properties = properties;
    }

    static String propertyName(String key) {
        return key.toLowerCase(Locale.ROOT).replace('_', '.');
    }

    Optional<String> raw(String key) {
        String value = properties.getProperty(propertyName(key));
        if (value == null) {
            value = env.get(key);
        }
        return Optional.ofNullable(value).map(String::strip);
    }

    void problem(String key, String value, String rule) {
        problems.add(key + " was \"" + value + "\", " + rule);
    }

    /** Reads a whole-number setting against its range (and 0, where 0 has a meaning). */
    long whole(SutConfig.Whole setting) {
        Optional<String> raw = raw(setting.key());
        if (raw.isEmpty()) {
            return setting.defaultValue();
        }
        try {
            long value = Long.parseLong(raw.get());
            if (value >= setting.min() && value <= setting.max() || value == 0 && setting.zero() != null) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the rule
        }
        problem(setting.key(), raw.get(), setting.rule());
        return setting.defaultValue();
    }

    /** An address of this machine to bind: an IP literal, or a name resolving to a local address. */
    String host(String key, String defaultValue) {
        String value = raw(key).orElse(defaultValue);
        try {
            java.net.InetAddress address = java.net.InetAddress.getByName(value);
            if (address.isAnyLocalAddress() || address.isLoopbackAddress()
                    || java.net.NetworkInterface.getByInetAddress(address) != null) {
                return value;
            }
            problem(key, value, "must be an address of this machine (127.0.0.1, 0.0.0.0 or an interface's"
                    + " address)");
        } catch (java.io.IOException e) {
            problem(key, value, "must be an IP address or a resolvable name of this machine ("
                    + e.getMessage() + ")");
        }
        return defaultValue;
    }

    long longValue(String key, long defaultValue) {
        Optional<String> raw = raw(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        try {
            return Long.parseLong(raw.get());
        } catch (NumberFormatException e) {
            problem(key, raw.get(), "must be an integer");
            return defaultValue;
        }
    }

    boolean bool(String key, boolean defaultValue) {
        Optional<String> raw = raw(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        return switch (raw.get().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> {
                problem(key, raw.get(), "must be true or false");
                yield defaultValue;
            }
        };
    }

    double scale(String key) {
        Optional<String> raw = raw(key);
        if (raw.isEmpty()) {
            return 1.0;
        }
        try {
            double value = Double.parseDouble(raw.get());
            if (value > 0 && value <= 100 && Double.isFinite(value)) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the rule
        }
        problem(key, raw.get(), "must be a number greater than 0 and at most 100");
        return 1.0;
    }

    Optional<String> jdbcUrl(String key) {
        Optional<String> raw = raw(key);
        if (raw.isPresent() && !raw.get().startsWith("jdbc:postgresql://")) {
            problem(key, raw.get(), "must be a PostgreSQL JDBC URL starting with jdbc:postgresql://");
            return Optional.empty();
        }
        return raw;
    }

    Optional<String> redisUrl(String key) {
        Optional<String> raw = raw(key);
        if (raw.isEmpty() || raw.get().equals("none")) {
            return raw;
        }
        try {
            URI uri = URI.create(raw.get());
            if (Set.of("redis", "rediss").contains(uri.getScheme()) && uri.getHost() != null) {
                return raw;
            }
        } catch (IllegalArgumentException ignored) {
            // reported below with the rule
        }
        problem(key, raw.get(), "must be redis://host:port (or rediss://), or none for L1 only");
        return Optional.empty();
    }

    InfraSettings.Kind infra(boolean dbUrlSet) {
        Optional<String> raw = raw("SUT_INFRA");
        if (raw.isEmpty()) {
            return dbUrlSet ? InfraSettings.Kind.EXTERNAL : InfraSettings.Kind.EMBEDDED;
        }
        try {
            return InfraSettings.Kind.valueOf(raw.get().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            problem("SUT_INFRA", raw.get(), "must be one of embedded, external, testcontainers");
            return InfraSettings.Kind.EMBEDDED;
        }
    }

    String image(String key, String defaultValue) {
        Optional<String> raw = raw(key);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        if (!raw.get().matches("[a-zA-Z0-9][a-zA-Z0-9._/:@-]*")) {
            problem(key, raw.get(), "must be a container image name such as postgres:17-alpine");
            return defaultValue;
        }
        return raw.get();
    }

    List<ResponseEncoding.Coding> codings(String key) {
        String raw = raw(key).orElse("zstd,br,gzip");
        if (raw.equals("none")) {
            return List.of();
        }
        List<ResponseEncoding.Coding> codings = new ArrayList<>();
        for (String token : raw.split(",")) {
            ResponseEncoding.Coding c = ResponseEncoding.Coding.of(token.strip());
            if (c == null || codings.contains(c)) {
                problem(key, raw, "must list distinct codings from zstd, br, gzip separated by commas, or be none");
                return List.of(ResponseEncoding.Coding.values());
            }
            codings.add(c);
        }
        return List.copyOf(codings);
    }

    void rejectUnknownKeys() {
        Set<String> unknown = new TreeSet<>();
        env.keySet().stream().filter(k -> k.startsWith("SUT_") && !SutConfig.KEYS.containsKey(k)).forEach(unknown::add);
        properties.stringPropertyNames().stream()
                .filter(k -> k.startsWith("sut."))
                .filter(k -> SutConfig.KEYS.keySet().stream().noneMatch(key -> propertyName(key).equals(k)))
                .forEach(unknown::add);
        for (String key : unknown) {
            String value = key.startsWith("sut.") ? properties.getProperty(key) : env.get(key);
            problem(key, value, "is not a known setting; known settings are " + String.join(", ", SutConfig.KEYS.keySet()));
        }
    }

    void throwIfProblems() {
        if (!problems.isEmpty()) {
            throw new SutConfig.ConfigException(problems);
        }
    }
}
