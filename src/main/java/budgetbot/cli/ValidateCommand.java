package budgetbot.cli;

import budgetbot.config.BotConfig;
import budgetbot.config.Budget;
import budgetbot.config.ConfigError;
import budgetbot.config.RuleConfig;
import budgetbot.config.ServerConfig;
import budgetbot.render.Amounts;
import budgetbot.rules.Coverage;
import budgetbot.ucloud.UCloudClient;
import budgetbot.ucloud.UCloudException;
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
                "expired, or is not granted, or, when UCloud refuses to list the keys to these credentials, about",
                "them and every quota: and action: that needs the listing (exit 2)."})
final class ValidateCommand implements Callable<Integer> {
    private static final String PERMISSIONS = "docs/guard.md#permissions";

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
        } catch (UCloudException e) {
            if (!e.refused()) {
                throw e;
            }
            return unlisted(cfg, e);
        }
        List<ConfigError> warnings = new ArrayList<>();
        for (RuleConfig rule : cfg.rules()) {
            if (rule.budgets().stream().anyMatch(b -> b.action().isPresent())) {
                // the only way to know is to change a key
                System.out.println("rule " + rule.name() + ": its budget actions also need UpdateUMInferAPIKey, which"
                        + " validate cannot try without changing a key; see " + PERMISSIONS);
            }
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

    /**
     * UCloud answered, but refused to list the project's keys to these credentials: a warning for the credentials,
     * and one at each {@code quota:} and {@code action:}, which cannot work without the listing.
     */
    private static List<ConfigError> unlisted(BotConfig cfg, UCloudException e) {
        List<ConfigError> warnings = new ArrayList<>();
        warnings.add(new ConfigError(cfg.file(), 0, 0, "ucloud", "these credentials cannot list the project's API"
                + " keys: " + e.getMessage() + "; budgetbot lists them to resolve \"*\" and check the keys and models rules"
                + " name; grant the key pair ListUMInferAPIKey in UCloud's IAM (" + PERMISSIONS + ")"));
        for (int i = 0; i < cfg.rules().size(); i++) {
            RuleConfig rule = cfg.rules().get(i);
            rule.quota().ifPresent(q -> warnings.add(q.where().problem(cfg.file(), "rule " + rule.name()
                    + " cannot alert on quotas: it reads each key's UCloud limits from ListUMInferAPIKey, which these"
                    + " credentials may not call; grant ListUMInferAPIKey (" + PERMISSIONS + ")")));
            for (Budget budget : rule.budgets()) {
                budget.action().ifPresent(a -> warnings.add(a.where().problem(cfg.file(), "rule " + rule.name()
                        + " cannot " + a.what().yamlName() + " a key: an action reads the key with ListUMInferAPIKey"
                        + " just before changing it with UpdateUMInferAPIKey, and these credentials may not list"
                        + " keys; grant ListUMInferAPIKey and UpdateUMInferAPIKey (" + PERMISSIONS + ")")));
            }
        }
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
