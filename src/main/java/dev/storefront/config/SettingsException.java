package dev.storefront.config;

/** An unknown or invalid setting; the message always names it. */
public final class SettingsException extends RuntimeException {

  private final String setting;

  public SettingsException(String setting, String problem) {
    super("invalid setting '" + setting + "': " + problem);
    this.setting = setting;
  }

  public String setting() {
    return setting;
  }
}
