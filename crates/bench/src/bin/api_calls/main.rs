//! Counts CRM API calls per save against a running sandbox org: the product's protocol
//! (`crm` crate) beside a naive client, for a LinkedIn save with dedupe, a Gmail save with its
//! email logged, and bulk saves. Writes JSON for `tests/bench/bench.mjs`.
//!
//! `api-calls --url https://127.0.0.1:PORT --cert cert.pem [--out file.json] [--bulk 25,200,1000]`

mod client;
mod scenarios;

use client::{BenchError, SandboxClient};
use scenarios::{
    counted, email_activity, naive_save, person, product_bulk, product_lookup, product_save,
    session, spec, CHUNK,
};
use serde_json::{json, Value};

struct Args {
    url: String,
    cert: String,
    out: Option<String>,
    bulk: Vec<usize>,
}

fn parse_args() -> Result<Args, BenchError> {
    let mut args = Args {
        url: String::new(),
        cert: String::new(),
        out: None,
        bulk: vec![25, 200, 1000],
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it
            .next()
            .ok_or_else(|| BenchError::Sandbox(format!("{flag} needs a value")))?;
        match flag.as_str() {
            "--url" => args.url = value,
            "--cert" => args.cert = value,
            "--out" => args.out = Some(value),
            "--bulk" => {
                args.bulk = value
                    .split(',')
                    .map(|n| n.trim().parse::<usize>())
                    .collect::<Result<_, _>>()
                    .map_err(|e| BenchError::Sandbox(format!("--bulk: {e}")))?;
            }
            other => return Err(BenchError::Sandbox(format!("unknown flag {other}"))),
        }
    }
    if args.url.is_empty() || args.cert.is_empty() {
        return Err(BenchError::Sandbox(
            "usage: api-calls --url URL --cert PEM [--out FILE] [--bulk 25,200,1000]".into(),
        ));
    }
    Ok(args)
}

fn run(args: &Args) -> Result<Value, BenchError> {
    let client = SandboxClient::new(&args.url, &std::fs::read_to_string(&args.cert)?)?;
    let s = session(&client, "rep@acme.example")?;
    let mut rows = Vec::new();

    // LinkedIn profile, new person: the badge lookup at page view, then the save.
    let new_person = spec(person("li-product", 0), None);
    let view = counted(&client, || {
        product_lookup(&client, &s, &new_person).map(|_| ())
    })?;
    let save = counted(&client, || product_save(&client, &s, &new_person))?;
    let naive_spec = spec(person("li-naive", 0), None);
    let naive = counted(&client, || naive_save(&client, &s, &naive_spec))?;
    rows.push(json!({"name": "linkedin_single_new", "people": 1,
        "product_view": view, "product_save": save, "naive": naive}));

    // LinkedIn profile already in the CRM: the lookup found it, the save only links.
    let mut known = spec(person("li-product", 0), None);
    let view = counted(&client, || {
        known.existing_id = product_lookup(&client, &s, &known)?;
        Ok(())
    })?;
    let save = counted(&client, || product_save(&client, &s, &known))?;
    let naive_known = spec(person("li-naive", 0), None);
    let naive = counted(&client, || naive_save(&client, &s, &naive_known))?;
    rows.push(json!({"name": "linkedin_single_known", "people": 1,
        "product_view": view, "product_save": save, "naive": naive}));

    // Gmail: a new person with the open email logged as an activity.
    let gmail = spec(person("gm-product", 0), Some(email_activity()));
    let view = counted(&client, || product_lookup(&client, &s, &gmail).map(|_| ()))?;
    let save = counted(&client, || product_save(&client, &s, &gmail))?;
    let naive_gmail = spec(person("gm-naive", 0), Some(email_activity()));
    let naive = counted(&client, || naive_save(&client, &s, &naive_gmail))?;
    rows.push(json!({"name": "gmail_single_with_activity", "people": 1,
        "product_view": view, "product_save": save, "naive": naive}));

    // Bulk saves of N new people (dedupe included), beside N naive saves: people with an
    // e-mail and a LinkedIn URL, and people with only a LinkedIn URL (a LinkedIn search page).
    for &n in &args.bulk {
        for (suffix, with_email) in [("", true), ("_url_only", false)] {
            let people = |side: &str| -> Vec<_> {
                (0..n)
                    .map(|i| {
                        let mut p = person(&format!("bulk{n}{suffix}-{side}"), i);
                        if !with_email {
                            p.email = None;
                        }
                        spec(p, None)
                    })
                    .collect()
            };
            let product = people("product");
            let naive_specs = people("naive");
            let save = counted(&client, || product_bulk(&client, &s, product))?;
            let naive = counted(&client, || {
                naive_specs
                    .iter()
                    .try_for_each(|one| naive_save(&client, &s, one))
            })?;
            let target = 2 * n.div_ceil(CHUNK);
            rows.push(json!({"name": format!("bulk_{n}{suffix}"), "people": n,
                "keys": if with_email { "email + LinkedIn URL" } else { "LinkedIn URL only" },
                "product_save": save, "naive": naive, "target_max": target}));
        }
    }
    Ok(json!({ "crm": "salesforce", "scenarios": rows }))
}

fn main() {
    let result = parse_args().and_then(|args| {
        let report = run(&args)?;
        let text = serde_json::to_string_pretty(&report).unwrap_or_default();
        match &args.out {
            Some(path) => std::fs::write(path, text)?,
            None => println!("{text}"),
        }
        Ok(())
    });
    if let Err(e) = result {
        eprintln!("api-calls: {e}");
        std::process::exit(1);
    }
}
