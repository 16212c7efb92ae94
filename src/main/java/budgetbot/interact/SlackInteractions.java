package budgetbot.interact;

import budgetbot.app.App;
import budgetbot.config.ChannelConfig;
import budgetbot.guard.Actions;
import budgetbot.render.SlackButtons;
import budgetbot.render.Words;
import budgetbot.state.Act;
import budgetbot.state.Silence;
import budgetbot.time.Sleeper;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Slack's Interactivity endpoint ({@code POST /slack/interactions}): the clicks of the buttons alerts carry on a
 * Slack bot's channel with a {@code signingSecret}. A click is verified as Slack signs it ({@code X-Slack-Signature}
 * = {@code v0=} + hex HmacSHA256(signingSecret, {@code "v0:" + timestamp + ":" + body}), compared in constant time,
 * the timestamp at most five minutes away), answered at once, and acted on afterwards: a snooze silences the rule's
 * group, an acknowledgement holds back its reminders, Approve and Reject decide a budget action waiting for approval
 * as the {@code action} command does; the message is then updated through the click's
 * {@code response_url}. Each click is acted on once (its id is unique in the alert log), whichever instance of a
 * cluster receives it and however often.
 */
public final class SlackInteractions implements AutoCloseable {
    public static final String PATH = "/slack/interactions";
    /** How far a request's timestamp may be from now, as Slack advises: older ones are replays. */
    static final Duration TOLERANCE = Duration.ofMinutes(5);
    private static final Logger log = LoggerFactory.getLogger(SlackInteractions.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String METER = "budgetbot.slack.clicks";
    /** Clicks come from people: a few waiting is plenty, more are refused rather than piled up. */
    private static final int MAX_WAITING = 100;

    private final Supplier<App> app;
    private final ResponseUrl responses;
    private final ExecutorService actions;

    /** @param app the app of the configuration running now, read for every click */
    public SlackInteractions(Supplier<App> app) {
        this(app, Sleeper.REAL);
    }

    SlackInteractions(Supplier<App> app, Sleeper sleeper) {
        this.app = Objects.requireNonNull(app, "app");
        this.responses = new ResponseUrl(sleeper);
        AtomicInteger threads = new AtomicInteger();
        this.actions = new ThreadPoolExecutor(1, 2, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(MAX_WAITING), r -> {
            Thread t = new Thread(r, "slack-clicks-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** An HTTP answer: the status, and a line for whoever reads it (Slack shows none of it). */
    public record Answer(int status, String body) {
    }

    /**
     * Verifies a request and, when it is a click on one of budgetbot's buttons, acts on it after answering.
     *
     * @param header the request's header of that name, or null
     * @param body   the raw body, as signed
     */
    public Answer handle(Function<String, String> header, byte[] body) {
        App current = app.get();
        Map<String, ChannelConfig.Buttons> buttons = buttons(current);
        if (buttons.isEmpty()) {
            return new Answer(404, "no Slack channel has a signingSecret: there are no buttons to click\n");
        }
        Instant now = current.clock().instant();
        String timestamp = header.apply("X-Slack-Request-Timestamp");
        String signature = header.apply("X-Slack-Signature");
        Optional<Instant> signedAt = epochSeconds(timestamp);
        if (signedAt.isEmpty() || signature == null) {
            return refused(current, 401, "unsigned", "a request without Slack's signature headers");
        }
        if (Duration.between(signedAt.get(), now).abs().compareTo(TOLERANCE) > 0) {
            return refused(current, 401, "stale", "a request signed at " + signedAt.get()
                    + ", more than 5 minutes from now (a replay, or this host's clock is off)");
        }
        Set<String> signedFor = buttons.entrySet().stream()
                .filter(e -> signed(e.getValue(), timestamp, body, signature)).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
        if (signedFor.isEmpty()) {
            return refused(current, 401, "forged", "a request whose signature matches no channel's signingSecret"
                    + " (forged, or the Slack app's signing secret changed)");
        }
        Optional<Click> click = Click.read(payload(body));
        if (click.isEmpty()) {
            // Slack sends other interactions of the app here too (a shortcut, a view): nothing of ours to do
            log.debug("a signed Slack interaction that is not a click on budgetbot's buttons: ignored");
            return new Answer(200, "");
        }
        Click c = click.get();
        if (!signedFor.contains(c.act().channel())) {
            return refused(current, 403, "forged", "a click on channel " + c.act().channel() + "'s buttons signed"
                    + " with another channel's signingSecret");
        }
        if (!ResponseUrl.acceptable(c.responseUrl())) {
            return refused(current, 400, "invalid", "a click whose response_url is neither https nor local");
        }
        if (!buttons.get(c.act().channel()).allows(c.act().userId())) {
            log.warn("Slack user {} ({}) pressed {} on channel {} but is not in its allowedUsers: nothing done",
                    c.act().userName(), c.act().userId(), c.action(), c.act().channel());
            count(current, "refused");
            submit(current, () -> responses.post(c.responseUrl(), ephemeral("You are not allowed to act on these"
                    + " alerts: ask to be added to allowedUsers of channel " + c.act().channel() + " in rules.yml.")));
            return new Answer(200, "");
        }
        submit(current, () -> act(current, c));
        return new Answer(200, "");
    }

    /** What a click does, after its request was answered. */
    private void act(App app, Click c) {
        Instant now = app.clock().instant();
        SlackButtons.Target target = c.target();
        if (!c.action().decides() && app.config().rules().stream().noneMatch(r -> r.name().equals(target.rule()))) {
            count(app, "invalid");
            responses.post(c.responseUrl(), ephemeral("Rule " + target.rule() + " is no longer in the configuration:"
                    + " nothing done."));
            return;
        }
        String what = c.action() + " of rule " + target.rule() + ", group " + target.group()
                + (target.action().isPresent() ? ", action #" + target.action().getAsLong() : "") + " by Slack user "
                + c.act().userName() + " (" + c.act().userId() + ") on channel " + c.act().channel();
        Optional<String> update;
        try {
            update = switch (c.action()) {
                case ACKNOWLEDGE -> acknowledge(app, c, now, what);
                case SNOOZE_4H, SNOOZE_24H -> snooze(app, c, now, what);
                case APPROVE, REJECT -> decide(app, c, now, what);
            };
        } catch (RuntimeException e) {
            log.warn("{} failed: {}", what, e.getMessage(), e);
            count(app, "failed");
            responses.post(c.responseUrl(), ephemeral("budgetbot could not do it: " + e.getMessage() + ". Try again,"
                    + " or use the budgetbot command on the bot's host (silence add, action approve ...)."));
            return;
        }
        if (update.isEmpty()) {
            log.info("{}: this click was acted on already (a retry, or another instance received it)", what);
            count(app, "duplicate");
            return;
        }
        count(app, switch (c.action()) {
            case ACKNOWLEDGE -> "acknowledged";
            case SNOOZE_4H, SNOOZE_24H -> "snoozed";
            case APPROVE -> "approved";
            case REJECT -> "rejected";
        });
        ObjectNode replace = JSON.createObjectNode().put("replace_original", true).put("text", c.text());
        try {
            replace.set("blocks", JSON.readTree(update.get()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("SlackButtons wrote blocks that are not JSON", e);
        }
        responses.post(c.responseUrl(), replace.toString());
    }

    /** Approves or rejects a budget action as {@code budgetbot action approve|reject} does, naming the Slack user. */
    private Optional<String> decide(App app, Click c, Instant now, String what) {
        long id = c.target().action().orElseThrow();
        if (!app.store().logAct(c.act(), c.action().name() + " #" + id, c.target().rule(), c.target().group(),
                now)) {
            return Optional.empty();
        }
        String by = c.act().userName() + " (" + c.act().userId() + ") from Slack";
        Actions.Result r = c.action() == SlackButtons.Action.APPROVE ? app.actions().approve(id, by)
                : app.actions().reject(id, by);
        log.info("{}: {}", what, r.message());
        String key = switch (r.outcome()) {
            case DONE -> c.action() == SlackButtons.Action.APPROVE ? "button.approved" : "button.rejected";
            case FAILED -> "button.approveFailed";
            case FINISHED -> "button.finished";
            case NOT_FOUND -> throw new IllegalStateException(r.message());
        };
        String detail = r.outcome() == Actions.Outcome.FINISHED
                ? r.action().orElseThrow().status().name().toLowerCase(Locale.ROOT) : r.message();
        return Optional.of(SlackButtons.decided(c.blocks(), key, c.act().userId(), id, detail, now,
                app.config().calendar().zone(), Words.of(app.config().locale())));
    }

    private Optional<String> snooze(App app, Click c, Instant now, String what) {
        Instant until = now.plus(c.action().snooze().orElseThrow());
        Optional<Silence> silence = app.store().snooze(c.act(), c.target().rule(), c.target().group(), until,
                "snoozed from Slack by " + c.act().userName() + " (" + c.act().userId() + ")", now);
        silence.ifPresent(s -> log.info("{}: silence #{} until {}", what, s.id(), until));
        return silence.map(s -> SlackButtons.snoozed(c.blocks(), c.act().userId(), s.id(), now, until,
                app.config().calendar().zone(), Words.of(app.config().locale())));
    }

    private Optional<String> acknowledge(App app, Click c, Instant now, String what) {
        if (!app.store().acknowledge(c.act(), c.target().rule(), c.target().group(), c.target().conditions(), now)) {
            return Optional.empty();
        }
        log.info("{}: acknowledged {}", what, c.target().conditions());
        return Optional.of(SlackButtons.acknowledged(c.blocks(), c.act().userId(), now,
                app.config().calendar().zone(), Words.of(app.config().locale())));
    }

    private void submit(App app, Runnable work) {
        try {
            actions.execute(work);
        } catch (RejectedExecutionException e) {
            log.warn("a Slack click was not acted on: {} clicks are waiting already", MAX_WAITING);
            count(app, "failed");
        }
    }

    /** The channels with buttons, by name. */
    private static Map<String, ChannelConfig.Buttons> buttons(App app) {
        Map<String, ChannelConfig.Buttons> buttons = new LinkedHashMap<>();
        app.config().channels().forEach((name, channel) -> {
            if (channel instanceof ChannelConfig.Slack slack && slack.buttons().isPresent()) {
                buttons.put(name, slack.buttons().get());
            }
        });
        return buttons;
    }

    private static Optional<Instant> epochSeconds(String timestamp) {
        try {
            return timestamp == null ? Optional.empty() : Optional.of(Instant.ofEpochSecond(Long.parseLong(timestamp)));
        } catch (NumberFormatException | DateTimeException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code signature} is Slack's for this body with the channel's secret, compared in constant time. */
    static boolean signed(ChannelConfig.Buttons buttons, String timestamp, byte[] body, String signature) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(buttons.signingSecret().reveal().getBytes(StandardCharsets.UTF_8),
                    "HmacSHA256"));
            mac.update(("v0:" + timestamp + ":").getBytes(StandardCharsets.UTF_8));
            String expected = "v0=" + HexFormat.of().formatHex(mac.doFinal(body));
            return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                    signature.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** The {@code payload} field of a form-encoded body, parsed; empty when there is none or it is not JSON. */
    private static Optional<JsonNode> payload(byte[] body) {
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            if (pair.startsWith("payload=")) {
                try {
                    return Optional.ofNullable(JSON.readTree(URLDecoder.decode(pair.substring(8),
                            StandardCharsets.UTF_8)));
                } catch (JsonProcessingException | IllegalArgumentException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    private static Answer refused(App app, int status, String outcome, String why) {
        log.warn("refused a Slack click on {}: {}", PATH, why);
        count(app, outcome);
        return new Answer(status, status == 401 ? "invalid signature or timestamp\n" : "refused\n");
    }

    private static void count(App app, String outcome) {
        app.telemetry().registry().counter(METER, "outcome", outcome).increment();
    }

    private static String ephemeral(String text) {
        return JSON.createObjectNode().put("response_type", "ephemeral").put("replace_original", false)
                .put("text", text).toString();
    }

    /** Stops acting on clicks; one being acted on gets a few seconds to finish. */
    @Override
    public void close() {
        actions.shutdown();
        try {
            if (!actions.awaitTermination(5, TimeUnit.SECONDS)) {
                actions.shutdownNow();
            }
        } catch (InterruptedException e) {
            actions.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
