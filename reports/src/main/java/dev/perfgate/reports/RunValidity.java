package dev.perfgate.reports;

import java.util.List;

/**
 * Whether a run measured the service or the load generator: what the load generator's own JVM went through during
 * the load. A hiccup meter (in the style of jHiccup) times a thread that only sleeps 1 ms at a time; when it wakes
 * late, the JVM or the machine stalled every thread of the load generator with it, so a response that was in
 * flight then was timed late by the client and not by the service. Such answers are excluded from the figures and
 * counted; a run whose load generator stalled long or often is invalid: its timing checks are not a verdict on the
 * service (an open workload sends a burst after a stall, so even answers outside it are disturbed).
 *
 * @param valid            whether the timing checks of the run may be enforced
 * @param reasons          why not, in words (empty when valid)
 * @param stalledPercent   share of the run's time the load generator was stalled (stalls over the threshold)
 * @param longestStallMs   the longest stall
 * @param stalls           how many stalls over the threshold
 * @param stallThresholdMs a hiccup at least this long is a stall
 * @param hiccupP99Ms      99th percentile of the hiccup meter's delays (the machine's scheduling noise)
 * @param gcPauseMs        time the load generator's JVM spent in stop-the-world collections during the run
 * @param cpuMeanPercent   mean CPU of the load generator's process, in percent of the whole machine
 * @param machineCpuMeanPercent mean CPU of the whole machine (service, database and everything else included)
 * @param foreignCpuMeanPercent mean CPU of everything but the service (when its process is known) and the load
 *                         generator: other work competing for the machine; -1 when unknown
 * @param samplesExcluded  answers in flight during a stall, excluded from the figures
 * @param stallWindows     the stalls as [start, end] epoch milliseconds, at most the 20 longest
 */
public record RunValidity(boolean valid, List<String> reasons, double stalledPercent, double longestStallMs,
                          long stalls, double stallThresholdMs, double hiccupP99Ms, double gcPauseMs,
                          double cpuMeanPercent, double machineCpuMeanPercent, double foreignCpuMeanPercent,
                          long samplesExcluded,
                          List<long[]> stallWindows) {

    /** Returns a one-line account for the console and the report. */
    public String describe() {
        return String.format("%s: load generator stalled %.2f %% of the run (%d stalls >= %s ms, longest %s ms),"
                        + " hiccup p99 %s ms, GC pauses %s ms, CPU %s %% (machine %s %%%s), %d answers excluded",
                valid ? "valid run" : "INVALID run", stalledPercent, stalls, Check.format(stallThresholdMs),
                Check.format(longestStallMs), Check.format(hiccupP99Ms), Check.format(gcPauseMs),
                Check.format(cpuMeanPercent), Check.format(machineCpuMeanPercent),
                foreignCpuMeanPercent < 0 ? "" : ", other work " + Check.format(foreignCpuMeanPercent) + " %",
                samplesExcluded)
                + (reasons.isEmpty() ? "" : " — " + String.join("; ", reasons));
    }
}
