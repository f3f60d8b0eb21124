/**
 * Configuration: the environment schema (TypeBox), validated once at start-up with env-schema, and
 * the typed `AppConfig` built from it.
 *
 * `loadConfig(env)` is the only place in the service that reads environment variables (given as an
 * object, so tests pass their own); everything else receives the `AppConfig` it returns. Beyond the
 * schema it reads the API_KEYS file when one is named and parses TRUST_PROXY (src/proxy-trust.ts).
 * A bad value throws ConfigError, one line naming the variable. Units: every duration is
 * milliseconds and says so in its name (`_MS`); sizes are bytes (`_BYTES`). Memory settings of the
 * process (NODE_OPTIONS, V8 flags) are not configuration: they belong to how it is started (npm
 * start, the Dockerfile). The README's Configuration table lists every variable.
 */
import envSchema from 'env-schema'
import { readFileSync } from 'node:fs'
import { Type, type Static } from '@sinclair/typebox'
import { parseTrustProxy, type TrustProxySetting } from './proxy-trust.js'
import { DEFAULT_VERSION, SUPPORTED_VERSIONS, type IntercomVersion } from './intercom-spec/versions.js'
import type { AjvError } from './validation.js'
import type { DeliveryPolicy } from './webhooks/delivery.js'

/** Intercom's regional API hosts (INTERCOM_REGION). */
export const REGION_BASE_URLS = {
  us: 'https://api.intercom.io',
  eu: 'https://api.eu.intercom.io',
  au: 'https://api.au.intercom.io'
} as const

const EnvSchema = Type.Object({
  INTERCOM_ACCESS_TOKEN: Type.Optional(Type.String({ minLength: 1, description: 'Intercom access token; unset = sandbox mode (built-in emulator).' })),
  INTERCOM_REGION: Type.Union([Type.Literal('us'), Type.Literal('eu'), Type.Literal('au')], { default: 'us' }),
  INTERCOM_BASE_URL: Type.Optional(Type.String({ pattern: '^https?://[^/?#]+/?$', description: 'Overrides INTERCOM_REGION, e.g. http://127.0.0.1:4010' })),
  INTERCOM_VERSION: Type.Union(SUPPORTED_VERSIONS.map((v) => Type.Literal(v)), { default: DEFAULT_VERSION, description: 'Intercom-Version sent when the caller names none; one of the supported versions (src/intercom-spec/versions.ts).' }),
  INTERCOM_DEFAULT_ADMIN_ID: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  // Behind a gateway (src/proxy-trust.ts, src/plugins/swagger.ts).
  TRUST_PROXY: Type.String({ default: 'false', description: 'Hops believed for X-Forwarded-For/Proto/Host/Prefix: false, a hop count, or comma-separated addresses/CIDRs (loopback, linklocal, uniquelocal too).' }),
  PUBLIC_BASE_URL: Type.Optional(Type.String({ pattern: '^https?://[^/?#\\s]+(/[^?#\\s]*)?$', description: 'The URL callers reach the service at (e.g. https://gw.example.com/intercom-facade): the served OpenAPI document\'s servers.' })),
  LOG_LEVEL: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)), { default: 'info' }),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, maximum: 100 * 1024 * 1024, default: 1024 * 1024 }),
  JSON_MAX_DEPTH: Type.Integer({ minimum: 1, maximum: 1000, default: 32, description: 'Deepest accepted JSON body nesting (objects and arrays); deeper bodies are refused with 400 before parsing.' }),
  API_KEYS: Type.Optional(Type.String({ minLength: 1, description: 'Inbound API keys: comma-separated, or a path (starting with / or ./) to a file with one key per line. Unset: no inbound auth.' })),
  AUTH_OPEN_PATHS: Type.String({ default: '/healthz,/readyz,/metrics,/openapi.json,/openapi.yaml', description: 'Comma-separated route paths that need no API key (each also opens its sub-paths); /docs is always open.' }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 600_000, default: 10_000, description: 'On SIGTERM/SIGINT: the whole drain must finish within this, else exit 1.' }),
  SHUTDOWN_DRAIN_DELAY_MS: Type.Integer({ minimum: 0, maximum: 600_000, default: 0, description: 'On SIGTERM/SIGINT: how long /readyz answers 503 while still serving, before the listener closes.' }),
  PRESSURE_MAX_EVENT_LOOP_DELAY_MS: Type.Integer({ minimum: 0, default: 1_000, description: 'Shed load (503) when the mean event-loop delay exceeds this; 0 disables the check.' }),
  PRESSURE_MAX_EVENT_LOOP_UTILIZATION: Type.Number({ minimum: 0, maximum: 1, default: 0, description: 'Shed load when event-loop utilisation exceeds this (0..1); 0 disables the check.' }),
  PRESSURE_MAX_HEAP_USED_BYTES: Type.Integer({ minimum: 0, default: 0, description: 'Shed load when the V8 heap in use exceeds this; 0 disables the check.' }),
  PRESSURE_MAX_RSS_BYTES: Type.Integer({ minimum: 0, default: 0, description: 'Shed load when the resident set size exceeds this; 0 disables the check.' }),
  PRESSURE_SAMPLE_INTERVAL_MS: Type.Integer({ minimum: 5, maximum: 60_000, default: 1_000, description: 'How often the load figures are sampled.' }),
  PRESSURE_RETRY_AFTER_MS: Type.Integer({ minimum: 1_000, maximum: 3_600_000, default: 10_000, description: 'Retry-After sent with a shed 503 (rounded up to whole seconds).' }),
  UPSTREAM_CONNECTIONS: Type.Integer({ minimum: 1, maximum: 1024, default: 32 }),
  UPSTREAM_CONNECT_TIMEOUT_MS: Type.Integer({ minimum: 1, default: 5_000 }),
  UPSTREAM_HEADERS_TIMEOUT_MS: Type.Integer({ minimum: 1, default: 30_000 }),
  UPSTREAM_BODY_TIMEOUT_MS: Type.Integer({ minimum: 1, default: 30_000 }),
  UPSTREAM_KEEP_ALIVE_TIMEOUT_MS: Type.Integer({ minimum: 1, default: 30_000 }),
  UPSTREAM_MAX_ANSWER_BYTES: Type.Integer({ minimum: 1024, maximum: 1_073_741_824, default: 16_777_216, description: 'Largest Intercom answer a facade call reads into memory (bytes); a larger one is aborted and answers 502. The passthrough streams and is not bound by it.' }),
  READINESS_CACHE_MS: Type.Integer({ minimum: 0, default: 30_000 }),
  SANDBOX_SEARCH_LAG_MS: Type.Integer({ minimum: 0, maximum: 60_000, default: 1_000 }),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://', description: 'Shared rate budget across replicas; unset = in-process budget.' })),
  REDIS_KEY_PREFIX: Type.String({ minLength: 1, maxLength: 100, default: 'intercom-facade:' }),
  REDIS_FALLBACK_SHARE: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.5 }),
  RETRY_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 20, default: 4 }),
  RETRY_BASE_DELAY_MS: Type.Integer({ minimum: 1, maximum: 60_000, default: 250 }),
  RETRY_MAX_DELAY_MS: Type.Integer({ minimum: 1, maximum: 300_000, default: 20_000 }),
  RETRY_MAX_TOTAL_DELAY_MS: Type.Integer({ minimum: 0, maximum: 600_000, default: 30_000 }),
  RATE_QUEUE_MAX_LENGTH: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 1_000 }),
  RATE_QUEUE_MAX_WAIT_MS: Type.Integer({ minimum: 0, maximum: 600_000, default: 30_000 }),
  REQUEST_DEADLINE_MS: Type.Integer({ minimum: 1, maximum: 600_000, default: 60_000 }),
  IDEMPOTENCY_TTL_MS: Type.Integer({ minimum: 1_000, maximum: 30 * 86_400_000, default: 86_400_000, description: 'How long the answer to a request with an Idempotency-Key is kept for replays.' }),
  IDEMPOTENCY_MAX_ANSWER_BYTES: Type.Integer({ minimum: 1024, maximum: 16 * 1024 * 1024, default: 1024 * 1024, description: 'Largest answer body kept for an Idempotency-Key replay; a larger one is not kept (its replay is a 409 problem IDEMPOTENCY_ANSWER_NOT_STORED).' }),
  IDEMPOTENCY_LOCAL_MAX_BYTES: Type.Integer({ minimum: 1024 * 1024, maximum: 4 * 1024 * 1024 * 1024, default: 64 * 1024 * 1024, description: 'Without REDIS_URL: size bound of the in-process store of Idempotency-Key answers (least recently used dropped first).' }),
  CONTACT_ID_CACHE_TTL_MS: Type.Integer({ minimum: 0, maximum: 30 * 86_400_000, default: 86_400_000, description: 'How long a learned external_id/email -> contact id mapping is used by upserts; 0 disables the mapping.' }),
  CONTACT_ID_CACHE_MAX_ENTRIES: Type.Integer({ minimum: 1, maximum: 10_000_000, default: 100_000, description: 'Without REDIS_URL: most mappings kept in process (least recently used dropped first).' }),
  // Webhooks in (src/webhooks): Intercom's notifications verified, stored, delivered to subscribers.
  INTERCOM_CLIENT_SECRET: Type.Optional(Type.String({ minLength: 1, description: "The Intercom app's client secret: key of X-Hub-Signature on webhook notifications. Unset outside sandbox: POST /webhooks/intercom accepts nothing (503)." })),
  WEBHOOK_SUBSCRIPTIONS: Type.Optional(Type.String({ minLength: 1, description: 'Subscribers: a JSON array of { name, url, topics, secret }, or a path (starting with / or ./) to a file holding one.' })),
  WEBHOOK_DEDUPE_TTL_MS: Type.Integer({ minimum: 1_000, default: 7 * 24 * 3_600_000, description: 'How long a notification id is remembered to drop Intercom\'s repeats.' }),
  WEBHOOK_RETENTION_MS: Type.Integer({ minimum: 1_000, default: 7 * 24 * 3_600_000, description: 'How long stored notifications are kept (the stream is trimmed with MINID).' }),
  WEBHOOK_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 100, default: 12, description: 'Delivery attempts per subscriber before dead-lettering.' }),
  WEBHOOK_MAX_AGE_MS: Type.Integer({ minimum: 1, default: 24 * 3_600_000, description: 'A delivery not made this long after the notification arrived is dead-lettered.' }),
  WEBHOOK_RETRY_BASE_DELAY_MS: Type.Integer({ minimum: 1, maximum: 3_600_000, default: 1_000, description: 'First retry delay; doubles per attempt, with jitter.' }),
  WEBHOOK_RETRY_MAX_DELAY_MS: Type.Integer({ minimum: 1, maximum: 86_400_000, default: 600_000, description: 'Longest delay between two attempts.' }),
  WEBHOOK_DELIVERY_TIMEOUT_MS: Type.Integer({ minimum: 1, maximum: 600_000, default: 10_000, description: 'A subscriber must answer within this, else the attempt failed.' }),
  WEBHOOK_LEASE_MS: Type.Integer({ minimum: 100, maximum: 600_000, default: 15_000, description: 'With Redis: how long a replica holds a subscriber\'s delivery lease without renewing it (a dead replica\'s work moves on after this).' })
})
type Env = Static<typeof EnvSchema>

/** The typed configuration every other module receives. */
export interface AppConfig {
  intercom: {
    /** Bearer token; in sandbox mode the emulator's token, set by the entry after it starts. */
    token: string | undefined
    /** Origin of the Intercom API, no trailing slash. */
    baseUrl: string
    /** Default `Intercom-Version` header (one of SUPPORTED_VERSIONS); a caller may override it per request. */
    version: IntercomVersion
    /** Author of replies and parts when the caller names none (else resolved once via identifyAdmin). */
    defaultAdminId: string | undefined
    /** True when no token was configured: the entry starts the built-in emulator. */
    sandbox: boolean
  }
  /**
   * `trustProxy`: which hops' X-Forwarded-* are believed (TRUST_PROXY, src/proxy-trust.ts);
   * `publicBaseUrl`: the served document's `servers`, no trailing slash (PUBLIC_BASE_URL).
   */
  http: { host: string; port: number; bodyLimitBytes: number; trustProxy: TrustProxySetting; publicBaseUrl: string | undefined }
  logLevel: string
  /** Largest JSON nesting depth a body may have (JSON_MAX_DEPTH). */
  jsonMaxDepth: number
  /** Inbound authentication: `apiKeys` empty = open. `openPaths` need no key (plus /docs). */
  auth: { apiKeys: string[]; openPaths: string[] }
  /** Graceful shutdown: readiness 503 for `drainDelayMs`, then close; everything within `timeoutMs`. */
  shutdown: { timeoutMs: number; drainDelayMs: number }
  /** Load shedding (@fastify/under-pressure); a 0 limit disables that check. */
  pressure: { maxEventLoopDelayMs: number; maxEventLoopUtilization: number; maxHeapUsedBytes: number; maxRssBytes: number; sampleIntervalMs: number; retryAfterMs: number }
  upstream: {
    connections: number
    connectTimeoutMs: number
    headersTimeoutMs: number
    bodyTimeoutMs: number
    keepAliveTimeoutMs: number
    /** Largest answer a facade call reads into memory (UPSTREAM_MAX_ANSWER_BYTES), bytes. */
    maxAnswerBytes: number
  }
  readinessCacheMs: number
  sandboxSearchLagMs: number
  /**
   * OpenTelemetry traces wanted: an OTLP endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT` or
   * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) or `OTEL_TRACES_EXPORTER` is set, and neither
   * `OTEL_SDK_DISABLED=true` nor `OTEL_TRACES_EXPORTER=none`. The SDK reads the rest of `OTEL_*` itself.
   */
  tracing: boolean
  /** Rate budget, retry policy and deadlines (src/upstream/budget/, src/upstream/retry/). Milliseconds. */
  policy: {
    retry: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number; maxTotalDelayMs: number }
    queue: { maxQueueLength: number; maxWaitMs: number }
    /** Deadline of a call whose caller sent no X-Request-Deadline-Ms. */
    requestDeadlineMs: number
    /** Shared budget; `url` unset = in-process. `fallbackShare` sizes the local limiter while Redis is away. */
    redis: { url: string | undefined; keyPrefix: string; fallbackShare: number }
  }
  /** Idempotency-Key answers (src/plugins/idempotency.ts); kept in Redis when `policy.redis.url` is set. */
  idempotency: { ttlMs: number; maxAnswerBytes: number; localMaxBytes: number }
  /** external_id/email -> contact id mappings for upserts (src/facade/contact-ids.ts); `ttlMs` 0 = off. */
  contactIds: { ttlMs: number; maxEntries: number }
  /** Webhooks in (src/webhooks). Durations in milliseconds. Redis: `policy.redis` (same URL and prefix). */
  webhooks: {
    /** INTERCOM_CLIENT_SECRET; in sandbox mode the entry sets the emulator's when unset. */
    clientSecret: string | undefined
    subscriptions: WebhookSubscription[]
    dedupeTtlMs: number
    retentionMs: number
  } & DeliveryPolicy
}

/** One internal subscriber (WEBHOOK_SUBSCRIPTIONS). `topics` are Intercom topics; `*` matches any run of characters. */
export interface WebhookSubscription {
  name: string
  url: string
  topics: string[]
  /** Standard Webhooks secret (`whsec_<base64>`, or any string of 16+ characters, used as its bytes). */
  secret: string
}

/** Raised when the environment is invalid; `message` is one line naming the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

function describe (err: AjvError, env: Record<string, unknown>): string {
  const variable = err.instancePath.replace(/^\//, '') || String(err.params.additionalProperty ?? err.params.missingProperty ?? '')
  const props = EnvSchema.properties as Record<string, { anyOf?: Array<{ const: unknown }>; pattern?: string; minimum?: number; maximum?: number; type?: string }>
  const def = props[variable]
  let accepts = err.message ?? 'is invalid'
  if (def?.anyOf) accepts = `must be one of ${def.anyOf.map((s) => s.const).join(', ')}`
  else if (def?.pattern) accepts = `must match ${def.pattern}`
  else if (def?.type === 'integer') accepts = `must be an integer${def.minimum !== undefined ? ` >= ${def.minimum}` : ''}${def.maximum !== undefined ? ` and <= ${def.maximum}` : ''}`
  const got = env[variable]
  return `Invalid configuration: ${variable} ${accepts}${got !== undefined ? ` (got ${JSON.stringify(got)})` : ''}`
}

/**
 * Validate `env` (normally `process.env`) and build the `AppConfig`.
 * @throws ConfigError with a one-line message naming the first bad variable and what it accepts.
 */
export function loadConfig (env: Record<string, string | undefined>): AppConfig {
  const known: Record<string, string> = {}
  for (const key of Object.keys(EnvSchema.properties)) {
    const value = env[key]
    if (value !== undefined && value !== '') known[key] = value
  }
  let parsed: Env
  try {
    parsed = envSchema<Env>({ schema: EnvSchema, data: known, env: false })
  } catch (err) {
    const errors = (err as { errors?: AjvError[] }).errors
    if (errors?.length) throw new ConfigError(describe(errors[0], known))
    throw new ConfigError(`Invalid configuration: ${(err as Error).message}`)
  }
  const baseUrl = (parsed.INTERCOM_BASE_URL ?? REGION_BASE_URLS[parsed.INTERCOM_REGION]).replace(/\/$/, '')
  let trustProxy: TrustProxySetting
  try {
    trustProxy = parseTrustProxy(parsed.TRUST_PROXY)
  } catch (err) {
    throw new ConfigError(`Invalid configuration: TRUST_PROXY ${(err as Error).message} (got ${JSON.stringify(parsed.TRUST_PROXY)})`)
  }
  return {
    intercom: {
      token: parsed.INTERCOM_ACCESS_TOKEN,
      baseUrl,
      version: parsed.INTERCOM_VERSION as IntercomVersion,
      defaultAdminId: parsed.INTERCOM_DEFAULT_ADMIN_ID,
      sandbox: parsed.INTERCOM_ACCESS_TOKEN === undefined
    },
    http: { host: parsed.HOST, port: parsed.PORT, bodyLimitBytes: parsed.BODY_LIMIT_BYTES, trustProxy, publicBaseUrl: parsed.PUBLIC_BASE_URL?.replace(/\/+$/, '') },
    logLevel: parsed.LOG_LEVEL,
    jsonMaxDepth: parsed.JSON_MAX_DEPTH,
    auth: { apiKeys: parseApiKeys(parsed.API_KEYS), openPaths: parsed.AUTH_OPEN_PATHS.split(',').map((p) => p.trim()).filter(Boolean) },
    shutdown: { timeoutMs: parsed.SHUTDOWN_TIMEOUT_MS, drainDelayMs: parsed.SHUTDOWN_DRAIN_DELAY_MS },
    pressure: {
      maxEventLoopDelayMs: parsed.PRESSURE_MAX_EVENT_LOOP_DELAY_MS,
      maxEventLoopUtilization: parsed.PRESSURE_MAX_EVENT_LOOP_UTILIZATION,
      maxHeapUsedBytes: parsed.PRESSURE_MAX_HEAP_USED_BYTES,
      maxRssBytes: parsed.PRESSURE_MAX_RSS_BYTES,
      sampleIntervalMs: parsed.PRESSURE_SAMPLE_INTERVAL_MS,
      retryAfterMs: parsed.PRESSURE_RETRY_AFTER_MS
    },
    upstream: {
      connections: parsed.UPSTREAM_CONNECTIONS,
      connectTimeoutMs: parsed.UPSTREAM_CONNECT_TIMEOUT_MS,
      headersTimeoutMs: parsed.UPSTREAM_HEADERS_TIMEOUT_MS,
      bodyTimeoutMs: parsed.UPSTREAM_BODY_TIMEOUT_MS,
      keepAliveTimeoutMs: parsed.UPSTREAM_KEEP_ALIVE_TIMEOUT_MS,
      maxAnswerBytes: parsed.UPSTREAM_MAX_ANSWER_BYTES
    },
    readinessCacheMs: parsed.READINESS_CACHE_MS,
    sandboxSearchLagMs: parsed.SANDBOX_SEARCH_LAG_MS,
    tracing: env.OTEL_SDK_DISABLED !== 'true' && env.OTEL_TRACES_EXPORTER !== 'none' &&
      Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_TRACES_EXPORTER),
    policy: {
      retry: {
        maxAttempts: parsed.RETRY_MAX_ATTEMPTS,
        baseDelayMs: parsed.RETRY_BASE_DELAY_MS,
        maxDelayMs: parsed.RETRY_MAX_DELAY_MS,
        maxTotalDelayMs: parsed.RETRY_MAX_TOTAL_DELAY_MS
      },
      queue: { maxQueueLength: parsed.RATE_QUEUE_MAX_LENGTH, maxWaitMs: parsed.RATE_QUEUE_MAX_WAIT_MS },
      requestDeadlineMs: parsed.REQUEST_DEADLINE_MS,
      redis: { url: parsed.REDIS_URL, keyPrefix: parsed.REDIS_KEY_PREFIX, fallbackShare: parsed.REDIS_FALLBACK_SHARE }
    },
    idempotency: { ttlMs: parsed.IDEMPOTENCY_TTL_MS, maxAnswerBytes: parsed.IDEMPOTENCY_MAX_ANSWER_BYTES, localMaxBytes: parsed.IDEMPOTENCY_LOCAL_MAX_BYTES },
    contactIds: { ttlMs: parsed.CONTACT_ID_CACHE_TTL_MS, maxEntries: parsed.CONTACT_ID_CACHE_MAX_ENTRIES },
    webhooks: {
      clientSecret: parsed.INTERCOM_CLIENT_SECRET,
      subscriptions: parseSubscriptions(parsed.WEBHOOK_SUBSCRIPTIONS),
      dedupeTtlMs: parsed.WEBHOOK_DEDUPE_TTL_MS,
      retentionMs: parsed.WEBHOOK_RETENTION_MS,
      maxAttempts: parsed.WEBHOOK_MAX_ATTEMPTS,
      maxAgeMs: parsed.WEBHOOK_MAX_AGE_MS,
      retryBaseDelayMs: parsed.WEBHOOK_RETRY_BASE_DELAY_MS,
      retryMaxDelayMs: parsed.WEBHOOK_RETRY_MAX_DELAY_MS,
      deliveryTimeoutMs: parsed.WEBHOOK_DELIVERY_TIMEOUT_MS,
      leaseMs: parsed.WEBHOOK_LEASE_MS
    }
  }
}

const SUBSCRIBER_NAME_RE = /^[A-Za-z0-9_.-]{1,64}$/

/**
 * WEBHOOK_SUBSCRIPTIONS: a JSON array, or a path (starting with `/` or `./`) to a file holding one.
 * Each entry `{ name, url, topics, secret }`; names unique, url http(s), topics non-empty.
 * @throws ConfigError naming WEBHOOK_SUBSCRIPTIONS and the entry at fault (never printing a secret).
 */
export function parseSubscriptions (value: string | undefined): WebhookSubscription[] {
  if (value === undefined) return []
  const bad = (why: string): ConfigError => new ConfigError(`Invalid configuration: WEBHOOK_SUBSCRIPTIONS ${why}`)
  let text = value
  if (value.startsWith('/') || value.startsWith('./')) {
    try {
      text = readFileSync(value, 'utf8')
    } catch (err) {
      throw bad(`names a file that cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}: ${value})`)
    }
  }
  let list: unknown
  try {
    list = JSON.parse(text)
  } catch (err) {
    throw bad(`is not JSON: ${(err as Error).message}`)
  }
  if (!Array.isArray(list)) throw bad('must be a JSON array of { name, url, topics, secret }')
  const names = new Set<string>()
  return list.map((entry: Record<string, unknown>, i): WebhookSubscription => {
    const where = `entry #${i + 1}`
    if (typeof entry !== 'object' || entry === null) throw bad(`${where} is not an object`)
    const { name, url, topics, secret } = entry
    if (typeof name !== 'string' || !SUBSCRIBER_NAME_RE.test(name)) throw bad(`${where}: name must match ${SUBSCRIBER_NAME_RE.source}`)
    if (names.has(name)) throw bad(`${where}: name ${name} is used twice`)
    names.add(name)
    if (typeof url !== 'string' || !/^https?:\/\/[^/?#]+/.test(url)) throw bad(`${where} (${name}): url must be an http(s) URL`)
    if (!Array.isArray(topics) || topics.length === 0 || !topics.every((t) => typeof t === 'string' && /^[a-z0-9_.*]+$/.test(t))) throw bad(`${where} (${name}): topics must be a non-empty array of topics such as "conversation.*"`)
    if (typeof secret !== 'string' || secret.length < 16) throw bad(`${where} (${name}): secret must be a string of at least 16 characters (e.g. whsec_<base64>)`)
    if (secret.startsWith('whsec_') && (!/^whsec_[A-Za-z0-9+/]+={0,2}$/.test(secret) || Buffer.from(secret.slice(6), 'base64').length < 16)) throw bad(`${where} (${name}): a whsec_ secret must be whsec_ followed by the base64 of at least 16 bytes`)
    return { name, url, topics: topics as string[], secret }
  })
}

/** Shortest inbound API key accepted (API_KEYS), so a key cannot be guessed. */
export const MIN_API_KEY_LENGTH = 16

/**
 * API_KEYS: a value starting with `/` or `./` is a file with one key per line (blank lines and `#`
 * comments skipped, commas also split); anything else is a comma-separated list. Unset: [].
 * @throws ConfigError naming API_KEYS when the file cannot be read, the list is empty or a key is
 * shorter than MIN_API_KEY_LENGTH (the key itself is never printed).
 */
export function parseApiKeys (value: string | undefined): string[] {
  if (value === undefined) return []
  let text = value
  if (value.startsWith('/') || value.startsWith('./')) {
    try {
      text = readFileSync(value, 'utf8').split('\n').filter((line) => !line.trim().startsWith('#')).join(',')
    } catch (err) {
      throw new ConfigError(`Invalid configuration: API_KEYS names a file that cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}: ${value})`)
    }
  }
  const keys = text.split(/[,\r\n]/).map((k) => k.trim()).filter(Boolean)
  if (keys.length === 0) throw new ConfigError('Invalid configuration: API_KEYS must name at least one key')
  const short = keys.findIndex((k) => k.length < MIN_API_KEY_LENGTH)
  if (short !== -1) throw new ConfigError(`Invalid configuration: API_KEYS key #${short + 1} is shorter than ${MIN_API_KEY_LENGTH} characters`)
  return [...new Set(keys)]
}

/** The environment variables `loadConfig` reads, with their schema (for the README table). */
export const ENV_SCHEMA = EnvSchema
