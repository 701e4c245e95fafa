package dev.perfgate.sut.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import dev.perfgate.sut.contract.ApiException;

/** The bearer token of {@code /api/admin/*} ({@code SUT_ADMIN_TOKEN}), compared in constant time. */
public final class AdminAuth {
    private final byte[] expected;

    public AdminAuth(String token) {
        this.expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    /** Checks the token first (401 without it), then that only the given query parameters are present. */
    public void require(ApiRequest r, String... params) {
        byte[] given = r.header("Authorization").orElse("").getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, expected)) {
            throw new ApiException(401, "unauthorized", "admin endpoints need Authorization: Bearer <SUT_ADMIN_TOKEN>",
                    "Authorization");
        }
        r.allowParams(params);
    }
}
