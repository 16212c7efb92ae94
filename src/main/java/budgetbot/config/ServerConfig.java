package budgetbot.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The operator's HTTP endpoint of {@code run}: {@code /healthz}, {@code /metrics} and the status page.
 *
 * @param host  the address to bind; loopback unless the file names another one
 * @param users who may see the status page and {@code /metrics}, each with a bcrypt hash of their password; none:
 *              everyone who can reach the address may
 * @param tls   HTTPS from PEM files instead of plain HTTP
 * @param publicUrl where people reach the status page (through a proxy, say), for the links chat messages carry
 */
public record ServerConfig(String host, int port, Map<String, Secret> users, Optional<Tls> tls,
                           Optional<URI> publicUrl) {
    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "::1", "0:0:0:0:0:0:0:1");

    /** A certificate chain and its private key, both PEM; read again when either file changes. */
    public record Tls(Path certFile, Path keyFile) {
        public Tls {
            Objects.requireNonNull(certFile, "certFile");
            Objects.requireNonNull(keyFile, "keyFile");
        }
    }

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        users = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(users));
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(publicUrl, "publicUrl");
    }

    /** Plain HTTP, no users. */
    public ServerConfig(String host, int port) {
        this(host, port, Map.of(), Optional.empty(), Optional.empty());
    }

    /** {@code host:port}, IPv6 hosts in brackets, as the file writes it. */
    public String listen() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** Whether only this machine can reach it. */
    public boolean loopback() {
        return host.startsWith("127.") || LOOPBACK_NAMES.contains(host);
    }

    /** Listening where others can reach it with no user to log in: anyone there sees budgets and key ids. */
    public boolean openToTheNetwork() {
        return !loopback() && users.isEmpty();
    }

    /** The warning {@code validate} prints and {@code run} logs for a server {@link #openToTheNetwork()}. */
    public String openWarning() {
        return "server.listen " + listen() + " is reachable from other machines and server.users is not set: anyone"
                + " who can reach it sees every key id, budget, silence and pending delivery; add server.users (a"
                + " bcrypt hash per user, from `budgetbot hash-password`), or listen on 127.0.0.1";
    }
}
