package dev.storefront.config;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings options every command shares (a picocli mixin): {@code --config FILE} and repeatable
 * {@code --set section.key=value}. Commands add their own flags (for example {@code --port}) as
 * further overrides, which win over {@code --set}.
 */
public final class SettingsOptions {

  @Option(names = "--config", paramLabel = "FILE",
      description = "settings file (default: config/storefront.json when present, else built-in defaults)")
  Path configFile;

  @Option(names = "--set", paramLabel = "SECTION.KEY=VALUE",
      description = "override one setting, e.g. --set http.port=9090 (repeatable)")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Option(names = "--log-format", paramLabel = "text|json",
      description = "log lines as text (default) or one JSON object per line (setting log.format)")
  String logFormat;

  /**
   * All layers, with {@code flags} (already in {@code section.key} form) on top; switches the log format to the
   * loaded {@code log.format}.
   */
  public Settings load(Map<String, String> flags) {
    Map<String, String> all = new LinkedHashMap<>(overrides);
    if (logFormat != null) {
      all.put("log.format", logFormat);
    }
    all.putAll(flags);
    Settings settings = Settings.load(configFile, System.getenv(), all);
    Logs.apply(settings.string("log.format"));
    return settings;
  }

  public Settings load() {
    return load(Map.of());
  }
}
