/**
 * The reporting-data export (all versions; platform.ts `exportJobs`). Intercom's descriptions give
 * these four operations no operationId: the handlers are keyed by the names src/intercom-spec/names.ts
 * derives, which the emulator's router resolves like any other (load.ts names them first):
 * - getExportReportingDataGetDatasets (GET /export/reporting_data/get_datasets): the datasets and
 *   their attributes (platform.ts REPORTING_DATASETS);
 * - postExportReportingDataEnqueue (POST /export/reporting_data/enqueue): checks `dataset_id` and
 *   `attribute_ids` (simple or qualified ids; 400 bad_request with the description's messages),
 *   allows 5 pending jobs (then 429 rate_limit_exceeded), answers `{ job_identifier, status:
 *   'pending', download_url: '', download_expires_at: '' }`;
 * - getExportReportingDataByJobIdentifier (GET /export/reporting_data/{job_identifier}?app_id&client_id):
 *   the job's status. A job COMPLETES AFTER ITS FIRST STATUS POLL: that poll answers `pending`,
 *   every later one `complete` (so a client's polling loop runs at least twice);
 * - getDownloadReportingDataByJobIdentifier (GET /download/reporting_data/{job_identifier}?app_id):
 *   a complete job's rows as CSV (one header line of the attribute ids asked, then one line per
 *   conversation or ticket whose dataset time attribute is within [start_time, end_time]), sent as
 *   `application/octet-stream` (the Accept the description requires; not enforced).
 * An unknown job, or an `app_id` other than the workspace's (`store.app.id_code`), is the
 * description's 404 not_found "Export job not found for identifier: <id>"; downloading a job that
 * is not complete yet is a 404 too.
 */
import { EmulatorError } from '../errors.js'
import { helpdesk } from '../helpdesk.js'
import { platform, REPORTING_DATASETS, type ReportingDataset, type ReportingExportJob } from '../platform.js'
import type { EmulatorStore } from '../store.js'
import { bodyObject, queryValue, RawReply, type HandlerEntry } from './types.js'

/** Pending jobs allowed at once (the description's 429: "Exceeded rate limit of 5 pending ..."). */
export const MAX_PENDING_EXPORT_JOBS = 5

const badRequest = (message: string): EmulatorError => new EmulatorError(400, message, 'bad_request')
const jobNotFound = (id: string): EmulatorError => new EmulatorError(404, `Export job not found for identifier: ${id}`, 'not_found')

/** The job `id` of this workspace (404 otherwise). */
function findJob (store: EmulatorStore, id: string, appId: string | undefined): ReportingExportJob {
  const job = platform(store).exportJobs.get(id)
  if (job === undefined || appId !== store.app.id_code) throw jobNotFound(id)
  return job
}

const statusOf = (job: ReportingExportJob): Record<string, unknown> =>
  ({ job_identifier: job.job_identifier, status: job.status, download_url: '', download_expires_at: '' })

/** One CSV field (RFC 4180 quoting). */
const csvField = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : String(v)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** The rows of `dataset` in [start, end] (Unix seconds), as attribute id → value. */
function datasetRows (store: EmulatorStore, dataset: ReportingDataset, start: number, end: number): Array<Record<string, unknown>> {
  if (dataset.id === 'conversation') {
    return [...store.conversations.values()].filter((c) => c.created_at >= start && c.created_at <= end).map((c) => ({
      conversation_id: c.id,
      conversation_started_at: c.created_at,
      conversation_state: c.state,
      teammate_assigned: c.admin_assignee_id,
      team_assigned: c.team_assignee_id,
      contact_id: c.contact_ids[0]
    }))
  }
  return [...helpdesk(store).tickets.values()].filter((t) => t.created_at >= start && t.created_at <= end).map((t) => ({
    ticket_id: t.id,
    ticket_created_at: t.created_at,
    ticket_type_id: t.type_id,
    ticket_state_id: t.state_id,
    teammate_assigned: t.admin_assignee_id
  }))
}

/** The reporting-data export handlers, by their derived operationIds. */
export const reportingExportHandlers: HandlerEntry[] = [
  {
    operationId: 'getExportReportingDataGetDatasets',
    handler: () => ({ type: 'list', data: REPORTING_DATASETS })
  },
  {
    operationId: 'postExportReportingDataEnqueue',
    handler: ({ store, body }) => {
      const input = bodyObject(body)
      if (input.dataset_id === undefined) throw badRequest("'dataset_id' is a required parameter")
      const dataset = REPORTING_DATASETS.find((d) => d.id === input.dataset_id)
      if (dataset === undefined) throw badRequest(`${String(input.dataset_id)} is not a valid dataset_id`)
      if (input.attribute_ids === undefined) throw badRequest("'attribute_ids' is a required parameter")
      if (!Array.isArray(input.attribute_ids)) throw badRequest("'attribute_ids' not an array must be of type Array")
      if (input.attribute_ids.length === 0) throw badRequest('attribute_ids must contain at least one attribute_id')
      const ids = input.attribute_ids.map(String)
      const invalid = ids.filter((id) => !dataset.attributes.some((a) => a.id === id || a.qualified_id === id))
      if (invalid.length > 0) throw badRequest(`attribute_ids invalid for ${dataset.id} dataset: ${invalid.join(', ')}`)
      const state = platform(store)
      const pending = [...state.exportJobs.values()].filter((j) => j.status === 'pending').length
      if (pending >= MAX_PENDING_EXPORT_JOBS) throw new EmulatorError(429, `Exceeded rate limit of ${MAX_PENDING_EXPORT_JOBS} pending reporting dataset export jobs`, 'rate_limit_exceeded')
      const job: ReportingExportJob = {
        job_identifier: `job_${store.app.id_code}_${state.nextId('exportJob')}`,
        dataset_id: dataset.id,
        attribute_ids: ids,
        start_time: Number(input.start_time),
        end_time: Number(input.end_time),
        status: 'pending',
        polls: 0,
        created_at: store.nowSeconds()
      }
      state.exportJobs.set(job.job_identifier, job)
      return statusOf(job)
    }
  },
  {
    operationId: 'getExportReportingDataByJobIdentifier',
    handler: ({ store, params, query }) => {
      const job = findJob(store, params.job_identifier, queryValue(query, 'app_id'))
      const answer = statusOf(job)
      job.polls += 1
      job.status = 'complete'
      return answer
    }
  },
  {
    operationId: 'getDownloadReportingDataByJobIdentifier',
    handler: ({ store, params, query }) => {
      const job = findJob(store, params.job_identifier, queryValue(query, 'app_id'))
      if (job.status !== 'complete') throw new EmulatorError(404, `Export job not complete for identifier: ${job.job_identifier}`, 'not_found')
      const dataset = REPORTING_DATASETS.find((d) => d.id === job.dataset_id) as ReportingDataset
      const simple = job.attribute_ids.map((id) => dataset.attributes.find((a) => a.id === id || a.qualified_id === id)?.id ?? id)
      const lines = [job.attribute_ids.map(csvField).join(',')]
      for (const row of datasetRows(store, dataset, job.start_time, job.end_time)) lines.push(simple.map((id) => csvField(row[id])).join(','))
      return new RawReply(200, lines.join('\r\n') + '\r\n', 'application/octet-stream', {
        'content-disposition': `attachment; filename="${job.job_identifier}.csv"`
      })
    }
  }
]
