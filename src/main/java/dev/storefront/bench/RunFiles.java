package dev.storefront.bench;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The files of one {@code bench http} run, in one directory: {@value #RESULT} (everything {@code --json} prints),
 * {@value #TIMESERIES_JSON} and {@value #TIMESERIES_CSV} (the measured phase per second) and {@value #HLOG} (an
 * HdrHistogram interval log of the measured latencies, one interval per second, microseconds, readable by
 * HdrHistogram's {@code HistogramLogReader} and its plotting tools) and {@value #REPORT} (charts, see
 * {@link HttpReport}).
 */
public final class RunFiles {

  static final String RESULT = "result.json";
  static final String TIMESERIES_JSON = "timeseries.json";
  static final String TIMESERIES_CSV = "timeseries.csv";
  static final String HLOG = "latency.hlog";
  static final String REPORT = "report.html";

  private RunFiles() {
  }

  /** {@code target/bench/http-<yyyyMMdd-HHmmss>} (with a suffix when that exists already). */
  public static Path defaultDirectory() {
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path base = Path.of("target", "bench");
    Path dir = base.resolve("http-" + stamp);
    for (int i = 2; Files.exists(dir); i++) {
      dir = base.resolve("http-" + stamp + "-" + i);
    }
    return dir;
  }

  /** Writes the run's files into {@code dir} (created when missing); {@code all} is the run's full JSON. */
  public static List<Path> write(Path dir, LoadResult result, JsonObject all) throws IOException {
    Files.createDirectories(dir);
    List<Path> files = new ArrayList<>();
    TimeSeries series = TimeSeries.of(result);
    files.add(Files.writeString(dir.resolve(RESULT), all.encodePrettily() + "\n"));
    files.add(Files.writeString(dir.resolve(TIMESERIES_JSON), series.toJson().encodePrettily() + "\n"));
    files.add(Files.writeString(dir.resolve(TIMESERIES_CSV), series.toCsv()));
    files.add(writeHlog(dir.resolve(HLOG), result.measured(), MachineInfo.current().describe()
        + "; " + result.config().url()));
    files.add(Files.writeString(dir.resolve(REPORT), HttpReport.html(result, all)));
    return files;
  }

  /** One interval per second of {@code phase}, time-stamped from its start; values in microseconds. */
  static Path writeHlog(Path file, PhaseStats phase, String about) throws IOException {
    try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8)) {
      HistogramLogWriter log = new HistogramLogWriter(out);
      log.outputComment("storefront bench http: latency from intended send time, in microseconds, per second of the "
          + phase.phase() + " phase (" + about + ")");
      log.outputLogFormatVersion();
      long start = phase.startEpochMs();
      log.outputStartTime(start);
      log.setBaseTime(start);
      log.outputBaseTime(start);
      log.outputLegend();
      List<RequestStats> seconds = phase.seconds();
      for (int i = 0; i < seconds.size(); i++) {
        Histogram h = seconds.get(i).latency().copy();
        h.setStartTimeStamp(start + i * 1000L);
        h.setEndTimeStamp(start + (i + 1) * 1000L);
        log.outputIntervalHistogram(h);
      }
      out.flush();
      if (out.checkError()) {
        throw new IOException("could not write " + file);
      }
    }
    return file;
  }
}
