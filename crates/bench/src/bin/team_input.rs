//! Prints `bench::team_input(users, source)` as JSON, so the Wasm throughput run in Node
//! decides exactly the inputs criterion measures natively.
//!
//! `team-input <users> <source>`

fn main() {
    let mut args = std::env::args().skip(1);
    let users = args.next().and_then(|u| u.parse::<usize>().ok());
    let source = args.next();
    match (users, source) {
        (Some(users), Some(source)) => println!("{}", bench::team_input(users, &source)),
        _ => {
            eprintln!("usage: team-input <users> <source>");
            std::process::exit(2);
        }
    }
}
