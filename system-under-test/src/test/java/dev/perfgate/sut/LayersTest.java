package dev.perfgate.sut;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;

import dev.perfgate.sut.cache.ThreadLocalFixture;
import dev.perfgate.sut.cache.UpwardImportFixture;

/**
 * The service's layers import only downward (docs/architecture.md): the wiring at the top ({@code Sut},
 * {@code SutConfig}, {@code Main}) → {@code http} → {@code domain} → {@code cache} and {@code db} → {@code query}
 * → {@code metrics}, then the request context ({@code request}) that every layer serving a request is handed, and
 * the wire contract ({@code contract}: the JSON mapper and the error body) at the bottom.
 * A class that reaches up — a domain class throwing an HTTP type, the cache loading domain objects, the database
 * reading the whole service configuration — fails this test with the offending dependency named.
 */
class LayersTest {

    static final ArchRule LAYERS = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("Wiring").definedBy("dev.perfgate.sut")
            .layer("Terminal monitor").definedBy("dev.perfgate.sut.monitor..")
            .layer("HTTP").definedBy("dev.perfgate.sut.http..")
            .layer("Domain").definedBy("dev.perfgate.sut.domain..")
            .layer("Cache").definedBy("dev.perfgate.sut.cache..")
            .layer("Database").definedBy("dev.perfgate.sut.db..")
            .layer("Statements").definedBy("dev.perfgate.sut.query..")
            .layer("Metrics").definedBy("dev.perfgate.sut.metrics..")
            .layer("Request context").definedBy("dev.perfgate.sut.request..")
            .layer("Contract").definedBy("dev.perfgate.sut.contract..")
            .whereLayer("Terminal monitor").mayOnlyBeAccessedByLayers("Wiring")
            .whereLayer("HTTP").mayOnlyBeAccessedByLayers("Wiring")
            .whereLayer("Domain").mayOnlyBeAccessedByLayers("HTTP", "Wiring")
            .whereLayer("Cache").mayOnlyBeAccessedByLayers("Domain", "HTTP", "Wiring")
            .whereLayer("Database").mayOnlyBeAccessedByLayers("Domain", "HTTP", "Wiring")
            .whereLayer("Statements").mayOnlyBeAccessedByLayers("Database", "Domain", "HTTP", "Wiring")
            .whereLayer("Metrics").mayOnlyBeAccessedByLayers("Statements", "Database", "Cache", "Domain", "HTTP",
                    "Wiring")
            .whereLayer("Request context").mayOnlyBeAccessedByLayers("Statements", "Database", "Cache", "Domain",
                    "HTTP", "Wiring")
            .whereLayer("Contract").mayOnlyBeAccessedByLayers("Request context", "Metrics", "Statements", "Database",
                    "Cache", "Domain", "HTTP", "Wiring");

    /**
     * Request state travels in the {@code RequestContext} handed down with the work, not in thread-locals: a
     * thread-local is invisible in every signature, leaks into the next request on a reused thread and cannot
     * follow work handed to another thread.
     */
    static final ArchRule NO_THREAD_LOCALS = noFields().that().areDeclaredInClassesThat()
            .resideInAPackage("dev.perfgate.sut..").should().haveRawType(ThreadLocal.class)
            .because("request state lives in the RequestContext handed down with the work");

    private static JavaClasses service() {
        JavaClasses service = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.perfgate.sut");
        assertThat(service.size()).as("service classes read").isGreaterThan(50);
        return service;
    }

    @Test
    void everyLayerImportsOnlyDownward() {
        LAYERS.check(service());
    }

    @Test
    void noThreadLocalHoldsState() {
        NO_THREAD_LOCALS.check(service());
        EvaluationResult fixture = NO_THREAD_LOCALS.evaluate(new ClassFileImporter()
                .importClasses(ThreadLocalFixture.class));
        assertThat(fixture.getFailureReport().getDetails()).singleElement().asString().contains("LAST_LEVEL");
    }

    @Test
    void anUpwardImportFailsWithTheDependencyNamed() {
        JavaClasses withFixture = new ClassFileImporter().importClasses(UpwardImportFixture.class,
                dev.perfgate.sut.http.PerfMode.class);
        EvaluationResult result = LAYERS.evaluate(withFixture);
        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().getDetails())
                .anySatisfy(line -> assertThat(line).contains(UpwardImportFixture.class.getName())
                        .contains("dev.perfgate.sut.http.PerfMode"));
    }
}
