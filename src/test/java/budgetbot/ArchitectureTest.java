package budgetbot;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaConstructor;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The package rules of ARCHITECTURE.md, checked on the production classes by every build: each package imports
 * only what the table "Allowed imports" lists for it (read from the file, so doc and rule cannot drift), no
 * package cycles, and no wall clock outside {@code cli}.
 */
class ArchitectureTest {
    private static final String ROOT = "budgetbot";
    private static final Path DOC = Path.of("ARCHITECTURE.md");
    /** A row of the table: | `package` | `a`, `b` | why |, or "anything" for the entry points' parser. */
    private static final Pattern ROW = Pattern.compile("^\\|\\s*`([a-z.]+)`\\s*\\|([^|]*)\\|([^|]*)\\|\\s*$");
    private static final String ANYTHING = "anything";
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);

    /** What one package may import, as the table says, and why. */
    record Allowed(String pkg, List<String> imports, boolean anything, String why) {
    }

    static Map<String, Allowed> table() {
        List<String> lines;
        try {
            lines = Files.readAllLines(DOC);
        } catch (IOException e) {
            throw new UncheckedIOException("ArchitectureTest reads its rules from " + DOC.toAbsolutePath(), e);
        }
        int start = lines.indexOf("## Allowed imports");
        assertThat(start).as("ARCHITECTURE.md has a section \"## Allowed imports\"").isNotNegative();
        Map<String, Allowed> table = new LinkedHashMap<>();
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("## ")) {
                break;
            }
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                String cell = m.group(2).trim();
                List<String> imports = cell.isEmpty() || cell.equals(ANYTHING) ? List.of()
                        : Arrays.stream(cell.split(",")).map(s -> s.trim().replace("`", "")).toList();
                table.put(m.group(1), new Allowed(m.group(1), imports, cell.equals(ANYTHING), m.group(3).trim()));
            }
        }
        assertThat(table).as("rows of the table in ARCHITECTURE.md").isNotEmpty();
        return table;
    }

    @Test
    void everyPackageHasARowAndEveryRowAPackage() {
        Set<String> packages = CLASSES.stream().map(JavaClass::getPackageName).filter(p -> p.startsWith(ROOT + "."))
                .map(p -> p.substring(ROOT.length() + 1)).collect(Collectors.toCollection(TreeSet::new));
        Map<String, Allowed> table = table();
        assertThat(table.keySet()).as("the packages of the table in ARCHITECTURE.md")
                .containsExactlyInAnyOrderElementsOf(packages);
        table.values().forEach(a -> assertThat(packages).as("what %s may import", a.pkg()).containsAll(a.imports()));
    }

    @TestFactory
    Stream<DynamicTest> eachPackageImportsOnlyWhatTheTableAllows() {
        return table().values().stream().filter(a -> !a.anything()).map(a -> DynamicTest.dynamicTest(a.pkg(), () -> {
            List<String> allowed = new ArrayList<>();
            allowed.add(ROOT + "." + a.pkg());
            a.imports().forEach(i -> allowed.add(ROOT + "." + i));
            ArchRule rule = classes().that().resideInAPackage(ROOT + "." + a.pkg())
                    .should().onlyDependOnClassesThat(new DescribedPredicate<JavaClass>(
                            "reside in " + String.join(", ", allowed)) {
                        @Override
                        public boolean test(JavaClass c) {
                            return !c.getPackageName().startsWith(ROOT + ".") && !c.getPackageName().equals(ROOT)
                                    || allowed.contains(c.getPackageName());
                        }
                    })
                    .because(a.why() + " (ARCHITECTURE.md, \"Allowed imports\")");
            rule.check(CLASSES);
        }));
    }

    @Test
    void noPackageCycles() {
        slices().matching(ROOT + ".(**)").should().beFreeOfCycles()
                .because("each package imports only the packages below it on the data path (ARCHITECTURE.md)")
                .check(CLASSES);
    }

    @Test
    void clocksAreInjected() {
        noClasses().that().resideOutsideOfPackage(ROOT + ".cli..")
                .should().callCodeUnitWhere(WALL_CLOCK)
                .because("every time-dependent piece takes a java.time.Clock, so that tests and --at can set the time")
                .check(CLASSES);
    }

    /** Every way to read the wall clock or the machine's zone: now(...) of any java.time type, Clock.system*, ... */
    static final DescribedPredicate<JavaCall<?>> WALL_CLOCK = new DescribedPredicate<>("read the wall clock or the"
            + " machine's timezone") {
        private static final Set<String> NOW = Set.of("java.time.Instant", "java.time.LocalDate",
                "java.time.LocalDateTime", "java.time.LocalTime", "java.time.ZonedDateTime", "java.time.OffsetDateTime",
                "java.time.OffsetTime", "java.time.Year", "java.time.YearMonth", "java.time.MonthDay");

        @Override
        public boolean test(JavaCall<?> call) {
            String owner = call.getTargetOwner().getName();
            String name = call.getName();
            return name.equals("now") && NOW.contains(owner)
                    || owner.equals("java.time.Clock") && name.startsWith("system")
                    || owner.equals("java.time.ZoneId") && name.equals("systemDefault")
                    || owner.equals("java.util.TimeZone") && name.equals("getDefault")
                    || owner.equals("java.lang.System") && name.equals("currentTimeMillis")
                    || owner.equals("java.util.Date") && name.equals(JavaConstructor.CONSTRUCTOR_NAME)
                    && call.getTarget().getRawParameterTypes().isEmpty();
        }
    };
}
