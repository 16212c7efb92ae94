package budgetbot;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The package rules of ARCHITECTURE.md, checked on the production classes by every build. */
@AnalyzeClasses(packages = "budgetbot", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    private static final String[] TRANSPORTS = {"budgetbot.notify.slack..", "budgetbot.notify.email..",
            "budgetbot.notify.console.."};

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("budgetbot.(**)")
            .should().beFreeOfCycles()
            .because("each package imports only the packages below it on the data path (ARCHITECTURE.md)");

    @ArchTest
    static final ArchRule evaluationAndTimeArePure = noClasses()
            .that().resideInAnyPackage("budgetbot.rules..", "budgetbot.time..")
            .should().dependOnClassesThat().resideInAnyPackage("budgetbot.state..", "budgetbot.delivery..",
                    "budgetbot.notify..", "budgetbot.render..", "budgetbot.ucloud..", "budgetbot.simulator..",
                    "budgetbot.app..", "budgetbot.schedule..", "budgetbot.cli..")
            .because("evaluation is a pure function of configuration, usage and a time");

    @ArchTest
    static final ArchRule transportsKnowOnlyMessages = noClasses()
            .that().resideInAnyPackage(TRANSPORTS)
            .should().dependOnClassesThat().resideInAnyPackage("budgetbot.rules..", "budgetbot.state..",
                    "budgetbot.delivery..", "budgetbot.render..", "budgetbot.digest..", "budgetbot.usage..",
                    "budgetbot.ucloud..", "budgetbot.app..")
            .because("a transport sends a rendered Message; what it says is decided upstream");

    @ArchTest
    static final ArchRule stateKnowsNoMessages = noClasses()
            .that().resideInAPackage("budgetbot.state..")
            .should().dependOnClassesThat().resideInAnyPackage("budgetbot.notify..", "budgetbot.render..",
                    "budgetbot.delivery..", "budgetbot.ucloud..")
            .because("state decides what to announce; rendering and delivery come after it");

    @ArchTest
    static final ArchRule renderingSendsNothing = noClasses()
            .that().resideInAPackage("budgetbot.render..")
            .should().dependOnClassesThat().resideInAnyPackage(TRANSPORTS)
            .orShould().dependOnClassesThat().resideInAnyPackage("budgetbot.delivery..", "budgetbot.ucloud..")
            .because("rendering turns facts into a Message; queueing and sending are other stages");

    @ArchTest
    static final ArchRule deliveryRendersNothing = noClasses()
            .that().resideInAPackage("budgetbot.delivery..")
            .should().dependOnClassesThat().resideInAnyPackage("budgetbot.render..", "budgetbot.rules..",
                    "budgetbot.ucloud..")
            .orShould().dependOnClassesThat().resideInAnyPackage(TRANSPORTS)
            .because("delivery queues and sends Messages through the Notifier interface, whatever they say");

    @ArchTest
    static final ArchRule onlyEntryPointsUseTheWiring = noClasses()
            .that().resideOutsideOfPackages("budgetbot.app..", "budgetbot.cli..", "budgetbot.schedule..",
                    "budgetbot.server..")
            .should().dependOnClassesThat().resideInAPackage("budgetbot.app..")
            .because("app wires the stages together; only the command line, the scheduler and the operator's "
                    + "HTTP endpoint use it");

    @ArchTest
    static final ArchRule clocksAreInjected = noClasses()
            .that().resideOutsideOfPackage("budgetbot.cli..")
            .should().callMethod(Instant.class, "now")
            .orShould().callMethod(LocalDate.class, "now")
            .orShould().callMethod(LocalDateTime.class, "now")
            .orShould().callMethod(ZonedDateTime.class, "now")
            .orShould().callMethod(OffsetDateTime.class, "now")
            .orShould().callMethod(System.class, "currentTimeMillis")
            .orShould().callMethod(ZoneId.class, "systemDefault")
            .because("every time-dependent piece takes a java.time.Clock, so that tests and --at can set the time");
}
