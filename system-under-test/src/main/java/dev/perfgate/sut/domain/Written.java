package dev.perfgate.sut.domain;

/**
 * What a write returns: the written row as the API answers it, and the organization it belongs to — which the
 * cache needs to invalidate that organization's analytics, read in the same statements the write already runs.
 */
public record Written<T>(T value, long orgId) {
}
