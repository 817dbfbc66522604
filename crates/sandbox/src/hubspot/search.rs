//! `POST /crm/v3/objects/{type}/search`: filterGroups (OR of AND-ed filters), sorts, query,
//! paging and HubSpot's filter limits.

use std::cmp::Ordering;

use serde_json::{json, Value};

use super::errors::error;
use super::render::{object_json, selection_from};
use crate::clock;
use crate::http::Response;
use crate::org::State;
use crate::store::{HsObject, MAX_KEY};

const MAX_GROUPS: usize = 5;
const MAX_FILTERS_PER_GROUP: usize = 10;
const MAX_FILTERS: usize = 25;
const MAX_LIMIT: u64 = 200;

fn property(object: &HsObject, name: &str) -> Option<String> {
    match name {
        "hs_object_id" => Some(object.id.to_string()),
        "createdate" | "hs_createdate" => Some(clock::iso_datetime(object.created_ms)),
        "lastmodifieddate" | "hs_lastmodifieddate" => Some(clock::iso_datetime(object.updated_ms)),
        _ => object
            .properties
            .get(name)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
    }
}

fn as_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn compare(a: &str, b: &str) -> Ordering {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        _ => a.to_lowercase().cmp(&b.to_lowercase()),
    }
}

fn token_match(value: &str, token: &str) -> bool {
    let value = value.to_lowercase();
    let token = token.to_lowercase();
    if let Some(inner) = token.strip_prefix('*').and_then(|t| t.strip_suffix('*')) {
        return value.contains(inner);
    }
    if let Some(suffix) = token.strip_prefix('*') {
        return value.ends_with(suffix);
    }
    if let Some(prefix) = token.strip_suffix('*') {
        return value.starts_with(prefix);
    }
    value
        .split(|c: char| !c.is_alphanumeric() && c != '@' && c != '.')
        .any(|word| word == token)
        || value == token
}

fn filter_matches(object: &HsObject, filter: &Value) -> Result<bool, String> {
    let name = filter
        .get("propertyName")
        .and_then(Value::as_str)
        .ok_or("propertyName is required")?;
    let operator = filter
        .get("operator")
        .and_then(Value::as_str)
        .unwrap_or("EQ");
    let actual = property(object, name);
    let value = filter.get("value").map(as_text).unwrap_or_default();
    let values: Vec<String> = filter
        .get("values")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(as_text).collect())
        .unwrap_or_default();
    Ok(match operator {
        "HAS_PROPERTY" => actual.is_some(),
        "NOT_HAS_PROPERTY" => actual.is_none(),
        "EQ" => actual.is_some_and(|a| a.eq_ignore_ascii_case(&value)),
        "NEQ" => actual.is_none_or(|a| !a.eq_ignore_ascii_case(&value)),
        "LT" => actual.is_some_and(|a| compare(&a, &value) == Ordering::Less),
        "LTE" => actual.is_some_and(|a| compare(&a, &value) != Ordering::Greater),
        "GT" => actual.is_some_and(|a| compare(&a, &value) == Ordering::Greater),
        "GTE" => actual.is_some_and(|a| compare(&a, &value) != Ordering::Less),
        "BETWEEN" => {
            let high = filter.get("highValue").map(as_text).unwrap_or_default();
            actual.is_some_and(|a| {
                compare(&a, &value) != Ordering::Less && compare(&a, &high) != Ordering::Greater
            })
        }
        "IN" => actual.is_some_and(|a| values.iter().any(|v| v.eq_ignore_ascii_case(&a))),
        "NOT_IN" => actual.is_none_or(|a| !values.iter().any(|v| v.eq_ignore_ascii_case(&a))),
        "CONTAINS_TOKEN" => actual.is_some_and(|a| token_match(&a, &value)),
        "NOT_CONTAINS_TOKEN" => actual.is_none_or(|a| !token_match(&a, &value)),
        other => return Err(format!("Unknown operator {other}")),
    })
}

/// Property lookups that find every object the filter groups can keep: one `EQ` or `IN` on a
/// stored property in each group. `None` means the type must be scanned.
fn lookups(groups: &[Value]) -> Option<Vec<(&str, String)>> {
    if groups.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    for group in groups {
        let filters = group.get("filters").and_then(Value::as_array)?;
        let found = filters.iter().find_map(|f| {
            let name = f.get("propertyName").and_then(Value::as_str)?;
            let derived = matches!(
                name,
                "hs_object_id"
                    | "createdate"
                    | "hs_createdate"
                    | "lastmodifieddate"
                    | "hs_lastmodifieddate"
            );
            let values: Vec<String> = match f.get("operator").and_then(Value::as_str) {
                Some("EQ") | None => vec![f.get("value").map(as_text)?],
                Some("IN") => f.get("values")?.as_array()?.iter().map(as_text).collect(),
                _ => return None,
            };
            let indexable = !derived && values.iter().all(|v| !v.is_empty() && v.len() <= MAX_KEY);
            indexable.then(|| values.into_iter().map(|v| (name, v)).collect::<Vec<_>>())
        })?;
        out.extend(found);
    }
    Some(out)
}

/// Runs a search.
pub fn run(state: &State, object_type: &str, body: &Value) -> Result<Response, Response> {
    let groups = body
        .get("filterGroups")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let total_filters: usize = groups
        .iter()
        .map(|g| {
            g.get("filters")
                .and_then(Value::as_array)
                .map_or(0, Vec::len)
        })
        .sum();
    let too_many_in_group = groups.iter().any(|g| {
        g.get("filters")
            .and_then(Value::as_array)
            .map_or(0, Vec::len)
            > MAX_FILTERS_PER_GROUP
    });
    if groups.len() > MAX_GROUPS || too_many_in_group || total_filters > MAX_FILTERS {
        return Err(error(400, "VALIDATION_ERROR", &format!(
            "Too many filters: at most {MAX_GROUPS} filterGroups, {MAX_FILTERS_PER_GROUP} filters per group and {MAX_FILTERS} filters in total are allowed"
        )));
    }
    let limit = body.get("limit").and_then(Value::as_u64).unwrap_or(10);
    if limit > MAX_LIMIT {
        return Err(error(
            400,
            "VALIDATION_ERROR",
            &format!("limit must be at most {MAX_LIMIT}"),
        ));
    }
    let after = body
        .get("after")
        .map(as_text)
        .and_then(|a| a.parse::<usize>().ok())
        .unwrap_or(0);
    let query = body
        .get("query")
        .and_then(Value::as_str)
        .map(str::to_lowercase);
    // A bad filter is refused even when nothing would be compared with it.
    let blank = HsObject {
        id: 0,
        object_type: object_type.to_string(),
        properties: Default::default(),
        associations: Vec::new(),
        created_ms: 0,
        updated_ms: 0,
        archived: false,
    };
    for filter in groups
        .iter()
        .filter_map(|g| g.get("filters").and_then(Value::as_array))
        .flatten()
    {
        filter_matches(&blank, filter).map_err(|m| error(400, "VALIDATION_ERROR", &m))?;
    }
    let storage = |e: rusqlite::Error| error(500, "INTERNAL_ERROR", &e.to_string());
    let all = match lookups(&groups) {
        Some(lookups) => {
            let mut found = Vec::new();
            for (name, value) in lookups {
                found.extend(
                    state
                        .store
                        .hs_find(object_type, name, &value)
                        .map_err(storage)?,
                );
            }
            found.sort_by_key(|o: &HsObject| o.id);
            found.dedup_by_key(|o| o.id);
            found
        }
        None => state.store.hs_all(object_type).map_err(storage)?,
    };
    // Search is eventually consistent in HubSpot: objects written within the configured
    // indexing delay are not found yet (reads by id or idProperty see them at once).
    let delay = state.store.hs_search_delay_ms().map_err(storage)?;
    let indexed_before = clock::now_ms() - delay;
    let mut hits = Vec::new();
    for object in all
        .into_iter()
        .filter(|o| !o.archived && (delay == 0 || o.updated_ms <= indexed_before))
    {
        let mut keep = groups.is_empty();
        for group in &groups {
            let filters = group
                .get("filters")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let mut all_match = true;
            for f in &filters {
                match filter_matches(&object, f) {
                    Ok(m) => all_match &= m,
                    Err(message) => return Err(error(400, "VALIDATION_ERROR", &message)),
                }
            }
            if all_match {
                keep = true;
                break;
            }
        }
        if let Some(q) = &query {
            keep &= object
                .properties
                .values()
                .filter_map(Value::as_str)
                .any(|v| v.to_lowercase().contains(q.as_str()));
        }
        if keep {
            hits.push(object);
        }
    }
    if let Some(sorts) = body.get("sorts").and_then(Value::as_array) {
        let keys: Vec<(String, bool)> = sorts
            .iter()
            .filter_map(|s| match s {
                Value::String(name) => Some((name.clone(), true)),
                Value::Object(_) => Some((
                    s.get("propertyName").and_then(Value::as_str)?.to_string(),
                    s.get("direction").and_then(Value::as_str) != Some("DESCENDING"),
                )),
                _ => None,
            })
            .collect();
        hits.sort_by(|a, b| {
            for (name, ascending) in &keys {
                let ord = compare(
                    &property(a, name).unwrap_or_default(),
                    &property(b, name).unwrap_or_default(),
                );
                let ord = if *ascending { ord } else { ord.reverse() };
                if ord != Ordering::Equal {
                    return ord;
                }
            }
            Ordering::Equal
        });
    }
    let properties: Option<Vec<String>> =
        body.get("properties").and_then(Value::as_array).map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        });
    let selection = selection_from(properties);
    let total = hits.len();
    let page: Vec<Value> = hits
        .iter()
        .skip(after)
        .take(limit as usize)
        .map(|o| object_json(o, &selection, None, state))
        .collect();
    let mut out = json!({"total": total, "results": page});
    if after + (limit as usize) < total {
        out["paging"] = json!({"next": {"after": (after + limit as usize).to_string()}});
    }
    Ok(Response::json(200, &out))
}
