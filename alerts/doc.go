// Package alerts holds no code: it ships rabbitfleet's Prometheus rules and
// their tests.
//
//   - rabbitfleet.rules.yml: the alerting rules (severity, summary, templated
//     description and a runbook in docs/runbooks/ for every alert);
//   - rabbitfleet.recording.yml: recording rules for what dashboards and the
//     capacity planner query repeatedly;
//   - tests/*.yml: promtool unit tests, one scenario per way an alert must fire
//     or stay quiet (rolling restarts, small clusters, unreachable upstreams...).
//
// go test ./alerts runs promtool check rules and promtool test rules on them,
// amtool check-config and amtool config routes test on
// examples/alertmanager.yml, checks its inhibition on a real Alertmanager,
// and parses every rule expression to check that it only names metrics the
// exporter serves (the metric catalogue, internal/metrics, from which
// README.md's reference is generated), `up`, or recording rules.
// promtool, amtool and prometheus-alertmanager come from Debian's prometheus
// and prometheus-alertmanager packages: scripts/install-prometheus installs
// them.
package alerts
