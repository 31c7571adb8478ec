package io.zunvx.api.app;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.zunvx.api.capsule.CapsuleApi;
import io.zunvx.api.compute.ComputeClient;
import io.zunvx.api.console.ConsoleRoutes;
import io.zunvx.api.container.ContainerActionsApi;
import io.zunvx.api.container.ContainerApi;
import io.zunvx.api.container.Defaults;
import io.zunvx.api.events.EventsApi;
import io.zunvx.api.host.HostApi;
import io.zunvx.api.http.ApiRouter;
import io.zunvx.api.identity.AccountCheck;
import io.zunvx.api.identity.IdentityApi;
import io.zunvx.api.image.GlanceApi;
import io.zunvx.api.image.ImageApi;
import io.zunvx.api.image.ImageSearch;
import io.zunvx.api.image.RegistryClient;
import io.zunvx.api.network.ContainerNetworks;
import io.zunvx.api.network.NeutronApi;
import io.zunvx.api.policy.Policy;
import io.zunvx.api.quota.QuotaApi;
import io.zunvx.api.quota.QuotaService;
import io.zunvx.api.registry.RegistryApi;
import io.zunvx.api.volume.CinderApi;
import io.zunvx.api.volume.VolumeQuota;
import io.zunvx.platform.app.Platform;
import io.zunvx.platform.auth.TokenService;
import io.zunvx.platform.capsule.CapsuleRepository;
import io.zunvx.platform.config.ZunvxConfig;
import io.zunvx.platform.container.ContainerActionRepository;
import io.zunvx.platform.container.ContainerCatalog;
import io.zunvx.platform.container.ContainerRepository;
import io.zunvx.platform.container.ContainerStore;
import io.zunvx.platform.db.Transactions;
import io.zunvx.platform.host.ComputeNodeRepository;
import io.zunvx.platform.image.HostImageRepository;
import io.zunvx.platform.image.StoreImageRepository;
import io.zunvx.platform.network.NetworkRepository;
import io.zunvx.platform.network.SecurityGroupRepository;
import io.zunvx.platform.registry.CredentialCipher;
import io.zunvx.platform.registry.RegistryRepository;
import io.zunvx.platform.volume.VolumeRepository;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.UUID;

/**
 * The API role's composition root: every collaborator of the REST API, the Keystone subset and the Glance subset,
 * built once from the typed config and the shared platform pieces. {@link ApiVerticle} only mounts the result on its
 * router; nothing else in the role constructs a handler or a repository.
 */
public final class ApiComponents implements AutoCloseable {
    /** How often each instance looks for unfinished live resizes. */
    public static final Duration RESIZE_SWEEP = Duration.ofMinutes(1);
    /** How old an unfinished live resize must be to be finished: longer than any call to an agent may take. */
    public static final Duration RESIZE_GRACE = Duration.ofMinutes(5);

    private final Platform platform;
    private final TokenService tokens;
    private final AccountCheck accounts;
    private final ComputeClient compute;
    private final RegistryClient registryClient;
    private final ContainerApi containers;
    private final CapsuleApi capsules;
    private final ContainerActionsApi containerActions;
    private final RegistryApi registries;
    private final ImageApi images;
    private final GlanceApi glance;
    private final QuotaApi quotas;
    private final HostApi hosts;
    private final CinderApi volumes;
    private final ContainerNetworks containerNetworks;
    private final NeutronApi neutron;
    private final IdentityApi identity;
    private final EventsApi events;

    private ApiComponents(Vertx vertx, Platform shared) {
        Platform platform = shared.trustingExternalIssuer();
        this.platform = platform;
        ZunvxConfig config = platform.config();
        ZunvxConfig.Api api = config.api();
        ZunvxConfig.Images imageConfig = config.images();
        this.tokens = platform.tokens();
        Transactions db = platform.transactions();
        this.accounts = AccountCheck.of(vertx, db);

        ContainerRepository containerRows = new ContainerRepository();
        ContainerActionRepository actions = new ContainerActionRepository();
        ContainerStore store = new ContainerStore(db, platform.clock());
        ContainerCatalog catalog = new ContainerCatalog(db, containerRows, actions);
        Policy policy = Policy.load(api.policyFile());
        QuotaService quotaService = new QuotaService(config.quota());
        RegistryRepository registryRows = new RegistryRepository(CredentialCipher.fromConfig(config),
                platform.clock());
        StoreImageRepository storeImages = new StoreImageRepository(platform.clock());
        this.compute = new ComputeClient(vertx, db, tokens, platform.clock(),
                platform.config().compute().logsMaxBytes());
        this.registryClient = new RegistryClient(vertx);

        NetworkRepository networkRows = new NetworkRepository(platform.clock());
        SecurityGroupRepository groupRows = new SecurityGroupRepository(platform.clock());
        this.containerNetworks = new ContainerNetworks(db, networkRows, groupRows, store, catalog,
                actions, compute, policy, platform.clock());
        this.neutron = new NeutronApi(db, networkRows, groupRows, api.publicUrl());
        this.containers = new ContainerApi(store, catalog, db, actions, compute, api.publicUrl(),
                api.uniqueNameScope(), api.maxLimit(), platform.clock(), new SecureRandom(), policy, quotaService,
                registryRows, storeImages, containerNetworks, config.scheduler().serviceDownTime());
        this.capsules = new CapsuleApi(db, store, catalog, actions, new CapsuleRepository(),
                containerNetworks, policy, quotaService, api.publicUrl(), api.sandboxImage(), api.maxLimit(),
                platform.clock(), new SecureRandom(), config.scheduler().serviceDownTime());
        this.containerActions = new ContainerActionsApi(store, catalog, db, actions, new ComputeNodeRepository(),
                config.scheduler(), compute, quotaService, policy, storeImages, registryRows, api.publicUrl(),
                api.uniqueNameScope(), config.proxy().baseUrl(), config.proxy().tokenTtl(), Defaults.standard(),
                platform.clock(), new SecureRandom());
        this.registries = new RegistryApi(db, registryRows, policy, api.publicUrl(), api.maxLimit(),
                platform.clock());
        this.images = new ImageApi(db, new HostImageRepository(platform.clock()),
                new ImageSearch(db, registryRows, storeImages, registryClient,
                        imageConfig.searchRegistry()),
                policy, api.publicUrl(), api.maxLimit(), platform.clock());
        this.glance = new GlanceApi(db, storeImages, platform.blobStore(), imageConfig,
                api.publicUrl(), platform.clock());
        this.quotas = new QuotaApi(db, quotaService, policy);
        this.hosts = new HostApi(db, policy, api.publicUrl(), api.maxLimit(),
                config.scheduler().serviceDownTime(), platform.clock());
        VolumeRepository volumeRows = new VolumeRepository(platform.clock());
        this.volumes = new CinderApi(db, volumeRows, new VolumeQuota(volumeRows), api.publicUrl(),
                config.scheduler().serviceDownTime(), api.maxLimit(), platform.clock(), UUID::randomUUID);
        this.identity = IdentityApi.create(vertx, platform);
        this.events = new EventsApi(platform.kafka(), policy);
    }

    /** Builds the API's collaborators; {@link #close} releases their clients. */
    public static ApiComponents create(Vertx vertx, Platform platform) {
        return new ApiComponents(vertx, platform);
    }

    /**
     * Finishes the live resizes that an API instance left between their commit and the agent's answer and that
     * started more than {@link #RESIZE_GRACE} ago.
     */
    public Future<Integer> finishStalledResizes() {
        return containerActions.finishStalledResizes(platform.clock().instant().minus(RESIZE_GRACE));
    }

    /** The router with every route of the role mounted, its failure handlers last. */
    public Router router(Vertx vertx) {
        Router router = ApiRouter.create(vertx, platform.config().api().publicUrl(), tokens, accounts,
                platform.readiness());
        containers.mount(router);
        capsules.mount(router);
        containerNetworks.mount(router);
        neutron.mount(router);
        containerActions.mount(router);
        registries.mount(router);
        images.mount(router);
        glance.mount(router);
        quotas.mount(router);
        hosts.mount(router);
        volumes.mount(router);
        identity.mount(router);
        events.mount(router);
        ConsoleRoutes.mount(router);
        ApiRouter.finish(router);
        return router;
    }

    @Override
    public void close() {
        compute.close();
        registryClient.close();
        glance.close();
    }
}
