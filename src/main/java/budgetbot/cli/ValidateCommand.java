package budgetbot.cli;

import budgetbot.config.BotConfig;
import budgetbot.config.ConfigError;
import budgetbot.config.RuleConfig;
import budgetbot.config.ServerConfig;
import budgetbot.render.Amounts;
import budgetbot.rules.Coverage;
import budgetbot.ucloud.UCloudClient;
import budgetbot.usage.ApiKey;
import org.quartz.CronExpression;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;
import java.util.concurrent.Callable;

@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Load and check the configuration; print OK or every error with its location.",
                "With --online, also check the rules' keys and models against UCloud: print what \"*\" stands for,",
                "and warn, with its location, about every key or model UCloud does not know, is disabled or",
                "expired, or is not granted (exit 2)."})
final class ValidateCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--online", description = "also check keys and models against UCloud (ListUMInferAPIKey, "
            + "GetUMInferAPIModel)")
    boolean online;

    @Override
    public Integer call() {
        BotConfig cfg = config.load();
        cfg.server().filter(ServerConfig::openToTheNetwork)
                .ifPresent(s -> System.err.println("Warning: " + s.openWarning()));
        if (online) {
            List<ConfigError> warnings = checkOnline(cfg, Clock.systemUTC().instant());
            if (!warnings.isEmpty()) {
                System.err.println("Configuration warning" + (warnings.size() > 1 ? "s" : "")
                        + " (checked against UCloud):");
                warnings.forEach(w -> System.err.println("  " + w));
                return Main.INPUT_ERROR;
            }
        }
        printSchedules(cfg, Clock.systemUTC().instant());
        System.out.println("OK: " + Amounts.count(cfg.rules().size(), "rule") + ", "
                + Amounts.count(cfg.channels().size(), "channel")
                + (online ? "; UCloud serves every key and model they name" : ""));
        return 0;
    }

    /** Prints what each rule's {@code *} stands for; returns a located warning per key or model UCloud cannot serve. */
    private static List<ConfigError> checkOnline(BotConfig cfg, Instant now) {
        List<ApiKey> keys;
        try (UCloudClient client = UCloudClient.create(cfg.ucloud(), cfg.calendar().zone())) {
            keys = client.apiKeys();
        }
        List<ConfigError> warnings = new ArrayList<>();
        for (RuleConfig rule : cfg.rules()) {
            Coverage coverage = Coverage.of(rule, keys, now, cfg.prices());
            if (rule.keys().every()) {
                System.out.println("rule " + rule.name() + ": keys \"*\" = "
                        + String.join(", ", coverage.rule().keys().values()));
            }
            if (rule.models().every()) {
                System.out.println("rule " + rule.name() + ": models \"*\" = "
                        + String.join(", ", coverage.rule().models().values()));
            }
            coverage.problems().forEach(p -> warnings.add(p.where().problem(cfg.file(), p.message())));
        }
        warnings.sort(Comparator.comparingInt(ConfigError::line).thenComparingInt(ConfigError::column));
        return warnings;
    }

    /** When each rule and digest fires next, three times, in the configured zone: a cron read wrong shows here. */
    private static void printSchedules(BotConfig cfg, Instant now) {
        ZoneId zone = cfg.calendar().zone();
        DateTimeFormatter at = DateTimeFormatter.ofPattern("EEE d MMM HH:mm", Locale.ENGLISH);
        Map<String, String> schedules = new LinkedHashMap<>();
        cfg.rules().forEach(r -> schedules.put("rule " + r.name(), r.schedule()));
        cfg.digests().forEach(d -> schedules.put("digest " + d.name(), d.schedule()));
        schedules.forEach((what, cron) -> {
            List<String> next = new ArrayList<>();
            try {
                CronExpression expression = new CronExpression(cron);
                expression.setTimeZone(TimeZone.getTimeZone(zone));
                Date t = Date.from(now);
                for (int i = 0; i < 3 && (t = expression.getNextValidTimeAfter(t)) != null; i++) {
                    next.add(at.format(t.toInstant().atZone(zone)));
                }
            } catch (ParseException e) {
                throw new IllegalStateException("the loader accepted an invalid cron: " + cron, e);
            }
            System.out.println(what + ": \"" + cron + "\" next " + String.join(", ", next) + " (" + zone + ")");
        });
    }
}
