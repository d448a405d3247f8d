package dev.storefront.jobs;

/** The SQL of word-count jobs over customer feedback ({@code $1} is always the optional product id). */
final class JobsSql {

  /** Key span and row count of the feedback a job covers. */
  static final String FEEDBACK_SPAN =
      "SELECT min(feedback_id), max(feedback_id), count(*) FROM customer_feedback WHERE ($1::int IS NULL OR product_id = $1)";

  /** The bodies of one partition: feedback ids in [$2, $3). */
  static final String FEEDBACK_BODIES =
      "SELECT body FROM customer_feedback WHERE ($1::int IS NULL OR product_id = $1) AND feedback_id >= $2 AND feedback_id < $3";

  private JobsSql() {
  }
}
