package dev.storefront.config;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.joran.util.ConfigurationWatchListUtil;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

import java.net.URL;

/**
 * The log format ({@code log.format}): {@code text}, lines for people, or {@code json}, one JSON object per line
 * (logstash-logback-encoder). {@code logback.xml} picks its appender from the system property
 * {@value #FORMAT_PROPERTY}; {@link #apply} sets it and reloads the configuration when the format changes, so a
 * command can switch once its settings are known ({@code serve} also passes the property to its nodes' JVMs).
 */
public final class Logs {

  public static final String FORMAT_PROPERTY = "storefront.log.format";

  private Logs() {
  }

  public static synchronized void apply(String format) {
    if (format.equals(System.getProperty(FORMAT_PROPERTY, "text"))) {
      return;
    }
    System.setProperty(FORMAT_PROPERTY, format);
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext)) {
      return; // another SLF4J binding: nothing of ours to switch
    }
    LoggerContext context = (LoggerContext) factory;
    URL config = ConfigurationWatchListUtil.getMainWatchURL(context);
    if (config == null) {
      config = Logs.class.getClassLoader().getResource("logback.xml");
    }
    context.reset();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    try {
      configurator.doConfigure(config);
    } catch (JoranException e) {
      throw new IllegalStateException("cannot reload the logging configuration " + config + ": " + e.getMessage(), e);
    }
  }
}
