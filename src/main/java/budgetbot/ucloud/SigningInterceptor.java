package budgetbot.ucloud;

import okhttp3.FormBody;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Adds {@code PublicKey} and {@code Signature} to every UCloud form post, sending exactly what was signed. */
final class SigningInterceptor implements Interceptor {
    private final String publicKey;
    private final Signer signer;

    SigningInterceptor(String publicKey, Signer signer) {
        this.publicKey = publicKey;
        this.signer = signer;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        if (!(request.body() instanceof FormBody form)) {
            throw new IllegalStateException("UCloud requests must be form posts: " + request.url());
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < form.size(); i++) {
            params.put(form.name(i), form.value(i));
        }
        params.put("PublicKey", publicKey);
        FormBody.Builder signed = new FormBody.Builder(StandardCharsets.UTF_8);
        Signer.canonical(params).forEach(signed::add);
        signed.add(Signer.SIGNATURE, signer.sign(params));
        return chain.proceed(request.newBuilder().post(signed.build()).build());
    }
}
