package budgetbot.render;

import budgetbot.config.Metric;
import budgetbot.state.AlertStatus;
import budgetbot.time.PeriodUnit;

import java.math.BigDecimal;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.Objects;
import java.util.ResourceBundle;

/**
 * What people read, in their language ({@code locale:} en or zh-CN): the sentences of alerts, notices, digests and
 * the status page, by key, from {@code budgetbot/render/words*.properties}, and the dates and amounts between
 * them. Numbers keep their thousands separators in both; money reads {@code CNY 1,234.50} in English and
 * {@code ¥1,234.50} in Chinese.
 *
 * <p>A sentence's placeholders are {@code {0}}, {@code {1}}, ..., replaced by text as it is: no
 * {@link java.text.MessageFormat} quoting rules to trip over, and numbers are formatted before they get there.
 */
public final class Words {
    public static final Words EN = new Words(Locale.ENGLISH);
    public static final Words ZH_CN = new Words(Locale.SIMPLIFIED_CHINESE);

    private final Locale locale;
    private final ResourceBundle bundle;
    private final DateTimeFormatter day;
    private final DateTimeFormatter dayNoYear;
    private final DateTimeFormatter month;
    private final DateTimeFormatter dayAndTime;
    private final DateTimeFormatter shortDay;

    private Words(Locale locale) {
        this.locale = locale;
        // no fallback to the JVM's default locale: English is the base bundle, whatever the machine speaks
        this.bundle = ResourceBundle.getBundle("budgetbot.render.words", locale,
                ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
        this.day = DateTimeFormatter.ofPattern(get("format.day"), locale);
        this.dayNoYear = DateTimeFormatter.ofPattern(get("format.dayNoYear"), locale);
        this.month = DateTimeFormatter.ofPattern(get("format.month"), locale);
        this.dayAndTime = DateTimeFormatter.ofPattern(get("format.dayAndTime"), locale);
        this.shortDay = DateTimeFormatter.ofPattern(get("format.shortDay"), locale);
    }

    /** The words of {@code locale}: Chinese for {@code zh}, English for anything else. */
    public static Words of(Locale locale) {
        return Objects.requireNonNull(locale, "locale").getLanguage().equals("zh") ? ZH_CN : EN;
    }

    public Locale locale() {
        return locale;
    }

    /**
     * The sentence {@code key} with its placeholders filled in.
     *
     * @throws MissingResourceException when no bundle has the key (a test holds both bundles to the same keys)
     */
    public String get(String key, Object... args) {
        String s = bundle.getString(key);
        for (int i = 0; i < args.length; i++) {
            s = s.replace("{" + i + "}", String.valueOf(args[i]));
        }
        return s;
    }

    /** {@code CNY 1,234.50}, or in Chinese {@code ¥1,234.50} (other currencies keep their code). */
    public String money(String currency, BigDecimal value) {
        return priced(currency, Amounts.number(Metric.COST, value));
    }

    /** A number already written, as money: {@code CNY 11}, {@code ¥11}. */
    public String priced(String currency, String number) {
        return locale == Locale.SIMPLIFIED_CHINESE && currency.equals("CNY") ? "¥" + number : currency + " " + number;
    }

    /** The value with its unit: {@code 20,000,000 tokens}, {@code 20,000,000 Token}, or money for cost. */
    public String amount(Metric metric, BigDecimal value, String currency) {
        return metric == Metric.COST ? money(currency, value) : counted(metric, Amounts.number(metric, value));
    }

    /** A number already written, with the metric's unit: {@code 1.2M tokens}, {@code 1.2M Token}. */
    public String counted(Metric metric, String number) {
        return get("amount." + metric.name(), number);
    }

    /** The metric as a column or a series names it: "tokens", "requests", "cost". */
    public String unit(Metric metric) {
        return get("unit." + metric.name());
    }

    /** The metric before "budget": "token", "cost". */
    public String noun(Metric metric) {
        return get("noun." + metric.name());
    }

    /** "daily", "每日". */
    public String adjective(PeriodUnit period) {
        return get("adjective." + period.name());
    }

    /** {@code 1 alert}, {@code 2 alerts}: {@code key.one} or {@code key.other} with the count. */
    public String count(long n, String key) {
        return get(key + (n == 1 ? ".one" : ".other"), n);
    }

    /** "firing", "已触发". */
    public String status(AlertStatus status) {
        return get("status." + status.name());
    }

    /** {@code Mon 23 Nov 2026}, {@code 2026年11月23日 周一}. */
    public String day(ZonedDateTime t) {
        return day.format(t);
    }

    /** {@code Wed 18 Nov}, {@code 11月18日 周三}: a day within the weeks around now. */
    public String dayNoYear(ZonedDateTime t) {
        return dayNoYear.format(t);
    }

    /** {@code Nov 2026}, {@code 2026年11月}. */
    public String month(ZonedDateTime t) {
        return month.format(t);
    }

    /** {@code Mon 23 Nov 14:00}: a moment within the weeks around now. */
    public String dayAndTime(ZonedDateTime t) {
        return dayAndTime.format(t);
    }

    /** {@code Mon 23}: a day on a week's chart. */
    public String shortDay(ZonedDateTime t) {
        return shortDay.format(t);
    }

    /** A day of the week in full: "Wednesday", "星期三". */
    public String weekday(ZonedDateTime t) {
        return t.getDayOfWeek().getDisplayName(java.time.format.TextStyle.FULL, locale);
    }

    @Override
    public String toString() {
        return locale.toLanguageTag();
    }
}
