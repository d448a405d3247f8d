package dev.storefront.bench;

import picocli.CommandLine.Command;

/** {@code storefront bench}: load testing and scaling measurements. Every subcommand has --json. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Load testing and scaling benchmarks (HTTP load and comparing two HTTP runs, PostgreSQL query rate, processes x event loops sweep, word-count speed-up, counter race).",
    subcommands = {HttpLoadCommand.class, BenchCompareCommand.class, QueryBenchCommand.class, ScalingCommand.class, WordCountBenchCommand.class, RaceBenchCommand.class})
public final class BenchCommand {
}
