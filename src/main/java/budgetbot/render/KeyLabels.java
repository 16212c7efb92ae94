package budgetbot.render;

import java.util.HashMap;
import java.util.Map;

/**
 * How messages name a key: its name beside its id, "客服组 (uminferapikey-2f3k)", from UCloud's listing or the
 * config's {@code keyNames:} (which wins); the id alone for a key without a name.
 */
public record KeyLabels(Map<String, String> names) {
    /** Ids alone: before the keys were listed, and where no listing is at hand. */
    public static final KeyLabels NONE = new KeyLabels(Map.of());

    public KeyLabels {
        names = Map.copyOf(names);
    }

    /** UCloud's names, with the config's over them. */
    public static KeyLabels of(Map<String, String> listed, Map<String, String> configured) {
        Map<String, String> names = new HashMap<>(listed);
        names.putAll(configured);
        names.entrySet().removeIf(e -> e.getValue() == null || e.getValue().isBlank()
                || e.getValue().equals(e.getKey()));
        return new KeyLabels(names);
    }

    public String key(String id) {
        String name = names.get(id);
        return name == null ? id : name + " (" + id + ")";
    }

    /** A group as a person reads it: a key's group by its label, a series' ("key x model") with its key's. */
    public String group(String group) {
        int x = group.indexOf(" x ");
        return x < 0 ? key(group) : key(group.substring(0, x)) + group.substring(x);
    }
}
