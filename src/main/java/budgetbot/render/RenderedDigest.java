package budgetbot.render;

import budgetbot.notify.Image;
import budgetbot.notify.Message;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A digest rendered for sending and for keeping as files.
 *
 * @param baseName file name without extension, {@code <digest>-<date>}
 * @param message  what the notifiers send; its HTML shows the chart as {@code cid:chart}
 * @param html     the standalone HTML file; it shows the chart by the PNG's file name
 * @param chart    the chart; empty when there was no usage to draw
 */
public record RenderedDigest(String baseName, Message message, String html, String text, Optional<Image> chart) {
    public RenderedDigest {
        Objects.requireNonNull(baseName, "baseName");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(html, "html");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(chart, "chart");
    }

    /**
     * Writes {@code <baseName>.html}, {@code .txt} and {@code .png} (when there is a chart) into {@code dir},
     * creating it, and returns the files written.
     */
    public List<Path> writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        written.add(Files.writeString(dir.resolve(baseName + ".html"), html, StandardCharsets.UTF_8));
        written.add(Files.writeString(dir.resolve(baseName + ".txt"), text, StandardCharsets.UTF_8));
        if (chart.isPresent()) {
            written.add(Files.write(dir.resolve(chart.get().filename()), chart.get().png()));
        }
        return written;
    }
}
