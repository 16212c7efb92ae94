package budgetbot.digest;

import budgetbot.time.PeriodUnit;
import budgetbot.time.Window;

import budgetbot.usage.ApiKey;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The content of one digest, ready to render: one section per group and the overall total.
 *
 * @param currency the price list's currency, when any covered model has a price
 * @param overall  the sum over every covered series (each once); present when there is more than one group
 * @param at       when the digest was made
 * @param late     why it was made after its time, when it was
 * @param silences the silences holding at {@code at}
 */
public record DigestReport(String name, PeriodUnit period, ZoneId zone, Window report, Window comparison,
                           Optional<String> currency, List<GroupReport> groups, Optional<GroupReport> overall,
                           Instant at, Optional<Lateness> late, List<ActiveSilence> silences,
                           List<ApiKey> keyLimits, String billingCurrency) {
    public DigestReport {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(comparison, "comparison");
        Objects.requireNonNull(currency, "currency");
        groups = List.copyOf(groups);
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("a digest needs at least one group");
        }
        Objects.requireNonNull(overall, "overall");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(late, "late");
        silences = List.copyOf(silences);
        keyLimits = List.copyOf(keyLimits);
        Objects.requireNonNull(billingCurrency, "billingCurrency");
    }

    /** A report that lists no key's UCloud limits. */
    public DigestReport(String name, PeriodUnit period, ZoneId zone, Window report, Window comparison,
                        Optional<String> currency, List<GroupReport> groups, Optional<GroupReport> overall,
                        Instant at, Optional<Lateness> late, List<ActiveSilence> silences) {
        this(name, period, zone, report, comparison, currency, groups, overall, at, late, silences, List.of(), "");
    }

    /** The same report listing each of {@code keys}' own UCloud limits and their use, in {@code currency}. */
    public DigestReport withKeyLimits(List<ApiKey> keys, String currency) {
        return new DigestReport(name, period, zone, report, comparison, this.currency, groups, overall, at, late,
                silences, keys, currency);
    }

    /** The same report listing {@code active} as the silences holding. */
    public DigestReport withSilences(List<ActiveSilence> active) {
        return new DigestReport(name, period, zone, report, comparison, currency, groups, overall, at, late, active,
                keyLimits, billingCurrency);
    }

    /** The section that sums up the whole digest: the overall total, or the only group. */
    public GroupReport headline() {
        return overall.orElse(groups.get(0));
    }

    public boolean noUsage() {
        return headline().noUsage();
    }
}
