package dev.storefront.bench;

import picocli.CommandLine.Command;

/** {@code storefront bench}: load testing and scaling measurements. Every subcommand prints the machine and has --json. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Load testing and scaling benchmarks (HTTP load, PostgreSQL query rate, processes x event loops sweep).",
    subcommands = {HttpLoadCommand.class, QueryBenchCommand.class, ScalingCommand.class})
public final class BenchCommand {
}
