package io.zunvx.api.container;

import io.zunvx.api.http.Py;

import io.vertx.core.MultiMap;
import io.zunvx.platform.error.ZunException;
import java.util.List;

/**
 * The query of {@code POST .../rebuild}: {@code image} (a new image; empty means keep) and {@code image_driver}
 * (one of the configured image drivers). Like Zun, there is no schema: other parameters are ignored.
 *
 * @param image       the new image reference, or {@code null} to keep the current one
 * @param imageDriver the new image driver, or {@code null} to keep the current one
 */
public record RebuildQuery(String image, String imageDriver) {
    /** Zun's default {@code image_driver_list}. */
    public static final List<String> IMAGE_DRIVERS = List.of("glance", "docker");

    /**
     * Parses and validates. An {@code image_driver} outside the list (including {@code None}, which Zun also
     * refuses here) is {@code 400 validation-error}: {@code Invalid input for image_driver, it should be within the
     * image drivers list}.
     */
    public static RebuildQuery parse(MultiMap query) {
        String image = query.get("image");
        String driver = query.get("image_driver");
        if (driver != null && !driver.isEmpty() && !IMAGE_DRIVERS.contains(driver)) {
            throw new ZunException(400, "validation-error",
                    "Invalid input for image_driver, it should be within the image drivers list");
        }
        if (image != null && !image.isEmpty() && image.chars().anyMatch(Character::isWhitespace)) {
            throw ZunException.invalid("Invalid image " + Py.reprString(image) + ": it must not contain blanks.");
        }
        return new RebuildQuery(image == null || image.isEmpty() ? null : image,
                driver == null || driver.isEmpty() ? null : driver);
    }
}
