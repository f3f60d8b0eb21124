/**
 * Intercom's contact, company, conversation and ticket objects as the vendored description
 * (Intercom's api.intercom.io.2.16.yaml, /work/shared/intercom-openapi; components.schemas contact,
 * company, conversation, ticket)
 * documents them: every top-level field with its type, nullability and description, and a real
 * example (the description's 200 example of ShowContact, RetrieveACompanyById,
 * retrieveConversation, getTicket). Generated once from that description, then kept by hand.
 * Nested objects are described, not spelled out; fields beyond these pass through unchanged.
 */
import { Type, type TSchema } from '@sinclair/typebox'

/** `t` or null, the description lifted to the union (where a generated client reads it). */
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()], t.description === undefined ? {} : { description: t.description })

/** The documented fields of Intercom's `contact` (all optional but `type` and `id`, which the schema files require). */
export const CONTACT_FIELDS = {
  external_id: Type.Optional(Nullable(Type.String({"description":"The unique identifier for the contact which is provided by the Client.","examples":["f3b87a2e09d514c6c2e79b9a"]}))),
  workspace_id: Type.Optional(Type.String({"description":"The id of the workspace which the contact belongs to.","examples":["ecahpwf5"]})),
  role: Type.Optional(Type.String({"description":"The role of the contact.","examples":["user"]})),
  email: Type.Optional(Type.String({"description":"The contact's email.","examples":["joe@example.com"]})),
  email_domain: Type.Optional(Type.String({"description":"The contact's email domain.","examples":["example.com"]})),
  phone: Type.Optional(Nullable(Type.String({"description":"The contacts phone.","examples":["+1123456789"]}))),
  name: Type.Optional(Nullable(Type.String({"description":"The contacts name.","examples":["John Doe"]}))),
  owner_id: Type.Optional(Nullable(Type.String({"description":"The id of an admin that has been assigned account ownership of the contact.","examples":["321"]}))),
  has_hard_bounced: Type.Optional(Type.Boolean({"description":"Whether the contact has had an email sent to them hard bounce.","examples":[true]})),
  marked_email_as_spam: Type.Optional(Type.Boolean({"description":"Whether the contact has marked an email sent to them as spam.","examples":[true]})),
  unsubscribed_from_emails: Type.Optional(Type.Boolean({"description":"Whether the contact is unsubscribed from emails.","examples":[true]})),
  created_at: Type.Optional(Type.Integer({"description":"(Unix timestamp in seconds) The time when the contact was created.","examples":[1571672154]})),
  updated_at: Type.Optional(Type.Integer({"description":"(Unix timestamp in seconds) The time when the contact was last updated.","examples":[1571672154]})),
  signed_up_at: Type.Optional(Nullable(Type.Integer({"description":"(Unix timestamp in seconds) The time specified for when a contact signed up.","examples":[1571672154]}))),
  last_seen_at: Type.Optional(Nullable(Type.Integer({"description":"(Unix timestamp in seconds) The time when the contact was last seen (either where the Intercom Messenger was installed or when specified manually).","examples":[1571672154]}))),
  last_replied_at: Type.Optional(Nullable(Type.Integer({"description":"(Unix timestamp in seconds) The time when the contact last messaged in.","examples":[1571672154]}))),
  last_contacted_at: Type.Optional(Nullable(Type.Integer({"description":"(Unix timestamp in seconds) The time when the contact was last messaged.","examples":[1571672154]}))),
  last_email_opened_at: Type.Optional(Nullable(Type.Integer({"description":"(Unix timestamp in seconds) The time when the contact last opened an email.","examples":[1571672154]}))),
  last_email_clicked_at: Type.Optional(Nullable(Type.Integer({"description":"(Unix timestamp in seconds) The time when the contact last clicked a link in an email.","examples":[1571672154]}))),
  language_override: Type.Optional(Nullable(Type.String({"description":"A preferred language setting for the contact, used by the Intercom Messenger even if their browser settings change.","examples":["en"]}))),
  browser: Type.Optional(Nullable(Type.String({"description":"The name of the browser which the contact is using.","examples":["Chrome"]}))),
  browser_version: Type.Optional(Nullable(Type.String({"description":"The version of the browser which the contact is using.","examples":["80.0.3987.132"]}))),
  browser_language: Type.Optional(Nullable(Type.String({"description":"The language set by the browser which the contact is using.","examples":["en-US"]}))),
  os: Type.Optional(Nullable(Type.String({"description":"The operating system which the contact is using.","examples":["Mac OS X"]}))),
  android_app_name: Type.Optional(Nullable(Type.String({"description":"The name of the Android app which the contact is using.","examples":["Intercom"]}))),
  android_app_version: Type.Optional(Nullable(Type.String({"description":"The version of the Android app which the contact is using.","examples":["5.0.0"]}))),
  android_device: Type.Optional(Nullable(Type.String({"description":"The Android device which the contact is using.","examples":["Pixel 3"]}))),
  android_os_version: Type.Optional(Nullable(Type.String({"description":"The version of the Android OS which the contact is using.","examples":["10"]}))),
  android_sdk_version: Type.Optional(Nullable(Type.String({"description":"The version of the Android SDK which the contact is using.","examples":["28"]}))),
  android_last_seen_at: Type.Optional(Nullable(Type.Integer({"description":"(Unix timestamp in seconds) The time when the contact was last seen on an Android device.","examples":[1571672154]}))),
  ios_app_name: Type.Optional(Nullable(Type.String({"description":"The name of the iOS app which the contact is using.","examples":["Intercom"]}))),
  ios_app_version: Type.Optional(Nullable(Type.String({"description":"The version of the iOS app which the contact is using.","examples":["5.0.0"]}))),
  ios_device: Type.Optional(Nullable(Type.String({"description":"The iOS device which the contact is using.","examples":["iPhone 11"]}))),
  ios_os_version: Type.Optional(Nullable(Type.String({"description":"The version of iOS which the contact is using.","examples":["13.3.1"]}))),
  ios_sdk_version: Type.Optional(Nullable(Type.String({"description":"The version of the iOS SDK which the contact is using.","examples":["13.3.1"]}))),
  ios_last_seen_at: Type.Optional(Nullable(Type.Integer({"description":"(Unix timestamp in seconds) The last time the contact used the iOS app.","examples":[1571672154]}))),
  custom_attributes: Type.Optional(Type.Object({}, {"additionalProperties":true,"description":"The custom attributes which are set for the contact."})),
  avatar: Type.Optional(Nullable(Type.Object({}, {"additionalProperties":true}))),
  tags: Type.Optional(Nullable(Type.Object({}, {"additionalProperties":true,"description":"An object containing tags meta data about the tags that a contact has. Up to 10 will be displayed here. Use the url to get more.","title":"Contact Tags"}))),
  notes: Type.Optional(Type.Object({}, {"additionalProperties":true,"description":"An object containing notes meta data about the notes that a contact has. Up to 10 will be displayed here. Use the url to get more.","title":"Contact notes"})),
  companies: Type.Optional(Type.Object({}, {"additionalProperties":true,"description":"An object with metadata about companies attached to a contact . Up to 10 will be displayed here. Use the url to get more.","title":"Contact companies"})),
  location: Type.Optional(Type.Object({}, {"additionalProperties":true,"description":"An object containing location meta data about a Intercom contact.","title":"Contact Location"})),
  social_profiles: Type.Optional(Type.Object({}, {"additionalProperties":true,"description":"An object containing social profiles that a contact has.","title":"Social Profile"})),
  merge_history: Type.Optional(Nullable(Type.Array(Type.Unknown(), {"description":"A list of contacts that were merged into this contact. Only included in the response when `include_merge_history=true` is passed as a query parameter. Only available for contacts with a `user` role."})))
}

/** The description's example answer of `ShowContact`. */
export const CONTACT_EXAMPLE = {
  "type": "contact",
  "id": "6762f0d01bb69f9f2193bb7d",
  "workspace_id": "this_is_an_id283_that_should_be_at_least_",
  "external_id": "70",
  "role": "user",
  "email": "joe@bloggs.com",
  "phone": null,
  "name": "Joe Bloggs",
  "avatar": null,
  "owner_id": null,
  "social_profiles": {
    "type": "list",
    "data": []
  },
  "has_hard_bounced": false,
  "marked_email_as_spam": false,
  "unsubscribed_from_emails": false,
  "created_at": 1734537424,
  "updated_at": 1734537424,
  "signed_up_at": 1734537424,
  "last_seen_at": null,
  "last_replied_at": null,
  "last_contacted_at": null,
  "last_email_opened_at": null,
  "last_email_clicked_at": null,
  "language_override": null,
  "browser": null,
  "browser_version": null,
  "browser_language": null,
  "os": null,
  "location": {
    "type": "location",
    "country": null,
    "region": null,
    "city": null,
    "country_code": null,
    "continent_code": null
  },
  "android_app_name": null,
  "android_app_version": null,
  "android_device": null,
  "android_os_version": null,
  "android_sdk_version": null,
  "android_last_seen_at": null,
  "ios_app_name": null,
  "ios_app_version": null,
  "ios_device": null,
  "ios_os_version": null,
  "ios_sdk_version": null,
  "ios_last_seen_at": null,
  "custom_attributes": {},
  "tags": {
    "type": "list",
    "data": [],
    "url": "/contacts/6762f0d01bb69f9f2193bb7d/tags",
    "total_count": 0,
    "has_more": false
  },
  "notes": {
    "type": "list",
    "data": [],
    "url": "/contacts/6762f0d01bb69f9f2193bb7d/notes",
    "total_count": 0,
    "has_more": false
  },
  "companies": {
    "type": "list",
    "data": [],
    "url": "/contacts/6762f0d01bb69f9f2193bb7d/companies",
    "total_count": 0,
    "has_more": false
  },
  "opted_out_subscription_types": {
    "type": "list",
    "data": [],
    "url": "/contacts/6762f0d01bb69f9f2193bb7d/subscriptions",
    "total_count": 0,
    "has_more": false
  },
  "opted_in_subscription_types": {
    "type": "list",
    "data": [],
    "url": "/contacts/6762f0d01bb69f9f2193bb7d/subscriptions",
    "total_count": 0,
    "has_more": false
  },
  "utm_campaign": null,
  "utm_content": null,
  "utm_medium": null,
  "utm_source": null,
  "utm_term": null,
  "referrer": null,
  "enabled_push_messaging": null
}

/** The documented fields of Intercom's `company` (all optional but `type` and `id`, which the schema files require). */
export const COMPANY_FIELDS = {
  name: Type.Optional(Type.String({"description":"The name of the company.","examples":["Blue Sun"]})),
  app_id: Type.Optional(Type.String({"description":"The Intercom defined code of the workspace the company is associated to.","examples":["ecahpwf5"]})),
  plan: Type.Optional(Type.Object({}, {"additionalProperties":true,"description":"The plan the company is on: { type: \"plan\", id, name }."})),
  company_id: Type.Optional(Type.String({"description":"The company id you have defined for the company.","examples":["6"]})),
  remote_created_at: Type.Optional(Type.Integer({"description":"The time the company was created by you.","examples":[1663597223]})),
  created_at: Type.Optional(Type.Integer({"description":"The time the company was added in Intercom.","examples":[1663597223]})),
  updated_at: Type.Optional(Type.Integer({"description":"The last time the company was updated.","examples":[1663597223]})),
  last_request_at: Type.Optional(Type.Integer({"description":"The time the company last recorded making a request.","examples":[1663597223]})),
  size: Type.Optional(Type.Integer({"description":"The number of employees in the company.","examples":[100]})),
  website: Type.Optional(Type.String({"description":"The URL for the company website.","examples":["https://www.intercom.com"]})),
  industry: Type.Optional(Type.String({"description":"The industry that the company operates in.","examples":["Software"]})),
  monthly_spend: Type.Optional(Type.Integer({"description":"How much revenue the company generates for your business.","examples":[100]})),
  session_count: Type.Optional(Type.Integer({"description":"How many sessions the company has recorded.","examples":[100]})),
  user_count: Type.Optional(Type.Integer({"description":"The number of users in the company.","examples":[100]})),
  custom_attributes: Type.Optional(Type.Object({}, {"additionalProperties":true,"description":"The custom attributes you have set on the company."})),
  tags: Type.Optional(Type.Object({}, {"additionalProperties":true,"description":"The list of tags associated with the company"})),
  segments: Type.Optional(Type.Object({}, {"additionalProperties":true,"description":"The list of segments associated with the company"})),
  notes: Type.Optional(Type.Object({}, {"additionalProperties":true,"description":"The list of notes associated with the company"}))
}

/** The description's example answer of `RetrieveACompanyById`. */
export const COMPANY_EXAMPLE = {
  "type": "company",
  "company_id": "1",
  "id": "6762f07f1bb69f9f2193baf5",
  "app_id": "this_is_an_id159_that_should_be_at_least_",
  "name": "company1",
  "remote_created_at": 1734537343,
  "created_at": 1734537343,
  "updated_at": 1734537343,
  "monthly_spend": 0,
  "session_count": 0,
  "user_count": 1,
  "tags": {
    "type": "tag.list",
    "tags": []
  },
  "segments": {
    "type": "segment.list",
    "segments": []
  },
  "plan": {},
  "custom_attributes": {}
}

/** The documented fields of Intercom's `conversation` (all optional but `type` and `id`, which the schema files require). */
export const CONVERSATION_FIELDS = {
  title: Type.Optional(Nullable(Type.String({"description":"The title given to the conversation.","examples":["Conversation Title"]}))),
  created_at: Type.Optional(Type.Integer({"description":"The time the conversation was created.","examples":[1663597223]})),
  updated_at: Type.Optional(Type.Integer({"description":"The last time the conversation was updated.","examples":[1663597260]})),
  waiting_since: Type.Optional(Nullable(Type.Integer({"description":"The last time a Contact responded to an Admin. In other words, the time a customer started waiting for a response. Set to null if last reply is from an Admin.","examples":[1663597260]}))),
  snoozed_until: Type.Optional(Nullable(Type.Integer({"description":"If set this is the time in the future when this conversation will be marked as open. i.e. it will be in a snoozed state until this time. i.e. it will be in a snoozed state until this time.","examples":[1663597260]}))),
  open: Type.Optional(Type.Boolean({"description":"Indicates whether a conversation is open (true) or closed (false).","examples":[true]})),
  state: Type.Optional(Type.String({"description":"Can be set to \"open\", \"closed\" or \"snoozed\".","examples":["open"]})),
  read: Type.Optional(Type.Boolean({"description":"Indicates whether a conversation has been read.","examples":[true]})),
  priority: Type.Optional(Type.String({"description":"The priority level of the conversation. Returns one of none, low, medium, high, or urgent.","examples":["high"]})),
  admin_assignee_id: Type.Optional(Type.Integer({"description":"The id of the admin assigned to the conversation. If it's not assigned to an admin it will return 0.","examples":[0]})),
  team_assignee_id: Type.Optional(Type.Integer({"description":"The id of the team assigned to the conversation. If it's not assigned to a team it will return 0.","examples":[5017691]})),
  company: Type.Optional(Type.Object({}, {"additionalProperties":true,"description":"The company associated with the conversation.","title":"Company"})),
  tags: Type.Optional(Type.Object({}, {"additionalProperties":true,"description":"A list of tags objects associated with a conversation","title":"Tags"})),
  conversation_rating: Type.Optional(Nullable(Type.Object({}, {"additionalProperties":true,"description":"The Conversation Rating object which contains information on the rating and/or remark added by a Contact and the Admin assigned to the conversation.","title":"Conversation Rating"}))),
  source: Type.Optional(Type.Object({}, {"additionalProperties":true,"description":"The type of the conversation part that started this conversation. Can be Contact, Admin, Campaign, Automated or Operator initiated.","title":"Conversation source"})),
  contacts: Type.Optional(Type.Object({}, {"additionalProperties":true,"description":"The list of contacts (users or leads) involved in this conversation. This will only contain one customer unless more were added via the group conversation feature.","title":"Contacts"})),
  teammates: Type.Optional(Nullable(Type.Object({}, {"additionalProperties":true,"description":"The list of teammates who participated in the conversation (wrote at least one conversation part).","title":"Conversation teammates"}))),
  custom_attributes: Type.Optional(Type.Object({}, {"additionalProperties":true,"description":"An object containing the different custom attributes associated to the conversation as key-value pairs. For relationship attributes the value will be a list of custom object instance models. System-defined attributes such as \"CX Score rating\" and \"CX Score explanation\" may also be included.","title":"Custom Attributes"})),
  first_contact_reply: Type.Optional(Nullable(Type.Object({}, {"additionalProperties":true,"description":"An object containing information on the first users message. For a contact initiated message this will represent the users original message.","title":"First contact reply"}))),
  sla_applied: Type.Optional(Nullable(Type.Object({}, {"additionalProperties":true,"description":"The SLA Applied object contains the details for which SLA has been applied to this conversation. Important: if there are any canceled sla_events for the conversation - meaning an SLA has been manually removed from a conversation, the sla_status will always be returned as null.","title":"Applied SLA"}))),
  statistics: Type.Optional(Nullable(Type.Object({}, {"additionalProperties":true,"description":"A Statistics object containing all information required for reporting, with timestamps and calculated metrics.","title":"Conversation statistics"}))),
  conversation_parts: Type.Optional(Type.Object({}, {"additionalProperties":true,"description":"A list of Conversation Part objects for each part message in the conversation. This is only returned when Retrieving a Conversation, and ignored when Listing all Conversations. There is a limit of 500 parts.","title":"Conversation Parts"})),
  linked_objects: Type.Optional(Type.Object({}, {"additionalProperties":true,"description":"An object containing metadata about linked conversations and linked tickets. Up to 1000 can be returned.","title":"Linked Objects"})),
  ai_agent_participated: Type.Optional(Type.Boolean({"description":"Indicates whether the AI Agent participated in the conversation.","examples":[true]})),
  ai_agent: Type.Optional(Type.Object({}, {"additionalProperties":true,"description":"Data related to AI Agent involvement in the conversation.","title":"AI Agent"})),
  sales_agent_participated: Type.Optional(Type.Boolean({"description":"Indicates whether the Sales Agent participated in the conversation.","examples":[false]})),
  sales_agent: Type.Optional(Type.Object({}, {"additionalProperties":true,"description":"Data related to Sales Agent involvement in the conversation.","title":"Sales Agent"})),
  channel: Type.Optional(Nullable(Type.Object({}, {"additionalProperties":true,"description":"The channel through which the conversation was initiated and its current channel."}))),
  external_references: Type.Optional(Type.Array(Type.Unknown(), {"description":"References linking this conversation to records in an external helpdesk or CRM system. Populated for Fin Standalone workspaces synced from an external platform; an empty array otherwise. Sorted alphabetically by `type` and capped at 20 entries."})),
  monitor_evaluations: Type.Optional(Type.Array(Type.Unknown(), {"description":"QA monitor evaluations that flagged this conversation. Only included when `include_monitors=true` is passed as a query parameter."})),
  scorecards: Type.Optional(Type.Array(Type.Unknown(), {"description":"QA scorecard results for this conversation. Only included when `include_scorecards=true` is passed as a query parameter."}))
}

/** The description's example answer of `retrieveConversation`. */
export const CONVERSATION_EXAMPLE = {
  "type": "conversation",
  "id": "503",
  "created_at": 1734537511,
  "updated_at": 1734537511,
  "waiting_since": null,
  "snoozed_until": null,
  "source": {
    "type": "conversation",
    "id": "403918334",
    "delivered_as": "admin_initiated",
    "subject": "",
    "body": "<p>this is the message body</p>",
    "author": {
      "type": "admin",
      "id": "991267645",
      "name": "Ciaran176 Lee",
      "email": "admin176@email.com"
    },
    "attachments": [],
    "url": null,
    "redacted": false
  },
  "contacts": {
    "type": "contact.list",
    "contacts": [
      {
        "type": "contact",
        "id": "6762f1261bb69f9f2193bba7",
        "external_id": "70"
      }
    ]
  },
  "first_contact_reply": null,
  "admin_assignee_id": 991267715,
  "team_assignee_id": 5017691,
  "open": false,
  "state": "closed",
  "read": false,
  "tags": {
    "type": "tag.list",
    "tags": [
      {
        "type": "tag",
        "id": "123456",
        "name": "Test tag",
        "applied_at": 1663597223,
        "applied_by": {
          "type": "contact",
          "id": "1a2b3c"
        }
      }
    ]
  },
  "priority": "none",
  "sla_applied": null,
  "statistics": null,
  "conversation_rating": null,
  "teammates": null,
  "title": null,
  "custom_attributes": {},
  "topics": {},
  "ticket": null,
  "linked_objects": {
    "type": "list",
    "data": [],
    "total_count": 0,
    "has_more": false
  },
  "ai_agent": null,
  "ai_agent_participated": false,
  "conversation_parts": {
    "type": "conversation_part.list",
    "conversation_parts": [
      {
        "type": "conversation_part",
        "id": 1,
        "part_type": "comment",
        "body": "<p>Okay!</p>",
        "created_at": 1663597223,
        "updated_at": 1663597260,
        "notified_at": 1663597260,
        "assigned_to": {
          "type": "contact",
          "id": "1a2b3c"
        },
        "author": {
          "type": "admin",
          "id": "274",
          "name": "Operator",
          "email": "operator+abcd1234@intercom.io"
        },
        "attachments": [],
        "external_id": "abcd1234",
        "redacted": false,
        "email_message_metadata": null,
        "state": "open",
        "tags": [
          {
            "type": "tag",
            "id": "123456",
            "name": "Test tag"
          }
        ],
        "event_details": null,
        "app_package_code": null
      },
      {
        "type": "conversation_part",
        "id": 2,
        "part_type": "custom_action_started",
        "body": null,
        "created_at": 1740141842,
        "updated_at": 1740141842,
        "notified_at": 1740141842,
        "assigned_to": null,
        "author": {
          "type": "admin",
          "id": "274",
          "name": "Jamie Oliver",
          "email": "jamie+abcd1234@intercom.io"
        },
        "attachments": [],
        "external_id": null,
        "redacted": false,
        "email_message_metadata": null,
        "state": "open",
        "tags": [],
        "event_details": {
          "action": {
            "name": "Jira Create Issue"
          }
        },
        "app_package_code": "test-integration"
      },
      {
        "type": "conversation_part",
        "id": 3,
        "part_type": "conversation_attribute_updated_by_admin",
        "body": null,
        "created_at": 1740141851,
        "updated_at": 1740141851,
        "notified_at": 1740141851,
        "assigned_to": null,
        "author": {
          "type": "bot",
          "id": "278",
          "name": "Fin",
          "email": "operator+abcd1234@intercom.io"
        },
        "attachments": [],
        "external_id": null,
        "redacted": false,
        "email_message_metadata": null,
        "state": "open",
        "tags": [],
        "event_details": {
          "attribute": {
            "name": "jira_issue_key"
          },
          "value": {
            "name": "PROJ-007"
          }
        },
        "app_package_code": null
      },
      {
        "type": "conversation_part",
        "id": 4,
        "part_type": "custom_action_finished",
        "body": null,
        "created_at": 1740141857,
        "updated_at": 1740141857,
        "notified_at": 1740141857,
        "assigned_to": null,
        "author": {
          "type": "admin",
          "id": "274",
          "name": "Jamie Oliver",
          "email": "jamie+abcd1234@intercom.io"
        },
        "attachments": [],
        "external_id": null,
        "redacted": false,
        "email_message_metadata": null,
        "state": "closed",
        "tags": [],
        "event_details": {
          "action": {
            "name": "Jira Create Issue",
            "result": "success"
          }
        },
        "app_package_code": null
      }
    ],
    "total_count": 4
  }
}

/** The documented fields of Intercom's `ticket` (all optional but `type` and `id`, which the schema files require). */
export const TICKET_FIELDS = {
  ticket_id: Type.Optional(Type.String({"description":"The ID of the Ticket used in the Intercom Inbox and Messenger. Do not use ticket_id for API queries.","examples":["1390"]})),
  category: Type.Optional(Type.String({"description":"Category of the Ticket.","examples":["Customer"]})),
  ticket_attributes: Type.Optional(Type.Object({}, {"additionalProperties":true,"description":"An object containing the different attributes associated to the ticket as key-value pairs. For the default title and description attributes, the keys are `_default_title_` and `_default_description_`.","title":"Ticket Attributes"})),
  ticket_state: Type.Optional(Nullable(Type.Object({}, {"additionalProperties":true,"description":"A ticket state, used to define the state of a ticket.","title":"Ticket State"}))),
  ticket_type: Type.Optional(Nullable(Type.Object({}, {"additionalProperties":true,"description":"A ticket type, used to define the data fields to be captured in a ticket.","title":"Ticket Type"}))),
  contacts: Type.Optional(Type.Object({}, {"additionalProperties":true,"description":"The list of contacts affected by a ticket.","title":"Contacts"})),
  admin_assignee_id: Type.Optional(Type.Integer({"description":"The id representing the admin assigned to the ticket. If it's not assigned to an admin it will return 0.","examples":[1295]})),
  team_assignee_id: Type.Optional(Type.Integer({"description":"The id representing the team assigned to the ticket. If it's not assigned to a team it will return 0.","examples":[1295]})),
  created_at: Type.Optional(Type.Integer({"description":"The time the ticket was created as a UTC Unix timestamp.","examples":[1663597223]})),
  updated_at: Type.Optional(Type.Integer({"description":"The last time the ticket was updated as a UTC Unix timestamp.","examples":[1663597260]})),
  open: Type.Optional(Type.Boolean({"description":"Whether or not the ticket is open. If false, the ticket is closed.","examples":[true]})),
  snoozed_until: Type.Optional(Type.Integer({"description":"The time the ticket will be snoozed until as a UTC Unix timestamp. If null, the ticket is not currently snoozed.","examples":[1663597260]})),
  linked_objects: Type.Optional(Type.Object({}, {"additionalProperties":true,"description":"An object containing metadata about linked conversations and linked tickets. Up to 1000 can be returned.","title":"Linked Objects"})),
  ticket_parts: Type.Optional(Type.Object({}, {"additionalProperties":true,"description":"A list of Ticket Part objects for each note and event in the ticket. There is a limit of 500 parts.","title":"Ticket Parts"})),
  is_shared: Type.Optional(Type.Boolean({"description":"Whether or not the ticket is shared with the customer.","examples":[true]})),
  previous_ticket_state_id: Type.Optional(Nullable(Type.String({"description":"The ID of the previous ticket state from the most recent state change. Returns null if no state change history exists. Useful for tracking state transitions for reporting and compliance.","examples":["7493"]})))
}

/** The description's example answer of `getTicket`. */
export const TICKET_EXAMPLE = {
  "type": "ticket",
  "id": "631",
  "ticket_id": "38",
  "ticket_attributes": {
    "_default_title_": "attribute_value",
    "_default_description_": null
  },
  "ticket_state": {
    "type": "ticket_state",
    "id": "8537",
    "category": "submitted",
    "internal_label": "Submitted",
    "external_label": "Submitted"
  },
  "ticket_type": {
    "type": "ticket_type",
    "id": "95",
    "name": "my-ticket-type-30",
    "description": "my ticket type description is awesome.",
    "icon": "🦁",
    "workspace_id": "this_is_an_id702_that_should_be_at_least_",
    "archived": false,
    "created_at": 1734537973,
    "updated_at": 1734537973,
    "is_internal": false,
    "ticket_type_attributes": {
      "type": "list",
      "data": [
        {
          "type": "ticket_type_attribute",
          "id": "210",
          "workspace_id": "this_is_an_id702_that_should_be_at_least_",
          "name": "_default_title_",
          "description": "ola",
          "data_type": "string",
          "input_options": null,
          "order": 0,
          "required_to_create": true,
          "required_to_create_for_contacts": false,
          "visible_on_create": true,
          "visible_to_contacts": false,
          "default": false,
          "ticket_type_id": 95,
          "archived": false,
          "created_at": 1734537973,
          "updated_at": 1734537973
        },
        {
          "type": "ticket_type_attribute",
          "id": "211",
          "workspace_id": "this_is_an_id702_that_should_be_at_least_",
          "name": "_default_description_",
          "description": "ola",
          "data_type": "string",
          "input_options": null,
          "order": 0,
          "required_to_create": true,
          "required_to_create_for_contacts": false,
          "visible_on_create": true,
          "visible_to_contacts": false,
          "default": false,
          "ticket_type_id": 95,
          "archived": false,
          "created_at": 1734537973,
          "updated_at": 1734537973
        }
      ]
    },
    "category": "Back-office"
  },
  "contacts": {
    "type": "contact.list",
    "contacts": [
      {
        "type": "contact",
        "id": "6762f2f61bb69f9f2193bc59",
        "external_id": "b16afa36-2637-4880-adee-a46d145bc27f"
      }
    ]
  },
  "admin_assignee_id": 0,
  "team_assignee_id": 0,
  "created_at": 1734537974,
  "updated_at": 1734537976,
  "ticket_parts": {
    "type": "ticket_part.list",
    "ticket_parts": [
      {
        "type": "ticket_part",
        "id": "185",
        "part_type": "ticket_state_updated_by_admin",
        "ticket_state": "submitted",
        "previous_ticket_state": "submitted",
        "created_at": 1734537975,
        "updated_at": 1734537975,
        "author": {
          "id": "991268047",
          "type": "admin",
          "name": "Ciaran509 Lee",
          "email": "admin509@email.com"
        },
        "attachments": [],
        "redacted": false,
        "app_package_code": "test-integration"
      }
    ],
    "total_count": 1
  },
  "open": true,
  "linked_objects": {
    "type": "list",
    "data": [],
    "total_count": 0,
    "has_more": false
  },
  "category": "Back-office",
  "is_shared": false
}
