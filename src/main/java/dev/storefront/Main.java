package dev.storefront;

import dev.storefront.bench.BenchCommand;
import dev.storefront.config.SettingsException;
import dev.storefront.db.DbCommand;
import dev.storefront.jobs.DataCommand;
import dev.storefront.jobs.WordCountCommand;
import dev.storefront.node.NodeCommand;
import dev.storefront.supervisor.ServeCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Storefront's command line: {@code serve}, {@code node}, {@code db}, {@code data}, {@code wordcount}, {@code bench}.
 * Exit codes: 0 success; 1 a failure at run time (an unexpected exception, a failed job, a benchmark over its error
 * limit); 2 a usage or settings error (unknown option, invalid setting), as picocli's own usage errors.
 */
@Command(name = "storefront", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Product service on Vert.x 5: node processes on one port, clustered with Hazelcast.",
    subcommands = {ServeCommand.class, NodeCommand.class, DbCommand.class, WordCountCommand.class, DataCommand.class, BenchCommand.class,
        CommandLine.HelpCommand.class})
public final class Main {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      Throwable cause = unwrap(ex);
      if (cause instanceof SettingsException || cause instanceof CommandLine.ParameterException) {
        commandLine.getErr().println("storefront: " + cause.getMessage());
        return 2;
      }
      // one line, never a stack trace: the message, or the exception's name when it has none
      commandLine.getErr().println("storefront: " + (cause.getMessage() == null || cause.getMessage().isBlank()
          ? cause.toString() : cause.getMessage()));
      return 1;
    });
    // a usage mistake (unknown option, a missing file): its one line and where help is, not the whole usage text
    cl.setParameterExceptionHandler((ex, args) -> {
      CommandLine failed = ex.getCommandLine();
      failed.getErr().println("storefront: " + ex.getMessage() + " (see: " + failed.getCommandSpec().qualifiedName() + " --help)");
      return 2;
    });
    return cl;
  }

  /** The failure under the wrappers of futures and executors. */
  static Throwable unwrap(Throwable ex) {
    Throwable t = ex;
    while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * {@code --version}: the Implementation-Version of the jar's manifest; run from classes (an IDE, the tests),
   * where there is no manifest, "storefront (development build)".
   */
  static final class Version implements CommandLine.IVersionProvider {

    static final String DEVELOPMENT = "storefront (development build)";

    @Override
    public String[] getVersion() {
      return new String[] {describe(Main.class.getPackage().getImplementationVersion())};
    }

    static String describe(String implementationVersion) {
      return implementationVersion == null || implementationVersion.isBlank()
          ? DEVELOPMENT : "storefront " + implementationVersion;
    }
  }
}
