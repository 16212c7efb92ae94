package budgetbot.notify;

import budgetbot.config.Secret;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RedactionTest {
    private static final List<String> SECRETS = Redaction.values(List.of(new Secret("s3cret"), new Secret("")));

    @Test
    void cleanExceptionIsReturnedAsIs() {
        IOException clean = new IOException("connection refused");

        assertThat(Redaction.scrub(clean, SECRETS)).isSameAs(clean);
    }

    @Test
    void leakingChainIsCopiedWithScrubbedMessagesAndOriginalStackTraces() {
        IOException root = new IOException("token s3cret rejected");
        RuntimeException top = new RuntimeException("call failed", root);

        Throwable scrubbed = Redaction.scrub(top, SECRETS);

        assertThat(scrubbed.getMessage()).isEqualTo("java.lang.RuntimeException: call failed");
        assertThat(scrubbed.getStackTrace()).isEqualTo(top.getStackTrace());
        assertThat(scrubbed.getCause().getMessage()).isEqualTo("java.io.IOException: token <secret> rejected");
        assertThat(scrubbed.getCause().getStackTrace()).isEqualTo(root.getStackTrace());
    }

    @Test
    void emptySecretsAreIgnored() {
        assertThat(SECRETS).containsExactly("s3cret");
        assertThat(Redaction.scrub("a s3cret b", SECRETS)).isEqualTo("a <secret> b");
    }
}
