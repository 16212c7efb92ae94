package budgetbot.cli;

import budgetbot.config.BotConfig;
import budgetbot.render.Amounts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Load and check the configuration; print OK or every error with its location.")
final class ValidateCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Override
    public Integer call() {
        BotConfig cfg = config.load();
        System.out.println("OK: " + Amounts.count(cfg.rules().size(), "rule") + ", "
                + Amounts.count(cfg.channels().size(), "channel"));
        return 0;
    }
}
