package io.zunvx.launcher;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.lang.ArchRule;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.zunvx.api.app.ApiVerticle;
import io.zunvx.compute.app.ComputeVerticle;
import io.zunvx.embedded.EmbeddedPg;
import io.zunvx.model.Status;
import io.zunvx.platform.app.Platform;
import io.zunvx.scheduler.app.SchedulerComponents;
import io.zunvx.wsproxy.WsProxyComponents;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The module boundaries, checked on the compiled main classes of every module (the launcher's test class path holds
 * them all): {@code model} does no I/O, role modules do not reach into each other, {@code platform} knows no role,
 * and only the launcher uses the embedded servers.
 */
@Timeout(300)
class ArchitectureTest {
    private static final String MODEL = "io.zunvx.model..";
    private static final List<String> ROLES = List.of("io.zunvx.api..", "io.zunvx.compute..",
            "io.zunvx.scheduler..", "io.zunvx.wsproxy..");

    private static JavaClasses main;

    /** Main classes only: test classes and the modules' test jars are left out. */
    private static final class MainClassesOnly implements ImportOption {
        @Override
        public boolean includes(Location location) {
            return !location.contains("/test-classes/") && !location.contains("-tests.jar");
        }
    }

    @BeforeAll
    static void load() {
        // The rules look at package names only: no need to load the JDK's and the libraries' classes too.
        ArchConfiguration.get().setResolveMissingDependenciesFromClassPath(false);
        // Import from each module's own jar or class directory (scanning the whole class path takes a minute).
        Set<Location> modules = new LinkedHashSet<>();
        for (Class<?> c : List.of(Status.class, Platform.class, EmbeddedPg.class, ApiVerticle.class,
                ComputeVerticle.class, SchedulerComponents.class, WsProxyComponents.class, Main.class)) {
            modules.add(Location.of(URI.create(c.getProtectionDomain().getCodeSource().getLocation().toString())));
        }
        main = new ClassFileImporter().withImportOption(new MainClassesOnly()).importLocations(modules);
        assertTrue(main.size() > 300, "classes imported: " + main.size());
    }

    /** Classes of {@code packages} that may depend on the JDK's core and the model only. */
    private static ArchRule pure(String... packages) {
        return classes().that().resideInAnyPackage(packages)
                .should().onlyDependOnClassesThat().resideInAnyPackage(MODEL, "java.lang..", "java.util..",
                        "java.time..", "java.math..");
    }

    @Test
    void modelDependsOnTheJdkCoreOnly() {
        // No Vert.x, Kafka, SQL, Docker, Jackson or java.io/java.nio/java.net: the model is records and rules.
        pure(MODEL).check(main);
        // The same rule does see I/O where there is some.
        assertThrows(AssertionError.class, () -> pure("io.zunvx.platform.outbox..").check(main));
    }

    @Test
    void roleModulesDoNotImportEachOther() {
        for (String role : ROLES) {
            String[] others = ROLES.stream().filter(r -> !r.equals(role)).toArray(String[]::new);
            noClasses().that().resideInAPackage(role)
                    .should().dependOnClassesThat().resideInAnyPackage(others)
                    .because("a role module depends on platform and model only")
                    .check(main);
        }
    }

    @Test
    void onlyTheLauncherKnowsTheRolesAndTheEmbeddedServers() {
        noClasses().that().resideOutsideOfPackages("io.zunvx.launcher..", "io.zunvx.embedded..")
                .should().dependOnClassesThat().resideInAnyPackage("io.zunvx.launcher..", "io.zunvx.embedded..")
                .check(main);
        noClasses().that().resideInAnyPackage("io.zunvx.platform..", MODEL)
                .should().dependOnClassesThat().resideInAnyPackage(ROLES.toArray(String[]::new))
                .check(main);
    }

    @Test
    void persistenceIsSealedInThePlatform() {
        // Outside platform, code reaches PostgreSQL through Transactions and repositories, never through a pool.
        noClasses().that().resideOutsideOfPackage("io.zunvx.platform..")
                .should().dependOnClassesThat().areAssignableTo(Pool.class)
                .check(main);
        noClasses().that().resideOutsideOfPackage("io.zunvx.platform..")
                .should().callMethod(Platform.class, "pool")
                .check(main);
        // The HTTP handlers of the API call repositories; none writes SQL of its own.
        noClasses().that().resideInAPackage("io.zunvx.api..").and().haveSimpleNameEndingWith("Api")
                .should().callMethodWhere(target(owner(assignableTo(SqlClient.class)))
                        .and(target(nameMatching("preparedQuery|query|preparedBatch"))))
                .check(main);
    }

    @Test
    void theEmbeddedServersAreNotInTheRoleModules() {
        // Kafka's broker and PostgreSQL's binaries ship with the launcher only.
        noClasses().that().resideOutsideOfPackages("io.zunvx.launcher..", "io.zunvx.embedded..")
                .should().dependOnClassesThat().resideInAnyPackage("kafka.server..", "kafka.tools..",
                        "io.zonky..")
                .check(main);
    }
}
