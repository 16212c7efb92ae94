package budgetbot.render;

import budgetbot.notify.Brief;
import budgetbot.rules.Finding;
import budgetbot.state.AlertEvent;
import budgetbot.state.AlertStatus;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The alerts of a message as Alertmanager and PagerDuty identify them: labels, annotations, and a fingerprint that
 * every event of one alert condition, group and period shares, so that a resolution closes what its firing opened.
 */
final class BriefAlerts {
    /** Hex digits of the fingerprint: 128 bits, far within PagerDuty's 255 characters of a dedup_key. */
    private static final int FINGERPRINT_HEX = 32;

    private BriefAlerts() {
    }

    /** The alert {@code e} announces; {@code summary} is its line of the headline, {@code description} its numbers. */
    static Brief.Alert of(AlertEvent e, String summary, String description, String severity) {
        Finding f = e.finding();
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("alertname", f.rule());
        labels.put("group", f.group());
        labels.put("key", String.join(",", f.keys()));
        labels.put("model", String.join(",", f.models()));
        labels.put("condition", f.condition());
        labels.put("severity", severity);
        AlertEvent.Episode episode = e.episode();
        boolean resolved = e.status() == AlertStatus.RESOLVED;
        return new Brief.Alert(resolved ? Brief.Alert.RESOLVED : Brief.Alert.FIRING, labels,
                annotations(summary, description), episode.since().toString(),
                resolved ? episode.at().toString() : null,
                fingerprint(List.of(f.rule(), f.condition(), f.group(), episode.periodStart().toString())));
    }

    /**
     * An alert about something a rule cannot see (a notice): {@code condition} names what, and with {@code what}
     * (which of several such problems) and the notice's start identifies it, so that a recovery resolves the
     * outage it follows.
     */
    static Brief.Alert notice(String rule, String condition, String what, boolean resolved, Instant since, Instant at,
                              String summary, String description) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("alertname", rule);
        labels.put("condition", condition);
        labels.put("severity", "info");
        return new Brief.Alert(resolved ? Brief.Alert.RESOLVED : Brief.Alert.FIRING, labels,
                annotations(summary, description), since.toString(), resolved ? at.toString() : null,
                fingerprint(List.of(rule, condition, what, since.toString())));
    }

    private static Map<String, String> annotations(String summary, String description) {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("summary", summary);
        annotations.put("description", description);
        return annotations;
    }

    /** A digest of the parts, each length-prefixed so that no two lists of names give the same input. */
    static String fingerprint(List<String> parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String p : parts) {
                byte[] bytes = p.getBytes(StandardCharsets.UTF_8);
                sha.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
                sha.update(bytes);
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, FINGERPRINT_HEX);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
