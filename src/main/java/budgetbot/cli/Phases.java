package budgetbot.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a one-shot command's wall time went, from the JVM's start: one log line that says whether a slow check
 * waited for the JVM, the database, UCloud or itself (bench/warm-check.sh reports it).
 */
final class Phases {
    private static final Logger log = LoggerFactory.getLogger(Phases.class);

    private final List<String> parts = new ArrayList<>();
    private final long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    private long last = System.currentTimeMillis();

    Phases() {
        parts.add("JVM start " + (last - jvmStart) + " ms");
    }

    void done(String phase) {
        long now = System.currentTimeMillis();
        parts.add(phase + " " + (now - last) + " ms");
        last = now;
    }

    void log() {
        log.info("took {} ms: {}", last - jvmStart, String.join(", ", parts));
    }
}
