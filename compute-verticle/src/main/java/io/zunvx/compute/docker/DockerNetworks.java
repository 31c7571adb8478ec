package io.zunvx.compute.docker;

import static io.zunvx.compute.docker.DockerErrors.call;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.model.ContainerNetwork;
import io.zunvx.compute.driver.NetworkAttachment;
import io.zunvx.compute.driver.NetworkDriver;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** {@link NetworkDriver} for a Docker engine: the agent's network, and the networks a container is connected to. */
final class DockerNetworks implements NetworkDriver {
    private static final Set<String> BUILTIN_NETWORKS = Set.of("none", "host", "bridge");

    private final DockerClient control;

    DockerNetworks(DockerClients clients) {
        this.control = clients.control();
    }

    @Override
    public void ensureNetwork(String name) {
        Objects.requireNonNull(name, "name");
        if (BUILTIN_NETWORKS.contains(name) || name.startsWith("container:")) {
            return;
        }
        // The name filter matches substrings: compare exactly.
        boolean exists = call(() -> control.listNetworksCmd().withNameFilter(name).exec()).stream()
                .anyMatch(n -> name.equals(n.getName()));
        if (exists) {
            return;
        }
        try {
            control.createNetworkCmd().withName(name).withDriver("bridge").withCheckDuplicate(true).exec();
        } catch (ConflictException createdMeanwhile) {
            // another caller won the race: the network exists, which is all that was asked
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
    }

    @Override
    public List<NetworkAttachment> networks(String id) {
        Objects.requireNonNull(id, "id");
        InspectContainerResponse r = call(() -> control.inspectContainerCmd(id).exec());
        Map<String, ContainerNetwork> networks = r.getNetworkSettings() == null ? null
                : r.getNetworkSettings().getNetworks();
        if (networks == null) {
            return List.of();
        }
        List<NetworkAttachment> out = new ArrayList<>();
        networks.forEach((name, n) -> {
            if (BUILTIN_NETWORKS.contains(name) && !"bridge".equals(name)) {
                return;
            }
            out.add(new NetworkAttachment(name, blankToNull(n.getNetworkID()), blankToNull(n.getEndpointId()),
                    blankToNull(n.getIpAddress()), blankToNull(n.getGlobalIPv6Address())));
        });
        out.sort(Comparator.comparing(NetworkAttachment::name));
        return List.copyOf(out);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
