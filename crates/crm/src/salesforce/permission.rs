//! The connected user's permission level, from ONE composite request (`allOrNone: false`):
//!
//! 1. `Profile` — `SELECT Id, Profile.Name, Profile.PermissionsModifyAllData,
//!    Profile.PermissionsViewAllData FROM User WHERE Id = '<user>'`
//! 2. `PermissionSets` — `SELECT PermissionSet.PermissionsModifyAllData,
//!    PermissionSet.PermissionsViewAllData FROM PermissionSetAssignment WHERE AssigneeId =
//!    '<user>'` (needs View Setup; a rep's token may get an error here, which counts as "no
//!    extra permission")
//! 3. `DescribeContact`, `DescribeLead`, `DescribeTask` — `GET sobjects/X/describe`, whose
//!    top-level `createable`/`updateable` reflect the calling user's object permissions.
//!
//! [`decide_permission`]: **Admin** when Modify All Data comes from the profile or any
//! permission set; else **Standard** when Contact or Lead is createable; else **ReadOnly**.
//! Source: <https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_describesobjects.htm>,
//! <https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_objects_permissionsetassignment.htm>

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::soql::literal;
use super::{json_body, SfSession};
use crate::error::CrmError;
use crate::http::{percent_encode, HttpRequest, HttpResponse};
use crate::prospect::{validate_id, Permission};

/// Create/edit rights on one object, from describe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ObjectAccess {
    /// `createable`.
    pub createable: bool,
    /// `updateable`.
    pub updateable: bool,
}

/// Everything the decision looks at.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PermissionFacts {
    /// Profile name, when readable.
    pub profile_name: Option<String>,
    /// Modify All Data via profile or a permission set.
    pub modify_all_data: bool,
    /// View All Data via profile or a permission set.
    pub view_all_data: bool,
    /// Contact rights.
    pub contact: ObjectAccess,
    /// Lead rights.
    pub lead: ObjectAccess,
    /// Task rights (logging activities).
    pub task: ObjectAccess,
}

/// The single composite request gathering [`PermissionFacts`] for `user_id`.
pub fn permission_request(session: &SfSession, user_id: &str) -> Result<HttpRequest, CrmError> {
    validate_id("user_id", user_id)?;
    let data = session.data_path();
    let user = literal(user_id);
    let query = |soql: String| format!("{data}/query?q={}", percent_encode(&soql));
    let sub = |url: String, reference: &str| json!({"method": "GET", "url": url, "referenceId": reference});
    let body = json!({
        "allOrNone": false,
        "compositeRequest": [
            sub(query(format!("SELECT Id, Profile.Name, Profile.PermissionsModifyAllData, Profile.PermissionsViewAllData FROM User WHERE Id = {user}")), "Profile"),
            sub(query(format!("SELECT PermissionSet.PermissionsModifyAllData, PermissionSet.PermissionsViewAllData FROM PermissionSetAssignment WHERE AssigneeId = {user}")), "PermissionSets"),
            sub(format!("{data}/sobjects/Contact/describe"), "DescribeContact"),
            sub(format!("{data}/sobjects/Lead/describe"), "DescribeLead"),
            sub(format!("{data}/sobjects/Task/describe"), "DescribeTask"),
        ]
    });
    Ok(HttpRequest::json(
        "POST",
        session.data_url("composite"),
        &session.access_token,
        &body,
    ))
}

/// Reads the composite answer; failed subrequests count as "no such right".
pub fn parse_permission_response(resp: &HttpResponse) -> Result<PermissionFacts, CrmError> {
    let v = json_body(resp)?;
    let subs = v
        .get("compositeResponse")
        .and_then(Value::as_array)
        .ok_or_else(|| CrmError::parse("no compositeResponse array", &resp.body))?;
    let mut facts = PermissionFacts::default();
    for sub in subs {
        let ok = sub
            .get("httpStatusCode")
            .and_then(Value::as_u64)
            .is_some_and(|s| (200..300).contains(&s));
        let Some(body) = sub.get("body").filter(|_| ok) else {
            continue;
        };
        let flag = |v: &Value, k: &str| v.get(k).and_then(Value::as_bool).unwrap_or(false);
        let access = |b: &Value| ObjectAccess {
            createable: flag(b, "createable"),
            updateable: flag(b, "updateable"),
        };
        let records = body.get("records").and_then(Value::as_array);
        match sub.get("referenceId").and_then(Value::as_str) {
            Some("Profile") => {
                if let Some(profile) = records
                    .and_then(|r| r.first())
                    .and_then(|u| u.get("Profile"))
                {
                    facts.profile_name = profile
                        .get("Name")
                        .and_then(Value::as_str)
                        .map(str::to_string);
                    facts.modify_all_data |= flag(profile, "PermissionsModifyAllData");
                    facts.view_all_data |= flag(profile, "PermissionsViewAllData");
                }
            }
            Some("PermissionSets") => {
                for ps in records
                    .into_iter()
                    .flatten()
                    .filter_map(|a| a.get("PermissionSet"))
                {
                    facts.modify_all_data |= flag(ps, "PermissionsModifyAllData");
                    facts.view_all_data |= flag(ps, "PermissionsViewAllData");
                }
            }
            Some("DescribeContact") => facts.contact = access(body),
            Some("DescribeLead") => facts.lead = access(body),
            Some("DescribeTask") => facts.task = access(body),
            _ => {}
        }
    }
    Ok(facts)
}

/// Admin (Modify All Data) > Standard (can create Contact or Lead) > ReadOnly.
pub fn decide_permission(facts: &PermissionFacts) -> Permission {
    if facts.modify_all_data {
        Permission::Admin
    } else if facts.contact.createable || facts.lead.createable {
        Permission::Standard
    } else {
        Permission::ReadOnly
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// Modify All Data granted by a permission set (a Standard User profile with an admin
    /// permission set, as many orgs grant it) makes the connection an admin; the profile's
    /// own flag is not the only source.
    #[test]
    fn modify_all_data_from_a_permission_set_is_admin() {
        let answer = |set_grants: bool| {
            let profile = json!({"totalSize": 1, "done": true, "records": [{"Profile": {
                "Name": "Standard User", "PermissionsModifyAllData": false, "PermissionsViewAllData": false}}]});
            let sets = json!({"totalSize": 2, "done": true, "records": [
                {"PermissionSet": {"PermissionsModifyAllData": set_grants, "PermissionsViewAllData": set_grants}},
                {"PermissionSet": {"PermissionsModifyAllData": false, "PermissionsViewAllData": false}}]});
            let describe = json!({"createable": true, "updateable": true});
            let sub = |id: &str, body: &serde_json::Value| json!({"body": body, "httpHeaders": {}, "httpStatusCode": 200, "referenceId": id});
            HttpResponse {
                status: 200,
                headers: vec![],
                body: json!({"compositeResponse": [
                    sub("Profile", &profile), sub("PermissionSets", &sets),
                    sub("DescribeContact", &describe), sub("DescribeLead", &describe),
                    sub("DescribeTask", &describe)]})
                .to_string(),
            }
        };
        let admin = parse_permission_response(&answer(true)).unwrap();
        assert!(admin.modify_all_data && admin.view_all_data);
        assert_eq!(decide_permission(&admin), Permission::Admin);
        let standard = parse_permission_response(&answer(false)).unwrap();
        assert_eq!(decide_permission(&standard), Permission::Standard);
    }

    /// Modify All Data granted by the profile itself, with no permission set, is admin too.
    #[test]
    fn modify_all_data_from_the_profile_is_admin() {
        let profile = json!({"totalSize": 1, "done": true, "records": [{"Profile": {
            "Name": "System Administrator", "PermissionsModifyAllData": true,
            "PermissionsViewAllData": true}}]});
        let resp = HttpResponse {
            status: 200,
            headers: vec![],
            body: json!({"compositeResponse": [{"body": profile, "httpHeaders": {},
                "httpStatusCode": 200, "referenceId": "Profile"}]})
            .to_string(),
        };
        let facts = parse_permission_response(&resp).unwrap();
        assert_eq!(facts.profile_name.as_deref(), Some("System Administrator"));
        assert!(facts.modify_all_data && facts.view_all_data);
        assert_eq!(decide_permission(&facts), Permission::Admin);
    }

    /// Each object's describe tells that object's rights: a user who may create Contacts but
    /// only edit Leads, and create Tasks.
    #[test]
    fn each_describe_is_its_own_objects_rights() {
        let sub = |id: &str, body: serde_json::Value| json!({"body": body, "httpHeaders": {}, "httpStatusCode": 200, "referenceId": id});
        let resp = HttpResponse {
            status: 200,
            headers: vec![],
            body: json!({"compositeResponse": [
                sub("DescribeContact", json!({"createable": true, "updateable": false})),
                sub("DescribeLead", json!({"createable": false, "updateable": true})),
                sub("DescribeTask", json!({"createable": true, "updateable": true}))]})
            .to_string(),
        };
        let facts = parse_permission_response(&resp).unwrap();
        let rights = |a: &ObjectAccess| (a.createable, a.updateable);
        assert_eq!(rights(&facts.contact), (true, false));
        assert_eq!(rights(&facts.lead), (false, true));
        assert_eq!(rights(&facts.task), (true, true));
    }

    #[test]
    fn decision_table() {
        let yes = ObjectAccess {
            createable: true,
            updateable: true,
        };
        let rows = [
            (true, yes, yes, Permission::Admin),
            (
                true,
                ObjectAccess::default(),
                ObjectAccess::default(),
                Permission::Admin,
            ),
            (false, yes, ObjectAccess::default(), Permission::Standard),
            (false, ObjectAccess::default(), yes, Permission::Standard),
            (
                false,
                ObjectAccess::default(),
                ObjectAccess::default(),
                Permission::ReadOnly,
            ),
        ];
        for (mad, contact, lead, want) in rows {
            let facts = PermissionFacts {
                modify_all_data: mad,
                contact,
                lead,
                ..Default::default()
            };
            assert_eq!(decide_permission(&facts), want);
        }
    }
}
