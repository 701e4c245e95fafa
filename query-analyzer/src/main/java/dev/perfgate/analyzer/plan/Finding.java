package dev.perfgate.analyzer.plan;

/**
 * What a rule found in a plan: the rule, how much it matters, the node (its path in the tree and label), what is
 * wrong and what to do about it.
 */
public record Finding(String rule, Severity severity, String node, String message, String suggestion) {
    /** How much a finding costs a plan's score. */
    public enum Severity {
        HIGH(25), MEDIUM(10), LOW(3);

        private final int penalty;

        Severity(int penalty) {
            this.penalty = penalty;
        }

        public int penalty() {
            return penalty;
        }
    }
}
