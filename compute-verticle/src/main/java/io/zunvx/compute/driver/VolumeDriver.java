package io.zunvx.compute.driver;

/**
 * The volumes of one runtime that the agent's containers mount: creating, inspecting and removing them and what a
 * container needs to mount one. Empty for now: containers have no volumes or mounts yet, and the volumes feature adds
 * its methods here, with a Docker implementation beside the others in {@code io.zunvx.compute.docker}.
 */
public interface VolumeDriver {
}
