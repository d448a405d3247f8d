package dev.storefront.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Typed, validated settings. Layers, lowest precedence first:
 * built-in defaults ({@link SettingsSchema}) &lt; {@code config/storefront.json} &lt; environment
 * {@code STOREFRONT_<SECTION>_<KEY>} &lt; command-line overrides ({@code section.key=value}).
 * Unknown or invalid settings raise {@link SettingsException} naming the setting.
 *
 * <p>Immutable; travels to verticles as JSON ({@link #toJson()} / {@link #fromJson(JsonObject)}).
 */
public final class Settings {

  public static final Path DEFAULT_FILE = Path.of("config", "storefront.json");
  /** Environment variables with this prefix belong to the test harness, not to the service. */
  private static final String ENV_PREFIX = "STOREFRONT_";
  private static final String ENV_TEST_PREFIX = "STOREFRONT_TEST_";

  private final JsonObject values;

  private Settings(JsonObject values) {
    this.values = values;
  }

  /** Defaults only: what a test or an embedded use starts from. */
  public static Settings defaults() {
    return new Settings(SettingsSchema.defaults());
  }

  /**
   * Loads every layer. {@code file} may be null: then {@code config/storefront.json} is used when it
   * exists in the working directory, and the built-in defaults otherwise.
   */
  public static Settings load(Path file, Map<String, String> env, Map<String, String> overrides) {
    JsonObject merged = SettingsSchema.defaults();
    Path source = file;
    if (source == null && Files.isRegularFile(DEFAULT_FILE)) {
      source = DEFAULT_FILE;
    }
    if (source != null) {
      applyFile(merged, source);
    }
    applyEnv(merged, env);
    overrides.forEach((k, v) -> apply(merged, k, v, "command-line override " + k));
    return new Settings(merged);
  }

  public static Settings fromJson(JsonObject json) {
    JsonObject merged = SettingsSchema.defaults();
    applyJson(merged, json, "settings");
    return new Settings(merged);
  }

  /** A copy with one setting changed (validated like any other layer). */
  public Settings with(String dottedKey, Object value) {
    JsonObject copy = values.copy();
    apply(copy, dottedKey, value, "setting " + dottedKey);
    return new Settings(copy);
  }

  public JsonObject toJson() {
    return values.copy();
  }

  public String string(String dottedKey) {
    return (String) raw(dottedKey);
  }

  public int integer(String dottedKey) {
    return ((Number) raw(dottedKey)).intValue();
  }

  public long longValue(String dottedKey) {
    return ((Number) raw(dottedKey)).longValue();
  }

  public boolean bool(String dottedKey) {
    return (Boolean) raw(dottedKey);
  }

  private Object raw(String dottedKey) {
    SettingsSchema.Key key = SettingsSchema.key(dottedKey)
        .orElseThrow(() -> new IllegalArgumentException("no such setting: " + dottedKey));
    return values.getJsonObject(key.section()).getValue(key.name());
  }

  private static void applyFile(JsonObject merged, Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new SettingsException(file.toString(), "cannot read settings file: " + e.getMessage());
    }
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException e) {
      throw new SettingsException(file.toString(), "not valid JSON: " + e.getMessage());
    }
    applyJson(merged, json, file.toString());
  }

  private static void applyJson(JsonObject merged, JsonObject json, String origin) {
    for (Map.Entry<String, Object> section : json) {
      if (section.getKey().startsWith("_")) {
        continue; // "_comment" and friends
      }
      if (!(section.getValue() instanceof JsonObject)) {
        throw new SettingsException(section.getKey(), "must be an object of settings (in " + origin + ")");
      }
      for (Map.Entry<String, Object> e : (JsonObject) section.getValue()) {
        if (e.getKey().startsWith("_")) {
          continue;
        }
        String dotted = section.getKey() + "." + e.getKey();
        apply(merged, dotted, e.getValue(), "in " + origin);
      }
    }
  }

  private static void applyEnv(JsonObject merged, Map<String, String> env) {
    for (Map.Entry<String, String> e : env.entrySet()) {
      String name = e.getKey();
      if (!name.startsWith(ENV_PREFIX) || name.startsWith(ENV_TEST_PREFIX)) {
        continue;
      }
      SettingsSchema.Key key = SettingsSchema.byEnvName(name)
          .orElseThrow(() -> new SettingsException(name, "unknown setting (environment variable)"));
      apply(merged, key.dotted(), e.getValue(), "environment variable " + name);
    }
  }

  /** Validates one value against the schema and stores it; the message names the setting and where it came from. */
  private static void apply(JsonObject target, String dotted, Object value, String origin) {
    SettingsSchema.Key key = SettingsSchema.key(dotted)
        .orElseThrow(() -> new SettingsException(dotted, "unknown setting (" + origin + ")"));
    target.getJsonObject(key.section()).put(key.name(), key.coerce(value, origin));
  }

  @Override
  public String toString() {
    return values.encode();
  }
}
