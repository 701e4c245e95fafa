package dev.perfgate.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunEnvironmentTest {

    @Test
    void capture_inThisRepository_hasJvmAndCommit() {
        RunEnvironment env = RunEnvironment.capture("ci");
        assertThat(env.javaVersion()).isEqualTo(System.getProperty("java.version"));
        assertThat(env.availableProcessors()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(env.profile()).isEqualTo("ci");
        // the build runs inside the perfgate checkout (or a copy without .git, then "unknown")
        assertThat(env.gitCommit()).matches("[0-9a-f]{40}|unknown");
    }

    @Test
    void capture_outsideARepository_reportsUnknownCommit(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("x"), "y");
        RunEnvironment env = RunEnvironment.capture("smoke", dir);
        assertThat(env.gitCommit()).isEqualTo("unknown");
        assertThat(env.gitDirty()).isFalse();
    }

    @Test
    void serializesToJson() throws Exception {
        ObjectMapper mapper = new ObjectMapper().registerModule(new JavaTimeModule());
        String json = mapper.writeValueAsString(RunEnvironment.capture("full"));
        assertThat(mapper.readTree(json).path("availableProcessors").asInt()).isPositive();
        assertThat(json).contains("\"profile\":\"full\"");
    }
}
