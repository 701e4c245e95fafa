package dev.perfgate.bench;

/** Fork counts shared by the benchmark classes. */
final class Forks {
    /**
     * Forks of a benchmark whose ratio to its raw reference is a stated goal (docs/benchmarks.md): one fork's 99.9 %
     * interval on a shared 2-core machine is too wide to judge a ratio, and a JIT decision made once per fork can
     * move a nanosecond path by a third. The thorough {@code RunAll} runs these forks in turns with their class's other
     * ratio sides ({@link InterleavedForks}, which finds them by this count); {@code RunAll --quick} still runs one.
     */
    static final int RATIO = 3;

    private Forks() {
    }
}
