package budgetbot.cli;

import budgetbot.app.App;
import budgetbot.app.Delivery;
import budgetbot.app.DigestService;
import budgetbot.config.BotConfig;
import budgetbot.config.DigestConfig;
import budgetbot.delivery.DrainResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Callable;

@Command(name = "digest", mixinStandardHelpOptions = true,
        description = {"Build a digest of the previous complete period as of --at and send it now.",
                "Sent once per period per channel: a second run sends nothing.",
                "With --out, write the HTML, text and PNG chart into DIR instead of sending."})
final class DigestCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--name", required = true, paramLabel = "NAME", description = "the digest's name in rules.yml")
    String name;

    @Option(names = "--at", paramLabel = "TIME", description = "act as of this moment (default now): "
            + Times.FORMS)
    String at;

    @Option(names = "--dry-run", description = "show what would be sent; send nothing, write nothing")
    boolean dryRun;

    @Option(names = "--out", paramLabel = "DIR", description = "write <name>-<date>.html, .txt and .png here; send "
            + "nothing, write no state")
    Path out;

    @Override
    public Integer call() throws Exception {
        BotConfig cfg = dryRun || out != null ? config.loadToInspect() : config.load();
        DigestConfig digest = cfg.digest(name).orElseThrow(() -> new InputException(
                "no digest named '" + name + "' in " + cfg.file() + "; defined: "
                        + cfg.digests().stream().map(DigestConfig::name).toList()));
        Clock clock = Clock.systemUTC();
        Instant when = at == null ? clock.instant() : Times.parse(at, cfg.calendar().zone(), clock.instant());
        // neither a dry run nor --out sends anything, so neither writes the state
        try (App app = App.open(cfg, clock, dryRun || out != null)) {
            DigestService service = new DigestService(app);
            if (out != null) {
                for (Path p : service.build(digest, when).writeTo(out)) {
                    System.out.println("wrote " + p);
                }
                return 0;
            }
            DigestService.Result r = service.send(digest, when, dryRun);
            r.rendered().ifPresent(d -> System.out.println(d.message().subject()));
            String already = r.alreadyQueued().isEmpty() ? "" : "already sent or queued for " + r.alreadyQueued();
            if (dryRun) {
                r.rendered().ifPresent(d -> System.out.println(d.text()));
                System.out.println("would send to " + r.queued() + (already.isEmpty() ? "" : "; " + already));
                return 0;
            }
            System.out.println(r.rendered().isEmpty() ? "nothing to send: " + already
                    : "queued for " + r.queued() + (already.isEmpty() ? "" : "; " + already));
            DrainResult delivered = Delivery.deliverNow(app);
            System.out.println(Delivery.summary("delivery", delivered));
            return delivered.failed() > 0 ? Main.FAILURE : 0;
        }
    }
}
