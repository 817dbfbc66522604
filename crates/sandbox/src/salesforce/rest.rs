//! Routes `/services/data/vNN.0/...` to the resource handlers. Composite calls back in here
//! for its subrequests.

use serde_json::{json, Value};

use super::context::{Ctx, SfOk};
use super::errors::SfError;
use super::{collections, composite, describe, query, records, schema};

fn method_not_allowed(method: &str, allowed: &str) -> SfError {
    SfError::new(
        405,
        "METHOD_NOT_ALLOWED",
        format!("HTTP Method '{method}' not allowed. Allowed are {allowed}"),
    )
}

fn query_value(query: &[(String, String)], name: &str) -> Option<String> {
    query
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
}

fn field_list(query: &[(String, String)]) -> Option<Vec<String>> {
    query_value(query, "fields").map(|f| {
        f.split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    })
}

/// Runs one data request (`segments` are the path after the version).
pub fn dispatch(
    ctx: &Ctx,
    method: &str,
    segments: &[String],
    query: &[(String, String)],
    body: Option<&Value>,
) -> Result<SfOk, SfError> {
    let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
    let null = Value::Null;
    let body_or_null = body.unwrap_or(&null);
    match (method, segs.as_slice()) {
        ("GET", []) => {
            let base = format!("/services/data/{}", ctx.version);
            Ok(SfOk::ok(json!({
                "sobjects": format!("{base}/sobjects"),
                "query": format!("{base}/query"),
                "queryAll": format!("{base}/queryAll"),
                "composite": format!("{base}/composite"),
                "limits": format!("{base}/limits"),
            })))
        }
        ("GET", ["limits"]) => {
            let limit = ctx.store.number("api_limit")?;
            let used = ctx.store.number("api_usage")?;
            Ok(SfOk::ok(json!({
                "DailyApiRequests": {"Max": limit, "Remaining": (limit - used).max(0)}
            })))
        }
        ("GET", ["sobjects"]) => Ok(SfOk::ok(describe::global(ctx))),
        (_, ["sobjects"]) => Err(method_not_allowed(method, "GET,HEAD")),
        ("GET", ["sobjects", object]) => {
            let def = schema::object(object).ok_or_else(SfError::not_found)?;
            Ok(SfOk::ok(json!({
                "objectDescribe": describe::summary(ctx, def),
                "recentItems": [],
            })))
        }
        ("POST", ["sobjects", object]) => {
            let id = records::create(ctx, object, body_or_null)?;
            let def = schema::object(object).ok_or_else(SfError::not_found)?;
            Ok(SfOk {
                status: 201,
                body: Some(json!({"id": id, "success": true, "errors": []})),
                headers: vec![(
                    "Location".into(),
                    format!("/services/data/{}/sobjects/{}/{id}", ctx.version, def.name),
                )],
            })
        }
        (_, ["sobjects", _]) => Err(method_not_allowed(method, "GET,HEAD,POST")),
        ("GET", ["sobjects", object, "describe"]) => {
            let def = schema::object(object).ok_or_else(SfError::not_found)?;
            Ok(SfOk::ok(describe::describe(ctx, def)))
        }
        ("GET", ["sobjects", object, id]) => {
            let fields = field_list(query);
            records::retrieve(ctx, object, id, fields.as_deref()).map(SfOk::ok)
        }
        ("PATCH", ["sobjects", object, id]) => {
            records::update(ctx, object, id, body_or_null)?;
            Ok(SfOk {
                status: 204,
                body: None,
                headers: Vec::new(),
            })
        }
        ("DELETE", ["sobjects", object, id]) => {
            records::delete(ctx, Some(object), id)?;
            Ok(SfOk {
                status: 204,
                body: None,
                headers: Vec::new(),
            })
        }
        (_, ["sobjects", _, _]) => Err(method_not_allowed(method, "GET,HEAD,PATCH,DELETE")),
        ("GET", ["query" | "queryAll"]) => {
            let soql = query_value(query, "q")
                .ok_or_else(|| SfError::malformed_query("A query string has to be specified"))?;
            query::run(ctx, &soql).map(SfOk::ok)
        }
        ("GET", ["query" | "queryAll", locator]) => query::more(ctx, locator).map(SfOk::ok),
        ("POST", ["composite"]) => composite::run(ctx, body_or_null, dispatch).map(SfOk::ok),
        ("POST", ["composite", "batch"]) => {
            composite::batch(ctx, body_or_null, dispatch).map(SfOk::ok)
        }
        ("POST", ["composite", "sobjects"]) => collections::create(ctx, body_or_null).map(SfOk::ok),
        ("PATCH", ["composite", "sobjects"]) => {
            collections::update(ctx, body_or_null).map(SfOk::ok)
        }
        ("DELETE", ["composite", "sobjects"]) => {
            let ids = query_value(query, "ids").unwrap_or_default();
            let all_or_none = query_value(query, "allOrNone").is_some_and(|v| v == "true");
            collections::delete(ctx, &ids, all_or_none).map(SfOk::ok)
        }
        ("GET", ["composite", "sobjects", object]) => {
            let ids = query_value(query, "ids").unwrap_or_default();
            let ids: Vec<String> = ids.split(',').map(str::to_string).collect();
            collections::retrieve(ctx, object, &ids, field_list(query)).map(SfOk::ok)
        }
        ("POST", ["composite", "sobjects", object]) => {
            let ids: Vec<String> = body_or_null
                .get("ids")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            let fields: Option<Vec<String>> = body_or_null
                .get("fields")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                });
            collections::retrieve(ctx, object, &ids, fields).map(SfOk::ok)
        }
        _ => Err(SfError::not_found()),
    }
}
