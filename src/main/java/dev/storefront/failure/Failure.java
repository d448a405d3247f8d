package dev.storefront.failure;

/**
 * A failure of the domain: the request was invalid, names something absent or gone, conflicts with the current
 * state, or a dependency is unavailable. Services raise these and know nothing of HTTP; the HTTP layer's one
 * error handler maps each {@link Kind} to a status. Across the event bus a failure travels as
 * {@link Kind#code()} and comes back with {@link #fromCode(int, String)}.
 */
public final class Failure extends RuntimeException {

  /** What went wrong, independent of any protocol. */
  public enum Kind {
    INVALID(1, "bad_request"),
    NOT_FOUND(2, "not_found"),
    CONFLICT(3, "conflict"),
    GONE(4, "gone"),
    UNAVAILABLE(5, "unavailable");

    private final int code;
    private final String error;

    Kind(int code, String error) {
      this.code = code;
      this.error = error;
    }

    /** The failure code this kind travels with on the event bus (never an HTTP status). */
    public int code() {
      return code;
    }

    /** The short machine-readable name clients see in {@code "error"}. */
    public String error() {
      return error;
    }
  }

  private final Kind kind;
  private final Integer retryAfterSeconds;

  private Failure(Kind kind, String message, Integer retryAfterSeconds) {
    super(message, null, false, false);
    this.kind = kind;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public static Failure invalid(String message) {
    return new Failure(Kind.INVALID, message, null);
  }

  public static Failure notFound(String message) {
    return new Failure(Kind.NOT_FOUND, message, null);
  }

  public static Failure conflict(String message) {
    return new Failure(Kind.CONFLICT, message, null);
  }

  public static Failure gone(String message) {
    return new Failure(Kind.GONE, message, null);
  }

  /** A dependency cannot serve now; callers may try again after {@code retryAfterSeconds}. */
  public static Failure unavailable(String message, int retryAfterSeconds) {
    return new Failure(Kind.UNAVAILABLE, message, retryAfterSeconds);
  }

  /** The failure an event-bus reply carried as {@link Kind#code()}, or {@code null} for any other code. */
  public static Failure fromCode(int code, String message) {
    for (Kind kind : Kind.values()) {
      if (kind.code == code) {
        return new Failure(kind, message, kind == Kind.UNAVAILABLE ? 1 : null);
      }
    }
    return null;
  }

  public Kind kind() {
    return kind;
  }

  /** Seconds after which trying again makes sense, or {@code null}. */
  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** Whether {@code error} is a failure of this kind. */
  public static boolean is(Throwable error, Kind kind) {
    return error instanceof Failure && ((Failure) error).kind == kind;
  }
}
