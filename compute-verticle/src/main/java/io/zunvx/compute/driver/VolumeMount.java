package io.zunvx.compute.driver;

import java.util.Objects;

/**
 * A volume a container mounts, given to {@link ContainerDriver#create(io.zunvx.model.Container, String, String,
 * java.util.List)}.
 *
 * @param name        the volume's {@link VolumeDriver#mountName}
 * @param destination absolute path in the container
 * @param readOnly    mounted read-only
 */
public record VolumeMount(String name, String destination, boolean readOnly) {
    public VolumeMount {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(destination, "destination");
    }
}
