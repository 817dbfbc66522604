//! The identity URL (`/id/{orgId}/{userId}`) and OIDC userinfo, answered for the token's user.

use serde_json::{json, Value};

use super::oauth::{identity_url, instance_url};
use crate::clock;
use crate::http::{Request, Response};
use crate::ids;
use crate::org::State;
use crate::seed::{self, SeedUser};

const LATEST_VERSION: &str = "67.0";

/// The token's user for identity calls (Bearer header or `oauth_token` parameter).
fn identity_user(state: &State, request: &Request) -> Option<(String, SeedUser)> {
    let token = request
        .bearer()
        .map(str::to_string)
        .or_else(|| request.query_param("oauth_token"))?;
    let row = state.store.token(&token).ok().flatten()?;
    let live = row.kind == "sf_access"
        && !row.revoked
        && row.expires_ms.is_none_or(|e| e > clock::now_ms());
    if !live {
        return None;
    }
    seed::user_by_id(&row.user_id).filter(|(_, u)| u.active)
}

fn urls(request: &Request, user_id: &str, version: Option<&str>) -> Value {
    let base = instance_url(request);
    let org15 = &seed::org_id()[..15];
    let v = version.unwrap_or("{version}");
    json!({
        "enterprise": format!("{base}/services/Soap/c/{v}/{org15}"),
        "metadata": format!("{base}/services/Soap/m/{v}/{org15}"),
        "partner": format!("{base}/services/Soap/u/{v}/{org15}"),
        "rest": format!("{base}/services/data/v{v}/"),
        "sobjects": format!("{base}/services/data/v{v}/sobjects/"),
        "search": format!("{base}/services/data/v{v}/search/"),
        "query": format!("{base}/services/data/v{v}/query/"),
        "profile": format!("{base}/{user_id}"),
    })
}

/// `GET /id/{orgId}/{userId}`.
pub fn identity(state: &mut State, request: &Request) -> Response {
    let Some((user_id, user)) = identity_user(state, request) else {
        return Response::text(403, "Bad_OAuth_Token");
    };
    let segments = request.segments();
    let asked = segments.get(2).and_then(|id| ids::normalize(id));
    if segments.get(1).and_then(|o| ids::normalize(o)) != Some(seed::org_id())
        || asked.as_deref() != Some(user_id.as_str())
    {
        return Response::text(403, "Bad_Id");
    }
    let version = request.query_param("version").map(|v| {
        if v == "latest" {
            LATEST_VERSION.to_string()
        } else {
            v
        }
    });
    Response::json(
        200,
        &json!({
            "id": identity_url(request, &user_id),
            "asserted_user": true,
            "user_id": user_id,
            "organization_id": seed::org_id(),
            "username": user.email,
            "nick_name": user.email.split('@').next().unwrap_or_default(),
            "display_name": format!("{} {}", user.first_name, user.last_name),
            "email": user.email,
            "email_verified": true,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "timezone": "Europe/Berlin",
            "photos": {"picture": null, "thumbnail": null},
            "addr_street": null, "addr_city": null, "addr_state": null, "addr_country": "DE", "addr_zip": null,
            "mobile_phone": null, "mobile_phone_verified": false,
            "is_lightning_login_user": false,
            "status": {"created_date": null, "body": null},
            "urls": urls(request, &user_id, version.as_deref()),
            "active": user.active,
            "user_type": "STANDARD",
            "language": "en_US",
            "locale": "en_US",
            "utcOffset": 3_600_000,
            "last_modified_date": clock::sf_datetime(clock::now_ms()),
            "is_app_installed": true,
        }),
    )
}

pub fn userinfo(state: &mut State, request: &Request) -> Response {
    let Some((user_id, user)) = identity_user(state, request) else {
        return Response::text(403, "Bad_OAuth_Token");
    };
    Response::json(
        200,
        &json!({
            "sub": identity_url(request, &user_id),
            "user_id": user_id,
            "organization_id": seed::org_id(),
            "preferred_username": user.email,
            "nickname": user.email.split('@').next().unwrap_or_default(),
            "name": format!("{} {}", user.first_name, user.last_name),
            "email": user.email,
            "email_verified": true,
            "given_name": user.first_name,
            "family_name": user.last_name,
            "zoneinfo": "Europe/Berlin",
            "profile": format!("{}/{user_id}", instance_url(request)),
            "is_salesforce_integration_user": false,
            "urls": urls(request, &user_id, None),
            "active": user.active,
            "user_type": "STANDARD",
            "language": "en_US",
            "locale": "en_US",
            "utcOffset": 3_600_000,
            "updated_at": clock::iso_datetime(clock::now_ms()),
        }),
    )
}
