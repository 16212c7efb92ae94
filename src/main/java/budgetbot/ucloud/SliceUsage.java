package budgetbot.ucloud;

import budgetbot.usage.UsageBucket;
import budgetbot.usage.UsageTotals;
import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/** The usage UCloud reported for one request: totals, and buckets keyed (and so ordered) by timestamp. */
record SliceUsage(UsageTotals totals, SortedMap<Instant, UsageBucket> buckets) {
    static final SliceUsage EMPTY = new SliceUsage(UsageTotals.ZERO, new TreeMap<>());

    private static final Logger log = LoggerFactory.getLogger(SliceUsage.class);
    /** 9999-12-31: far past any usage, well within what {@link Instant} holds. */
    private static final long MAX_TIMESTAMP = 253_402_300_799L;

    SliceUsage {
        buckets = Collections.unmodifiableSortedMap(new TreeMap<>(buckets));
    }

    /**
     * Reads a {@code TokenUsage} ({@code Data}); absent fields are zero. A total field that is absent is summed
     * from the {@code Usages} of its type; without either, {@code Total} is in + out.
     */
    static SliceUsage parse(JsonNode data) {
        Counts all = new Counts();
        Map<Instant, Counts> byTime = new TreeMap<>();
        for (JsonNode usage : data.path("Usages")) {
            String type = usage.path("Type").asText("").toLowerCase(Locale.ROOT);
            long count = usage.path("Count").asLong(0);
            all.add(type, count);
            JsonNode timestamp = usage.get("Timestamp");
            // a timestamp no calendar can hold (found by fuzzing: it made Instant throw and failed the fetch)
            if (timestamp == null || !timestamp.canConvertToLong() || timestamp.asLong() < 0
                    || timestamp.asLong() > MAX_TIMESTAMP) {
                log.debug("usage of type {} without a usable timestamp counts only towards the totals", type);
                continue;
            }
            byTime.computeIfAbsent(Instant.ofEpochSecond(timestamp.asLong()), t -> new Counts()).add(type, count);
        }
        long in = field(data, "InTotal").orElse(all.in);
        long out = field(data, "OutTotal").orElse(all.out);
        long total = field(data, "Total").orElse(all.hasTotal ? all.total : in + out);
        UsageTotals totals = new UsageTotals(in, out, total, field(data, "RequestTotal").orElse(all.requests),
                field(data, "ImageGenerationNum").orElse(all.images));
        SortedMap<Instant, UsageBucket> buckets = new TreeMap<>();
        byTime.forEach((t, c) -> buckets.put(t, new UsageBucket(t, c.totals(), c.other)));
        return new SliceUsage(totals, buckets);
    }

    /** Both slices together; buckets with the same timestamp are summed. */
    SliceUsage plus(SliceUsage o) {
        SortedMap<Instant, UsageBucket> merged = new TreeMap<>(buckets);
        o.buckets.forEach((t, b) -> merged.merge(t, b, SliceUsage::sum));
        return new SliceUsage(totals.plus(o.totals), merged);
    }

    List<UsageBucket> bucketList() {
        return List.copyOf(buckets.values());
    }

    private static UsageBucket sum(UsageBucket a, UsageBucket b) {
        Map<String, Long> other = new HashMap<>(a.other());
        b.other().forEach((type, n) -> other.merge(type, n, Long::sum));
        return new UsageBucket(a.timestamp(), a.totals().plus(b.totals()), other);
    }

    private static OptionalLong field(JsonNode data, String name) {
        JsonNode node = data.get(name);
        return node != null && node.canConvertToLong() ? OptionalLong.of(node.asLong()) : OptionalLong.empty();
    }

    /** Counts by usage type while reading {@code Usages}. */
    private static final class Counts {
        long in;
        long out;
        long total;
        long requests;
        long images;
        boolean hasTotal;
        final Map<String, Long> other = new HashMap<>();

        void add(String type, long count) {
            switch (type) {
                case "in" -> in += count;
                case "out" -> out += count;
                case "total" -> {
                    total += count;
                    hasTotal = true;
                }
                case "request_count" -> requests += count;
                case "image_generation" -> images += count;
                default -> {
                    log.debug("unknown usage type '{}' kept as other", type);
                    other.merge(type, count, Long::sum);
                }
            }
        }

        UsageTotals totals() {
            return new UsageTotals(in, out, hasTotal ? total : in + out, requests, images);
        }
    }
}
