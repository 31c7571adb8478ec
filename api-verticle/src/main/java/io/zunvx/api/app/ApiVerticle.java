package io.zunvx.api.app;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.zunvx.api.compute.ComputeClient;
import io.zunvx.api.container.ContainerApi;
import io.zunvx.api.host.HostApi;
import io.zunvx.api.image.GlanceApi;
import io.zunvx.api.image.ImageApi;
import io.zunvx.api.image.ImageSearch;
import io.zunvx.api.image.RegistryClient;
import io.zunvx.api.registry.RegistryApi;
import io.zunvx.api.http.ApiRouter;
import io.zunvx.api.policy.Policy;
import io.zunvx.api.quota.QuotaApi;
import io.zunvx.api.quota.QuotaService;
import io.zunvx.platform.app.Platform;
import io.zunvx.platform.config.ZunvxConfig;
import io.zunvx.platform.container.ContainerActionRepository;
import io.zunvx.platform.container.ContainerRepository;
import io.zunvx.platform.container.ContainerStore;
import io.zunvx.platform.image.BlobStore;
import io.zunvx.platform.image.HostImageRepository;
import io.zunvx.platform.image.StoreImageRepository;
import io.zunvx.platform.registry.CredentialCipher;
import io.zunvx.platform.registry.RegistryRepository;
import java.security.SecureRandom;

/**
 * The API role: Zun's REST API v1, the Keystone subset and the image store's Glance subset on one HTTP server.
 * Stateless (image data lives in the configured blob store); run as many as the load needs.
 */
public final class ApiVerticle extends VerticleBase {
    private final Platform platform;
    private HttpServer server;
    private ComputeClient compute;
    private RegistryClient registryClient;
    private GlanceApi glance;

    public ApiVerticle(Platform platform) {
        this.platform = platform;
    }

    @Override
    public Future<?> start() {
        Platform platform = this.platform.trustingExternalIssuer();
        ZunvxConfig.Api cfg = platform.config().api();
        Router router = ApiRouter.create(vertx, cfg.publicUrl(), platform.tokens(),
                io.zunvx.api.identity.AccountCheck.of(vertx, platform.pool()), platform.readiness());
        compute = new ComputeClient(vertx, platform.pool(), platform.tokens(), platform.clock());
        ContainerStore store = new ContainerStore(platform.pool(), new ContainerRepository(), platform.clock());
        Policy policy = Policy.load(cfg.policyFile());
        QuotaService quotas = new QuotaService(platform.config().quota());
        ZunvxConfig.Images images = platform.config().images();
        RegistryRepository registries = new RegistryRepository(CredentialCipher.fromConfig(platform.config()),
                platform.clock());
        StoreImageRepository storeImages = new StoreImageRepository(platform.clock());
        var networkRows = new io.zunvx.platform.network.NetworkRepository(platform.clock());
        var groupRows = new io.zunvx.platform.network.SecurityGroupRepository(platform.clock());
        var containerNetworks = new io.zunvx.api.network.ContainerNetworks(platform.pool(), networkRows, groupRows,
                store, new ContainerActionRepository(), compute, policy, platform.clock());
        new ContainerApi(store, new ContainerActionRepository(), compute, cfg.publicUrl(), cfg.uniqueNameScope(),
                cfg.maxLimit(), platform.clock(), new SecureRandom(), policy, quotas, registries, storeImages,
                containerNetworks).mount(router);
        containerNetworks.mount(router);
        new io.zunvx.api.network.NeutronApi(platform.pool(), networkRows, groupRows, cfg.publicUrl()).mount(router);
        io.zunvx.api.container.ContainerActionsApi.of(platform, store, compute, quotas, policy, storeImages,
                registries).mount(router);
        new RegistryApi(platform.pool(), registries, policy, cfg.publicUrl(), cfg.maxLimit(), platform.clock())
                .mount(router);
        registryClient = new RegistryClient(vertx);
        new ImageApi(platform.pool(), new HostImageRepository(platform.clock()),
                new ImageSearch(platform.pool(), registries, storeImages, registryClient, images.searchRegistry()),
                policy, cfg.publicUrl(), cfg.maxLimit(), platform.clock()).mount(router);
        glance = new GlanceApi(platform.pool(), storeImages, BlobStore.of(images, platform.pool()),
                images.maxUploadBytes(), cfg.publicUrl(), platform.clock());
        glance.mount(router);
        new QuotaApi(platform.pool(), quotas, policy).mount(router);
        new HostApi(platform.pool(), policy, cfg.publicUrl(), cfg.maxLimit(),
                platform.config().scheduler().serviceDownTime(), platform.clock()).mount(router);
        io.zunvx.api.identity.IdentityApi.create(vertx, platform).mount(router);
        ApiRouter.finish(router);
        var ready = platform.readiness().flag("api");
        return vertx.createHttpServer(new HttpServerOptions().setCompressionSupported(true))
                .requestHandler(router)
                .listen(cfg.port(), cfg.host())
                .onSuccess(s -> {
                    server = s;
                    ready.set(true);
                });
    }

    /** The port actually bound (useful with port 0 in tests). */
    public int port() {
        return server.actualPort();
    }

    @Override
    public Future<?> stop() {
        if (compute != null) {
            compute.close();
        }
        if (registryClient != null) {
            registryClient.close();
        }
        if (glance != null) {
            glance.close();
        }
        return server == null ? Future.succeededFuture() : server.close();
    }
}
