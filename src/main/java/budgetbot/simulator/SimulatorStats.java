package budgetbot.simulator;

/**
 * What a simulator has served since it started, for benchmarks: take it before and after a run and subtract.
 *
 * @param requests      API requests (every action, faulted ones included; not the {@code /_sim} endpoints)
 * @param tokenUsage    {@code GetUMInferTokenUsage} requests among them
 * @param emptyAnswers  {@code GetUMInferTokenUsage} answers with {@code Data: {}} because the simulator does not
 *                      serve that key x model (a benchmark expecting data wants 0)
 * @param bytesIn       request bytes: the query string and the body, without the request line and headers
 * @param bytesOut      response body bytes, without the status line and headers
 */
public record SimulatorStats(long requests, long tokenUsage, long emptyAnswers, long bytesIn, long bytesOut) {
    public SimulatorStats minus(SimulatorStats before) {
        return new SimulatorStats(requests - before.requests, tokenUsage - before.tokenUsage,
                emptyAnswers - before.emptyAnswers, bytesIn - before.bytesIn, bytesOut - before.bytesOut);
    }
}
