// The floor of a budgetbot check: the same number of signed GetUMInferTokenUsage calls, at a fixed concurrency,
// with no bot logic (no config, no evaluation, no database, no JSON parsing). Run with the JDK source launcher
// against the jar's classpath, so it signs with budgetbot's own Signer and posts with the same OkHttp:
//
//   java -cp target/budgetbot.jar bench/Floor.java --base http://127.0.0.1:PORT/ --public-key PK \
//        --synthetic-keys 250 --models m1,m2,m3,m4 --window FROM,TO [--window FROM,TO] [--zone Asia/Shanghai] \
//        [--calls C] [--concurrency 16] [--timeout 600]
//
// The private key comes from the environment (BENCH_UCLOUD_PRIVATE_KEY), never from the command line. Each
// window (unix seconds) is cut into local days like budgetbot cuts them; the calls walk series x day slices in
// order and wrap around when --calls asks for more. Prints one line of key=value pairs on stdout; wall_s is the
// time from the first request to the last answer (JVM start and compiling this file excluded).
// Exit status: 0 when every call got RetCode 0, 1 when some did not, 2 on bad arguments, 3 on the timeout.

import budgetbot.config.Secret;
import budgetbot.simulator.SimulatorOptions;
import budgetbot.ucloud.Signer;
import okhttp3.ConnectionPool;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

public class Floor {
    public static void main(String[] args) throws Exception {
        Map<String, List<String>> opts = parse(args);
        String base = one(opts, "--base", null);
        String publicKey = one(opts, "--public-key", null);
        String privateKey = System.getenv(one(opts, "--private-key-env", "BENCH_UCLOUD_PRIVATE_KEY"));
        if (base == null || publicKey == null || privateKey == null || privateKey.isEmpty()) {
            usage("--base and --public-key are required, and the private key in $BENCH_UCLOUD_PRIVATE_KEY");
        }
        List<String> keys = opts.containsKey("--synthetic-keys")
                ? SimulatorOptions.syntheticKeys(Integer.parseInt(one(opts, "--synthetic-keys", null)))
                : Arrays.asList(one(opts, "--keys", "").split(","));
        List<String> models = Arrays.asList(one(opts, "--models", "").split(","));
        ZoneId zone = ZoneId.of(one(opts, "--zone", "Asia/Shanghai"));
        List<long[]> slices = new ArrayList<>();
        for (String w : opts.getOrDefault("--window", List.of())) {
            String[] fromTo = w.split(",");
            slices.addAll(daySlices(Long.parseLong(fromTo[0]), Long.parseLong(fromTo[1]), zone));
        }
        if (keys.get(0).isEmpty() || models.get(0).isEmpty() || slices.isEmpty()) {
            usage("need keys (--keys or --synthetic-keys), --models and at least one --window FROM,TO");
        }
        long perPass = (long) keys.size() * models.size() * slices.size();
        long calls = Long.parseLong(one(opts, "--calls", Long.toString(perPass)));
        int concurrency = Integer.parseInt(one(opts, "--concurrency", "16"));
        long timeoutS = Long.parseLong(one(opts, "--timeout", "600"));

        Signer signer = Signer.of(new Secret(privateKey));
        HttpUrl url = HttpUrl.get(base).newBuilder().addQueryParameter("Action", "GetUMInferTokenUsage").build();
        OkHttpClient http = new OkHttpClient.Builder()
                // keep every connection the workers use, so the floor never pays for a new one mid-run
                .connectionPool(new ConnectionPool(concurrency, 5, TimeUnit.MINUTES))
                .callTimeout(Duration.ofSeconds(30))
                .build();

        AtomicLong next = new AtomicLong();
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutS);
        long t0 = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            Thread t = new Thread(() -> {
                for (long i; (i = next.getAndIncrement()) < calls && System.nanoTime() < deadline; ) {
                    long[] slice = slices.get((int) (i % slices.size()));
                    long s = (i / slices.size()) % ((long) keys.size() * models.size());
                    Map<String, String> params = new LinkedHashMap<>();
                    params.put("Action", "GetUMInferTokenUsage");
                    params.put("KeyId", keys.get((int) (s / models.size())));
                    params.put("Model", models.get((int) (s % models.size())));
                    params.put("StartTime", Long.toString(slice[0]));
                    params.put("EndTime", Long.toString(slice[1]));
                    params.put("PublicKey", publicKey);
                    FormBody.Builder form = new FormBody.Builder(StandardCharsets.UTF_8);
                    Signer.canonical(params).forEach(form::add);
                    form.add(Signer.SIGNATURE, signer.sign(params));
                    try (Response r = http.newCall(new Request.Builder().url(url).post(form.build()).build()).execute()) {
                        byte[] body = r.body().bytes();
                        bytes.addAndGet(body.length);
                        String head = new String(body, 0, Math.min(body.length, 120), StandardCharsets.UTF_8);
                        if (r.code() == 200 && head.matches("(?s).*\"RetCode\"\\s*:\\s*0[,}].*")) {
                            ok.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                }
            }, "floor-" + w);
            t.start();
            workers.add(t);
        }
        for (Thread t : workers) {
            t.join();
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        long done = ok.get() + failed.get();
        System.out.printf(Locale.ROOT, "floor calls=%d ok=%d failed=%d concurrency=%d wall_s=%.3f rps=%.0f "
                        + "response_bytes=%d series=%d slices_per_series=%d%n", done, ok.get(), failed.get(), concurrency,
                wall, done / wall, bytes.get(), keys.size() * models.size(), slices.size());
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
        System.exit(done < calls ? 3 : failed.get() > 0 ? 1 : 0);
    }

    /** [start, end) cut at local midnights in {@code zone}, as budgetbot's client cuts windows longer than a day. */
    static List<long[]> daySlices(long from, long to, ZoneId zone) {
        List<long[]> out = new ArrayList<>();
        if (to - from <= 86_400) {
            out.add(new long[] {from, to});
            return out;
        }
        for (long start = from; start < to; ) {
            long midnight = Instant.ofEpochSecond(start).atZone(zone).toLocalDate().plusDays(1).atStartOfDay(zone)
                    .toEpochSecond();
            long end = Math.min(midnight, to);
            out.add(new long[] {start, end});
            start = end;
        }
        return out;
    }

    static Map<String, List<String>> parse(String[] args) {
        Map<String, List<String>> opts = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 == args.length) {
                usage("unexpected argument " + args[i]);
            }
            opts.computeIfAbsent(args[i], k -> new ArrayList<>()).add(args[++i]);
        }
        return opts;
    }

    static String one(Map<String, List<String>> opts, String name, String fallback) {
        List<String> v = opts.get(name);
        return v == null ? fallback : v.get(v.size() - 1);
    }

    static void usage(String problem) {
        System.err.println("Floor: " + problem);
        System.err.println("usage: java -cp target/budgetbot.jar bench/Floor.java --base URL --public-key PK"
                + " (--keys k1,k2 | --synthetic-keys N) --models m1,m2 --window FROM,TO [--window FROM,TO]"
                + " [--zone Z] [--calls C] [--concurrency 16] [--timeout S]   (private key in $BENCH_UCLOUD_PRIVATE_KEY)");
        System.exit(2);
    }
}
