/**
 * What the webhooks need of tracing: the contract only. src/tracing.ts implements it when tracing
 * is on (`Tracing.webhooks`); with tracing off there is no tracer, and the intake and the delivery
 * loops do no tracing work at all (one `undefined` check).
 *
 * - Intake: the outcome goes on the request's route span (@fastify/otel's), and the W3C
 *   `traceparent` of that span is stored with the notification (Redis stream field `p`).
 * - Delivery: each attempt is a span of its own (a new trace: the delivery happens later, maybe on
 *   another replica) with a span link to the intake's stored `traceparent`; the POST to the
 *   subscriber carries the attempt's `traceparent`.
 */
import type { FastifyRequest } from 'fastify'
import type { StoredEvent } from './store.js'

/** How the intake ended: stored, a repeat of a stored id (acknowledged, not stored), or refused. */
export type IntakeOutcome = 'stored' | 'duplicate' | 'rejected'

/** How a delivery attempt ended: delivered (2xx), failed (another attempt follows), dead_lettered (no attempt left), abandoned (the loop stopped or lost its lease: delivered again later). */
export type AttemptOutcome = 'delivered' | 'failed' | 'dead_lettered' | 'abandoned'

/** What the intake knows of a notification when it ends; `reason` is a rejection reason (the metrics' `reason` label). */
export interface IntakeInfo {
  outcome: IntakeOutcome
  reason?: string
  topic?: string
  notificationId?: string
  workspace?: string
  cursor?: string | null
}

/** One delivery attempt. */
export interface AttemptInfo {
  subscriber: string
  /** The subscriber's configured URL (only its origin and path reach a span). */
  url: string
  event: StoredEvent
  /** 1 for the first attempt of this notification to this subscriber. */
  attempt: number
}

export interface WebhookTracer {
  /** The W3C `traceparent` of the request's span, to store with the notification; undefined when the request has none. */
  traceparent: (request: FastifyRequest) => string | undefined
  /** Put the intake's outcome (and the notification's topic, id, app id, cursor) on the request's span. */
  intake: (request: FastifyRequest, info: IntakeInfo) => void
  /** An attempt starts: its span begins, and its trace context is written into `headers` (`traceparent`). */
  attempt: (info: AttemptInfo, headers: Record<string, string>) => AttemptTrace
}

export interface AttemptTrace {
  /** The attempt ended: `status` is the subscriber's HTTP status (null when none came), `error` what went wrong. */
  end: (status: number | null, outcome: AttemptOutcome, error?: string) => void
}
