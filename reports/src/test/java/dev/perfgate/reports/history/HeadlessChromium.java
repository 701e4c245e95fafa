package dev.perfgate.reports.history;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real browser for the generated pages: Debian's chromium, headless, loading a page from disk and dumping its DOM
 * once the page's scripts have run (the page writes what it drew into data attributes of its body). {@code .ci/run}
 * installs chromium where it is missing; without one the browser tests skip and say why.
 */
public final class HeadlessChromium {
    private HeadlessChromium() {
    }

    /** The browser's path, or null. */
    public static String find() {
        for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return null;
    }

    /** What the page left in the DOM, and what the browser logged. */
    public record Page(String dom, String log, Map<String, String> body) {
    }

    public static Page load(Path html, Path workDir) throws IOException, InterruptedException {
        Path log = workDir.resolve("chromium.log");
        Path profile = Files.createDirectories(workDir.resolve("chromium-profile"));
        Process p = new ProcessBuilder(find(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0",
                "--window-size=1280,900", "--virtual-time-budget=60000", "--dump-dom", html.toUri().toString())
                .redirectError(log.toFile()).start();
        byte[] dom = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("chromium did not finish within 120 s on " + html);
        }
        String text = new String(dom, StandardCharsets.UTF_8);
        Map<String, String> body = new HashMap<>();
        Matcher tag = Pattern.compile("<body([^>]*)>").matcher(text);
        if (tag.find()) {
            Matcher attr = Pattern.compile("data-([a-z-]+)=\"([^\"]*)\"").matcher(tag.group(1));
            while (attr.find()) {
                body.put(attr.group(1), attr.group(2));
            }
        }
        return new Page(text, Files.readString(log), body);
    }
}
