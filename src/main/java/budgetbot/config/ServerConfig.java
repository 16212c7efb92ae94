package budgetbot.config;

import java.util.Objects;

/**
 * The operator's HTTP endpoint of {@code run}: {@code /healthz}, {@code /metrics} and the status page.
 *
 * @param host the address to bind; loopback unless the file names another one
 */
public record ServerConfig(String host, int port) {
    public ServerConfig {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** {@code host:port}, IPv6 hosts in brackets, as the file writes it. */
    public String listen() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
