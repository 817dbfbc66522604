//! How objects are rendered: the property selection, system properties and associations.

use serde_json::{json, Map, Value};

use super::properties::{self, canonical_type, date_properties};
use crate::clock;
use crate::org::State;
use crate::store::HsObject;

/// What properties to put in an answer.
pub enum Selection {
    /// Every stored property (create/update answers).
    All,
    /// The default set plus these.
    Requested(Vec<String>),
}

/// Parses `properties=a,b` from a query or a JSON list.
pub fn selection_from(list: Option<Vec<String>>) -> Selection {
    match list {
        Some(l) if !l.is_empty() => Selection::Requested(l),
        _ => Selection::Requested(Vec::new()),
    }
}

/// An object as HubSpot returns it.
pub fn object_json(
    object: &HsObject,
    selection: &Selection,
    associations: Option<&[String]>,
    state: &State,
) -> Value {
    let (created, modified) = date_properties(&object.object_type);
    let mut props = Map::new();
    match selection {
        Selection::All => {
            for (k, v) in &object.properties {
                props.insert(k.clone(), v.clone());
            }
        }
        Selection::Requested(list) => {
            let defaults = properties::defaults(&object.object_type);
            let names: Vec<&str> = if list.is_empty() {
                defaults.to_vec()
            } else {
                list.iter().map(String::as_str).collect()
            };
            for name in names {
                props.insert(
                    name.to_string(),
                    object.properties.get(name).cloned().unwrap_or(Value::Null),
                );
            }
        }
    }
    props.insert(
        created.into(),
        json!(clock::iso_datetime(object.created_ms)),
    );
    props.insert(
        modified.into(),
        json!(clock::iso_datetime(object.updated_ms)),
    );
    props.insert("hs_object_id".into(), json!(object.id.to_string()));
    let mut out = json!({
        "id": object.id.to_string(),
        "properties": props,
        "createdAt": clock::iso_datetime(object.created_ms),
        "updatedAt": clock::iso_datetime(object.updated_ms),
        "archived": object.archived,
    });
    if object.archived {
        out["archivedAt"] = json!(clock::iso_datetime(object.updated_ms));
    }
    if let Some(types) = associations {
        let mut assoc = Map::new();
        for to in types {
            let Some(to) = canonical_type(to) else {
                continue;
            };
            let results = associated(state, object, to);
            if !results.is_empty() {
                assoc.insert(to.to_string(), json!({"results": results}));
            }
        }
        out["associations"] = Value::Object(assoc);
    }
    out
}

fn singular(t: &str) -> &str {
    match t {
        "companies" => "company",
        other => other.strip_suffix('s').unwrap_or(other),
    }
}

/// Associations of `object` to objects of type `to`, in both stored directions.
fn associated(state: &State, object: &HsObject, to: &str) -> Vec<Value> {
    let label = format!("{}_to_{}", singular(&object.object_type), singular(to));
    let mut out: Vec<Value> = object
        .associations
        .iter()
        .filter(|a| a.get("toObjectType").and_then(Value::as_str) == Some(to))
        .filter_map(|a| a.get("toObjectId").cloned())
        .map(|id| json!({"id": id, "type": label}))
        .collect();
    let link = format!("assoc:{}", object.object_type);
    if let Ok(others) = state.store.hs_find(to, &link, &object.id.to_string()) {
        for other in others.iter().filter(|o| !o.archived) {
            let points_here = other.associations.iter().any(|a| {
                a.get("toObjectType").and_then(Value::as_str) == Some(object.object_type.as_str())
                    && a.get("toObjectId").and_then(Value::as_str)
                        == Some(object.id.to_string().as_str())
            });
            let id = json!(other.id.to_string());
            if points_here && !out.iter().any(|v| v.get("id") == Some(&id)) {
                out.push(json!({"id": id, "type": label}));
            }
        }
    }
    out
}
