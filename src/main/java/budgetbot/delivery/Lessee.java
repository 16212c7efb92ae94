package budgetbot.delivery;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;

/**
 * Who holds an outbox lease, as recorded with it: a scheduler instance of {@code run}, whose leases a restarted
 * {@code run} or the rest of a cluster can tell are orphaned, or a one-shot command ({@code check}, {@code digest},
 * {@code demo}), whose leases are only ever waited out.
 */
public record Lessee(String id) {
    static final String SCHEDULER_PREFIX = "run ";
    private static final String COMMAND_PREFIX = "command ";

    public Lessee {
        Objects.requireNonNull(id, "id");
    }

    /** The scheduler instance {@code instanceId} (Quartz's instance id, listed in a cluster's scheduler state). */
    public static Lessee scheduler(String instanceId) {
        return new Lessee(SCHEDULER_PREFIX + instanceId);
    }

    /** This process running a one-shot command. */
    public static Lessee command() {
        return new Lessee(COMMAND_PREFIX + host() + "-" + ProcessHandle.current().pid());
    }

    /** This machine's name, to tell in a lease or an instance id where a process runs. */
    public static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
