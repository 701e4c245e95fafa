package dev.perfgate.analyzer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FingerprintTest {

    static Stream<Arguments> normalized() {
        return Stream.of(
                Arguments.of("SELECT * FROM vendors WHERE id = 42", "select * from vendors where id = ?"),
                Arguments.of("select *   from vendors\n where id=7", "select * from vendors where id=?"),
                Arguments.of("SELECT name FROM t WHERE city = 'Austin' AND x = E'a\\'b'",
                        "select name from t where city = ? and x = ?"),
                Arguments.of("SELECT 1 FROM t WHERE a = 'it''s'", "select ? from t where a = ?"),
                Arguments.of("SELECT * FROM t WHERE id IN (1, 2, 3, 4)", "select * from t where id in (?)"),
                Arguments.of("SELECT * FROM t WHERE id IN ($1, $2)", "select * from t where id in (?)"),
                Arguments.of("INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y'), (3, 'z')", "insert into t (a, b) values (?)"),
                Arguments.of("SELECT * FROM t WHERE price > 12.50 -- cheap ones\nLIMIT 10",
                        "select * from t where price > ? limit ?"),
                Arguments.of("SELECT /* hint */ \"Mixed Case\" FROM t2", "select \"Mixed Case\" from t2"),
                Arguments.of("SELECT v.id FROM vendors v WHERE v.rating >= ? ORDER BY v.rating DESC LIMIT ?",
                        "select v.id from vendors v where v.rating >= ? order by v.rating desc limit ?"));
    }

    @ParameterizedTest
    @MethodSource("normalized")
    void normalize_literalsAndListsCollapse(String sql, String expected) {
        assertThat(Fingerprint.normalize(sql)).isEqualTo(expected);
    }

    static Stream<Arguments> sameShape() {
        return Stream.of(
                Arguments.of("SELECT * FROM clients WHERE id = 1", "SELECT * FROM clients WHERE id = 999"),
                Arguments.of("select * from t where id in (1,2)", "SELECT * FROM t WHERE id IN (5, 6, 7, 8, 9)"),
                Arguments.of("SELECT * FROM t WHERE name = 'a'", "select * from t where name = 'something else'"));
    }

    @ParameterizedTest
    @MethodSource("sameShape")
    void literalVariants_shareOneFingerprint(String a, String b) {
        assertThat(Fingerprint.of(a)).isEqualTo(Fingerprint.of(b));
    }

    static Stream<Arguments> otherShape() {
        return Stream.of(
                Arguments.of("SELECT * FROM clients WHERE id = 1", "SELECT * FROM vendors WHERE id = 1"),
                Arguments.of("SELECT a FROM t", "SELECT b FROM t"),
                Arguments.of("SELECT * FROM t1 WHERE x = 1", "SELECT * FROM t2 WHERE x = 1"));
    }

    @ParameterizedTest
    @MethodSource("otherShape")
    void differentShapes_differ(String a, String b) {
        assertThat(Fingerprint.of(a)).isNotEqualTo(Fingerprint.of(b));
    }
}
