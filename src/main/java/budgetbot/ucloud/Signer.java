package budgetbot.ucloud;

import budgetbot.config.Secret;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * UCloud's request signature: SHA-1 over the sorted, flattened parameters followed by the private key.
 *
 * <p>The same rules decide what is sent, so {@link #canonical(Map)} is also what a client should put on the wire.
 */
public final class Signer {
    /** The parameter that carries the signature and is itself never signed. */
    public static final String SIGNATURE = "Signature";

    private final Secret privateKey;

    private Signer(Secret privateKey) {
        this.privateKey = privateKey;
    }

    public static Signer of(Secret privateKey) {
        Objects.requireNonNull(privateKey, "privateKey");
        if (privateKey.isEmpty()) {
            throw new IllegalArgumentException("private key is empty");
        }
        return new Signer(privateKey);
    }

    /** The signature of {@code params} (any {@code Signature} entry among them is ignored): 40 lowercase hex digits. */
    public String sign(Map<String, ?> params) {
        return sha1Hex(canonicalString(params) + privateKey.reveal());
    }

    /** Whether {@code signature} is the one {@link #sign} computes, compared in constant time. */
    public boolean verify(Map<String, ?> params, String signature) {
        return signature != null && MessageDigest.isEqual(
                sign(params).getBytes(StandardCharsets.US_ASCII), signature.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The parameters as UCloud reads them: lists flattened to {@code Key.0}, maps to {@code Key.Sub}, null and
     * empty values dropped, values written in UCloud's text form, keys sorted by their UTF-8 bytes.
     */
    public static SortedMap<String, String> canonical(Map<String, ?> params) {
        SortedMap<String, String> out = new TreeMap<>(Signer::compareBytes);
        params.forEach((key, value) -> flatten(key, value, out));
        return Collections.unmodifiableSortedMap(out);
    }

    /** {@code key1value1key2value2...} without the signature, without separators and without URL encoding. */
    static String canonicalString(Map<String, ?> params) {
        StringBuilder sb = new StringBuilder();
        canonical(params).forEach((key, value) -> {
            if (!key.equals(SIGNATURE)) {
                sb.append(key).append(value);
            }
        });
        return sb.toString();
    }

    private static void flatten(String key, Object value, Map<String, String> out) {
        if (value instanceof Map<?, ?> map) {
            map.forEach((sub, v) -> flatten(key + "." + sub, v, out));
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                flatten(key + "." + i, list.get(i), out);
            }
        } else if (value != null) {
            String text = text(value);
            if (!text.isEmpty()) {
                out.put(key, text);
            }
        }
    }

    private static String text(Object value) {
        if (value instanceof Double || value instanceof Float) {
            // Double.toString is the shortest exact form (35.0, 65.722), which BigDecimal keeps digit for digit
            return plain(new BigDecimal(value.toString()));
        }
        if (value instanceof BigDecimal big) {
            return plain(big);
        }
        return value.toString();
    }

    private static String plain(BigDecimal number) {
        BigDecimal stripped = number.stripTrailingZeros();
        return (stripped.scale() < 0 ? stripped.setScale(0) : stripped).toPlainString();
    }

    private static int compareBytes(String a, String b) {
        return Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static String sha1Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }
}
