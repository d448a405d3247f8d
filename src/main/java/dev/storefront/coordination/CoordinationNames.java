package dev.storefront.coordination;

import dev.storefront.failure.Failure;

import java.util.regex.Pattern;

/**
 * Names of counters and locks given by clients: 1 to 64 characters of {@code [A-Za-z0-9._:-]}. Internal
 * structures use names with a {@code /}, which clients can never name, so the admin API cannot touch them.
 */
public final class CoordinationNames {

  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  private CoordinationNames() {
  }

  public static boolean isValid(String name) {
    return name != null && VALID.matcher(name).matches();
  }

  /** Returns {@code name} or throws a 400 naming what is wrong with it. */
  public static String require(String kind, String name) {
    if (!isValid(name)) {
      throw Failure.invalid(kind + " name must be 1 to 64 characters of A-Z a-z 0-9 . _ : -, got '"
          + (name == null ? "" : name.length() > 80 ? name.substring(0, 80) + "..." : name) + "'");
    }
    return name;
  }
}
