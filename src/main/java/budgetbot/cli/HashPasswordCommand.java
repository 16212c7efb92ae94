package budgetbot.cli;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import picocli.CommandLine.Command;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

@Command(name = "hash-password", mixinStandardHelpOptions = true,
        description = {"Read a password from standard input (not echoed on a terminal) and print its bcrypt hash.",
                // $$ keeps picocli from reading ${...} as a variable of its own (it printed "null")
                "It goes into server.users in rules.yml: users: { admin: \"$${BUDGETBOT_ADMIN_HASH}\" }."})
final class HashPasswordCommand implements Callable<Integer> {
    @Override
    public Integer call() throws IOException {
        Console console = System.console();
        String password;
        if (console != null) {
            char[] typed = console.readPassword("Password: ");
            password = typed == null ? null : new String(typed);
        } else {
            password = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
        if (password == null || password.isEmpty()) {
            throw new InputException("no password on standard input");
        }
        System.out.println(new BCryptPasswordEncoder().encode(password));
        return 0;
    }
}
