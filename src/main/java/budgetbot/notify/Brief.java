package budgetbot.notify;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a message says, as structure, for transports that lay a message out in their platform's own form (a Feishu
 * card, DingTalk and WeCom markdown, an Alertmanager webhook, a PagerDuty event). Rendered from the same facts as
 * the message's text, so that every channel says the same.
 *
 * @param tone     how serious it is: the colour of a card, the severity of an incident
 * @param headline one line: what happened
 * @param parts    the numbers, one part per condition (or per group of a digest)
 * @param footer   where it comes from: rule, group, keys and models, or the digest's period
 * @param alerts   the alerts the message announces, for receivers that track them (none in a digest or a test)
 */
public record Brief(Tone tone, String headline, List<Part> parts, String footer, List<Alert> alerts) {
    public enum Tone {
        /** Notices, tests and digests: nothing is over a limit. */
        INFO,
        /** An alert below its limit: a threshold, a forecast, growth. */
        WARNING,
        /** A limit is reached, or an alert escalated. */
        CRITICAL,
        /** Everything it announces is back to normal. */
        RESOLVED
    }

    public Brief {
        Objects.requireNonNull(tone, "tone");
        Objects.requireNonNull(headline, "headline");
        parts = List.copyOf(parts);
        Objects.requireNonNull(footer, "footer");
        alerts = List.copyOf(alerts);
    }

    /** A label and its value: "Used" and "12,000,000 of 15,000,000 tokens (80%)". */
    public record Field(String label, String value) {
        public Field {
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * One condition of an alert, or one group of a digest.
     *
     * @param title what it is about; empty when the headline says it
     * @param lines further detail, least important: the top contributors; a line ending in a colon heads the lines
     *              after it ("Top contributors:")
     */
    public record Part(String title, List<Field> fields, List<String> lines) {
        public Part {
            Objects.requireNonNull(title, "title");
            fields = List.copyOf(fields);
            lines = List.copyOf(lines);
        }
    }

    /**
     * One alert as Alertmanager describes one: firing or resolved, labels that identify it, annotations that
     * describe it. Times are ISO-8601 strings, as they go on the wire.
     *
     * @param status      {@code firing} or {@code resolved}
     * @param labels      alertname (the rule), group, key, model, condition, severity ({@code critical},
     *                    {@code warning} or {@code info}), in that order
     * @param annotations summary (one line) and description (the numbers)
     * @param startsAt    when the alert was first announced
     * @param endsAt      when it resolved; null while it fires
     * @param fingerprint the same for every event of one alert condition, group and period (a hex digest)
     */
    public record Alert(String status, Map<String, String> labels, Map<String, String> annotations, String startsAt,
                        String endsAt, String fingerprint) {
        public static final String FIRING = "firing";
        public static final String RESOLVED = "resolved";

        public Alert {
            Objects.requireNonNull(status, "status");
            labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
            annotations = Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
            Objects.requireNonNull(startsAt, "startsAt");
            Objects.requireNonNull(fingerprint, "fingerprint");
        }

        public boolean resolved() {
            return RESOLVED.equals(status);
        }

        public String label(String name) {
            return labels.getOrDefault(name, "");
        }

        public String annotation(String name) {
            return annotations.getOrDefault(name, "");
        }
    }
}
