package budgetbot.render;

import budgetbot.rules.Finding;
import budgetbot.rules.Projection;
import budgetbot.rules.QuotaCheck;
import budgetbot.state.AlertEvent;
import budgetbot.state.AlertStatus;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a quota alert says: how much of its own UCloud daily or monthly limit a key used, and that UCloud refuses its
 * requests at the limit. Amounts are in the account's billing currency ({@code ucloud.billingCurrency}).
 */
final class QuotaWords {
    private static final Pattern RECENT_PRICED = Pattern.compile("recent rate over the last (.+)"
            + Pattern.quote(QuotaCheck.PRICED));

    private final Words w;

    QuotaWords(Words w) {
        this.w = w;
    }

    /**
     * "uminferapikey-prod has used CNY 96.50 of its UCloud daily limit CNY 100.00 — UCloud refuses its requests at
     * the limit".
     */
    String title(AlertEvent e, KeyLabels labels, String condition) {
        Finding f = e.finding();
        String key = labels.key(f.group());
        if (e.status() == AlertStatus.RESOLVED) {
            return w.get("quota.resolved", key, condition);
        }
        BigDecimal limit = f.limit().orElseThrow();
        return w.get(f.used().compareTo(limit) >= 0 ? "quota.titleReached" : "quota.title", key,
                w.money(e.currency(), f.used()), condition, w.money(e.currency(), limit));
    }

    /** Used, the threshold crossed and when the limit is reached; the caller adds period and status. */
    List<AlertFormatter.Fact> facts(AlertEvent e) {
        Finding f = e.finding();
        BigDecimal limit = f.limit().orElseThrow();
        List<AlertFormatter.Fact> facts = new ArrayList<>();
        facts.add(new AlertFormatter.Fact(w.get("fact.used"), w.get("used.ofLimit", w.money(e.currency(), f.used()),
                w.money(e.currency(), limit), share(f))));
        if (f.level().signum() > 0) {
            facts.add(new AlertFormatter.Fact(w.get("fact.threshold"),
                    Amounts.percent(f.level(), 1, RoundingMode.DOWN)));
        }
        String rate = f.forecast().map(p -> rate(p.method())).orElseGet(() -> w.get("quota.rate.average"));
        facts.add(new AlertFormatter.Fact(w.get("fact.limit"), f.used().compareTo(limit) >= 0
                ? w.get("quota.limitReached", w.get("period." + f.period().name()))
                : f.forecast().flatMap(Projection::limitReachedAt)
                .map(t -> w.get("quota.reachedAt", w.dayAndTime(t.atZone(e.zone())), rate))
                .orElseGet(() -> w.get("quota.notReached", rate))));
        return facts;
    }

    /** The rate a time to the limit was measured at: recent, valued at the prices, or the period's average. */
    private String rate(String method) {
        Matcher recent = RECENT_PRICED.matcher(method);
        return recent.matches() ? w.get("quota.rate.recent", recent.group(1)) : w.get("quota.rate.average");
    }

    /** " at 96%", for a check's summary line. */
    static String summary(Finding f) {
        return " at " + share(f);
    }

    private static String share(Finding f) {
        return Amounts.percent(f.used().divide(f.limit().orElseThrow(), MathContext.DECIMAL64), 0, RoundingMode.DOWN);
    }
}
