package dev.perfgate.sut.query;

import java.util.Arrays;
import java.util.List;

import net.ttddyy.dsproxy.proxy.ParameterSetOperation;

import dev.perfgate.analyzer.BoundSql;

/**
 * The service's side of writing bound values into a statement: datasource-proxy records each {@code setXxx} call of
 * a prepared statement; this turns one recorded parameter set into the values in marker order for
 * {@link BoundSql#inline}, so that the analyzer itself needs nothing from the proxy.
 */
final class RecordedParameters {
    private RecordedParameters() {
    }

    /** Writes the values of one recorded parameter set into the statement's {@code ?} markers. */
    static String inline(String sql, List<ParameterSetOperation> params) {
        int max = 0;
        for (ParameterSetOperation op : params) {
            if (op.getArgs() != null && op.getArgs().length > 0 && op.getArgs()[0] instanceof Integer i) {
                max = Math.max(max, i);
            }
        }
        Object[] values = new Object[max];
        for (ParameterSetOperation op : params) {
            Object[] args = op.getArgs();
            if (args == null || args.length < 1 || !(args[0] instanceof Integer i)) {
                continue;
            }
            values[i - 1] = ParameterSetOperation.isSetNullParameterOperation(op) || args.length < 2 ? null : args[1];
        }
        return BoundSql.inline(sql, Arrays.asList(values));
    }
}
