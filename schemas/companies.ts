/**
 * Company shapes (Intercom's `company` object and the facade's company inputs). Field names are
 * Intercom's; `company_id` is your id for the company, `id` is Intercom's.
 */
import { Type, type Static } from '@sinclair/typebox'
import { COMPANY_FIELDS, COMPANY_EXAMPLE } from './intercom-objects.js'
import { ListSchema, PageQueryProps, TimestampSchema } from './common.js'
import { AllQueryProp } from './list-query.js'

/** Intercom's company, returned as Intercom returns it (fields beyond these pass through). */
export const CompanySchema = Type.Object({
  type: Type.String({ description: 'The type of object.', examples: [COMPANY_EXAMPLE.type] }),
  id: Type.String({ description: "Intercom's id.", examples: [COMPANY_EXAMPLE.id] }),
  ...COMPANY_FIELDS
}, { $id: 'Company', title: 'Company', additionalProperties: true, 'x-pass-through': true, examples: [COMPANY_EXAMPLE], description: "Intercom's company object, as Intercom sends it (its documented fields; others pass through)" })
export type Company = Static<typeof CompanySchema>

/** A normalised page of companies. */
export const CompanyListSchema = ListSchema(Type.Ref('Company'), { $id: 'CompanyList', title: 'CompanyList' })

/** Company custom attributes: flat values (string, number, boolean, null). */
const CompanyAttributesSchema = Type.Record(Type.String({ maxLength: 255 }), Type.Union([Type.String({ maxLength: 65_536 }), Type.Number(), Type.Boolean(), Type.Null()]), {
  maxProperties: 100, description: 'Flat values only: string, number, boolean or null'
})

/** Writable company fields, as Intercom names them (company_id is set once, on create). */
const companyFields = {
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 255, examples: ['Acme Inc'] })),
  plan: Type.Optional(Type.String({ minLength: 1, maxLength: 255, examples: ['pro'] })),
  size: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647 })),
  website: Type.Optional(Type.String({ format: 'uri', maxLength: 2048 })),
  industry: Type.Optional(Type.String({ maxLength: 255 })),
  monthly_spend: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647 })),
  custom_attributes: Type.Optional(CompanyAttributesSchema)
}

/** POST /companies: create, or update the company with this `company_id`. */
export const CreateCompanyBodySchema = Type.Object({
  company_id: Type.String({ minLength: 1, maxLength: 255, description: 'Your id for the company; the match key', examples: ['acme-1'] }),
  ...companyFields,
  remote_created_at: Type.Optional(TimestampSchema)
}, { additionalProperties: false, examples: [{ company_id: 'acme-1', name: 'Acme Inc', plan: 'pro', custom_attributes: { tier: 'gold' } }] })
export type CreateCompanyBody = Static<typeof CreateCompanyBodySchema>

/** PATCH /companies/{id}: any writable field but company_id, at least one. */
export const UpdateCompanyBodySchema = Type.Object(companyFields, {
  additionalProperties: false, minProperties: 1, examples: [{ name: 'Acme Corporation', monthly_spend: 1200 }]
})
export type UpdateCompanyBody = Static<typeof UpdateCompanyBodySchema>

/** GET /companies: a page, or a lookup by your `company_id` or by `name` (at most one). */
export const CompanyListQuerySchema = Type.Object({
  company_id: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Look up by your company_id' })),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Look up by name' })),
  tag_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[0-9]+$', description: 'Only companies with this tag' })),
  ...PageQueryProps,
  ...AllQueryProp
}, { additionalProperties: false })
export type CompanyListQuery = Static<typeof CompanyListQuerySchema>

/** deleteCompany's answer. */
export const DeletedCompanySchema = Type.Object({
  id: Type.String(),
  object: Type.String({ examples: ['company'] }),
  deleted: Type.Boolean()
}, { additionalProperties: true })

