//! Local differential privacy in the manifest: the `privacy:` key of a field, an
//! event's `sample_rate` and `min_count`, the budget, TL039, and the exact output
//! probabilities of the mechanisms.

use telemetry_manifest::{
    Epsilon, EventBudget, Finding, Mechanism, ValidManifest, check_budget, geometric_probability,
    parse_str, rr_probabilities, validate,
};

fn manifest(policy: &str, events: &str) -> (ValidManifest, Vec<Finding>) {
    let text = format!(
        "version: 1\nproject:\n  name: p\n  contact: p@example.org\n  retention_days: 30\n  opt_out: {{ env: P=0 }}\n{policy}events:\n{events}"
    );
    let parsed = parse_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    validate(&parsed)
}

fn messages(findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .map(|f| format!("{} {}", f.rule.id, f.message))
        .collect()
}

const NOISED: &str = "  e:\n    sample_rate: 0.25\n    min_count: 20\n    fields:\n      ok: { type: bool, category: technical, privacy: { mechanism: randomized_response, epsilon: 1 } }\n      kind: { type: enum, values: [a, b, c], category: technical, privacy: { mechanism: randomized_response, epsilon: 0.5 } }\n      n: { type: count, max: 4, category: technical, privacy: { mechanism: geometric, epsilon: 0.25 } }\n";

#[test]
fn mechanisms_sample_rate_and_min_count_are_read() {
    let (valid, findings) = manifest("", NOISED);
    assert!(findings.is_empty(), "{findings:#?}");
    let event = valid.event("e").expect("declared");
    assert_eq!(event.sample_rate, 0.25);
    assert_eq!(event.min_count, 20);
    let noise = event.field("n").and_then(|f| f.noise).expect("noised");
    assert_eq!(noise.mechanism, Mechanism::Geometric);
    assert_eq!(noise.epsilon, Epsilon { milli: 250 });
}

#[test]
fn the_budget_sums_epsilons_and_counts_every_value_per_day() {
    let (valid, _) = manifest("", NOISED);
    let budget = EventBudget::of(&valid, &valid.events[0]);
    // 1 + 0.5 + 0.25 per report; per day 1 × 2 + 0.5 × 3 + 0.25 × 5.
    assert_eq!(
        budget.per_report.map(|e| e.to_string()).as_deref(),
        Some("1.75")
    );
    assert_eq!(
        budget.per_day.map(|e| e.to_string()).as_deref(),
        Some("4.75")
    );
    assert!(budget.plain_fields.is_empty());

    let (plain, _) = manifest(
        "",
        "  e:\n    fields:\n      ok: { type: bool, category: technical }\n      n: { type: count, max: 4, category: technical, privacy: { mechanism: geometric, epsilon: 1 } }\n",
    );
    let budget = EventBudget::of(&plain, &plain.events[0]);
    assert_eq!(budget.per_report, None);
    assert_eq!(budget.plain_fields, ["ok"]);
}

#[test]
fn tl039_holds_events_to_max_epsilon_per_day() {
    let (valid, _) = manifest("policy:\n  max_epsilon_per_day: 4\n", NOISED);
    assert_eq!(
        messages(&check_budget(&valid)),
        ["TL039 event `e` spends epsilon 4.75 per day; the policy's `max_epsilon_per_day` is 4"]
    );
    let (enough, _) = manifest("policy:\n  max_epsilon_per_day: 5\n", NOISED);
    assert!(check_budget(&enough).is_empty());
    let (none, _) = manifest("", NOISED);
    assert!(check_budget(&none).is_empty());

    let (plain, _) = manifest(
        "policy:\n  max_epsilon_per_day: 5\n",
        "  e:\n    fields:\n      ok: { type: bool, category: technical }\n  f:\n    fields:\n      n: { type: count, max: 4, category: technical, privacy: { mechanism: geometric, epsilon: 1.5 } }\n",
    );
    assert_eq!(
        messages(&check_budget(&plain)),
        [
            "TL039 event `e` is not locally private: field `ok` is sent without noise, and the policy's `max_epsilon_per_day` is 5",
            "TL039 event `f` spends epsilon 7.5 per day; the policy's `max_epsilon_per_day` is 5",
        ]
    );
}

#[test]
fn all_events_together_are_held_to_the_limit() {
    let events = "  e:\n    fields:\n      ok: { type: bool, category: technical, privacy: { mechanism: randomized_response, epsilon: 1 } }\n  f:\n    fields:\n      ok: { type: bool, category: technical, privacy: { mechanism: randomized_response, epsilon: 1 } }\n";
    let (valid, _) = manifest("policy:\n  max_epsilon_per_day: 3\n", events);
    assert_eq!(
        messages(&check_budget(&valid)),
        [
            "TL039 all events together spend epsilon 4 per day; the policy's `max_epsilon_per_day` is 3"
        ]
    );
}

#[test]
fn bad_parameters_are_tl014() {
    let (_, findings) = manifest(
        "",
        "  e:\n    sample_rate: 1.5\n    min_count: 0\n    fields:\n      v: { type: version, category: technical, privacy: { mechanism: randomized_response, epsilon: 1 } }\n      n: { type: count, max: 9, category: technical, privacy: { mechanism: randomized_response, epsilon: 1 } }\n      b: { type: bool, category: technical, privacy: { mechanism: geometric, epsilon: 1 } }\n      c: { type: count, buckets: [1, 10], category: technical, privacy: { mechanism: geometric, epsilon: 1 } }\n      big: { type: bool, category: technical, privacy: { mechanism: randomized_response, epsilon: 11 } }\n      fine: { type: bool, category: technical, privacy: { mechanism: randomized_response, epsilon: 0.0001 } }\n",
    );
    insta::assert_snapshot!(messages(&findings).join("\n"));
}

const EPSILONS: [u64; 5] = [100, 500, 1000, 2000, 5000];

/// Randomized response: for every pair of inputs and every output, the ratio of
/// the output's probabilities is at most e^ε, from the probabilities themselves;
/// an absent input (drawn uniformly) is among the inputs.
#[test]
fn randomized_response_ratio_is_at_most_e_to_the_epsilon() {
    for milli in EPSILONS {
        let epsilon = Epsilon { milli };
        for k in 1..=12usize {
            let (p, q) = rr_probabilities(epsilon, k);
            // Row `x` of the mechanism: p on x, q elsewhere; the absent input's
            // row is the average of all rows.
            let row = |x: Option<usize>, y: usize| match x {
                Some(x) if x == y => p,
                Some(_) => q,
                None => (p + (k - 1) as f64 * q) / k as f64,
            };
            let total: f64 = (0..k).map(|y| row(Some(0), y)).sum();
            assert!((total - 1.0).abs() < 1e-12);
            let inputs: Vec<Option<usize>> = (0..k).map(Some).chain([None]).collect();
            for &a in &inputs {
                for &b in &inputs {
                    for y in 0..k {
                        let ratio = row(a, y) / row(b, y);
                        assert!(
                            ratio <= epsilon.as_f64().exp() * (1.0 + 1e-12),
                            "k={k} ε={epsilon} {a:?} {b:?} {y}: {ratio}"
                        );
                    }
                }
            }
        }
    }
}

/// The geometric mechanism on a count in `0..=max`: the same bound, for every
/// pair of inputs and every output within reach.
#[test]
fn geometric_ratio_is_at_most_e_to_the_epsilon() {
    for milli in EPSILONS {
        let epsilon = Epsilon { milli };
        for max in [1u64, 3, 10, 25] {
            let m = max as i64;
            // The tails beyond 40 scales weigh less than e^-40.
            let reach = (40.0 * max as f64 / epsilon.as_f64()) as i64;
            let total: f64 = (-reach..=reach)
                .map(|y| geometric_probability(epsilon, max, 0, y))
                .sum();
            assert!((total - 1.0).abs() < 1e-6, "ε={epsilon} max={max}: {total}");
            for a in 0..=m {
                for b in 0..=m {
                    for y in -3 * m..=4 * m {
                        let ratio = geometric_probability(epsilon, max, a, y)
                            / geometric_probability(epsilon, max, b, y);
                        assert!(
                            ratio <= epsilon.as_f64().exp() * (1.0 + 1e-9),
                            "ε={epsilon} max={max} {a} {b} {y}: {ratio}"
                        );
                    }
                }
            }
        }
    }
}
