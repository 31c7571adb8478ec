package io.zunvx.platform.config;

/** Configuration that cannot be used; the message names the variable. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
