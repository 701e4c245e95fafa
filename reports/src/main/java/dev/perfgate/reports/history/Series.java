package dev.perfgate.reports.history;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One figure of one request (or benchmark) over runs, oldest first: the values and the entries they came from. A
 * timing figure of a run whose load generator was stalled is left out, as the gate leaves it out of a verdict.
 */
public record Series(String group, String subject, String metric, boolean higherIsBetter, List<HistoryEntry> runs,
                     double[] values, double[] errors) {

    /** Every series of a list of entries (one environment), keyed group|subject|metric, in first-seen order. */
    public static Map<String, Series> of(List<HistoryEntry> entries) {
        Map<String, List<HistoryEntry>> runs = new LinkedHashMap<>();
        Map<String, List<double[]>> values = new LinkedHashMap<>();
        Map<String, HistoryEntry.Point> first = new LinkedHashMap<>();
        for (HistoryEntry e : entries) {
            for (HistoryEntry.Point p : e.points()) {
                if (p.timing() && !e.valid() || Double.isNaN(p.value())) {
                    continue;
                }
                String key = e.group() + "|" + p.subject() + "|" + p.metric();
                first.putIfAbsent(key, p);
                runs.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
                values.computeIfAbsent(key, k -> new ArrayList<>()).add(new double[] {p.value(), p.error()});
            }
        }
        Map<String, Series> out = new LinkedHashMap<>();
        for (Map.Entry<String, HistoryEntry.Point> f : first.entrySet()) {
            List<double[]> v = values.get(f.getKey());
            double[] vs = new double[v.size()];
            double[] es = new double[v.size()];
            for (int i = 0; i < vs.length; i++) {
                vs[i] = v.get(i)[0];
                es[i] = v.get(i)[1];
            }
            String group = runs.get(f.getKey()).getFirst().group();
            out.put(f.getKey(), new Series(group, f.getValue().subject(), f.getValue().metric(),
                    f.getValue().higherIsBetter(), runs.get(f.getKey()), vs, es));
        }
        return out;
    }

    /** The last {@code n} runs of this series. */
    public Series last(int n) {
        if (values.length <= n) {
            return this;
        }
        int from = values.length - n;
        return new Series(group, subject, metric, higherIsBetter, runs.subList(from, runs.size()),
                java.util.Arrays.copyOfRange(values, from, values.length),
                java.util.Arrays.copyOfRange(errors, from, errors.length));
    }

    /** A seed for the change-point test that is the same for the same series in every run. */
    public long seed() {
        return (group + "|" + subject + "|" + metric).hashCode();
    }
}
