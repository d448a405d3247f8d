package dev.storefront.jobs;

/** Event-bus addresses and shared-data names of the word-count jobs, in one place. */
public final class JobAddresses {

  /** Map tasks (request/reply): every node's {@link WorkQueue} consumes it, once per worker verticle it has. */
  public static final String MAP = "storefront.jobs.map";
  /**
   * Reduce steps (request/reply, {@link ReduceStep} bodies): consumed only within a process, by its
   * {@link WorkQueue}, so a node's merges share its workers' threads with map tasks.
   */
  public static final String REDUCE = "storefront.jobs.reduce";
  /** A free worker asks its node's {@link WorkQueue} for work (local request; the reply is the queued message). */
  static final String TAKE = "storefront.jobs.take";
  /** Cancellations (publish, body = job id): every node marks the job so its workers drop its tasks. */
  public static final String CANCEL = "storefront.jobs.cancel";
  /** Result queries to the node that coordinated a job: prefix + cluster node id. */
  public static final String RESULTS_PREFIX = "storefront.jobs.results.";
  /** Live progress of one job (publish): prefix + job id. */
  public static final String EVENTS_PREFIX = "storefront.jobs.events.";
  /** Live progress of every job (publish): the same events as {@link #EVENTS_PREFIX}, for followers of all jobs. */
  public static final String ALL_EVENTS = "storefront.jobs.events";

  /** Clustered map: job id -> job state. */
  public static final String STATE_MAP = "storefront.jobs";
  /** Clustered map: cluster node id -> number of worker verticles on it. */
  public static final String WORKERS_MAP = "storefront.jobs.workers";
  /** Clustered counter of job ids. */
  public static final String ID_COUNTER = "storefront.jobs.ids";
  /** Clustered counter prefix: partitions done of one job. */
  public static final String PROGRESS_PREFIX = "storefront.jobs.progress.";
  /** Clustered lock prefix: held by the node coordinating a job. */
  public static final String LOCK_PREFIX = "job:";
  /** Node-local map: ids of cancelled jobs (workers drop their tasks). */
  public static final String CANCELLED_LOCAL_MAP = "storefront.jobs.cancelled";

  private JobAddresses() {
  }
}
