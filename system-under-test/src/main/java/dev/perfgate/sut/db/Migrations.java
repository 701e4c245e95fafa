package dev.perfgate.sut.db;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/** Applies the Flyway migrations under {@code db/migration} to the primary. */
public final class Migrations {
    private Migrations() {
    }

    /** Migrates the schema to the latest version and returns how many migrations ran. */
    public static int migrate(DataSource primary) {
        MigrateResult result = Flyway.configure()
                .dataSource(primary)
                .locations("classpath:db/migration")
                .failOnMissingLocations(true)
                .load()
                .migrate();
        return result.migrationsExecuted;
    }
}
