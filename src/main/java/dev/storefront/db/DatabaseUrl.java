package dev.storefront.db;

import dev.storefront.config.SettingsException;
import io.vertx.pgclient.PgConnectOptions;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** A {@code postgresql://user:pass@host:port/db} URI, as Vert.x connect options or JDBC parts. */
public record DatabaseUrl(String host, int port, String database, String user, String password) {

  public static DatabaseUrl parse(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new SettingsException("db.url", "not a URI (" + e.getReason() + " at index " + e.getIndex() + "): '" + masked(url) + "'");
    }
    if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
      throw new SettingsException("db.url", "expected postgresql://user:pass@host:port/db, got scheme '" + uri.getScheme() + "'");
    }
    if (uri.getHost() == null) {
      throw new SettingsException("db.url", "no host in '" + masked(url) + "'");
    }
    String user = "postgres";
    String password = "";
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = decode(parts[0]);
      password = parts.length > 1 ? decode(parts[1]) : "";
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    String database = path.startsWith("/") ? path.substring(1) : path;
    if (database.isEmpty()) {
      database = user;
    }
    return new DatabaseUrl(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 5432, database, user, password);
  }

  /** {@code url} with any password between {@code user:} and {@code @} replaced by {@code ***}, even when it does not parse. */
  public static String masked(String url) {
    if (url == null) {
      return null;
    }
    int start = url.indexOf("://");
    int at = url.lastIndexOf('@'); // the last one: a password may hold an unencoded @ (masking too much is safe)
    if (start < 0 || at < start) {
      return url;
    }
    int colon = url.indexOf(':', start + 3);
    return colon < 0 || colon > at ? url : url.substring(0, colon + 1) + "***" + url.substring(at);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  public PgConnectOptions connectOptions() {
    return new PgConnectOptions()
        .setHost(host).setPort(port).setDatabase(database).setUser(user).setPassword(password)
        .setCachePreparedStatements(true);
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database;
  }

  public DatabaseUrl withDatabase(String name) {
    return new DatabaseUrl(host, port, name, user, password);
  }

  /** The URI form, with the password masked: safe to print. */
  public String display() {
    return "postgresql://" + user + (password.isEmpty() ? "" : ":***") + "@" + host + ":" + port + "/" + database;
  }

  public String uri() {
    String auth = password.isEmpty() ? user : user + ":" + java.net.URLEncoder.encode(password, StandardCharsets.UTF_8);
    return "postgresql://" + auth + "@" + host + ":" + port + "/" + database;
  }
}
