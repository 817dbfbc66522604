//! The sentence a rep or admin sees for each error code: what happened and what to do.

use super::ApiError;

/// Which CRM an error came from (only used to word hints): the shared [`vocab::Crm`].
pub use vocab::Crm;

/// The hint for an error, by code first, then by HTTP status.
pub(crate) fn hint_for(crm: Crm, e: &ApiError) -> Option<String> {
    let name = crm.name();
    let fields = if e.fields.is_empty() {
        String::new()
    } else {
        format!(" ({})", e.fields.join(", "))
    };
    let text = match e.code.as_str() {
        "INVALID_SESSION_ID" | "EXPIRED_AUTHENTICATION" => format!(
            "Your {name} session expired. Leadline refreshes it automatically; if this persists, reconnect your {name} account in Options."
        ),
        "INVALID_AUTHENTICATION" | "invalid_grant" | "BAD_REFRESH_TOKEN" | "invalid_token" => {
            format!("{name} no longer accepts this connection. Reconnect your {name} account in Options.")
        }
        "invalid_client_id" | "invalid_client" | "BAD_CLIENT_ID" | "redirect_uri_mismatch"
        | "BAD_REDIRECT_URI" => format!(
            "The Leadline app is not set up correctly in {name}. Ask your {name} admin to check the connected app settings."
        ),
        "access_denied" => format!("{name} access was not granted. Connect again and choose Allow."),
        "inactive_user" | "inactive_org" => {
            format!("This {name} user or org is inactive. Connect with an active account.")
        }
        "REQUEST_LIMIT_EXCEEDED" | "RATE_LIMITS" | "RATE_LIMIT" => format!(
            "Your {name} org has reached its API limit. The save is kept and will be retried later; an admin can check usage in Setup."
        ),
        "API_DISABLED_FOR_ORG" | "API_CURRENTLY_DISABLED" => format!(
            "API access is not enabled for this {name} org or user. Ask your {name} admin to enable \"API Enabled\" for your profile."
        ),
        "INSUFFICIENT_ACCESS_OR_READONLY" | "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY"
        | "MISSING_SCOPES" | "INVALID_FIELD_FOR_INSERT_UPDATE" => format!(
            "Your {name} user may not create or edit these records. Ask your {name} admin for access, or save through the team connection."
        ),
        "INVALID_CROSS_REFERENCE_KEY" | "MALFORMED_ID" | "INVALID_OPTION" => format!(
            "The chosen owner or related record does not exist in {name}. Ask your admin to fix the owner mapping."
        ),
        "INACTIVE_OWNER_OR_USER" => format!(
            "The chosen owner is inactive in {name}. Ask your admin to update the owner mapping."
        ),
        "DUPLICATES_DETECTED" | "DUPLICATE_VALUE" | "CONFLICT" | "OBJECT_ALREADY_EXISTS" => format!(
            "This person already exists in {name}. Leadline links the save to the existing record."
        ),
        "REQUIRED_FIELD_MISSING" => format!(
            "{name} requires more information{fields}. Fill it in and save again."
        ),
        "STRING_TOO_LONG" => format!("A value is too long for {name}{fields}. Shorten it and save again."),
        "FIELD_CUSTOM_VALIDATION_EXCEPTION" | "VALIDATION_ERROR" | "INVALID_EMAIL_ADDRESS"
        | "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST" => format!(
            "{name} rejected a value{fields}: {}. Correct it and save again.",
            e.message
        ),
        "INVALID_FIELD" | "PROPERTY_DOESNT_EXIST" => format!(
            "A field Leadline writes does not exist in your {name} account{fields}. Ask your {name} admin to add it: Leadline's setup guide lists the fields it needs."
        ),
        "UNABLE_TO_LOCK_ROW" => format!("{name} is busy with this record. The save will be retried."),
        "ENTITY_IS_DELETED" | "OBJECT_NOT_FOUND" | "NOT_FOUND" => {
            format!("The record was deleted in {name}. Save the person again to create a new one.")
        }
        _ => match e.status {
            401 => format!("Reconnect your {name} account in Options."),
            403 => format!("{name} refused the request. Ask your {name} admin to check your permissions."),
            429 | 502 | 503 | 504 => format!("{name} is busy. The save is kept and will be retried."),
            s if s >= 500 => format!("{name} had an internal error. The save will be retried."),
            _ => return None,
        },
    };
    Some(text)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::error::body::blank;

    #[test]
    fn every_issue_code_has_a_hint() {
        for code in [
            "INVALID_SESSION_ID",
            "REQUEST_LIMIT_EXCEEDED",
            "INSUFFICIENT_ACCESS_OR_READONLY",
            "INVALID_CROSS_REFERENCE_KEY",
            "INACTIVE_OWNER_OR_USER",
            "DUPLICATES_DETECTED",
            "REQUIRED_FIELD_MISSING",
            "STRING_TOO_LONG",
            "API_DISABLED_FOR_ORG",
            "invalid_grant",
        ] {
            let hint = hint_for(Crm::Salesforce, &blank(400, code, "m"));
            assert!(
                hint.as_deref().is_some_and(|h| h.contains("Salesforce")),
                "{code}"
            );
        }
        assert_eq!(
            hint_for(Crm::Hubspot, &blank(400, "SOMETHING_ELSE", "m")),
            None
        );
    }

    /// Every code the hints know gets its own arm's words (at a status that alone would give
    /// none), whichever CRM's spelling it is.
    #[test]
    fn each_known_code_gets_its_arms_words() {
        let arms: [(&[&str], &str); 17] = [
            (
                &["INVALID_SESSION_ID", "EXPIRED_AUTHENTICATION"],
                "session expired",
            ),
            (
                &[
                    "INVALID_AUTHENTICATION",
                    "invalid_grant",
                    "BAD_REFRESH_TOKEN",
                    "invalid_token",
                ],
                "no longer accepts this connection",
            ),
            (
                &[
                    "invalid_client_id",
                    "invalid_client",
                    "BAD_CLIENT_ID",
                    "redirect_uri_mismatch",
                    "BAD_REDIRECT_URI",
                ],
                "is not set up correctly",
            ),
            (&["access_denied"], "access was not granted"),
            (
                &["inactive_user", "inactive_org"],
                "user or org is inactive",
            ),
            (
                &["REQUEST_LIMIT_EXCEEDED", "RATE_LIMITS", "RATE_LIMIT"],
                "reached its API limit",
            ),
            (
                &["API_DISABLED_FOR_ORG", "API_CURRENTLY_DISABLED"],
                "API access is not enabled",
            ),
            (
                &[
                    "INSUFFICIENT_ACCESS_OR_READONLY",
                    "INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY",
                    "MISSING_SCOPES",
                    "INVALID_FIELD_FOR_INSERT_UPDATE",
                ],
                "may not create or edit",
            ),
            (
                &[
                    "INVALID_CROSS_REFERENCE_KEY",
                    "MALFORMED_ID",
                    "INVALID_OPTION",
                ],
                "owner or related record does not exist",
            ),
            (&["INACTIVE_OWNER_OR_USER"], "owner is inactive"),
            (
                &[
                    "DUPLICATES_DETECTED",
                    "DUPLICATE_VALUE",
                    "CONFLICT",
                    "OBJECT_ALREADY_EXISTS",
                ],
                "already exists",
            ),
            (&["REQUIRED_FIELD_MISSING"], "requires more information"),
            (&["STRING_TOO_LONG"], "is too long"),
            (
                &[
                    "FIELD_CUSTOM_VALIDATION_EXCEPTION",
                    "VALIDATION_ERROR",
                    "INVALID_EMAIL_ADDRESS",
                    "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                ],
                "rejected a value",
            ),
            (
                &["INVALID_FIELD", "PROPERTY_DOESNT_EXIST"],
                "does not exist in your",
            ),
            (&["UNABLE_TO_LOCK_ROW"], "busy with this record"),
            (
                &["ENTITY_IS_DELETED", "OBJECT_NOT_FOUND", "NOT_FOUND"],
                "was deleted",
            ),
        ];
        for (codes, words) in arms {
            for code in codes {
                let hint = hint_for(Crm::Salesforce, &blank(404, code, "m"));
                assert!(
                    hint.as_deref().is_some_and(|h| h.contains(words)),
                    "{code}: {hint:?}"
                );
            }
        }
    }

    /// A value the CRM refused (a validation rule, an e-mail it reads otherwise, a picklist)
    /// is the rep's to correct: the hint names the fields and repeats the CRM's own words.
    #[test]
    fn a_refused_value_names_its_fields_and_the_crms_words() {
        for code in [
            "FIELD_CUSTOM_VALIDATION_EXCEPTION",
            "INVALID_EMAIL_ADDRESS",
            "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
        ] {
            let body = serde_json::json!([{"errorCode": code,
                "message": "Use the company address", "fields": ["Email"]}]);
            let e = crate::error::body::api_error_from_response(
                Crm::Salesforce,
                400,
                &body.to_string(),
            );
            assert_eq!(
                e.hint.as_deref(),
                Some("Salesforce rejected a value (Email): Use the company address. Correct it and save again."),
                "{code}"
            );
        }
    }

    /// A locked row is retried (`ApiError::is_retryable`), and its hint says so whatever the
    /// status; a deleted record is the rep's to save again.
    #[test]
    fn a_locked_row_says_it_is_retried_and_a_deleted_record_says_what_to_do() {
        let locked = hint_for(Crm::Salesforce, &blank(400, "UNABLE_TO_LOCK_ROW", "m"));
        assert_eq!(
            locked.as_deref(),
            Some("Salesforce is busy with this record. The save will be retried.")
        );
        for code in ["ENTITY_IS_DELETED", "OBJECT_NOT_FOUND", "NOT_FOUND"] {
            assert_eq!(
                hint_for(Crm::Hubspot, &blank(404, code, "m")).as_deref(),
                Some(
                    "The record was deleted in HubSpot. Save the person again to create a new one."
                ),
                "{code}"
            );
        }
    }

    /// A code the hints do not know is told by its status: what to do, or nothing.
    #[test]
    fn an_unknown_code_is_hinted_by_its_status() {
        let rows = [
            (401, Some("Reconnect your HubSpot account in Options.")),
            (403, Some("HubSpot refused the request. Ask your HubSpot admin to check your permissions.")),
            (429, Some("HubSpot is busy. The save is kept and will be retried.")),
            (502, Some("HubSpot is busy. The save is kept and will be retried.")),
            (503, Some("HubSpot is busy. The save is kept and will be retried.")),
            (504, Some("HubSpot is busy. The save is kept and will be retried.")),
            (500, Some("HubSpot had an internal error. The save will be retried.")),
            (599, Some("HubSpot had an internal error. The save will be retried.")),
            (404, None),
            (499, None),
        ];
        for (status, hint) in rows {
            let got = hint_for(Crm::Hubspot, &blank(status, "SOMETHING_NEW", "m"));
            assert_eq!(got.as_deref(), hint, "{status}");
        }
    }

    #[test]
    fn reconnect_hint_for_revoked_refresh_token() {
        let h = hint_for(Crm::Salesforce, &blank(400, "invalid_grant", "expired")).unwrap();
        assert!(h.contains("Reconnect your Salesforce account in Options"));
    }
}
