//! Reads one `decide` input as JSON on stdin and prints the answer, for trying the rules by hand:
//! `cargo run -p attribution --example decide < save.json`.

use std::io::Read;

fn main() -> std::io::Result<()> {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input)?;
    let answer = attribution::decide_str(&input);
    let pretty = serde_json::from_str::<serde_json::Value>(&answer)
        .and_then(|value| serde_json::to_string_pretty(&value))
        .unwrap_or(answer);
    println!("{pretty}");
    Ok(())
}
