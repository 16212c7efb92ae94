package budgetbot.ucloud;

import budgetbot.config.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SignerTest {
    static final String PUBLIC_KEY = "ucloudsomeone@example.com1296235120854146120";
    /**
     * UCLOUD-API.md's vectors are signed with UCloud's published example private key; here they are signed with a
     * test key instead, so that nothing key-shaped sits in the repository. The expected signatures were made outside
     * Java (Python's hashlib) from the strings the reference's rules give, after those strings had reproduced every
     * published signature with the published key.
     */
    static final Signer SIGNER = Signer.of(new Secret("test-private-key-for-signer-vectors"));

    static Stream<Arguments> vectorsOfUcloudApiMd() {
        Map<String, Object> create = params("Action", "CreateUHostInstance", "CPU", 2, "ChargeType", "Month",
                "DiskSpace", 10, "ImageId", "f43736e1-65a5-4bea-ad2e-8a46e18883c2", "LoginMode", "Password",
                "Memory", 2048, "Name", "Host01", "Password", "VUNsb3VkLmNu", "Quantity", 1, "Region", "cn-bj2",
                "Zone", "cn-bj2-04");
        Map<String, Object> createWithToken = new LinkedHashMap<>(create);
        createWithToken.put("SecurityToken", "some_stoken");
        List<Object> backends = Stream.generate(() -> List.<Object>of("foo", "bar", 42)).limit(4)
                .flatMap(List::stream).toList();
        return Stream.of(
                Arguments.of("describe", params("Action", "DescribeUHostInstance", "Region", "cn-bj2", "Limit", 10),
                        "40659617e2ed4a4c5217f9e0125d991763c1a0d0"),
                Arguments.of("create", create, "427d53365c099cbac90bd2f4b797b5640b26fb2f"),
                Arguments.of("create with token", createWithToken, "44cc6137c07894b823b40e163861c0a1d9700342"),
                Arguments.of("list of 12 backends", params("Action", "AllocateBackendBatch", "Backends", backends),
                        "4d4f9a1a6d371461a0c9f069248117371fda520e"),
                Arguments.of("float without fraction",
                        params("Action", "DescribeUHostInstance", "Region", "cn-bj2", "Proportion", 35.0),
                        "e2bfad82ed567d438a1b7eece5fbaabfa3c35569"),
                Arguments.of("float with fraction",
                        params("Action", "DescribeUHostInstance", "Region", "cn-bj2", "Proportion", 65.722),
                        "cc51658153a90ca6db5c73c8051d84d96f3bb9ea"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectorsOfUcloudApiMd")
    void signsEveryReferenceVector(String name, Map<String, Object> params, String signature) {
        Map<String, Object> withKey = new HashMap<>(params);
        withKey.put("PublicKey", PUBLIC_KEY);

        assertThat(SIGNER.sign(withKey)).isEqualTo(signature);
        assertThat(SIGNER.verify(withKey, signature)).isTrue();
    }

    @Test
    void hashesTheDocumentedStringForTheFirstVector() {
        Map<String, Object> p = params("Action", "DescribeUHostInstance", "Region", "cn-bj2", "Limit", 10,
                "PublicKey", PUBLIC_KEY);

        // the reference's string, without the example private key it ends with
        assertThat(Signer.canonicalString(p)).isEqualTo(
                "ActionDescribeUHostInstanceLimit10PublicKeyucloudsomeone@example.com1296235120854146120"
                        + "Regioncn-bj2");
    }

    static Stream<Arguments> values() {
        return Stream.of(
                Arguments.of(true, "true"),
                Arguments.of(false, "false"),
                Arguments.of(35.0, "35"),
                Arguments.of(35.0f, "35"),
                Arguments.of(1e21, "1000000000000000000000"),
                Arguments.of(1e-7, "0.0000001"),
                Arguments.of(new BigDecimal("1E+3"), "1000"),
                Arguments.of(new BigDecimal("2.500"), "2.5"),
                Arguments.of(0.0, "0"),
                Arguments.of(-3L, "-3"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("values")
    void writesValuesWithoutScientificNotationOrNeedlessFraction(Object value, String text) {
        assertThat(Signer.canonical(Map.of("V", value))).containsExactly(Map.entry("V", text));
    }

    @Test
    void flattensMapsAndNestedListsAndSortsByBytes() {
        Map<String, Object> p = params("Tag", params("Key", "env", "Values", List.of("a", "b")), "a", "lower",
                "Z", "upper");

        assertThat(Signer.canonical(p)).containsExactly(Map.entry("Tag.Key", "env"), Map.entry("Tag.Values.0", "a"),
                Map.entry("Tag.Values.1", "b"), Map.entry("Z", "upper"), Map.entry("a", "lower"));
    }

    @Test
    void leavesOutEmptyAndNullValuesAndTheSignatureItself() {
        Map<String, Object> p = params("Action", "X", "ProjectId", "", "Empty", List.of(), "Signature", "abc");
        p.put("Null", null);

        assertThat(Signer.canonicalString(p)).isEqualTo("ActionX");
        assertThat(SIGNER.sign(p)).isEqualTo(SIGNER.sign(Map.of("Action", "X")));
    }

    @Test
    void rejectsAWrongOrMissingSignature() {
        Map<String, Object> p = params("Action", "X");
        String good = SIGNER.sign(p);

        assertThat(SIGNER.verify(p, good.replace(good.charAt(0), good.charAt(0) == 'a' ? 'b' : 'a'))).isFalse();
        assertThat(SIGNER.verify(p, null)).isFalse();
    }

    @Test
    void refusesAnEmptyPrivateKey() {
        assertThatThrownBy(() -> Signer.of(new Secret(""))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("private key is empty");
    }

    private static Map<String, Object> params(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
