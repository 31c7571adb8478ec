package io.zunvx.api.image;

import io.zunvx.api.http.Schema;
import io.zunvx.api.http.Py;
import io.zunvx.api.container.ContainerFields;

import io.vertx.core.json.JsonObject;
import io.zunvx.platform.error.ZunException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A validated {@code POST /v1/images} body (reference §3.4): {@code repo} and {@code host} required, {@code tag},
 * {@code image_id}, {@code size} and {@code image_pull_policy} optional, nothing else. Zun's schema comes first
 * (with its texts); then {@code repo} must be a Docker reference, split into repository and tag as Zun's
 * {@code parse_image_name} does (tag {@code latest} by default; a {@code tag} field is used only when {@code repo}
 * carries none). {@code image_id} and {@code size} are accepted as Zun accepts them and ignored: the host reports
 * both once it has pulled.
 *
 * @param repo       repository with its registry domain if any, e.g. {@code 127.0.0.1:5000/busybox}
 * @param tag        tag
 * @param host       compute host uuid or name, not yet resolved
 * @param pullPolicy {@code always}, {@code ifnotpresent} or {@code never}, or {@code null} (= {@code always})
 */
public record ImagePullRequest(String repo, String tag, String host, String pullPolicy) {
    static final List<String> PROPERTIES = List.of("repo", "host", "tag", "image_id", "size", "image_pull_policy");
    private static final Pattern NAME_CHARS = ContainerFields.IMAGE;
    private static final Pattern TAG = Pattern.compile("^[\\w][\\w.-]{0,127}$");
    private static final List<Object> PULL_POLICIES = Arrays.asList("never", "always", "ifnotpresent", "Never",
            "Always", "IfNotPresent", null);

    /**
     * Parses and validates.
     *
     * @param body the decoded body; {@code null} stands for a JSON {@code null}
     * @throws ZunException 400 {@code schema-validation-error} or {@code invalid-value}
     */
    public static ImagePullRequest parse(JsonObject body) {
        if (body == null) {
            throw Schema.root(Schema.typeMessage(null, "object"));
        }
        Schema.Site b = Schema.BODY;
        for (String f : PROPERTIES) {
            if (!body.containsKey(f)) {
                continue;
            }
            Object v = body.getValue(f);
            switch (f) {
                case "repo" -> {
                    Schema.type(b, f, v, "string");
                    Schema.minLength(b, f, v, 2);
                    Schema.maxLength(b, f, v, 255);
                    Schema.pattern(b, f, v, NAME_CHARS);
                }
                case "host" -> {
                    Schema.type(b, f, v, "string");
                    Schema.minLength(b, f, v, 2);
                    Schema.maxLength(b, f, v, 255);
                }
                case "tag" -> Schema.type(b, f, v, "string", "null");
                case "image_id" -> {
                    Schema.type(b, f, v, "string", "null");
                    Schema.minLength(b, f, v, 2);
                    Schema.maxLength(b, f, v, 255);
                }
                case "size" -> {
                    Schema.type(b, f, v, "integer", "string", "null");
                    Schema.pattern(b, f, v, ContainerFields.DIGITS);
                }
                case "image_pull_policy" -> {
                    Schema.type(b, f, v, "string", "null");
                    Schema.enumOf(b, f, v, PULL_POLICIES);
                }
                default -> throw new IllegalStateException("no schema for " + f);
            }
        }
        for (String required : List.of("repo", "host")) {
            if (!body.containsKey(required)) {
                throw Schema.root(Schema.requiredMessage(required));
            }
        }
        ContainerFields.noAdditional(body, PROPERTIES);

        String repoText = body.getString("repo");
        ImageReference ref = ImageReference.parse(repoText);
        if (ref.digest() != null) {
            throw ZunException.invalid("Invalid image name " + Py.reprString(repoText)
                    + ": images are pulled by tag; a digest is not supported here.");
        }
        String tag = ref.tag();
        String bodyTag = body.getString("tag");
        if (tag == null && bodyTag != null && !bodyTag.isEmpty()) {
            if (!TAG.matcher(bodyTag).matches()) {
                throw ZunException.invalid("Invalid tag " + Py.reprString(bodyTag)
                        + ": it must be up to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'.");
            }
            tag = bodyTag;
        }
        String policy = body.getString("image_pull_policy");
        return new ImagePullRequest(ref.repository(), tag == null ? "latest" : tag, body.getString("host"),
                policy == null ? null : policy.toLowerCase(Locale.ROOT));
    }
}
