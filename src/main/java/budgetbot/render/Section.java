package budgetbot.render;

import budgetbot.digest.Change;

import java.util.List;

/**
 * One part of a rendered digest as layout-free content, so that the HTML and the text alternative show the
 * same numbers.
 *
 * @param notes sentences shown before the tables ("No usage in this period.")
 */
record Section(String title, List<String> notes, List<Table> tables) {
    Section {
        notes = List.copyOf(notes);
        tables = List.copyOf(tables);
    }

    /**
     * A table whose first column names the row and whose other columns are values (numbers, times).
     *
     * @param numbers the usage and budget figures, which a chat shows first (as fields) and keeps longest
     */
    record Table(String title, List<String> headers, List<List<Cell>> rows, boolean numbers) {
        Table {
            headers = List.copyOf(headers);
            rows = rows.stream().map(List::copyOf).toList();
        }

        Table(String title, List<String> headers, List<List<Cell>> rows) {
            this(title, headers, rows, false);
        }
    }

    /** Increases are bad news for a budget (red, up), decreases good (green, down). */
    enum Tone { PLAIN, UP, DOWN }

    /** @param name the text is (or holds) a name from the configuration, which may be long and have no spaces */
    record Cell(String text, Tone tone, boolean name) {
        static Cell of(String text) {
            return new Cell(text, Tone.PLAIN, false);
        }

        static Cell name(String text) {
            return new Cell(text, Tone.PLAIN, true);
        }

        static Cell change(Change c, String text) {
            int s = c.delta().signum();
            return new Cell(text, s > 0 ? Tone.UP : s < 0 ? Tone.DOWN : Tone.PLAIN, false);
        }
    }
}
