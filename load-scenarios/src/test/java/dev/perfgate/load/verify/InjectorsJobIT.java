package dev.perfgate.load.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.perfgate.harness.InjectorShare;
import dev.perfgate.harness.RunVerdict;
import dev.perfgate.load.harness.SutProcess;
import dev.perfgate.reports.Confirmation;
import dev.perfgate.reports.RequestStats;
import dev.perfgate.reports.ResultFiles;
import dev.perfgate.reports.RunResult;

/**
 * The Kubernetes Job's injector command (deploy/k8s/injectors.yaml), run on this machine as its pods run it: the
 * Job's own arguments with each pod's variables filled in, the image's paths pointing into this checkout and the
 * shares volume a temporary directory, against the reference service started here (smoke profile). It proves the
 * path no engine is needed for: the handshake through the shared directory, injector 0 merging and judging, the
 * exit statuses. What it cannot prove is Kubernetes itself; the manifests' schema is checked in the deploy module.
 */
class InjectorsJobIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern VARIABLE = Pattern.compile("\\$\\(([A-Z_]+)\\)");

    @Test
    void theJobsCommand_runAsItsPods_givesOneMergedVerdict(@TempDir Path shares) throws Exception {
        YAMLMapper yaml = new YAMLMapper();
        JsonNode container = yaml.readTree(ROOT.resolve("deploy/k8s/injectors.yaml").toFile())
                .at("/spec/template/spec/containers/0");
        JsonNode run = yaml.readTree(ROOT.resolve("deploy/k8s/run.yaml").toFile()).get("data");
        int injectors = 0;
        for (JsonNode e : container.get("env")) {
            if (e.get("name").asText().equals("INJECTORS")) {
                injectors = Integer.parseInt(e.get("value").asText());
            }
        }
        assertThat(injectors).isGreaterThan(1);

        try (SutProcess sut = SutProcess.start(ROOT.resolve("system-under-test"), SutProcess.freePort(), 0.05,
                "perfgate-injectors-job-test-token", Map.of(), shares.resolve("service.log"), null)) {
            Map<String, String> vars = new HashMap<>();
            run.fieldNames().forEachRemaining(k -> vars.put(k, run.get(k).asText()));
            vars.put("PROFILE", "smoke");
            vars.put("BASELINE", "off");
            vars.put("TARGET", sut.baseUrl().toString().replaceAll("/$", ""));
            vars.put("INJECTORS", Integer.toString(injectors));
            vars.put("RUN", "job-uid");
            List<Process> pods = new ArrayList<>();
            for (int i = 0; i < injectors; i++) {
                vars.put("INJECTOR", Integer.toString(i));
                List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin",
                        "java").toString()));
                for (JsonNode a : container.get("args")) {
                    command.add(asOnThisMachine(substitute(a.asText(), vars), shares));
                }
                pods.add(new ProcessBuilder(command).directory(shares.toFile()).redirectErrorStream(true)
                        .redirectOutput(shares.resolve("pod-" + i + ".log").toFile()).start());
            }
            for (int i = 0; i < pods.size(); i++) {
                assertThat(pods.get(i).waitFor(5, TimeUnit.MINUTES)).as("pod " + i + " ended").isTrue();
                assertThat(pods.get(i).exitValue()).as("pod " + i + "'s status; see " + shares.resolve("pod-" + i
                        + ".log")).isZero();
            }
        }

        Path runDir = shares.resolve("job-uid");
        RunResult result = ResultFiles.read(runDir.resolve("injector-0").resolve("results.json"));
        long sent = 0;
        for (int i = 0; i < injectors; i++) {
            InjectorShare share = ResultFiles.readJson(InjectorShare.json(runDir.resolve("injectors"), i),
                    InjectorShare.class);
            assertThat(share.requests()).as("injector " + i + " sent requests").isNotEmpty();
            sent += share.requests().stream().mapToLong(InjectorShare.Counts::attempts).sum();
        }
        assertThat(result.requests().stream().mapToLong(RequestStats::count).sum()).isEqualTo(sent);
        assertThat(RunVerdict.read(runDir.resolve("injector-0")).outcome()).isEqualTo(Confirmation.Outcome.PASS);
    }

    /** Fills in $(VAR) as Kubernetes does from the container's environment. */
    private static String substitute(String arg, Map<String, String> vars) {
        Matcher m = VARIABLE.matcher(arg);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = vars.get(m.group(1));
            assertThat(value).as("$(" + m.group(1) + ")").isNotNull();
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        return m.appendTail(out).toString();
    }

    /** Points the image's paths into this checkout and the shares volume at the temporary directory. */
    private static String asOnThisMachine(String arg, Path shares) {
        if (arg.equals("classes:lib/*")) { // the image's classpath: this module's test classpath
            String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            return cp.replace(":", File.pathSeparator);
        }
        return arg.replace("/perfgate/budgets.yaml", ROOT.resolve("load-scenarios/budgets.yaml").toString())
                .replace("/perfgate/baselines", ROOT.resolve("reports/baselines").toString())
                .replace("/shares/", shares + "/");
    }
}
