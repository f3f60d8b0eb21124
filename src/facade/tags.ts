/**
 * Tag translations: find a tag by name (listTags), creating it when missing (createTag).
 */
import type { CallContext, IntercomClient } from '../upstream/client.js'
import type { Tag } from '../../schemas/tags.js'

/**
 * The workspace tag called `name` (compared case-insensitively, as Intercom does), created with
 * `createTag` when `listTags` has none. Concurrent calls for one new name are safe: createTag with a
 * name that exists answers the existing tag.
 */
export async function findOrCreateTag (client: IntercomClient, ctx: CallContext, name: string): Promise<{ tag: Tag, created: boolean }> {
  const list = await client.call<{ data?: Tag[] }>(ctx, { operationId: 'listTags', method: 'GET', path: '/tags' })
  const wanted = name.toLowerCase()
  const found = (list.data?.data ?? []).find((t) => typeof t.name === 'string' && t.name.toLowerCase() === wanted)
  if (found !== undefined) return { tag: found, created: false }
  const created = await client.call<Tag>(ctx, { operationId: 'createTag', method: 'POST', path: '/tags', body: { name } })
  return { tag: created.data, created: true }
}
