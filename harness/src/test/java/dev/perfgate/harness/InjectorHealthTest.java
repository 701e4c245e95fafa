package dev.perfgate.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.perfgate.reports.RunResult;

class InjectorHealthTest {

    /**
     * A declared service that spins shows up as the service's share of the machine in the once-a-second samples of a
     * stretch (a capacity level's window); a stretch with no sample in it has no shares rather than zeros.
     */
    @Test
    void cpuBetween_splitsTheMachineBetweenTheServiceTheLoadGeneratorAndOtherWork() throws Exception {
        Process spinner = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
        try (InjectorHealth health = InjectorHealth.start(50)) {
            long from = System.currentTimeMillis();
            health.service(List.of(spinner.toHandle()));
            Thread.sleep(3_500); // the first sample only starts the service's tick count; two or three follow
            long to = System.currentTimeMillis();

            RunResult.MachineCpu cpu = health.cpuBetween(from, to);
            assertThat(cpu).isNotNull();
            assertThat(cpu.servicePercent()).as("a spinning service: %s", cpu).isPositive();
            assertThat(cpu.machinePercent()).isGreaterThanOrEqualTo(cpu.servicePercent() - 1); // samples' rounding
            assertThat(cpu.otherWorkPercent()).isGreaterThanOrEqualTo(0);
            assertThat(cpu.describe()).startsWith("machine ").contains("service ").contains("other work ");

            assertThat(health.cpuBetween(to + 60_000, to + 120_000)).isNull();
        } finally {
            spinner.destroyForcibly();
        }
    }
}
