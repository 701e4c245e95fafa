package dev.perfgate.analyzer.plan;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A deep OFFSET page written as the keyset page, in the plain forms; anything else is left alone. */
class KeysetRewriteTest {

    @Test
    void offsetPage_becomesAKeysetPage_withATieBreaker() {
        assertThat(KeysetRewrite.rewrite("SELECT * FROM clients c WHERE c.org_id = 7 ORDER BY c.wedding_date LIMIT 20"
                + " OFFSET 5000"))
                .isEqualTo("SELECT * FROM clients c WHERE c.org_id = 7 AND (c.wedding_date, c.id) >"
                        + " (:last_wedding_date, :last_id) ORDER BY c.wedding_date, c.id LIMIT 20");
        assertThat(KeysetRewrite.rewrite("select id, name from vendors order by rating desc, id desc limit 50 offset"
                + " 9000;"))
                .isEqualTo("select id, name from vendors WHERE (rating, id) < (:last_rating, :last_id) ORDER BY"
                        + " rating DESC, id DESC LIMIT 50");
        assertThat(KeysetRewrite.rewrite("SELECT * FROM t ORDER BY id LIMIT $1 OFFSET $2"))
                .isEqualTo("SELECT * FROM t WHERE id > :last_id ORDER BY id LIMIT $1");
    }

    @Test
    void otherForms_areLeftAlone() {
        assertThat(KeysetRewrite.rewrite("SELECT * FROM t ORDER BY a ASC, b DESC LIMIT 10 OFFSET 5000")).isNull();
        assertThat(KeysetRewrite.rewrite("SELECT * FROM t ORDER BY lower(name) LIMIT 10 OFFSET 5000")).isNull();
        assertThat(KeysetRewrite.rewrite("SELECT * FROM t LIMIT 10 OFFSET 5000")).isNull();
    }
}
