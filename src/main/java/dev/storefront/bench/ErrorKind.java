package dev.storefront.bench;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/** Why a load-generator request did not produce a successful response. */
public enum ErrorKind {
  /** The TCP connection could not be opened (refused, unreachable, connect timeout). */
  CONNECT("connect"),
  /** No response within the request timeout (also: requests that waited in the open-model queue that long). */
  TIMEOUT("timeout"),
  /** A response with a 4xx status. */
  STATUS_4XX("status4xx"),
  /** A response with a 5xx status. */
  STATUS_5XX("status5xx"),
  /** Anything else: connection reset or closed mid-request, protocol errors. */
  OTHER("other");

  private final String label;

  ErrorKind(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /** The kind of a failed response status, or null for a success (1xx-3xx). */
  public static ErrorKind ofStatus(int status) {
    if (status >= 500) {
      return STATUS_5XX;
    }
    return status >= 400 ? STATUS_4XX : null;
  }

  /** The kind of a request that failed without a response. */
  public static ErrorKind ofFailure(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof TimeoutException) {
        return TIMEOUT;
      }
      if (c instanceof ConnectException || c instanceof io.netty.channel.ConnectTimeoutException) {
        return CONNECT;
      }
    }
    return OTHER;
  }
}
