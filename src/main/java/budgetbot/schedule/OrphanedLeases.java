package budgetbot.schedule;

import budgetbot.app.App;
import budgetbot.delivery.Dispatcher;
import budgetbot.state.Sql;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;

/**
 * Frees the outbox entries that a {@code run} process which is gone had leased (killed, or crashed while
 * sending), so that they are sent at once instead of after the 5-minute lease. A message that was on the wire
 * when the process died may then arrive twice: delivery is at-least-once.
 */
final class OrphanedLeases {
    private static final Logger log = LoggerFactory.getLogger(OrphanedLeases.class);

    private OrphanedLeases() {
    }

    /**
     * When a scheduler starts. Without a cluster only one {@code run} may use the database, so every other
     * scheduler's lease is a dead process's; in a cluster, those of instances Quartz no longer lists. Best effort:
     * when the database cannot be asked now, the leases simply run out.
     */
    static void releaseAtStart(App app, Dispatcher dispatcher) {
        try {
            if (app.config().state().cluster()) {
                releaseInCluster(app, dispatcher);
                return;
            }
            int released = dispatcher.releaseLeasesOfOtherRuns();
            if (released > 0) {
                log.info("{} deliveries leased by a run that is gone are due now", released);
            }
        } catch (RuntimeException e) {
            log.warn("could not free the deliveries leased by a run that is gone; they are sent when their lease"
                    + " runs out: {}", e.getMessage());
        }
    }

    /** Frees what cluster instances that no longer check in (Quartz's scheduler state) had leased. */
    static void releaseInCluster(App app, Dispatcher dispatcher) {
        Set<String> alive = Set.copyOf(app.store().autoCommit("read the cluster's live instances", c -> Sql.query(c,
                "SELECT instance_name FROM qrtz_scheduler_state WHERE sched_name = ?",
                ps -> ps.setString(1, BotScheduler.NAME), rs -> rs.getString(1))));
        int released = dispatcher.releaseLeasesOfInstancesNotIn(alive);
        if (released > 0) {
            log.info("{} deliveries leased by cluster instances that are gone are due now (live: {})", released, alive);
        }
    }
}
