package budgetbot.cli;

/**
 * The command line names something that does not exist or cannot be done as asked (a rule, a time, a check
 * into the past): exit {@link Main#INPUT_ERROR}, like a wrong option.
 */
final class InputException extends RuntimeException {
    InputException(String message) {
        super(message);
    }
}
