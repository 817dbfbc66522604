//! Runs a parsed SOQL query over the stored records as the REST `query` resource answers it.

use std::cmp::Ordering;

use serde_json::{json, Map, Value};

use super::context::Ctx;
use super::errors::SfError;
use super::records::record_json;
use super::schema::{self, FieldDef, Kind, ObjectDef};
use super::soql::{self, Cond, Item, LikeTok, Literal, Op};
use crate::ids;
use crate::store::{Fields, QueryCursor, MAX_KEY};

/// A resolved field path: a plain field, or a relationship hop then a field.
#[derive(Debug, Clone)]
enum Path {
    Field(&'static FieldDef),
    Related {
        via: &'static FieldDef,
        field_name: String,
        kind: Kind,
    },
}

fn invalid_field(object: &ObjectDef, name: &str) -> SfError {
    SfError::new(
        400,
        "INVALID_FIELD",
        format!(
            "No such column '{name}' on entity '{}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
            object.name
        ),
    )
}

fn resolve(object: &'static ObjectDef, path: &str) -> Result<Path, SfError> {
    match path.split_once('.') {
        None => object
            .field(path)
            .map(Path::Field)
            .ok_or_else(|| invalid_field(object, path)),
        Some((relationship, rest)) => {
            let via = object.relationship(relationship).ok_or_else(|| {
                SfError::new(
                    400,
                    "INVALID_FIELD",
                    format!("Didn't understand relationship '{relationship}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names."),
                )
            })?;
            if rest.contains('.') {
                return Err(SfError::malformed_query(
                    "The sandbox supports one relationship hop per field path",
                ));
            }
            let target = via
                .reference_to
                .iter()
                .filter_map(|name| schema::object(name))
                .find_map(|o| o.field(rest))
                .ok_or_else(|| {
                    let first = via.reference_to.first().and_then(|n| schema::object(n));
                    match first {
                        Some(o) => invalid_field(o, rest),
                        None => invalid_field(object, path),
                    }
                })?;
            Ok(Path::Related {
                via,
                field_name: target.name.to_string(),
                kind: target.kind,
            })
        }
    }
}

fn related(
    ctx: &Ctx,
    record: &Fields,
    via: &FieldDef,
) -> Result<Option<(String, Fields)>, SfError> {
    let Some(id) = record.get(via.name).and_then(Value::as_str) else {
        return Ok(None);
    };
    Ok(ctx.store.sf_get(id)?)
}

fn value_of(ctx: &Ctx, record: &Fields, path: &Path) -> Result<Value, SfError> {
    match path {
        Path::Field(def) => Ok(record.get(def.name).cloned().unwrap_or(Value::Null)),
        Path::Related {
            via, field_name, ..
        } => Ok(related(ctx, record, via)?
            .and_then(|(_, r)| r.get(field_name).cloned())
            .unwrap_or(Value::Null)),
    }
}

fn kind_of(path: &Path) -> Kind {
    match path {
        Path::Field(def) => def.kind,
        Path::Related { kind, .. } => *kind,
    }
}

/// Runs `GET query?q=`.
pub fn run(ctx: &Ctx, text: &str) -> Result<Value, SfError> {
    let select = soql::parse(text)?;
    let object = schema::object(&select.object).ok_or_else(|| {
        SfError::new(
            400,
            "INVALID_TYPE",
            format!(
                "\n{text}\n^\nERROR at Row:1:Column:1\nsObject type '{}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.",
                select.object
            ),
        )
    })?;
    // Resolve every path up front so bad names fail even on empty results.
    let mut selected = Vec::new();
    for item in &select.items {
        match item {
            Item::Field(p) => selected.push((p.clone(), resolve(object, p)?)),
            Item::CountOf(p, _) => {
                resolve(object, p)?;
            }
            Item::Count => {}
        }
    }
    let order: Vec<(Path, bool, bool)> = select
        .order
        .iter()
        .map(|(p, asc, nulls_first)| resolve(object, p).map(|r| (r, *asc, *nulls_first)))
        .collect::<Result<_, _>>()?;
    if let Some(filter) = &select.filter {
        check_filter(object, filter)?;
    }
    let candidates = match select.filter.as_ref().and_then(|f| lookups(object, f)) {
        Some(lookups) => {
            let mut found: Vec<(i64, Fields)> = Vec::new();
            for (field, values) in lookups {
                found.extend(ctx.store.sf_find(object.name, field, &values)?);
            }
            // Oldest first and each once, as a scan of the object would give them.
            found.sort_by_key(|(seq, _)| *seq);
            found.dedup_by_key(|(seq, _)| *seq);
            found.into_iter().map(|(_, record)| record).collect()
        }
        None => ctx.store.sf_all(object.name)?,
    };
    let mut rows = Vec::new();
    for record in candidates {
        let keep = match &select.filter {
            Some(filter) => eval(ctx, object, &record, filter)?,
            None => true,
        };
        if keep {
            rows.push(record);
        }
    }
    if !order.is_empty() {
        let mut keyed = Vec::with_capacity(rows.len());
        for record in rows {
            let keys: Vec<Value> = order
                .iter()
                .map(|(p, _, _)| value_of(ctx, &record, p))
                .collect::<Result<_, _>>()?;
            keyed.push((keys, record));
        }
        keyed.sort_by(|(a, _), (b, _)| {
            for (i, (_, asc, nulls_first)) in order.iter().enumerate() {
                let ord = match (a[i].is_null(), b[i].is_null()) {
                    (true, true) => Ordering::Equal,
                    (true, false) => {
                        if *nulls_first {
                            Ordering::Less
                        } else {
                            Ordering::Greater
                        }
                    }
                    (false, true) => {
                        if *nulls_first {
                            Ordering::Greater
                        } else {
                            Ordering::Less
                        }
                    }
                    _ => {
                        let o = compare(&a[i], &b[i]);
                        if *asc {
                            o
                        } else {
                            o.reverse()
                        }
                    }
                };
                if ord != Ordering::Equal {
                    return ord;
                }
            }
            Ordering::Equal
        });
        rows = keyed.into_iter().map(|(_, r)| r).collect();
    }
    let rows: Vec<Fields> = rows
        .into_iter()
        .skip(select.offset.unwrap_or(0))
        .take(select.limit.unwrap_or(usize::MAX))
        .collect();
    if select.items == [Item::Count] {
        return Ok(json!({"totalSize": rows.len(), "done": true, "records": []}));
    }
    if let Some(Item::CountOf(_, alias)) = select.items.first() {
        let name = alias.clone().unwrap_or_else(|| "expr0".into());
        let mut aggregate = Map::new();
        aggregate.insert("attributes".into(), json!({"type": "AggregateResult"}));
        aggregate.insert(name, json!(rows.len()));
        return Ok(json!({"totalSize": 1, "done": true, "records": [aggregate]}));
    }
    let mut records = Vec::with_capacity(rows.len());
    for record in &rows {
        records.push(project(ctx, object, record, &selected)?);
    }
    let total = records.len();
    if total <= ctx.batch_size {
        return Ok(json!({"totalSize": total, "done": true, "records": records}));
    }
    let rest = records.split_off(ctx.batch_size);
    let locator = ctx.store.next_sf_id("01g")?;
    let cursor = QueryCursor {
        records: rest,
        total,
        batch: ctx.batch_size,
    };
    ctx.store.cursor_save(&locator, &cursor)?;
    Ok(page(ctx, &locator, ctx.batch_size, total, records))
}

fn page(ctx: &Ctx, locator: &str, position: usize, total: usize, records: Vec<Value>) -> Value {
    json!({
        "totalSize": total,
        "done": false,
        "nextRecordsUrl": format!("/services/data/{}/query/{locator}-{position}", ctx.version),
        "records": records,
    })
}

/// `GET query/{locator}-{position}`: the next page of a query.
pub fn more(ctx: &Ctx, locator: &str) -> Result<Value, SfError> {
    let invalid = || SfError::new(400, "INVALID_QUERY_LOCATOR", "invalid query locator");
    let (cursor_id, position) = locator.rsplit_once('-').ok_or_else(invalid)?;
    let position: usize = position.parse().map_err(|_| invalid())?;
    let mut cursor = ctx.store.cursor(cursor_id)?.ok_or_else(invalid)?;
    let batch = cursor.batch.max(1);
    if cursor.records.len() <= batch {
        ctx.store.cursor_delete(cursor_id)?;
        return Ok(json!({"totalSize": cursor.total, "done": true, "records": cursor.records}));
    }
    let rest = cursor.records.split_off(batch);
    let records = std::mem::replace(&mut cursor.records, rest);
    ctx.store.cursor_save(cursor_id, &cursor)?;
    Ok(page(
        ctx,
        cursor_id,
        position + batch,
        cursor.total,
        records,
    ))
}

fn project(
    ctx: &Ctx,
    object: &ObjectDef,
    record: &Fields,
    selected: &[(String, Path)],
) -> Result<Value, SfError> {
    let full = record_json(ctx, object, record, Some(&[]));
    let mut out = full.as_object().cloned().unwrap_or_default();
    for (_, path) in selected {
        match path {
            Path::Field(def) => {
                out.insert(
                    def.name.into(),
                    record.get(def.name).cloned().unwrap_or(Value::Null),
                );
            }
            Path::Related {
                via, field_name, ..
            } => {
                let Some(relationship) = via.relationship else {
                    continue;
                };
                match related(ctx, record, via)? {
                    None => {
                        out.insert(relationship.into(), Value::Null);
                    }
                    Some((target_object, target)) => {
                        let entry = out.entry(relationship.to_string()).or_insert_with(|| {
                            let id = target.get("Id").and_then(Value::as_str).unwrap_or_default();
                            json!({"attributes": {"type": target_object, "url": format!("/services/data/{}/sobjects/{target_object}/{id}", ctx.version)}})
                        });
                        if let Some(map) = entry.as_object_mut() {
                            map.insert(
                                field_name.clone(),
                                target.get(field_name).cloned().unwrap_or(Value::Null),
                            );
                        }
                    }
                }
            }
        }
    }
    Ok(Value::Object(out))
}

fn check_filter(object: &'static ObjectDef, cond: &Cond) -> Result<(), SfError> {
    match cond {
        Cond::And(a, b) | Cond::Or(a, b) => {
            check_filter(object, a)?;
            check_filter(object, b)
        }
        Cond::Not(a) => check_filter(object, a),
        Cond::Cmp(p, op, value) => {
            let path = resolve(object, p)?;
            if *op == Op::Like && !matches!(value, Literal::Str { .. }) {
                return Err(SfError::malformed_query("LIKE needs a string literal"));
            }
            if matches!(kind_of(&path), Kind::Boolean)
                && !matches!(value, Literal::Bool(_) | Literal::Null)
            {
                return Err(SfError::new(400, "INVALID_QUERY_FILTER_OPERATOR", format!("value of filter criterion for field '{p}' must be of type boolean and should not be enclosed in quotes")));
            }
            Ok(())
        }
        Cond::In(p, _, _) => resolve(object, p).map(|_| ()),
    }
}

/// The key lookups that find every record a filter can keep, when it has them: an equality
/// (or `IN`) on a field of the object itself, under `AND`s, or one on each side of an `OR`.
/// `None` means the object must be scanned. The filter still runs on what they find.
fn lookups(object: &'static ObjectDef, cond: &Cond) -> Option<Vec<(&'static str, Vec<String>)>> {
    let key = |literal: &Literal, kind: Kind| match literal {
        Literal::Str { text, .. } if matches!(kind, Kind::Id | Kind::Reference) => {
            Some(ids::normalize(text).unwrap_or_else(|| text.clone()))
        }
        Literal::Str { text, .. } => Some(text.clone()),
        _ => None,
    };
    let field = |path: &str| match resolve(object, path) {
        Ok(Path::Field(def)) => Some(def),
        _ => None,
    };
    match cond {
        Cond::Cmp(path, Op::Eq, literal) => {
            let def = field(path)?;
            let value = key(literal, def.kind)?;
            (value.len() <= MAX_KEY).then(|| vec![(def.name, vec![value])])
        }
        Cond::In(path, false, literals) => {
            let def = field(path)?;
            let values = literals
                .iter()
                .map(|l| key(l, def.kind).filter(|v| v.len() <= MAX_KEY))
                .collect::<Option<Vec<String>>>()?;
            Some(vec![(def.name, values)])
        }
        Cond::And(a, b) => lookups(object, a).or_else(|| lookups(object, b)),
        Cond::Or(a, b) => {
            let mut both = lookups(object, a)?;
            both.extend(lookups(object, b)?);
            Some(both)
        }
        _ => None,
    }
}

fn eval(
    ctx: &Ctx,
    object: &'static ObjectDef,
    record: &Fields,
    cond: &Cond,
) -> Result<bool, SfError> {
    Ok(match cond {
        Cond::And(a, b) => eval(ctx, object, record, a)? && eval(ctx, object, record, b)?,
        Cond::Or(a, b) => eval(ctx, object, record, a)? || eval(ctx, object, record, b)?,
        Cond::Not(a) => !eval(ctx, object, record, a)?,
        Cond::Cmp(p, op, literal) => {
            let path = resolve(object, p)?;
            let value = value_of(ctx, record, &path)?;
            matches(&value, kind_of(&path), *op, literal)
        }
        Cond::In(p, negated, literals) => {
            let path = resolve(object, p)?;
            let value = value_of(ctx, record, &path)?;
            let kind = kind_of(&path);
            let found = literals.iter().any(|l| matches(&value, kind, Op::Eq, l));
            found != *negated
        }
    })
}

fn matches(value: &Value, kind: Kind, op: Op, literal: &Literal) -> bool {
    if let Literal::Null = literal {
        return match op {
            Op::Eq => value.is_null(),
            Op::Ne => !value.is_null(),
            _ => false,
        };
    }
    if value.is_null() {
        return op == Op::Ne;
    }
    if op == Op::Like {
        let (Some(text), Literal::Str { pattern, .. }) = (value.as_str(), literal) else {
            return false;
        };
        let text: Vec<char> = text.to_lowercase().chars().collect();
        let pattern: Vec<LikeTok> = pattern
            .iter()
            .map(|t| match t {
                LikeTok::Char(c) => LikeTok::Char(c.to_lowercase().next().unwrap_or(*c)),
                other => other.clone(),
            })
            .collect();
        return like(&text, &pattern);
    }
    let literal_value = match literal {
        Literal::Str { text, .. } | Literal::Date(text) => {
            if matches!(kind, Kind::Id | Kind::Reference) {
                json!(ids::normalize(text).unwrap_or_else(|| text.clone()))
            } else {
                json!(text)
            }
        }
        Literal::Num(n) => json!(n),
        Literal::Bool(b) => json!(b),
        Literal::Null => Value::Null,
    };
    let ord = compare(value, &literal_value);
    match op {
        Op::Eq => ord == Ordering::Equal,
        Op::Ne => ord != Ordering::Equal,
        Op::Lt => ord == Ordering::Less,
        Op::Le => ord != Ordering::Greater,
        Op::Gt => ord == Ordering::Greater,
        Op::Ge => ord != Ordering::Less,
        Op::Like => false,
    }
}

/// Orders two non-null values: numbers numerically, text case-insensitively.
fn compare(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::String(x), Value::Number(y)) => x
            .parse::<f64>()
            .ok()
            .and_then(|x| x.partial_cmp(&y.as_f64().unwrap_or(f64::NAN)))
            .unwrap_or(Ordering::Less),
        (Value::String(x), Value::String(y)) => x.to_lowercase().cmp(&y.to_lowercase()),
        _ => a.to_string().cmp(&b.to_string()),
    }
}

fn like(text: &[char], pattern: &[LikeTok]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((LikeTok::Any, rest)) => (0..=text.len()).any(|i| like(&text[i..], rest)),
        Some((LikeTok::One, rest)) => !text.is_empty() && like(&text[1..], rest),
        Some((LikeTok::Char(c), rest)) => text.first() == Some(c) && like(&text[1..], rest),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    /// The lookups planned for a Contact query's WHERE clause.
    fn plan(soql_where: &str) -> Option<Vec<(&'static str, Vec<String>)>> {
        let select = soql::parse(&format!("SELECT Id FROM Contact WHERE {soql_where}")).unwrap();
        lookups(schema::object("Contact").unwrap(), &select.filter.unwrap())
    }

    #[test]
    fn equalities_and_ins_are_looked_up_other_filters_scan() {
        assert_eq!(
            plan("Email = 'a@x.com' OR LinkedIn_URL__c IN ('u1', 'u2')"),
            Some(vec![
                ("Email", vec!["a@x.com".to_string()]),
                ("LinkedIn_URL__c", vec!["u1".to_string(), "u2".to_string()]),
            ])
        );
        // One side of an AND is enough; the filter still runs on what it finds.
        assert_eq!(
            plan("LastName LIKE 'A%' AND Email = 'a@x.com'"),
            Some(vec![("Email", vec!["a@x.com".to_string()])])
        );
        // An OR with a side that has no lookup, a negation, a relationship path: a scan.
        assert_eq!(plan("Email = 'a@x.com' OR LastName LIKE 'A%'"), None);
        assert_eq!(plan("NOT Email = 'a@x.com'"), None);
        assert_eq!(plan("Email != 'a@x.com'"), None);
        assert_eq!(plan("Owner.Name = 'Ada'"), None);
        assert_eq!(
            plan(&format!("Email = '{}'", "a".repeat(MAX_KEY + 1))),
            None
        );
    }

    #[test]
    fn a_15_character_id_is_looked_up_as_its_18_character_form() {
        let id = ids::sf_id("003", 1001);
        let planned = plan(&format!("Id = '{}'", &id[..15])).unwrap();
        assert_eq!(planned, vec![("Id", vec![id])]);
    }
}
