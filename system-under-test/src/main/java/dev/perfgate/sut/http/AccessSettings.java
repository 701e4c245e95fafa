package dev.perfgate.sut.http;

import java.util.List;
import java.util.Map;

/**
 * Who may call what, and how often: the admin token and the rate limits, built and validated at the top
 * ({@code SutConfig}) and handed to {@link AdminAuth} and {@link RateLimiter}.
 *
 * @param adminToken          bearer token of {@code /api/admin/*}
 * @param adminTokenGenerated whether the token was made at start-up (and so is printed) rather than configured
 * @param rateLimits          the tiers' token buckets; empty when limits are off
 * @param apiKeys             API keys and their tiers
 */
public record AccessSettings(String adminToken, boolean adminTokenGenerated, List<RateLimiter.Tier> rateLimits,
                             Map<String, String> apiKeys) {
    public AccessSettings {
        rateLimits = List.copyOf(rateLimits);
        apiKeys = Map.copyOf(apiKeys);
    }

    @Override
    public String toString() {
        return "AccessSettings[adminToken=<hidden>, adminTokenGenerated=" + adminTokenGenerated + ", rateLimits="
                + rateLimits + ", apiKeys=<" + apiKeys.size() + " hidden>]";
    }
}
