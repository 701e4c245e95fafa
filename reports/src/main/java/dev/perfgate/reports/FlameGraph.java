package dev.perfgate.reports;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordingFile;

/**
 * Turns a JDK Flight Recorder file into one self-contained flame graph page: where the recorded JVM spent its CPU,
 * from its {@code jdk.ExecutionSample} events (a thread's stack, taken every few milliseconds while it runs Java
 * code). The page leads with the answer — the methods with the most samples of their own — then draws the call
 * tree (callers above callees, width = share of samples; click a frame to zoom, type to highlight), so a failed
 * check comes with where the time went. Nothing is fetched: the data and the drawing code are in the page.
 */
public final class FlameGraph {
    /** Frames with fewer than this share of all samples are left out of the drawing (not of the tables). */
    private static final double SMALLEST_SHARE = 1.0 / 5000;
    private static final int TOP_METHODS = 15;

    private FlameGraph() {
    }

    /** A method in the call tree: its samples in total (itself and callees) and its own. */
    static final class Node {
        final String name;
        long total;
        long self;
        final Map<String, Node> children = new LinkedHashMap<>();

        Node(String name) {
            this.name = name;
        }

        Node child(String name) {
            return children.computeIfAbsent(name, Node::new);
        }
    }

    /**
     * What a recording says about CPU: the call tree of every sample, and when the samples were taken.
     *
     * @param root     the tree; its total is the number of samples
     * @param from     the first sample's time, or null without samples
     * @param to       the last sample's time, or null without samples
     */
    record Profile(Node root, Instant from, Instant to) {
        long samples() {
            return root.total;
        }
    }

    /** Reads every execution sample of a recording into a call tree. */
    static Profile read(Path jfr) {
        return read(jfr, null, null);
    }

    /** Reads the execution samples taken from {@code from} to {@code to} (null: no bound) into a call tree. */
    static Profile read(Path jfr, Instant from, Instant to) {
        Instant since = from;
        Instant until = to;
        Node root = new Node("all");
        Instant first = null;
        Instant last = null;
        try (RecordingFile file = new RecordingFile(jfr)) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
                    continue;
                }
                Instant at = e.getStartTime();
                if (since != null && at.isBefore(since) || until != null && at.isAfter(until)) {
                    continue;
                }
                first = first == null || at.isBefore(first) ? at : first;
                last = last == null || at.isAfter(last) ? at : last;
                List<RecordedFrame> frames = e.getStackTrace().getFrames(); // the running method first
                Node node = root;
                root.total++;
                for (int i = frames.size() - 1; i >= 0; i--) {
                    node = node.child(name(frames.get(i)));
                    node.total++;
                }
                node.self++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the flight recording " + jfr + ": " + e.getMessage(), e);
        }
        return new Profile(root, first, last);
    }

    private static String name(RecordedFrame frame) {
        RecordedMethod m = frame.getMethod();
        if (m == null) {
            return "(unknown)";
        }
        // a lambda's hidden class carries an address that differs per run: one name per lambda site instead
        String type = m.getType().getName().replaceAll("\\$\\$Lambda[/.]?(0x)?[0-9a-f]+", "\\$\\$Lambda");
        return type + "." + m.getName() + (frame.isJavaFrame() ? "" : " [native]");
    }

    /** A method's samples summed over every place it appears in the tree (recursion counted once per sample). */
    record MethodShare(String method, long self, long total) {
    }

    /** Returns the methods with the most samples of their own, most first. */
    static List<MethodShare> hottest(Node root, int limit) {
        Map<String, long[]> byMethod = new HashMap<>();
        collect(root, byMethod, new HashMap<>());
        return byMethod.entrySet().stream()
                .map(e -> new MethodShare(e.getKey(), e.getValue()[0], e.getValue()[1]))
                .sorted(Comparator.comparingLong(MethodShare::self).reversed()
                        .thenComparing(MethodShare::method))
                .limit(limit).toList();
    }

    private static void collect(Node node, Map<String, long[]> byMethod, Map<String, Integer> onPath) {
        for (Node child : node.children.values()) {
            long[] sums = byMethod.computeIfAbsent(child.name, k -> new long[2]);
            sums[0] += child.self;
            int depth = onPath.merge(child.name, 1, Integer::sum);
            if (depth == 1) {
                sums[1] += child.total; // a recursive call's samples are already in its outermost frame's total
            }
            collect(child, byMethod, onPath);
            onPath.merge(child.name, -1, Integer::sum);
        }
    }

    /**
     * Writes the flame graph page of a recording and returns the hottest method (by its own samples), or null when
     * the recording holds no execution samples (the page then says so).
     */
    public static String write(Path jfr, Path html, String title) {
        return write(jfr, html, title, null, null);
    }

    /**
     * The same for the samples taken from {@code from} to {@code to} (null: no bound): the load's window, so that the
     * service's start-up (seeding, class loading, JIT warm-up) does not crowd the picture of the run.
     */
    public static String write(Path jfr, Path html, String title, Instant from, Instant to) {
        Profile profile = read(jfr, from, to);
        List<MethodShare> hottest = hottest(profile.root(), TOP_METHODS);
        StringBuilder h = new StringBuilder();
        h.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(ResultFiles.xml(title)).append("</title><style>")
                .append("body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}")
                .append("td,th{padding:3px 10px;border-bottom:1px solid #ddd;text-align:right}td.l,th.l{text-align:left}")
                .append("#graph{position:relative;overflow:hidden;border:1px solid #ccc;margin:1em 0}")
                .append(".f{position:absolute;height:17px;line-height:17px;font:11px monospace;overflow:hidden;")
                .append("white-space:nowrap;box-sizing:border-box;border:1px solid #fff;padding-left:2px;cursor:pointer}")
                .append(".f.hit{background:#e0f !important;color:#fff}.verdict{font-size:1.2em}")
                .append("</style></head><body><h1>").append(ResultFiles.xml(title)).append("</h1>");
        long samples = profile.samples();
        if (samples == 0) {
            h.append("<p class=verdict id=verdict>The recording ").append(ResultFiles.xml(jfr.getFileName().toString()))
                    .append(" holds no CPU samples").append(from == null && to == null ? "" : " in the run's window")
                    .append(": the service ran no Java code while it was recorded, or the recording was started")
                    .append(" without the profile settings.</p></body></html>\n");
            ResultFiles.writeString(html, h.toString());
            return null;
        }
        MethodShare top = hottest.getFirst();
        h.append("<p class=verdict id=verdict>Most CPU of its own: <b>").append(ResultFiles.xml(top.method()))
                .append("</b>, ").append(percent(top.self(), samples)).append(" of ").append(samples)
                .append(" samples.</p><p>").append(ResultFiles.xml(jfr.getFileName().toString())).append(": ")
                .append(samples).append(" execution samples over ")
                .append(Duration.between(profile.from(), profile.to()).toSeconds())
                .append(from == null && to == null ? " s" : " s of the run (the service's start-up left out)")
                .append(". Callers above callees; a frame's width is its share of the samples. Click a frame to")
                .append(" zoom, the top frame to zoom out.</p>")
                .append("<p><label>highlight <input id=search size=40 placeholder=\"part of a class or method name\">")
                .append("</label> <span id=matched></span></p><div id=graph></div>");
        h.append("<h2>Methods by their own samples</h2><table id=hottest><tr><th class=l>method</th>")
                .append("<th>own</th><th>own %</th><th>with callees %</th></tr>");
        for (MethodShare m : hottest) {
            h.append("<tr><td class=l>").append(ResultFiles.xml(m.method())).append("</td><td>").append(m.self())
                    .append("</td><td>").append(percent(m.self(), samples)).append("</td><td>")
                    .append(percent(m.total(), samples)).append("</td></tr>");
        }
        h.append("</table><script>const tree=");
        Map<String, Integer> ids = new HashMap<>();
        appendNode(h, profile.root(), Math.max(1, Math.round(samples * SMALLEST_SHARE)), ids);
        h.append(";\nconst nameList=").append(jsonStrings(ids)).append(";\n").append(SCRIPT)
                .append("</script></body></html>\n");
        ResultFiles.writeString(html, h.toString());
        return top.method();
    }

    /** A node as [name id, total, self, [children]]; children below the smallest drawn share are left out. */
    private static void appendNode(StringBuilder out, Node node, long smallest, Map<String, Integer> ids) {
        out.append('[').append(ids.computeIfAbsent(node.name, k -> ids.size())).append(',').append(node.total)
                .append(',').append(node.self).append(",[");
        boolean first = true;
        List<Node> children = new ArrayList<>(node.children.values());
        children.sort(Comparator.comparing((Node n) -> n.name));
        for (Node child : children) {
            if (child.total < smallest) {
                continue;
            }
            if (!first) {
                out.append(',');
            }
            first = false;
            appendNode(out, child, smallest, ids);
        }
        out.append("]]");
    }

    private static String jsonStrings(Map<String, Integer> ids) {
        String[] byId = new String[ids.size()];
        ids.forEach((name, id) -> byId[id] = name);
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < byId.length; i++) {
            s.append(i == 0 ? "" : ",").append('"');
            for (char c : byId[i].toCharArray()) {
                switch (c) {
                    case '"' -> s.append("\\\"");
                    case '\\' -> s.append("\\\\");
                    case '<' -> s.append("\\u003c");
                    default -> {
                        if (c < 0x20) {
                            s.append(String.format("\\u%04x", (int) c));
                        } else {
                            s.append(c);
                        }
                    }
                }
            }
            s.append('"');
        }
        return s.append(']').toString();
    }

    private static String percent(long part, long whole) {
        return String.format("%.1f %%", 100.0 * part / whole);
    }

    /** Draws the tree as absolutely placed boxes, one row per call depth; zoom and highlight redraw it. */
    private static final String SCRIPT = """
            const graph = document.getElementById('graph'), ROW = 18;
            let zoomed = tree, path = [tree];
            function colour(name) {
              if (name.startsWith('dev.perfgate.')) return 'hsl(28,90%,62%)';
              if (/^(java|jdk|sun)\\./.test(name)) return 'hsl(210,55%,72%)';
              let h = 0; for (const c of name) h = (h * 31 + c.charCodeAt(0)) | 0;
              return 'hsl(' + (40 + Math.abs(h) % 30) + ',85%,' + (60 + Math.abs(h >> 8) % 15) + '%)';
            }
            function depth(node) { let d = 0; for (const c of node[3]) d = Math.max(d, depth(c)); return d + 1; }
            function draw() {
              graph.textContent = '';
              const rows = path.length - 1 + depth(zoomed);
              graph.style.height = rows * ROW + 'px';
              const needle = document.getElementById('search').value.trim();
              let matched = 0;
              path.slice(0, -1).forEach((n, i) => box(n, 0, 100, i, false));
              (function place(node, left, width, row, counted) {
                const hit = needle && nameList[node[0]].includes(needle);
                if (hit && !counted) matched += node[1];
                box(node, left, width, row, hit);
                let x = left;
                for (const c of node[3]) {
                  const w = width * c[1] / node[1];
                  if (w >= 0.05) place(c, x, w, row + 1, counted || hit);
                  x += w;
                }
              })(zoomed, 0, 100, path.length - 1, false);
              document.getElementById('matched').textContent = needle
                ? (100 * matched / tree[1]).toFixed(1) + ' % of the samples' : '';
              document.body.dataset.frames = graph.children.length;
            }
            function box(node, left, width, row, hit) {
              const d = document.createElement('div'), name = nameList[node[0]];
              d.className = 'f' + (hit ? ' hit' : '');
              d.style.left = left + '%'; d.style.width = width + '%'; d.style.top = row * ROW + 'px';
              d.style.background = colour(name);
              d.textContent = name.replace(/^.*\\.([\\w$]+\\.[\\w$<>]+)/, '$1');
              d.title = name + '\\n' + node[1] + ' samples (' + (100 * node[1] / tree[1]).toFixed(2)
                + ' %), own ' + node[2];
              d.onclick = () => {
                const i = path.indexOf(node);
                if (i >= 0) { path = path.slice(0, i + 1); zoomed = node; }
                else { path = path.concat(trail(zoomed, node).slice(1)); zoomed = node; }
                draw();
              };
              graph.appendChild(d);
            }
            function trail(from, to) {
              if (from === to) return [from];
              for (const c of from[3]) { const t = trail(c, to); if (t) return [from].concat(t); }
              return null;
            }
            document.getElementById('search').oninput = draw;
            draw();
            """;
}
