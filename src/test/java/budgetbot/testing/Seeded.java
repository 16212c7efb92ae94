package budgetbot.testing;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Property tests without a framework: {@link #cases} runs a check on generated inputs from a fixed seed, so a
 * failure is reproducible; {@code -Dbudgetbot.seed=N} explores other inputs. A failure names the seed and case.
 */
public final class Seeded {
    public static final long SEED = Long.getLong("budgetbot.seed", 20261128L);

    private final SplittableRandom random;

    private Seeded(SplittableRandom random) {
        this.random = random;
    }

    /** Runs {@code check} {@code count} times, each with its own generator. */
    public static void cases(int count, Consumer<Seeded> check) {
        SplittableRandom root = new SplittableRandom(SEED);
        for (int i = 0; i < count; i++) {
            Seeded gen = new Seeded(root.split());
            try {
                check.accept(gen);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("case " + i + " of seed " + SEED + " (-Dbudgetbot.seed=" + SEED + "): "
                        + e.getMessage(), e);
            }
        }
    }

    public int between(int min, int max) {
        return random.nextInt(min, max + 1);
    }

    public long between(long min, long max) {
        return random.nextLong(min, max + 1);
    }

    public boolean chance(double p) {
        return random.nextDouble() < p;
    }

    public <T> T oneOf(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    @SafeVarargs
    public final <T> T oneOf(T... values) {
        return values[random.nextInt(values.length)];
    }
}
