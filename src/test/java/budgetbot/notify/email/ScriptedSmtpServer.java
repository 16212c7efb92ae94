package budgetbot.notify.email;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A minimal SMTP server that accepts everything except the one command it was told to refuse, with a chosen
 * reply; GreenMail cannot be made to answer 4xx or 5xx. {@code DATA.} stands for the end of the message data.
 */
final class ScriptedSmtpServer implements AutoCloseable {
    private final ServerSocket socket;
    private final Map<String, String> refusals;
    private final Thread thread;

    private ScriptedSmtpServer(Map<String, String> refusals) throws IOException {
        this.socket = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        this.refusals = refusals;
        this.thread = new Thread(this::serve, "scripted-smtp");
        thread.setDaemon(true);
        thread.start();
    }

    static ScriptedSmtpServer refusing(String command, String reply) throws IOException {
        return new ScriptedSmtpServer(Map.of(command, reply));
    }

    int port() {
        return socket.getLocalPort();
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket client = socket.accept()) {
                converse(client);
            } catch (IOException e) {
                if (!socket.isClosed()) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    private void converse(Socket client) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
        OutputStream out = client.getOutputStream();
        reply(out, "220 scripted ESMTP");
        String line;
        while ((line = in.readLine()) != null) {
            String verb = line.split("[ :]", 2)[0].toUpperCase(java.util.Locale.ROOT);
            switch (verb) {
                case "EHLO" -> reply(out, "250-scripted\r\n250 8BITMIME");
                case "QUIT" -> {
                    reply(out, "221 bye");
                    return;
                }
                case "DATA" -> {
                    if (refuse(out, "DATA")) {
                        continue;
                    }
                    reply(out, "354 go ahead");
                    String data;
                    while ((data = in.readLine()) != null && !data.equals(".")) {
                        // swallow the message
                    }
                    if (!refuse(out, "DATA.")) {
                        reply(out, "250 queued");
                    }
                }
                default -> {
                    if (!refuse(out, verb)) {
                        reply(out, "250 ok");
                    }
                }
            }
        }
    }

    private boolean refuse(OutputStream out, String command) throws IOException {
        String r = refusals.get(command);
        if (r != null) {
            reply(out, r);
        }
        return r != null;
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
