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

/** Storefront's command line: {@code serve}, {@code node}, {@code db}, {@code data}, {@code wordcount}, {@code bench}. */
@Command(name = "storefront", mixinStandardHelpOptions = true, version = "storefront 0.1.0",
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
      if (ex instanceof SettingsException || ex instanceof CommandLine.ParameterException) {
        commandLine.getErr().println("storefront: " + ex.getMessage());
        return 2;
      }
      commandLine.getErr().println("storefront: " + ex);
      return 1;
    });
    return cl;
  }
}
