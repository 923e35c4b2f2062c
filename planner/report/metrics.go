// Package report writes the planner's monthly report directory.
package report

// Metric is one series family the planner writes to planner.prom in the
// report directory (Prometheus text format, for node_exporter's textfile
// collector or any file-based exposition), so that dashboards and alerts
// can draw the plan beside the live metrics.
type Metric struct {
	Name   string
	Type   string // gauge
	Labels []string
	Help   string
}

// Metrics lists every family planner.prom holds.
func Metrics() []Metric {
	return []Metric{
		{"rabbitfleet_planner_report_timestamp_seconds", "gauge", nil,
			"End of the history the report was computed from (its \"as of\" time)."},
		{"rabbitfleet_planner_gateway_capacity_connections", "gauge", []string{"cluster", "instance_type"},
			"Device connections the gateway's current deployment carries within the targets (headroom, redundancy, storm check)."},
		{"rabbitfleet_planner_gateway_forecast_connections", "gauge", []string{"cluster", "months_ahead", "bound"},
			"Forecast p95 connections of the gateway, months ahead (1, 3, 6, 12), by bound (point, hi80, hi95)."},
		{"rabbitfleet_planner_gateway_exhaustion_timestamp_seconds", "gauge", []string{"cluster"},
			"When the upper forecast first exceeds the current deployment's capacity; absent when not within the horizon."},
		{"rabbitfleet_planner_gateway_recommended_nodes", "gauge", []string{"cluster", "instance_type"},
			"Nodes the plan recommends for the gateway this month, by instance type."},
		{"rabbitfleet_planner_gateway_monthly_cost_dollars", "gauge", []string{"cluster", "instance_type"},
			"On-demand monthly cost of the recommended deployment, in US dollars."},
		{"rabbitfleet_planner_backend_capacity_messages_per_second", "gauge", []string{"cluster", "instance_type"},
			"Messages per second the backend's current deployment carries within the targets (headroom, redundancy)."},
		{"rabbitfleet_planner_backend_upper_forecast_messages_per_second", "gauge", []string{"cluster", "months_ahead"},
			"Upper forecast of the backend's messages per second (its own and every gateway's federated), months ahead (1, 3, 6, 12)."},
		{"rabbitfleet_planner_backend_exhaustion_timestamp_seconds", "gauge", []string{"cluster"},
			"When the backend's upper forecast first exceeds its current deployment's capacity; absent when not within the horizon."},
		{"rabbitfleet_planner_backend_recommended_nodes", "gauge", []string{"cluster", "instance_type"},
			"Nodes the plan recommends for the backend this month, by instance type."},
		{"rabbitfleet_planner_backend_monthly_cost_dollars", "gauge", []string{"cluster", "instance_type"},
			"On-demand monthly cost of the backend's recommended deployment, in US dollars."},
		{"rabbitfleet_planner_reconnect_seconds", "gauge", []string{"cluster", "scenario"},
			"Time the recommended deployment takes to re-accept every dropped client, by scenario (largest_node, neighbour_failover)."},
	}
}
