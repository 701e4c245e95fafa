package dev.perfgate.sut;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/**
 * A setting's default is written once, in {@code SutConfig}; the settings table of docs/service.md repeats it for
 * readers, and this test keeps the two the same: every key the service accepts has a row, and every whole-number
 * setting's row shows the default the service really applies.
 */
class SettingsDocumentedTest {

    /** Returns key → default column of the settings table. */
    private static Map<String, String> documented() throws Exception {
        Map<String, String> rows = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("../docs/service.md"))) {
            if (line.startsWith("| `SUT_")) {
                String[] cells = line.split("\\|");
                rows.put(cells[1].strip().replace("`", ""), cells[2].strip());
            }
        }
        return rows;
    }

    private static List<SutConfig.Whole> wholeSettings() throws IllegalAccessException {
        List<SutConfig.Whole> out = new ArrayList<>();
        for (Field f : SutConfig.class.getDeclaredFields()) {
            if (f.getType() == SutConfig.Whole.class && Modifier.isStatic(f.getModifiers())) {
                out.add((SutConfig.Whole) f.get(null));
            }
        }
        return out;
    }

    @Test
    void everySettingHasARow_andEveryWholeNumberRowShowsTheDefaultTheServiceApplies() throws Exception {
        Map<String, String> docs = documented();
        assertThat(docs.keySet()).containsExactlyInAnyOrderElementsOf(SutConfig.KEYS.keySet());
        List<SutConfig.Whole> wholes = wholeSettings();
        assertThat(wholes).hasSizeGreaterThan(20);
        for (SutConfig.Whole w : wholes) {
            assertThat(SutConfig.KEYS.get(w.key())).as(w.key()).isEqualTo(w.describe());
            assertThat(docs.get(w.key()).split(" ")[0]).as("docs/service.md default of " + w.key())
                    .isEqualTo(Long.toString(w.defaultValue()));
        }
    }

    @Test
    void aSettingLeftOutGetsTheDefaultItsRecordStates() {
        SutConfig c = SutConfig.from(Map.of(), new Properties());
        assertThat(c.port()).isEqualTo(SutConfig.PORT.defaultValue());
        assertThat(c.pools().writePoolSize()).isEqualTo(SutConfig.DB_POOL_SIZE.defaultValue());
        assertThat(c.pools().leakDetectionMs()).isEqualTo(SutConfig.DB_LEAK_DETECTION.defaultValue());
        assertThat(c.listener().maxConnectionsPerClient()).isEqualTo(SutConfig.MAX_CONNECTIONS_PER_CLIENT.defaultValue());
        assertThat(c.cache().syncMs()).isEqualTo(SutConfig.CACHE_SYNC.defaultValue());
        assertThat(c.responses().slowRequestMs()).isEqualTo(SutConfig.SLOW_REQUEST.defaultValue());
    }
}
