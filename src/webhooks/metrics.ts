/**
 * The webhook metrics, on the app's registry (`fastify.metrics`, src/plugins/metrics.ts):
 * - `intercom_webhooks_received_total{topic}`: notifications stored;
 * - `intercom_webhooks_rejected_total{reason}`: refused at intake (missing_signature,
 *   invalid_signature, invalid_json, invalid_envelope, not_configured, store_unavailable);
 * - `intercom_webhooks_duplicates_total`: repeats of a stored notification id (acknowledged, not stored);
 * - `intercom_webhook_deliveries_total{subscriber,outcome}`: attempts to subscribers, outcome
 *   delivered | failed (an attempt failed, another follows) | dead_lettered (no attempt left);
 * - `intercom_webhook_delivery_lag_seconds{subscriber}`: from arrival at intake to a subscriber's 2xx.
 * Topics are Intercom's topic names and subscribers configured names: bounded label sets.
 */
import { Counter, Histogram, type Registry } from 'prom-client'

/** Lag buckets in seconds: 5 ms to 1 h (retries with backoff go long). */
const LAG_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600]

export interface WebhookMetrics {
  received: Counter<'topic'>
  rejected: Counter<'reason'>
  duplicates: Counter
  deliveries: Counter<'subscriber' | 'outcome'>
  lag: Histogram<'subscriber'>
}

/** Register the webhook metrics on `register`. */
export function webhookMetrics (register: Registry): WebhookMetrics {
  const registers = [register]
  return {
    received: new Counter({ name: 'intercom_webhooks_received_total', help: 'Intercom webhook notifications stored, by topic', labelNames: ['topic'], registers }),
    rejected: new Counter({ name: 'intercom_webhooks_rejected_total', help: 'Intercom webhook notifications refused at intake, by reason', labelNames: ['reason'], registers }),
    duplicates: new Counter({ name: 'intercom_webhooks_duplicates_total', help: 'Intercom webhook notifications whose id was already stored (acknowledged, not stored again)', registers }),
    deliveries: new Counter({ name: 'intercom_webhook_deliveries_total', help: 'Delivery attempts to subscribers, by outcome: delivered, failed (will retry), dead_lettered', labelNames: ['subscriber', 'outcome'], registers }),
    lag: new Histogram({ name: 'intercom_webhook_delivery_lag_seconds', help: 'Seconds from a notification\'s arrival at intake to its delivery to a subscriber', labelNames: ['subscriber'], buckets: LAG_BUCKETS_S, registers })
  }
}
