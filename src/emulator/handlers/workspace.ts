/**
 * The workspace's read-only settings (platform.ts): listBrands / retrieveBrand, listEmails /
 * retrieveEmail (the email settings: sender addresses), and exportWorkflow (a seeded workflow's
 * export; ISO 8601 timestamps, as the description's workflow_export has them). An unknown id is a
 * 404 not_found with the description's message ("Brand not found", "Email setting not found",
 * "Workflow not found"). All 2.15 and 2.16 operations.
 */
import { EmulatorError } from '../errors.js'
import { APP_NUMERIC_ID, platform, type Workflow } from '../platform.js'
import type { HandlerEntry } from './types.js'

const iso = (unixSeconds: number): string => new Date(unixSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')

/** A workflow as exportWorkflow answers it (workflow_export). */
function workflowExport (w: Workflow, nowSeconds: number): Record<string, unknown> {
  return {
    export_version: '1.0',
    exported_at: iso(nowSeconds),
    app_id: APP_NUMERIC_ID,
    workflow: { ...w, created_at: iso(w.created_at), updated_at: iso(w.updated_at) }
  }
}

/** The brand, email setting and workflow handlers, by Intercom operationId. */
export const workspaceHandlers: HandlerEntry[] = [
  {
    operationId: 'listBrands',
    handler: ({ store }) => ({ type: 'list', data: [...platform(store).brands.values()] })
  },
  {
    operationId: 'retrieveBrand',
    handler: ({ store, params }) => {
      const brand = platform(store).brands.get(params.id)
      if (brand === undefined) throw new EmulatorError(404, 'Brand not found', 'not_found')
      return brand
    }
  },
  {
    operationId: 'listEmails',
    handler: ({ store }) => ({ type: 'list', data: [...platform(store).emailSettings.values()] })
  },
  {
    operationId: 'retrieveEmail',
    handler: ({ store, params }) => {
      const email = platform(store).emailSettings.get(params.id)
      if (email === undefined) throw new EmulatorError(404, 'Email setting not found', 'not_found')
      return email
    }
  },
  {
    operationId: 'exportWorkflow',
    handler: ({ store, params }) => {
      const workflow = platform(store).workflows.get(params.id)
      if (workflow === undefined) throw new EmulatorError(404, 'Workflow not found', 'not_found')
      return workflowExport(workflow, store.nowSeconds())
    }
  }
]
