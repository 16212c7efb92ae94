package budgetbot.state;

import budgetbot.rules.Finding;
import budgetbot.rules.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;

import static budgetbot.state.Fixtures.DAY1;
import static budgetbot.state.Fixtures.DAY2;
import static budgetbot.state.Fixtures.budget;
import static budgetbot.state.Fixtures.finding;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

class AlertPolicyTest {
    private static final Instant NOW = DAY2.plus(Duration.ofHours(10));
    private static final Optional<Duration> NO_REPEAT = Optional.empty();
    private static final Optional<Duration> HOURLY = Optional.of(Duration.ofHours(1));

    private static Optional<AlertRecord> record(Kind kind, Instant period, String level, boolean active,
                                                Duration notifiedAgo) {
        Finding f = finding(kind, period, true, level);
        Instant notified = NOW.minus(notifiedAgo);
        return Optional.of(new AlertRecord(f.rule(), f.condition(), f.group(), "ops", period, kind,
                new BigDecimal(level), active, notified, notified, notified,
                active ? Optional.empty() : Optional.of(notified)));
    }

    private static Optional<AlertRecord> budgetRecord(Instant period, String level, Duration notifiedAgo) {
        return record(Kind.BUDGET, period, level, true, notifiedAgo);
    }

    static Stream<Arguments> cases() {
        Duration minutes5 = Duration.ofMinutes(5);
        return Stream.of(
                argumentSet("first time a threshold is reached fires",
                        Optional.empty(), budget(DAY2, "0.8"), NO_REPEAT, Optional.of(AlertStatus.FIRING)),
                argumentSet("the same level again is not news",
                        budgetRecord(DAY2, "0.8", minutes5), budget(DAY2, "0.8"), NO_REPEAT, Optional.empty()),
                argumentSet("an equal level written with another scale is not news",
                        budgetRecord(DAY2, "0.8", minutes5), budget(DAY2, "0.80"), NO_REPEAT, Optional.empty()),
                argumentSet("a higher threshold escalates",
                        budgetRecord(DAY2, "0.8", minutes5), budget(DAY2, "1.0"), NO_REPEAT, Optional.of(AlertStatus.ESCALATED)),
                argumentSet("a lower level within the period is silent",
                        budgetRecord(DAY2, "1.0", minutes5), budget(DAY2, "0.8"), NO_REPEAT, Optional.empty()),
                argumentSet("repeat not yet due",
                        budgetRecord(DAY2, "0.8", Duration.ofMinutes(59)), budget(DAY2, "0.8"), HOURLY, Optional.empty()),
                argumentSet("repeat due exactly at the interval",
                        budgetRecord(DAY2, "0.8", Duration.ofHours(1)), budget(DAY2, "0.8"), HOURLY, Optional.of(AlertStatus.REMINDER)),
                argumentSet("without repeat an old alert is not repeated",
                        budgetRecord(DAY2, "0.8", Duration.ofHours(9)), budget(DAY2, "0.8"), NO_REPEAT, Optional.empty()),
                argumentSet("a new period starts fresh, even at a lower level",
                        budgetRecord(DAY1, "1.0", Duration.ofHours(12)), budget(DAY2, "0.8"), NO_REPEAT, Optional.of(AlertStatus.FIRING)),
                argumentSet("a budget below every threshold in a new period is silent",
                        budgetRecord(DAY1, "1.0", Duration.ofHours(12)), budget(DAY2, "0"), NO_REPEAT, Optional.empty()),
                argumentSet("growth that stops holding resolves",
                        record(Kind.GROWTH, DAY2, "1", true, minutes5), finding(Kind.GROWTH, DAY2, false, "0"), NO_REPEAT,
                        Optional.of(AlertStatus.RESOLVED)),
                argumentSet("growth announced last period resolves in this one",
                        record(Kind.GROWTH, DAY1, "1", true, Duration.ofHours(12)), finding(Kind.GROWTH, DAY2, false, "0"),
                        NO_REPEAT, Optional.of(AlertStatus.RESOLVED)),
                argumentSet("resolved growth does not resolve twice",
                        record(Kind.GROWTH, DAY2, "1", false, minutes5), finding(Kind.GROWTH, DAY2, false, "0"), HOURLY,
                        Optional.empty()),
                argumentSet("resolved growth fires again in the same period",
                        record(Kind.GROWTH, DAY2, "1", false, minutes5), finding(Kind.GROWTH, DAY2, true, "1"), NO_REPEAT,
                        Optional.of(AlertStatus.FIRING)),
                argumentSet("growth never announced and not holding is silent",
                        Optional.empty(), finding(Kind.GROWTH, DAY2, false, "0"), NO_REPEAT, Optional.empty()),
                argumentSet("an anomalous hour fires",
                        Optional.empty(), finding(Kind.ANOMALY, DAY2, true, "1"), NO_REPEAT, Optional.of(AlertStatus.FIRING)),
                argumentSet("a second anomalous hour in a row escalates",
                        record(Kind.ANOMALY, DAY2, "1", true, minutes5), finding(Kind.ANOMALY, DAY2, true, "2"), NO_REPEAT,
                        Optional.of(AlertStatus.ESCALATED)),
                argumentSet("a third anomalous hour is a reminder only when due",
                        record(Kind.ANOMALY, DAY2, "2", true, minutes5), finding(Kind.ANOMALY, DAY2, true, "2"), HOURLY,
                        Optional.empty()),
                argumentSet("an hour back within bounds resolves the anomaly",
                        record(Kind.ANOMALY, DAY2, "2", true, minutes5), finding(Kind.ANOMALY, NOW, false, "0"), NO_REPEAT,
                        Optional.of(AlertStatus.RESOLVED)),
                argumentSet("a new anomalous run fires afresh",
                        record(Kind.ANOMALY, DAY1, "2", false, minutes5), finding(Kind.ANOMALY, DAY2, true, "1"), NO_REPEAT,
                        Optional.of(AlertStatus.FIRING)),
                argumentSet("a forecast that stops holding is silent",
                        record(Kind.FORECAST, DAY2, "1", true, minutes5), finding(Kind.FORECAST, DAY2, false, "0"), HOURLY,
                        Optional.empty()),
                argumentSet("a forecast that holds fires",
                        Optional.empty(), finding(Kind.FORECAST, DAY2, true, "1"), NO_REPEAT, Optional.of(AlertStatus.FIRING)));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void decides(Optional<AlertRecord> last, Finding f, Optional<Duration> repeat, Optional<AlertStatus> expected) {
        assertThat(AlertPolicy.decide(last, f, NOW, repeat)).isEqualTo(expected);
    }

    @Test
    void escalationKeepsTheEpisodeStartAndRaisesTheLevel() {
        AlertRecord before = budgetRecord(DAY2, "0.8", Duration.ofHours(2)).orElseThrow();
        AlertRecord after = AlertPolicy.after(Optional.of(before), budget(DAY2, "1.0"), "ops", AlertStatus.ESCALATED, NOW);
        assertThat(after.level()).isEqualByComparingTo("1.0");
        assertThat(after.firstFired()).isEqualTo(before.firstFired());
        assertThat(after.lastFired()).isEqualTo(NOW);
        assertThat(after.lastNotified()).isEqualTo(NOW);
        assertThat(after.active()).isTrue();
    }

    @Test
    void reminderOnlyMovesTheNotificationTime() {
        AlertRecord before = budgetRecord(DAY2, "0.8", Duration.ofHours(2)).orElseThrow();
        AlertRecord after = AlertPolicy.after(Optional.of(before), budget(DAY2, "0.8"), "ops", AlertStatus.REMINDER, NOW);
        assertThat(after).usingRecursiveComparison().ignoringFields("lastNotified").isEqualTo(before);
        assertThat(after.lastNotified()).isEqualTo(NOW);
    }

    @Test
    void resolveMarksTheRecordInactive() {
        AlertRecord before = record(Kind.GROWTH, DAY2, "1", true, Duration.ofHours(2)).orElseThrow();
        AlertRecord after = AlertPolicy.after(Optional.of(before), finding(Kind.GROWTH, DAY2, false, "0"), "ops",
                AlertStatus.RESOLVED, NOW);
        assertThat(after.active()).isFalse();
        assertThat(after.resolvedAt()).contains(NOW);
        assertThat(after.level()).isEqualByComparingTo("1");
    }
}
