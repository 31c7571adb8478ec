package io.zunvx.api.image;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zunvx.api.http.PageQuery;
import io.zunvx.model.Registry;
import io.zunvx.model.StoreImage;
import io.zunvx.platform.auth.Identity;
import io.zunvx.platform.db.Transactions;
import io.zunvx.platform.error.ZunException;
import io.zunvx.platform.image.StoreImageRepository;
import io.zunvx.platform.registry.RegistryRepository;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /v1/images/{image}/search} for both of Zun's drivers.
 *
 * <ul>
 *   <li>{@code docker}: the registry configured by {@code ZUNVX_IMAGE_SEARCH_REGISTRY} (none: an empty list), through
 *       its v2 API ({@code /v2/_catalog}, then {@code /v2/<name>/tags/list} for each match), with the credentials of
 *       the caller's project registry for that domain if there is one. Items are Zun's docker-search items:
 *       {@code name} (pullable, with the registry host), {@code description} ({@code ""}: a v2 registry has none),
 *       {@code is_automated}, {@code is_official}, {@code star_count}, {@code tags} and {@code metadata}
 *       ({@code is_official}, {@code star_count}, {@code tags}). A registry that refuses or cannot be reached is a
 *       400 with its reason.</li>
 *   <li>{@code glance}: the image store's {@code docker} images the caller can see whose name equals (exact match) or
 *       contains the term, or the one whose id it is; a {@code :tag} suffix keeps those with that Glance tag. Items
 *       are Glance image objects.</li>
 * </ul>
 *
 * <p>Bounded: at most {@value #MAX_RESULTS} items (the first matches in name order), at most
 * {@value #PARALLEL_TAG_REQUESTS} tag-list requests to the registry at a time, at most {@value #MAX_TAGS} tags per
 * item; the catalog is read in at most {@link RegistryClient}'s page limit, each request with a 10 s timeout.
 */
public final class ImageSearch {
    /** How many store images a substring search looks through. */
    private static final int STORE_SCAN = 1000;
    /** The most items one search answers (the repositories matched first in name order), like Docker Hub's. */
    static final int MAX_RESULTS = 25;
    /** The most tag lists one docker search asks the registry for at the same time. */
    static final int PARALLEL_TAG_REQUESTS = 4;
    /** The most tags one docker search item lists. */
    static final int MAX_TAGS = 100;

    private final Transactions db;
    private final RegistryRepository registries;
    private final StoreImageRepository store;
    private final RegistryClient client;
    private final String searchRegistry;

    /**
     * @param searchRegistry the registry ({@code host[:port]}, optionally with {@code http://} or {@code https://})
     *                       the docker driver searches; {@code ""} for none
     */
    public ImageSearch(Transactions db, RegistryRepository registries, StoreImageRepository store,
                       RegistryClient client, String searchRegistry) {
        this.db = db;
        this.registries = registries;
        this.store = store;
        this.client = client;
        this.searchRegistry = searchRegistry == null ? "" : searchRegistry.strip();
    }

    // ---- docker ---------------------------------------------------------------------------------------------------

    /** The docker driver's search of the configured registry. */
    public Future<JsonArray> registry(String term, boolean exact, Identity who) {
        if (searchRegistry.isEmpty()) {
            return Future.succeededFuture(new JsonArray());
        }
        ImageReference ref = ImageReference.parse(term);
        String domain = RegistryClient.domainOf(searchRegistry);
        if (ref.domain() != null && !ref.domain().equals(domain)) {
            // Another registry is named: only the configured one is searched.
            return Future.succeededFuture(new JsonArray());
        }
        String path = ref.path();
        String wantedTag = ref.tag();
        return credentials(who, domain)
                .compose(creds -> client.catalog(searchRegistry, creds).compose(repos -> {
                    List<String> matches = repos.stream()
                            .filter(r -> exact ? r.equals(path) || r.equals("library/" + path)
                                    : r.contains(path))
                            .sorted()
                            .limit(MAX_RESULTS)
                            .toList();
                    return tagsOf(matches, 0, new JsonArray(), creds, domain, wantedTag);
                }));
    }

    /**
     * The items of {@code matches} from {@code from} on, {@value #PARALLEL_TAG_REQUESTS} tag lists at a time, so that
     * one search never fans out into more than that many requests to the registry at once.
     */
    private Future<JsonArray> tagsOf(List<String> matches, int from, JsonArray out,
                                     Optional<RegistryRepository.Credentials> creds, String domain,
                                     String wantedTag) {
        if (from >= matches.size()) {
            return Future.succeededFuture(out);
        }
        List<String> batch = matches.subList(from, Math.min(matches.size(), from + PARALLEL_TAG_REQUESTS));
        List<Future<JsonObject>> items = new ArrayList<>();
        for (String repo : batch) {
            items.add(client.tags(searchRegistry, repo, creds)
                    .map(tags -> wantedTag == null || tags.contains(wantedTag)
                            ? dockerItem(domain + "/" + repo, wantedTag == null
                            ? tags.stream().limit(MAX_TAGS).toList() : List.of(wantedTag))
                            : null));
        }
        return Future.all(items).compose(all -> {
            for (int i = 0; i < all.size(); i++) {
                JsonObject item = all.resultAt(i);
                if (item != null) {
                    out.add(item);
                }
            }
            return tagsOf(matches, from + batch.size(), out, creds, domain, wantedTag);
        });
    }

    /** The credentials of the caller's first registry for {@code domain}, if any. */
    private Future<Optional<RegistryRepository.Credentials>> credentials(Identity who, String domain) {
        return db.read(sql -> registries.byDomain(sql, who.projectId(), domain)).compose(list -> {
            Optional<Registry> first = list.stream().min(Comparator.comparing(Registry::createdAt));
            return first.isEmpty() ? Future.succeededFuture(Optional.empty())
                    : db.read(sql -> registries.credentials(sql, first.get().uuid()));
        });
    }

    static JsonObject dockerItem(String name, List<String> tags) {
        JsonArray tagArray = new JsonArray(new ArrayList<>(tags));
        return new JsonObject()
                .put("name", name)
                .put("description", "")
                .put("is_automated", false)
                .put("is_official", false)
                .put("star_count", 0)
                .put("tags", tagArray)
                .put("metadata", new JsonObject().put("is_official", false).put("star_count", 0)
                        .put("tags", tagArray.copy()));
    }

    // ---- glance ---------------------------------------------------------------------------------------------------

    /** The glance driver's search of the image store. */
    public Future<JsonArray> store(String term, boolean exact, Identity who) {
        String project = who.isAdmin() ? null : who.projectId();
        if (PageQuery.isUuidLike(term)) {
            return db.read(sql -> store.find(sql, PageQuery.toUuid(term))).map(found -> {
                JsonArray out = new JsonArray();
                found.filter(i -> GlanceViews.visible(i, who) && "docker".equals(i.containerFormat()))
                        .ifPresent(i -> out.add(GlanceViews.image(i)));
                return out;
            });
        }
        String name = term;
        String tag = null;
        int colon = term.lastIndexOf(':');
        if (colon > 0 && term.indexOf('/', colon) < 0 && colon < term.length() - 1) {
            name = term.substring(0, colon);
            tag = term.substring(colon + 1);
        }
        String wantedName = name;
        String wantedTag = tag;
        Future<List<StoreImage>> candidates = exact ? db.read(sql -> store.findByName(sql, wantedName, project))
                : db.read(sql -> store.list(sql, project, Map.of(), STORE_SCAN, null, "created_at", "asc"));
        return candidates.map(list -> {
            JsonArray out = new JsonArray();
            for (StoreImage i : list) {
                if (!"docker".equals(i.containerFormat()) || i.name() == null || !GlanceViews.visible(i, who)) {
                    continue;
                }
                boolean nameMatches = exact ? i.name().equals(wantedName) : i.name().contains(wantedName);
                if (nameMatches && (wantedTag == null || i.tags().contains(wantedTag))) {
                    out.add(GlanceViews.image(i));
                    if (out.size() == MAX_RESULTS) {
                        break;
                    }
                }
            }
            return out;
        });
    }

    /** The 400 a refusing or unreachable registry gives. */
    static ZunException refused(String registry, String reason) {
        return ZunException.invalid("The registry " + registry + " could not be searched: " + reason);
    }
}
