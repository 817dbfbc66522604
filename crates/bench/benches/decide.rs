//! Decisions per second of the attribution core, natively (criterion).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use std::hint::black_box;

fn decide(c: &mut Criterion) {
    let mut group = c.benchmark_group("decide_json");
    group.throughput(Throughput::Elements(1));
    for (users, source) in [
        (2, "linkedin_extension"),
        (2, "gmail_extension"),
        (50, "linkedin_extension"),
    ] {
        let input = bench::team_input(users, source);
        group.bench_with_input(BenchmarkId::new(source, users), &input, |b, input| {
            b.iter(|| attribution::decide_json(black_box(input)))
        });
    }
    group.finish();
}

criterion_group!(benches, decide);
criterion_main!(benches);
