package budgetbot.server;

import budgetbot.config.ServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTPS from a PEM certificate chain and a PEM private key (PKCS#8 {@code PRIVATE KEY}, RSA or EC; or PKCS#1
 * {@code RSA PRIVATE KEY}), read again whenever either file changes: a renewed certificate is used from the next
 * connection on, with no restart. A renewal that cannot be read keeps the last good pair (and says so in the log).
 */
final class PemTls extends X509ExtendedKeyManager {
    private static final String ALIAS = "budgetbot";
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");
    private static final Logger log = LoggerFactory.getLogger(PemTls.class);

    private final ServerConfig.Tls files;
    private volatile Loaded loaded;

    private record Loaded(FileTime certTime, FileTime keyTime, X509Certificate[] chain, PrivateKey key) {
    }

    private PemTls(ServerConfig.Tls files) {
        this.files = files;
        this.loaded = load(files);
    }

    /** An SSL context serving {@code files}; fails now when they cannot be read. */
    static SSLContext context(ServerConfig.Tls files) {
        try {
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(new KeyManager[]{new PemTls(files)}, null, null);
            return tls;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** The pair now: read again when a file's modification time changed since. */
    private Loaded current() {
        Loaded last = loaded;
        try {
            if (!Files.getLastModifiedTime(files.certFile()).equals(last.certTime())
                    || !Files.getLastModifiedTime(files.keyFile()).equals(last.keyTime())) {
                loaded = load(files);
                log.info("TLS certificate read again from {}", files.certFile());
            }
        } catch (IOException | RuntimeException e) {
            log.warn("TLS files changed but cannot be read ({}); still serving the last good certificate",
                    e.getMessage());
        }
        return loaded;
    }

    private static Loaded load(ServerConfig.Tls files) {
        try {
            FileTime certTime = Files.getLastModifiedTime(files.certFile());
            FileTime keyTime = Files.getLastModifiedTime(files.keyFile());
            List<X509Certificate> chain;
            try (InputStream in = Files.newInputStream(files.certFile())) {
                chain = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                        .map(X509Certificate.class::cast).toList();
            }
            if (chain.isEmpty()) {
                throw new IllegalStateException("no certificate in " + files.certFile());
            }
            return new Loaded(certTime, keyTime, chain.toArray(X509Certificate[]::new), key(files.keyFile(),
                    chain.get(0).getPublicKey().getAlgorithm()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the TLS files: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the TLS files: " + e.getMessage(), e);
        }
    }

    private static PrivateKey key(Path file, String algorithm) throws IOException, GeneralSecurityException {
        Matcher m = BLOCK.matcher(Files.readString(file, StandardCharsets.US_ASCII));
        while (m.find()) {
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            switch (m.group(1)) {
                case "PRIVATE KEY" -> {
                    return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                }
                case "RSA PRIVATE KEY" -> {
                    return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs1ToPkcs8(der)));
                }
                default -> {
                    // another block (a certificate, EC parameters): look further
                }
            }
        }
        throw new GeneralSecurityException(file + " holds no PEM private key (PRIVATE KEY or RSA PRIVATE KEY);"
                + " convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pkcs8");
    }

    /** A PKCS#1 RSA key wrapped as PKCS#8: version 0, the rsaEncryption algorithm, the key as an octet string. */
    private static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
        byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01,
                0x01, 0x01, 0x05, 0x00};
        byte[] version = {0x02, 0x01, 0x00};
        byte[] octets = concat(new byte[]{0x04}, length(pkcs1.length), pkcs1);
        byte[] body = concat(version, algorithm, octets);
        return concat(new byte[]{0x30}, length(body.length), body);
    }

    private static byte[] length(int n) {
        if (n < 0x80) {
            return new byte[]{(byte) n};
        }
        if (n < 0x100) {
            return new byte[]{(byte) 0x81, (byte) n};
        }
        if (n < 0x10000) {
            return new byte[]{(byte) 0x82, (byte) (n >> 8), (byte) n};
        }
        return new byte[]{(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    }

    private static byte[] concat(byte[]... parts) {
        int size = 0;
        for (byte[] p : parts) {
            size += p.length;
        }
        byte[] all = new byte[size];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return matches(keyType) ? ALIAS : null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return matches(keyType) ? ALIAS : null;
    }

    private boolean matches(String keyType) {
        String algorithm = current().key().getAlgorithm();
        return keyType.equalsIgnoreCase(algorithm) || keyType.startsWith("EC") && algorithm.equals("EC");
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        return ALIAS.equals(alias) ? current().chain().clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        return ALIAS.equals(alias) ? current().key() : null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return matches(keyType) ? new String[]{ALIAS} : null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
