//! The CRM object types, their known properties and HUBSPOT_DEFINED association types.

/// Object types the sandbox stores.
pub const OBJECT_TYPES: [&str; 7] = [
    "contacts",
    "companies",
    "notes",
    "emails",
    "tasks",
    "calls",
    "meetings",
];

/// The canonical type for a path segment (`contact`, `0-1` and `contacts` all mean contacts).
pub fn canonical_type(segment: &str) -> Option<&'static str> {
    let s = segment.to_ascii_lowercase();
    let name = match s.as_str() {
        "contact" | "contacts" | "0-1" => "contacts",
        "company" | "companies" | "0-2" => "companies",
        "note" | "notes" | "0-46" => "notes",
        "email" | "emails" | "0-49" => "emails",
        "task" | "tasks" | "0-27" => "tasks",
        "call" | "calls" | "0-48" => "calls",
        "meeting" | "meetings" | "0-47" => "meetings",
        _ => return None,
    };
    Some(name)
}

/// Whether engagement objects (which need `hs_timestamp`).
pub fn is_engagement(object_type: &str) -> bool {
    matches!(
        object_type,
        "notes" | "emails" | "tasks" | "calls" | "meetings"
    )
}

/// Settable properties per type.
pub fn known(object_type: &str) -> &'static [&'static str] {
    match object_type {
        "contacts" => &[
            "email",
            "firstname",
            "lastname",
            "company",
            "jobtitle",
            "phone",
            "mobilephone",
            "website",
            "city",
            "state",
            "country",
            "address",
            "zip",
            "hubspot_owner_id",
            "lifecyclestage",
            "hs_lead_status",
            "linkedinbio",
            "hs_linkedinid",
            "linkedin_url",
            "industry",
            "message",
            "hs_content_membership_notes",
            "leadline_source",
        ],
        "companies" => &[
            "name",
            "domain",
            "website",
            "phone",
            "city",
            "state",
            "country",
            "industry",
            "hubspot_owner_id",
            "description",
            "linkedin_company_page",
            "numberofemployees",
        ],
        "notes" => &[
            "hs_note_body",
            "hs_timestamp",
            "hubspot_owner_id",
            "hs_attachment_ids",
        ],
        "emails" => &[
            "hs_timestamp",
            "hubspot_owner_id",
            "hs_email_direction",
            "hs_email_status",
            "hs_email_subject",
            "hs_email_text",
            "hs_email_html",
            "hs_email_headers",
        ],
        "tasks" => &[
            "hs_task_subject",
            "hs_task_body",
            "hs_task_status",
            "hs_task_priority",
            "hs_task_type",
            "hs_timestamp",
            "hubspot_owner_id",
        ],
        "calls" => &[
            "hs_call_title",
            "hs_call_body",
            "hs_call_direction",
            "hs_call_duration",
            "hs_call_status",
            "hs_call_disposition",
            "hs_timestamp",
            "hubspot_owner_id",
        ],
        "meetings" => &[
            "hs_meeting_title",
            "hs_meeting_body",
            "hs_meeting_start_time",
            "hs_meeting_end_time",
            "hs_meeting_outcome",
            "hs_timestamp",
            "hubspot_owner_id",
        ],
        _ => &[],
    }
}

/// The internal values an enumeration property accepts (HubSpot refuses anything else,
/// labels included, with `INVALID_OPTION`); `None` for a free-text property.
pub fn options(object_type: &str, name: &str) -> Option<&'static [&'static str]> {
    Some(match (object_type, name) {
        ("contacts", "lifecyclestage") => &[
            "subscriber",
            "lead",
            "marketingqualifiedlead",
            "salesqualifiedlead",
            "opportunity",
            "customer",
            "evangelist",
            "other",
        ],
        ("contacts", "hs_lead_status") => &[
            "NEW",
            "OPEN",
            "IN_PROGRESS",
            "OPEN_DEAL",
            "UNQUALIFIED",
            "ATTEMPTED_TO_CONTACT",
            "CONNECTED",
            "BAD_TIMING",
        ],
        ("emails", "hs_email_direction") => &["EMAIL", "INCOMING_EMAIL", "FORWARDED_EMAIL"],
        ("emails", "hs_email_status") => &["BOUNCED", "FAILED", "SCHEDULED", "SENDING", "SENT"],
        ("tasks", "hs_task_status") => &[
            "NOT_STARTED",
            "IN_PROGRESS",
            "WAITING",
            "COMPLETED",
            "DEFERRED",
        ],
        ("tasks", "hs_task_priority") => &["NONE", "LOW", "MEDIUM", "HIGH"],
        ("tasks", "hs_task_type") => &["CALL", "EMAIL", "TODO"],
        ("calls", "hs_call_direction") => &["INBOUND", "OUTBOUND"],
        ("calls", "hs_call_status") => &[
            "BUSY",
            "CALLING_CRM_USER",
            "CANCELED",
            "COMPLETED",
            "CONNECTING",
            "FAILED",
            "IN_PROGRESS",
            "MISSED",
            "NO_ANSWER",
            "QUEUED",
            "RINGING",
        ],
        ("meetings", "hs_meeting_outcome") => &[
            "SCHEDULED",
            "COMPLETED",
            "RESCHEDULED",
            "NO_SHOW",
            "CANCELED",
        ],
        _ => return None,
    })
}

/// `(created, modified)` system property names per type.
pub fn date_properties(object_type: &str) -> (&'static str, &'static str) {
    match object_type {
        "contacts" => ("createdate", "lastmodifieddate"),
        "companies" => ("createdate", "hs_lastmodifieddate"),
        _ => ("hs_createdate", "hs_lastmodifieddate"),
    }
}

/// Properties returned when none are requested.
pub fn defaults(object_type: &str) -> &'static [&'static str] {
    match object_type {
        "contacts" => &["email", "firstname", "lastname"],
        "companies" => &["domain", "name"],
        _ => &[],
    }
}

/// The target type of a HUBSPOT_DEFINED association type id from `from`.
pub fn association_target(from: &str, type_id: u64) -> Option<&'static str> {
    Some(match (from, type_id) {
        ("contacts", 1 | 279) => "companies",
        ("companies", 2 | 280) => "contacts",
        ("notes", 202) | ("tasks", 204) | ("emails", 198) | ("calls", 194) | ("meetings", 200) => {
            "contacts"
        }
        ("notes", 190) | ("tasks", 192) | ("emails", 186) | ("calls", 182) | ("meetings", 188) => {
            "companies"
        }
        _ => return None,
    })
}

/// The default association type id from `from` to `to` (v4 "default" associations).
pub fn default_association(from: &str, to: &str) -> Option<u64> {
    Some(match (from, to) {
        ("contacts", "companies") => 279,
        ("companies", "contacts") => 280,
        ("notes", "contacts") => 202,
        ("tasks", "contacts") => 204,
        ("emails", "contacts") => 198,
        ("calls", "contacts") => 194,
        ("meetings", "contacts") => 200,
        ("notes", "companies") => 190,
        ("tasks", "companies") => 192,
        ("emails", "companies") => 186,
        ("calls", "companies") => 182,
        ("meetings", "companies") => 188,
        _ => return None,
    })
}
