//! `/crm/v3/owners`: the seeded people as owners (`id` for `hubspot_owner_id`, `userId` for
//! mapping a token's user).

use serde_json::{json, Value};

use super::errors::error;
use crate::http::{Request, Response};
use crate::seed::{self, SeedUser};

fn owner_json(user: &SeedUser) -> Value {
    let teams = if user.profile == seed::Profile::StandardUser {
        json!([{"id": "368389", "name": "Sales Team", "primary": true}])
    } else {
        json!([])
    };
    json!({
        "id": user.hs_owner_id.to_string(),
        "email": user.email,
        "type": "PERSON",
        "firstName": user.first_name,
        "lastName": user.last_name,
        "userId": if user.active { json!(user.hs_user_id) } else { Value::Null },
        "userIdIncludingInactive": user.hs_user_id,
        "createdAt": "2025-01-06T09:00:00.000Z",
        "updatedAt": "2026-01-05T18:22:11.000Z",
        "archived": !user.active,
        "teams": teams,
    })
}

/// Answers `/crm/v3/owners[/{id}]`.
pub fn handle(request: &Request, rest: &[&str]) -> Response {
    if request.method != "GET" {
        return error(405, "METHOD_NOT_ALLOWED", "Owners are read-only");
    }
    let archived = request.query_param("archived").is_some_and(|a| a == "true");
    match rest {
        [] => {
            let email = request.query_param("email");
            let limit = request
                .query_param("limit")
                .and_then(|l| l.parse::<usize>().ok())
                .unwrap_or(100)
                .clamp(1, 500);
            let after = request
                .query_param("after")
                .and_then(|a| a.parse::<usize>().ok())
                .unwrap_or(0);
            let matching: Vec<&SeedUser> = seed::USERS
                .iter()
                .filter(|u| u.active != archived)
                .filter(|u| {
                    email
                        .as_deref()
                        .is_none_or(|e| u.email.eq_ignore_ascii_case(e))
                })
                .collect();
            let page: Vec<Value> = matching
                .iter()
                .skip(after)
                .take(limit)
                .map(|u| owner_json(u))
                .collect();
            let mut body = json!({"results": page});
            if after + limit < matching.len() {
                body["paging"] = json!({"next": {"after": (after + limit).to_string()}});
            }
            Response::json(200, &body)
        }
        [id] => {
            let by_user_id = request.query_param("idProperty").as_deref() == Some("userId");
            let found = seed::USERS.iter().find(|u| {
                let key = if by_user_id {
                    u.hs_user_id
                } else {
                    u.hs_owner_id
                };
                key.to_string() == *id && u.active != archived
            });
            match found {
                Some(user) => Response::json(200, &owner_json(user)),
                None => error(404, "OBJECT_NOT_FOUND", &format!("No owner found for {id}")),
            }
        }
        _ => error(404, "OBJECT_NOT_FOUND", "Resource not found"),
    }
}
