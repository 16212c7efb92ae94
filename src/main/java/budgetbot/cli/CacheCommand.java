package budgetbot.cli;

import budgetbot.config.BotConfig;
import budgetbot.fetch.SliceCache;
import budgetbot.state.StateStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "cache", mixinStandardHelpOptions = true,
        description = "Manage the usage cache: the settled days of usage kept in the state database.",
        subcommands = CacheCommand.Clear.class)
final class CacheCommand {
    @Command(name = "clear", mixinStandardHelpOptions = true,
            description = {"Forget cached days, so that the next check fetches them from UCloud again: after UCloud "
                    + "corrected usage older than ucloud.settle, or to free space."})
    static final class Clear implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Option(names = "--key", paramLabel = "KEY_ID", description = "only this API key's days")
        String key;

        @Option(names = "--before", paramLabel = "TIME",
                description = "only days that ended at or before this time: " + Times.FORMS)
        String before;

        @Override
        public Integer call() {
            BotConfig cfg = config.load();
            Clock clock = Clock.systemUTC();
            Optional<Instant> until = Optional.ofNullable(before)
                    .map(b -> Times.parse(b, cfg.calendar().zone(), clock.instant()));
            try (StateStore store = StateStore.open(cfg.state())) {
                int cleared = new SliceCache(store, clock).clear(Optional.ofNullable(key), until);
                System.out.println("cleared " + cleared + (cleared == 1 ? " cached day" : " cached days"));
            }
            return 0;
        }
    }
}
