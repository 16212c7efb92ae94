package budgetbot.usage;

/** Counts over some span: tokens in, out and in total, requests and generated images. */
public record UsageTotals(long inputTokens, long outputTokens, long totalTokens, long requests, long images) {
    public static final UsageTotals ZERO = new UsageTotals(0, 0, 0, 0, 0);

    public UsageTotals plus(UsageTotals o) {
        return new UsageTotals(inputTokens + o.inputTokens, outputTokens + o.outputTokens,
                totalTokens + o.totalTokens, requests + o.requests, images + o.images);
    }

    public boolean isZero() {
        return equals(ZERO);
    }
}
