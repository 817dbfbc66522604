//! `sobjects` (global describe) and `sobjects/{Object}/describe`, with createable/updateable
//! flags computed for the calling user's profile.

use serde_json::{json, Value};

use super::context::Ctx;
use super::schema::{self, ObjectDef};

fn urls(ctx: &Ctx, object: &ObjectDef) -> Value {
    let base = format!("/services/data/{}/sobjects/{}", ctx.version, object.name);
    json!({
        "sobject": base,
        "describe": format!("{base}/describe"),
        "rowTemplate": format!("{base}/{{ID}}"),
    })
}

fn writable(ctx: &Ctx, object: &ObjectDef) -> bool {
    object.writable && ctx.caller.profile.can_write()
}

/// The short description used by global describe.
pub fn summary(ctx: &Ctx, object: &ObjectDef) -> Value {
    let w = writable(ctx, object);
    json!({
        "name": object.name,
        "label": object.label,
        "labelPlural": object.label_plural,
        "keyPrefix": object.key_prefix,
        "custom": false,
        "createable": w,
        "updateable": w,
        "deletable": w,
        "queryable": true,
        "retrieveable": true,
        "searchable": true,
        "layoutable": true,
        "urls": urls(ctx, object),
    })
}

/// `GET sobjects`.
pub fn global(ctx: &Ctx) -> Value {
    let sobjects: Vec<Value> = schema::objects().iter().map(|o| summary(ctx, o)).collect();
    json!({"encoding": "UTF-8", "maxBatchSize": 200, "sobjects": sobjects})
}

/// `GET sobjects/{Object}/describe`.
pub fn describe(ctx: &Ctx, object: &ObjectDef) -> Value {
    let w = writable(ctx, object);
    let fields: Vec<Value> = object
        .fields
        .iter()
        .map(|f| {
            let picklist: Vec<Value> = f
                .picklist
                .iter()
                .enumerate()
                .map(|(i, v)| json!({"active": true, "defaultValue": f.defaulted && i == 0, "label": v, "validFor": null, "value": v}))
                .collect();
            json!({
                "name": f.name,
                "label": f.label,
                "type": f.kind.describe_type(),
                "soapType": f.kind.soap_type(),
                "length": if f.kind.is_text() { f.length } else { 0 },
                "byteLength": if f.kind.is_text() { f.length * 3 } else { 18 },
                "createable": w && f.createable,
                "updateable": w && f.updateable,
                "nillable": !f.required && f.createable,
                "defaultedOnCreate": f.defaulted || !f.createable,
                "custom": f.custom,
                "unique": false,
                "externalId": false,
                "idLookup": f.name == "Id" || f.name == "Email",
                "filterable": true,
                "sortable": true,
                "restrictedPicklist": f.name == "TaskSubtype",
                "referenceTo": f.reference_to,
                "relationshipName": f.relationship,
                "picklistValues": picklist,
                "polymorphicForeignKey": f.reference_to.len() > 1,
            })
        })
        .collect();
    let mut out = summary(ctx, object);
    out["fields"] = Value::Array(fields);
    out["childRelationships"] = json!([]);
    out["recordTypeInfos"] = json!([]);
    out
}
