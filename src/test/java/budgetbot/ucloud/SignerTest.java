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
    static final Signer SIGNER = Signer.of(new Secret("46f09bb9fab4f12dfc160dae12273d5332b5debe"));

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
                        "cba5cf5ec4d4233d206b1b54951e3787350a642f"),
                Arguments.of("create", create, "4f9ef5df2abab2c6fccd1e9515cb7e2df8c6bb65"),
                Arguments.of("create with token", createWithToken, "170c480ad176a247b324eb92a2cfe536aacfbd04"),
                Arguments.of("list of 12 backends", params("Action", "AllocateBackendBatch", "Backends", backends),
                        "6bc32642779f8cb0bb3d3f128b1c0688abf9a1a3"),
                Arguments.of("float without fraction",
                        params("Action", "DescribeUHostInstance", "Region", "cn-bj2", "Proportion", 35.0),
                        "da620b97de476947302291fc93a2d8b0710be328"),
                Arguments.of("float with fraction",
                        params("Action", "DescribeUHostInstance", "Region", "cn-bj2", "Proportion", 65.722),
                        "5e39dd48144d6a075328e56a6c5e9df6c39ae939"));
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

        assertThat(Signer.canonicalString(p) + "46f09bb9fab4f12dfc160dae12273d5332b5debe").isEqualTo(
                "ActionDescribeUHostInstanceLimit10PublicKeyucloudsomeone@example.com1296235120854146120"
                        + "Regioncn-bj246f09bb9fab4f12dfc160dae12273d5332b5debe");
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
