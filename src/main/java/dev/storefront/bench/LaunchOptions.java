package dev.storefront.bench;

import dev.storefront.config.Settings;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The options of a bench command that starts Storefronts ({@code serve}) of its own: which jar, how long they get
 * to become ready, and the {@link DatabaseOptions} they use.
 */
final class LaunchOptions {

  @Mixin
  DatabaseOptions database;

  @Option(names = "--jar", paramLabel = "JAR", description = "Storefront jar to start (default: the jar running this command)")
  Path jar;

  @Option(names = "--ready-timeout", defaultValue = "120s", converter = DurationConverter.class, paramLabel = "T",
      description = "time Storefront gets to become ready (default ${DEFAULT-VALUE})")
  Duration readyTimeout;

  /** The jar to start: --jar, else the one running this command; a usage error when there is neither. */
  Path jar(CommandSpec spec) {
    Path storefront = jar != null ? jar : StorefrontProcess.thisJar();
    if (storefront == null) {
      throw new ParameterException(spec.commandLine(), spec.qualifiedName() + " starts Storefront from its jar: run it "
          + "from target/storefront.jar (mvn package) or pass --jar");
    }
    return storefront;
  }

  Settings settings() {
    return database.settings();
  }
}
