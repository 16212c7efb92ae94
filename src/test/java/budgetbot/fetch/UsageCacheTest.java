package budgetbot.fetch;

import budgetbot.rules.UsageSnapshot;
import budgetbot.state.StateStore;
import budgetbot.testing.MutableClock;
import budgetbot.testing.TestDb;
import budgetbot.time.PeriodCalendar;
import budgetbot.time.PeriodUnit;
import budgetbot.time.Window;
import budgetbot.ucloud.UCloudClient;
import budgetbot.usage.Series;
import budgetbot.usage.Usage;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The usage cache against a real local HTTP server whose usage the test edits: closed days are fetched once,
 * open ones every cycle, and the totals are those of a fetch without the cache.
 */
class UsageCacheTest {
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final Duration SETTLE = Duration.ofHours(2);
    private static final List<Series> SERIES = List.of(new Series("k1", "m1"), new Series("k1", "m2"),
            new Series("k2", "m1"));

    @TempDir
    Path tmp;

    UsageLedgerServer server;
    UCloudClient client;
    final MeterRegistry meters = new SimpleMeterRegistry();
    /** Each holds a pool of threads: closed after the test, so that none lingers into tests that count threads. */
    final List<UsageFetcher> fetchers = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = UsageLedgerServer.start();
        Instant from = t("2026-09-25T00:00+08:00");
        Instant to = t("2026-11-21T00:00+08:00");
        for (int i = 0; i < SERIES.size(); i++) {
            server.hourly(SERIES.get(i), from, to, 1000L * (i + 1));
        }
        client = server.client(SHANGHAI);
    }

    @AfterEach
    void stop() {
        fetchers.forEach(UsageFetcher::close);
        client.close();
        server.close();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void closedDaysAreFetchedOnceAndTotalsEqualThoseOfAnUncachedFetch(TestDb.Kind kind) throws Exception {
        MutableClock clock = new MutableClock(t("2026-11-20T10:37+08:00"));
        List<Window> windows = monthAndPreviousSpan(SHANGHAI, clock.instant());
        UsageSnapshot direct;
        try (UsageFetcher uncached = new UsageFetcher(client, Optional.empty(), SHANGHAI, SETTLE, clock, 4, meters)) {
            direct = uncached.fetch(windows, SERIES);
        }
        try (TestDb db = TestDb.create(kind, tmp)) {
            int before = server.requests();
            try (StateStore store = StateStore.open(db.config())) {
                assertSame(direct, fetcher(store, clock).fetch(windows, SERIES), windows);
            }
            // Nov 1..19 and Oct 1..20 (the last one whole, for its part up to 10:37), and the open Nov 20
            assertThat(server.requests() - before).isEqualTo(SERIES.size() * (19 + 20 + 1));
            assertThat(days("ucloud")).isEqualTo(SERIES.size() * (19 + 20));
            assertThat(days("cache")).isZero();

            clock.advance(Duration.ofMinutes(5));
            before = server.requests();
            try (StateStore restarted = StateStore.open(db.config())) {
                UsageSnapshot warm = fetcher(restarted, clock).fetch(monthAndPreviousSpan(SHANGHAI, clock.instant()),
                        SERIES);
                assertThat(server.requests() - before).as("one request per series after a restart")
                        .isEqualTo(SERIES.size());
                assertThat(days("cache")).isEqualTo(SERIES.size() * (19 + 20));
                assertThat(days("ucloud")).as("unchanged").isEqualTo(SERIES.size() * (19 + 20));
                try (UsageFetcher uncached = new UsageFetcher(client, Optional.empty(), SHANGHAI, SETTLE, clock, 4, meters)) {
                    List<Window> now = monthAndPreviousSpan(SHANGHAI, clock.instant());
                    assertSame(uncached.fetch(now, SERIES), warm, now);
                }
            }
        }
    }

    @Test
    void lateUsageIsPickedUpWithinTheSettleTimeAndAfterItOnlyOnceCleared() throws Exception {
        MutableClock clock = new MutableClock(t("2026-11-20T01:00+08:00"));
        Series late = SERIES.get(0);
        Instant lastHourOfNov19 = t("2026-11-19T23:00+08:00");
        try (TestDb db = TestDb.create(TestDb.Kind.H2, tmp); StateStore store = StateStore.open(db.config())) {
            UsageFetcher fetcher = fetcher(store, clock);
            long first = tokens(fetcher, clock, late);

            server.set(late, lastHourOfNov19, 1000 + 500);
            int before = server.requests();
            assertThat(tokens(fetcher, clock, late)).as("Nov 19 is still open at 01:00").isEqualTo(first + 750);
            assertThat(server.requests() - before).as("its open range is one request").isEqualTo(SERIES.size());

            clock.set(t("2026-11-20T03:00+08:00"));
            before = server.requests();
            long settled = tokens(fetcher, clock, late);
            assertThat(server.requests() - before).as("the open range, and Nov 19 once, now closed")
                    .isEqualTo(2 * SERIES.size());

            server.set(late, lastHourOfNov19, 1000 + 900);
            assertThat(tokens(fetcher, clock, late)).as("a correction after the settle time is not fetched")
                    .isEqualTo(settled);

            assertThat(new SliceCache(store, clock).clear(Optional.of("k1"), Optional.of(t("2026-11-20T00:00+08:00"))))
                    .as("Nov 1..19 of k1's two models").isEqualTo(2 * 19);
            assertThat(tokens(fetcher, clock, late)).isEqualTo(settled + 600);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestDb.Kind.class)
    void instancesSharingTheDatabaseShareTheCache(TestDb.Kind kind) throws Exception {
        MutableClock clock = new MutableClock(t("2026-11-20T10:37+08:00"));
        List<Window> windows = monthAndPreviousSpan(SHANGHAI, clock.instant());
        try (TestDb db = TestDb.create(kind, tmp); StateStore a = StateStore.open(db.config());
             StateStore b = StateStore.open(db.config())) {
            UsageSnapshot first = fetcher(a, clock).fetch(windows, SERIES);
            int before = server.requests();
            UsageSnapshot second = fetcher(b, clock).fetch(windows, SERIES);

            assertThat(server.requests() - before).isEqualTo(SERIES.size());
            assertSame(first, second, windows);
        }
    }

    @Test
    void daysCutInAnotherTimezoneAreNotReused() throws Exception {
        MutableClock clock = new MutableClock(t("2026-11-20T10:37+08:00"));
        ZoneId utc = ZoneId.of("UTC");
        try (TestDb db = TestDb.create(TestDb.Kind.H2, tmp); StateStore store = StateStore.open(db.config());
             UCloudClient utcClient = server.client(utc)) {
            fetcher(store, clock).fetch(monthAndPreviousSpan(SHANGHAI, clock.instant()), SERIES);

            List<Window> windows = monthAndPreviousSpan(utc, clock.instant());
            int before = server.requests();
            UsageSnapshot cached = opened(new UsageFetcher(utcClient, Optional.of(new SliceCache(store, clock)), utc,
                    SETTLE, clock, 4, meters)).fetch(windows, SERIES);
            assertThat(server.requests() - before).as("Nov 1..19, Oct 1..20 and the open Nov 20, all in UTC")
                    .isEqualTo(SERIES.size() * (19 + 20 + 1));
            try (UsageFetcher uncached = new UsageFetcher(utcClient, Optional.empty(), utc, SETTLE, clock, 4, meters)) {
                assertSame(uncached.fetch(windows, SERIES), cached, windows);
            }
        }
    }

    @Test
    void aPairTheFetchDidNotAskForIsNotReadAsZero() throws Exception {
        MutableClock clock = new MutableClock(t("2026-11-20T10:37+08:00"));
        List<Window> windows = monthAndPreviousSpan(SHANGHAI, clock.instant());
        try (TestDb db = TestDb.create(TestDb.Kind.H2, tmp); StateStore store = StateStore.open(db.config())) {
            UsageSnapshot snapshot = fetcher(store, clock).fetch(windows.subList(0, 1), SERIES.subList(0, 1));

            assertThat(snapshot.get(windows.get(0), SERIES.get(0)).totals().inputTokens()).isPositive();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> snapshot.get(windows.get(1), SERIES.get(0)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("was not fetched");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> snapshot.get(windows.get(0), SERIES.get(1)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("k1 x m2");
        }
    }

    private double days(String source) {
        return meters.get("budgetbot.usage.cache.days").tag("source", source).counter().count();
    }

    private UsageFetcher fetcher(StateStore store, MutableClock clock) {
        return opened(new UsageFetcher(client, Optional.of(new SliceCache(store, clock)), SHANGHAI, SETTLE, clock, 4,
                meters));
    }

    private UsageFetcher opened(UsageFetcher fetcher) {
        fetchers.add(fetcher);
        return fetcher;
    }

    /** The month so far and the same span of the previous month: a monthly budget with month-over-month growth. */
    private static List<Window> monthAndPreviousSpan(ZoneId zone, Instant at) {
        PeriodCalendar calendar = PeriodCalendar.of(zone);
        return List.of(calendar.soFar(PeriodUnit.MONTH, at), calendar.previousSameSpan(PeriodUnit.MONTH, at));
    }

    private static long tokens(UsageFetcher fetcher, MutableClock clock, Series series) {
        Window month = PeriodCalendar.of(SHANGHAI).soFar(PeriodUnit.MONTH, clock.instant());
        return fetcher.fetch(List.of(month), SERIES).get(month, series).totals().totalTokens();
    }

    private static void assertSame(UsageSnapshot expected, UsageSnapshot actual, List<Window> windows) {
        for (Window w : windows) {
            for (Series s : SERIES) {
                Usage e = expected.get(w, s);
                Usage a = actual.get(w, s);
                assertThat(a.totals()).as("%s over %s", s, w).isEqualTo(e.totals());
                assertThat(a.buckets()).as("%s over %s", s, w).isEqualTo(e.buckets());
                assertThat(a.totals().totalTokens()).isPositive();
            }
        }
    }

    private static Instant t(String offsetDateTime) {
        return OffsetDateTime.parse(offsetDateTime).toInstant();
    }
}
