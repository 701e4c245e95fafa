package dev.perfgate.sut.db;

/**
 * What the seeder makes of an empty database: the part of the service's configuration the {@link Seeder} needs,
 * built and validated at the top ({@code SutConfig}) and handed down.
 *
 * @param scale   data scale factor (1: about 1.1 million rows)
 * @param seed    random seed: the same seed and scale give the same rows
 * @param onStart seed an empty database at start-up
 */
public record SeedSettings(double scale, long seed, boolean onStart) {
}
