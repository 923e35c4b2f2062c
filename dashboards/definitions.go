package dashboards

//lint:file-ignore SA1019 the SDK deprecates its dashboard (v1) model for Grafana 12's dashboardv2 schema; these files are provisioned as v1 JSON, which Grafana 10 to 12 all read.

import "github.com/grafana/grafana-foundation-sdk/go/dashboard"

// The six dashboards, by file name. Queries write VARS where the role, region
// and cluster variables' matchers go; the planner's series carry only a
// cluster label, so they are also kept to the clusters rabbitfleet_up selects
// (inFleet).

const (
	inFleet         = ` and on (cluster) rabbitfleet_up{VARS}`
	connections     = `cluster_kind:rabbitfleet_cluster_objects:max{kind="connections",VARS}` // fresh every scrape
	plannedCapacity = `sum by (cluster) (rabbitfleet_planner_gateway_capacity_connections{cluster=~"$cluster"} > 0)`
)

// Thresholds of the alerting rules, so that graphs show where alerts fire.
var (
	usageMarks = []step{{0.8, "orange"}, {0.95, "red"}} // fd and socket warning and critical
	memoryMark = []step{{0.9, "orange"}, {1, "red"}}    // memory warning, then the alarm
	upDown     = []state{{"0", "down", "red"}, {"1", "up", "green"}}
	loaded     = []state{{"0", "failed", "red"}, {"1", "loaded", "green"}}
)

func definitions() map[string]*dashboard.DashboardBuilder {
	return map[string]*dashboard.DashboardBuilder{
		"fleet-overview":      fleetOverview(),
		"gateway-connections": gatewayConnections(),
		"backend-queues":      backendQueues(),
		"federation":          federation(),
		"capacity":            capacity(),
		"exporter-health":     exporterHealth(),
	}
}

func fleetOverview() *dashboard.DashboardBuilder {
	byCluster := []string{"cluster", "role", "region", "rabbitmq_version"}
	protocol := func(header, families string) column {
		return column{header, "short", `sum by (cluster, role, region) (cluster_protocol:rabbitfleet_connections:sum{protocol=~"` + families + `",VARS})`, nil}
	}
	return newDashboard("fleet-overview", "Fleet overview",
		"Every RabbitMQ cluster of the fleet at a glance: reachability, connections, churn, backlog, alarms and federation links.", "",
		stat("Clusters up", "short", "Clusters whose management API answered the exporter's last scrape, out of the clusters it scrapes.",
			q(`sum(max by (cluster) (rabbitfleet_up{VARS}))`, "up"),
			q(`count(max by (cluster) (rabbitfleet_up{VARS}))`, "scraped")),
		stat("Connections", "short", "Open client connections of the selected clusters (the total from /api/overview, fresh every scrape).",
			q(`sum(`+connections+`)`, "")),
		stat("Connections opened", "cps", "Connections opened per second by the selected clusters, over 5 minutes.",
			q(`sum(cluster:rabbitfleet_connections_opened:rate5m{VARS})`, "")),
		stat("Ready messages", "short", "Messages ready for delivery in every queue of the selected clusters.",
			q(`sum(cluster:rabbitfleet_vhost_messages_ready:sum{VARS})`, "")),
		stat("Resource alarms", "short", "Memory and disk alarms raised now, one per node and alarm: each blocks every publisher of its cluster.",
			q(`count(node:rabbitfleet_node_alarm:max{VARS} == 1) or vector(0)`, "")).marks("green", step{1, "red"}),
		stat("Firing alerts", "short", "Alert series firing now for the selected clusters (Prometheus' ALERTS series).",
			q(`count(ALERTS{alertstate="firing",VARS}) or vector(0)`, "")).marks("green", step{1, "orange"}),
		table("Clusters", "One row per cluster: reachability, version, running nodes, connections by protocol family, connections opened per second, ready messages, resource alarms raised and federation links running against the links its configuration expects.",
			byCluster,
			column{"Up", "none", `max by (cluster, role, region) (rabbitfleet_up{VARS})`, upDown},
			column{"", "none", `max by (cluster, role, region, rabbitmq_version) (rabbitfleet_cluster_info{VARS})`, nil},
			column{"Nodes running", "short", `cluster:rabbitfleet_node_running:sum{VARS}`, nil},
			column{"Nodes", "short", `cluster:rabbitfleet_node_running:count{VARS}`, nil},
			protocol("MQTT", "mqtt|web-mqtt"),
			protocol("STOMP", "stomp|web-stomp"),
			protocol("AMQP", "amqp.*"),
			column{"Connections", "short", `sum by (cluster, role, region) (` + connections + `)`, nil},
			column{"Opened /s", "cps", `cluster:rabbitfleet_connections_opened:rate5m{VARS}`, nil},
			column{"Ready messages", "short", `cluster:rabbitfleet_vhost_messages_ready:sum{VARS}`, nil},
			column{"Alarms", "short", `sum by (cluster, role, region) (node:rabbitfleet_node_alarm:max{VARS})`, nil},
			column{"Links running", "short", `sum by (cluster, role, region) (cluster_status:rabbitfleet_federation_link_status:sum{status="running",VARS})`, nil},
			column{"Links expected", "short", `max by (cluster, role, region) (rabbitfleet_federation_links_expected{VARS})`, nil},
		).size(24, 9),
		timeseries("Connections by cluster", "short", "Open connections per cluster, fresh every scrape: a sudden fall on a gateway is a mass disconnection.",
			q(`sum by (cluster) (`+connections+`)`, "{{cluster}}")),
		timeseries("Ready messages by cluster", "short", "Messages ready for delivery in every queue, per cluster: a steady climb means consumers do not keep up.",
			q(`sum by (cluster) (cluster:rabbitfleet_vhost_messages_ready:sum{VARS})`, "{{cluster}}")),
		bars("Top clusters by connection churn", "cps", "The 10 clusters opening the most connections per second over 5 minutes: clients reconnecting in a loop cost the nodes CPU, memory and file descriptors.",
			q(`topk(10, cluster:rabbitfleet_connections_opened:rate5m{VARS})`, "{{cluster}}")),
		table("Firing alerts", "Alerts firing now for the selected clusters, with the number of series firing; alerts without a cluster label (the exporter itself) show when every cluster is selected.",
			[]string{"alertname", "severity", "cluster"},
			column{"Series", "short", `sum by (alertname, severity, cluster) (ALERTS{alertstate="firing",VARS})`, nil},
		).size(12, 8),
	)
}

func gatewayConnections() *dashboard.DashboardBuilder {
	perSecond := func(counter string) string {
		return `sum by (cluster) (max by (cluster, node) (rate(` + counter + `{VARS}[$__rate_interval])))`
	}
	return newDashboard("gateway-connections", "Gateway connections",
		"Device connections on the gateway clusters: protocols, nodes, churn, resource headroom and the capacity the planner sized them for.", "gateway",
		timeseries("Connections by protocol", "short", "Open connections by protocol family (mqtt, web-mqtt, stomp, amqp091...), from the connection list the exporter reads every connections.refresh_interval.",
			q(`cluster_protocol:rabbitfleet_connections:sum{VARS}`, "{{cluster}} {{protocol}}")),
		timeseries("Connections by node", "short", "Open connections per node, from the same list: an uneven spread means the load balancer favours some nodes.",
			q(`node:rabbitfleet_connections:sum{VARS}`, "{{cluster}} {{node}}")),
		timeseries("Total connections", "short", "Open connections per cluster from /api/overview, fresh every scrape: RabbitMQGatewayConnectionsDropped fires when it falls by 40% and at least 200 below its 5-minute peak.",
			q(connections, "{{cluster}}")),
		timeseries("Connections opened and closed", "cps", "Connections opened and closed per second: opened well above closed for long is growth, both high together is churn.",
			q(perSecond("rabbitfleet_connections_opened_total"), "{{cluster}} opened"),
			q(perSecond("rabbitfleet_connections_closed_total"), "{{cluster}} closed")),
		timeseries("Churn ratio", "percentunit", "Connections opened per minute as a share of the open connections (5-minute rate): RabbitMQConnectionChurnHigh fires above 5% for 15 minutes on clusters with at least 200 connections.",
			q(`cluster:rabbitfleet_connections_churn:ratio_rate5m{VARS} * 60`, "{{cluster}}")).marks("green", step{0.05, "red"}),
		timeseries("File descriptors used", "percentunit", "Share of its file descriptor limit each node uses: every connection takes one, and at the limit new connections are refused.",
			q(`node:rabbitfleet_node_file_descriptors:ratio{VARS}`, "{{cluster}} {{node}}")).scale(0, 1).marks("green", usageMarks...),
		timeseries("Sockets used", "percentunit", "Share of its socket limit each node uses: at the limit new client connections are refused.",
			q(`node:rabbitfleet_node_sockets:ratio{VARS}`, "{{cluster}} {{node}}")).scale(0, 1).marks("green", usageMarks...),
		timeseries("Memory used against the high watermark", "percentunit", "Memory each node uses as a share of its high watermark: connections cost memory, and at 100% the memory alarm blocks every publisher.",
			q(`node:rabbitfleet_node_memory:ratio{VARS}`, "{{cluster}} {{node}}")).scale(0, 1.1).marks("green", memoryMark...),
		capacityGraph(),
		timeseries("Headroom against planned capacity", "percentunit", "Share of the planner's capacity figure still free: below zero the gateway carries more than its deployment was sized for.",
			q(`1 - `+connections+` / on (cluster) `+plannedCapacity, "{{cluster}}")).marks("red", step{0.1, "orange"}, step{0.3, "green"}),
	)
}

func backendQueues() *dashboard.DashboardBuilder {
	byQueue := func(metric string) string {
		return `topk(10, max by (cluster, vhost, queue) (` + metric + `{VARS}))`
	}
	return newDashboard("backend-queues", "Backend queues",
		"Queues of the backend clusters: the deepest and fastest-growing queues, consumers, and how much memory and disk is left before publishers are blocked.", "backend",
		timeseries("Ready messages, deepest queues", "short", "The 10 queues with the most ready messages among those exported one by one (queues.include and the top_n deepest of each cluster).",
			q(byQueue("rabbitfleet_queue_messages_ready"), "{{cluster}} {{vhost}} {{queue}}")),
		timeseries("Unacknowledged messages, top queues", "short", "The 10 queues with the most messages delivered and not yet acknowledged: consumers that are slow or stuck hold them.",
			q(byQueue("rabbitfleet_queue_messages_unacknowledged"), "{{cluster}} {{vhost}} {{queue}}")),
		timeseries("Messages by cluster", "short", "Ready and unacknowledged messages in every queue of each cluster, including the queues not exported one by one.",
			q(`cluster:rabbitfleet_vhost_messages_ready:sum{VARS}`, "{{cluster}} ready"),
			q(`cluster:rabbitfleet_vhost_messages_unacknowledged:sum{VARS}`, "{{cluster}} unacknowledged")),
		timeseries("Fastest-growing queues", "cps", "Growth of ready messages per second (least squares over 30 minutes, as RabbitMQQueueBacklogGrowing): the 10 queues whose consumers fall behind fastest.",
			q(`topk(10, max by (cluster, vhost, queue) (deriv(rabbitfleet_queue_messages_ready{VARS}[30m])))`, "{{cluster}} {{vhost}} {{queue}}")),
		timeseries("Consumers by vhost", "short", "Consumers on each vhost's queues: a drop to zero stops the flow out of the cluster.",
			q(`max by (cluster, vhost) (rabbitfleet_vhost_consumers{VARS})`, "{{cluster}} {{vhost}}")),
		timeseries("Queues and messages without consumers", "short", "Queues that have no consumer, and the messages waiting in them: abandoned queues cost memory and disk.",
			q(`cluster:rabbitfleet_vhost_queues_without_consumers:sum{VARS}`, "{{cluster}} queues"),
			q(`cluster:rabbitfleet_vhost_messages_without_consumers:sum{VARS}`, "{{cluster}} messages")),
		table("Queues with ready messages and no consumer", "Queues exported one by one that hold ready messages and have no consumer now: whatever should consume them is down or disconnected.",
			[]string{"cluster", "vhost", "queue"},
			column{"Ready messages", "short", `max by (cluster, vhost, queue) (rabbitfleet_queue_messages_ready{VARS}) > 0 and on (cluster, vhost, queue) max by (cluster, vhost, queue) (rabbitfleet_queue_consumers{VARS}) == 0`, nil},
		),
		timeseries("Memory left before the memory alarm", "bytes", "High watermark minus memory used, per node: at zero the memory alarm blocks every publisher of the cluster.",
			q(`max by (cluster, node) (rabbitfleet_node_memory_limit_bytes{VARS} - rabbitfleet_node_memory_used_bytes{VARS})`, "{{cluster}} {{node}}")),
		timeseries("Disk left before the disk alarm", "bytes", "Free disk space minus the free-disk limit, per node: at zero the disk alarm blocks every publisher of the cluster.",
			q(`max by (cluster, node) (rabbitfleet_node_disk_free_bytes{VARS} - rabbitfleet_node_disk_free_limit_bytes{VARS})`, "{{cluster}} {{node}}")),
		stateTimeline("Resource alarms", "Memory and disk alarms per node over time: while one is raised, publishers of the whole cluster are blocked.",
			[]state{{"0", "clear", "green"}, {"1", "raised", "red"}},
			q(`node:rabbitfleet_node_alarm:max{VARS}`, "{{cluster}} {{node}} {{alarm}}")).size(24, 6),
	)
}

func federation() *dashboard.DashboardBuilder {
	link := "max by (cluster, vhost, upstream, type, exchange, queue) "
	linkLegend := "{{upstream}} → {{cluster}} {{vhost}} {{exchange}}{{queue}}"
	status := func(s string) string { return `rabbitfleet_federation_link_status{status="` + s + `",VARS}` }
	rate := func(counter string) string {
		return link + `(rate(` + counter + `{VARS}[$__rate_interval]))`
	}
	return newDashboard("federation", "Federation",
		"Federation links between the backend and the gateways, seen from their downstream cluster: state, backlog and lag per link, running links against the configuration's expected ones, and the end-to-end latency the latency probes measure.", "",
		stat("Links running", "short", "Federation links running on the selected (downstream) clusters.",
			q(`sum(cluster_status:rabbitfleet_federation_link_status:sum{status="running",VARS})`, "")).size(6, 4),
		stat("Links expected", "short", "Federation links the exporter's configuration expects on the selected clusters (federation.expected_links).",
			q(`sum(max by (cluster) (rabbitfleet_federation_links_expected{VARS}))`, "")).size(6, 4),
		stat("Links not running", "short", "Links starting, in error, shut down or missing: messages pile up on their upstream cluster.",
			q(`sum(cluster_status:rabbitfleet_federation_link_status:sum{status!="running",VARS}) or vector(0)`, "")).size(6, 4).marks("green", step{1, "red"}),
		stat("Links missing", "short", "Expected links the cluster does not run at all (a deleted policy or upstream, a plugin disabled by an upgrade): nothing retries them.",
			q(`sum(cluster_status:rabbitfleet_federation_link_status:sum{status="missing",VARS}) or vector(0)`, "")).size(6, 4).marks("green", step{1, "red"}),
		stateTimeline("Link state", "Status of every link over time, including links expected by the configuration but missing.",
			[]state{{"0", "other", "blue"}, {"1", "running", "green"}, {"2", "starting", "yellow"}, {"3", "error", "red"}, {"4", "shutdown", "orange"}, {"5", "missing", "purple"}},
			// One series per link whose value codes its status: each link has a 0/1 series per known status.
			q(link+"("+status("running")+
				" + ignoring (status) "+status("starting")+" * 2"+
				" + ignoring (status) "+status("error")+" * 3"+
				" + ignoring (status) "+status("shutdown")+" * 4"+
				" + ignoring (status) "+status("missing")+" * 5)", linkLegend)),
		timeseries("Running and expected links", "short", "Links running against the links the configuration expects, per downstream cluster.",
			q(`cluster_status:rabbitfleet_federation_link_status:sum{status="running",VARS}`, "{{cluster}} running"),
			q(`max by (cluster) (rabbitfleet_federation_links_expected{VARS})`, "{{cluster}} expected")),
		timeseries("Backlog per link", "short", "Messages waiting for each link in its queue on the upstream cluster (read there and joined to the link).",
			q(link+`(rabbitfleet_federation_link_backlog_messages{VARS})`, linkLegend)),
		timeseries("Unacknowledged backlog per link", "short", "Messages of each link's backlog delivered to the link and not yet acknowledged.",
			q(link+`(rabbitfleet_federation_link_backlog_unacknowledged_messages{VARS})`, linkLegend)),
		timeseries("Lag per link", "s", "Time each link would take to drain its backlog at its current drain rate (+Inf when messages wait and nothing drains): RabbitMQFederationLinkLagHigh warns above 5 minutes and pages above 30.",
			q(link+`(rabbitfleet_federation_link_lag_seconds{VARS})`, linkLegend)).marks("green", step{300, "orange"}, step{1800, "red"}),
		timeseries("Upstream queue in and out", "cps", "Messages routed into each link's upstream queue and acknowledged by the link, per second: out below in means the backlog grows.",
			q(rate("rabbitfleet_federation_link_upstream_published_messages_total"), linkLegend+" in"),
			q(rate("rabbitfleet_federation_link_upstream_acknowledged_messages_total"), linkLegend+" out")),
		table("Link errors", "Links reporting an error now, with its short reason (connection_refused, timeout, auth_failure, nxdomain, not_found, tls, other).",
			[]string{"cluster", "upstream", "upstream_cluster", "vhost", "exchange", "queue", "reason"},
			column{"", "none", `max by (cluster, upstream, upstream_cluster, vhost, exchange, queue, reason) (rabbitfleet_federation_link_error_info{VARS}) == 1`, nil},
		).size(12, 8),
		// The latency probes (federation.latency_probes) measure links with canaries.
		timeseries("End-to-end latency per link", "s", "Time from publishing a latency probe's canary into the exchange on the upstream cluster to receiving it on the downstream one: median and 99th percentile over 5 minutes. Milliseconds on a healthy link; RabbitMQFederationLatencyHigh warns when the 99th percentile over 10 minutes stays above 10 s. Only probed links (federation.latency_probes) have it.",
			q(link+`(link_quantile:rabbitfleet_federation_probe_latency_seconds:histogram_quantile_rate5m{quantile="0.5",VARS})`, linkLegend+" p50"),
			q(link+`(link_quantile:rabbitfleet_federation_probe_latency_seconds:histogram_quantile_rate5m{quantile="0.99",VARS})`, linkLegend+" p99")).marks("green", step{10, "orange"}),
		timeseries("Oldest canary in flight", "s", "Age of the oldest canary sent and not yet received: the link's real lag while it is stuck, 0 when none is in flight. RabbitMQFederationLatencyHigh pages when it stays above 60 s for 2 minutes while the probe runs.",
			q(link+`(rabbitfleet_federation_probe_oldest_in_flight_age_seconds{VARS})`, linkLegend)).marks("green", step{60, "red"}),
		timeseries("Time since the last canary arrived", "s", "Seconds since the last canary arrived on the downstream cluster (since the probe started while none has): a saw-tooth up to the probe interval on a healthy link; it climbs while the link is stuck, and also while the probe does not run.",
			q(link+`(rabbitfleet_federation_probe_last_received_age_seconds{VARS})`, linkLegend)),
		timeseries("Canaries per link", "cps", "Canaries sent into the upstream exchange, received downstream, lost (overtaken and never arrived: dropped in transit), unroutable (returned by the upstream: the link's binding is missing there) and abandoned (in flight when the probe itself reconnected or paused: not the link's doing), per second.",
			q(rate("rabbitfleet_federation_probe_canaries_sent_total"), linkLegend+" sent"),
			q(rate("rabbitfleet_federation_probe_canaries_received_total"), linkLegend+" received"),
			q(rate("rabbitfleet_federation_probe_canaries_lost_total"), linkLegend+" lost"),
			q(rate("rabbitfleet_federation_probe_canaries_unroutable_total"), linkLegend+" unroutable"),
			q(rate("rabbitfleet_federation_probe_canaries_abandoned_total"), linkLegend+" abandoned")),
		stateTimeline("Latency probe state", "State of every latency probe: running, connecting, in backoff after an AMQP error (the exporter's log says which), or paused while a cluster at either end does not answer the exporter. A probe that does not run measures nothing: RabbitfleetLatencyProbeFailing.",
			[]state{{"0", "other", "blue"}, {"1", "running", "green"}, {"2", "connecting", "yellow"}, {"3", "backoff", "red"}, {"4", "paused", "orange"}},
			// One series per probe whose value codes its state, as for the links.
			q(link+"("+probeState("running")+
				" + ignoring (state) "+probeState("connecting")+" * 2"+
				" + ignoring (state) "+probeState("backoff")+" * 3"+
				" + ignoring (state) "+probeState("paused")+" * 4)", linkLegend)),
	)
}

func probeState(s string) string {
	return `rabbitfleet_federation_probe_state{state="` + s + `",VARS}`
}

func capacity() *dashboard.DashboardBuilder {
	planner := func(expr string) string { return "(" + expr + ")" + inFleet }
	return newDashboard("capacity", "Capacity",
		"Resource use against limits on the busiest node of each cluster, time until exhaustion at the current growth, and the capacity planner's latest report.", "",
		timeseries("File descriptors used, busiest node", "percentunit", "Share of its file descriptor limit used by each cluster's busiest node.",
			q(`cluster:rabbitfleet_node_file_descriptors:max_ratio{VARS}`, "{{cluster}}")).scale(0, 1).marks("green", usageMarks...),
		timeseries("Sockets used, busiest node", "percentunit", "Share of its socket limit used by each cluster's busiest node.",
			q(`cluster:rabbitfleet_node_sockets:max_ratio{VARS}`, "{{cluster}}")).scale(0, 1).marks("green", usageMarks...),
		timeseries("Memory used, busiest node", "percentunit", "Memory used as a share of the high watermark on each cluster's busiest node: at 100% the memory alarm blocks publishers.",
			q(`cluster:rabbitfleet_node_memory:max_ratio{VARS}`, "{{cluster}}")).scale(0, 1.1).marks("green", memoryMark...),
		timeseries("Erlang processes used, busiest node", "percentunit", "Share of its Erlang process limit used by each cluster's busiest node: every connection and channel is a process.",
			q(`max by (cluster) (rabbitfleet_node_erlang_processes_used{VARS} / (rabbitfleet_node_erlang_processes_limit{VARS} > 0))`, "{{cluster}}")).scale(0, 1).marks("green", usageMarks...),
		timeseries("Free disk over its limit, tightest node", "none", "Free disk space divided by the free-disk limit on each cluster's tightest node: at 1 the disk alarm blocks publishers.",
			q(`min by (cluster) (node:rabbitfleet_node_disk_free_to_limit:ratio{VARS})`, "{{cluster}}")).marks("red", step{1, "orange"}, step{2, "green"}),
		timeseries("Time until file descriptors run out", "s", "At the connections' growth of the last 3 days (each takes a file descriptor), time until the cluster's nodes have none left; shown only where connections grow.",
			q(`cluster:rabbitfleet_node_file_descriptors_exhaustion_seconds:deriv3d{VARS}`, "{{cluster}}")),
		timeseries("Time until the memory high watermark", "s", "At each node's memory growth of the last 3 days, time until the cluster's first node reaches its high watermark; shown only where memory grows.",
			q(`min by (cluster) ((rabbitfleet_node_memory_limit_bytes{VARS} - rabbitfleet_node_memory_used_bytes{VARS}) / (deriv(rabbitfleet_node_memory_used_bytes{VARS}[3d]) > 0))`, "{{cluster}}")),
		capacityGraph(),
		stat("Planner report as of", "dateTimeFromNow", "End of the history the capacity planner's latest report was computed from: the planner figures on this dashboard are as of then.",
			q(`max(rabbitfleet_planner_report_timestamp_seconds) * 1000`, "")).size(6, 8),
		table("Planner: recommended deployment", "Nodes per instance type the planner recommends for each gateway this month, and their on-demand monthly cost.",
			[]string{"cluster", "instance_type"},
			column{"Nodes", "short", planner(`max by (cluster, instance_type) (rabbitfleet_planner_gateway_recommended_nodes{cluster=~"$cluster"})`), nil},
			column{"Monthly cost", "currencyUSD", planner(`max by (cluster, instance_type) (rabbitfleet_planner_gateway_monthly_cost_dollars{cluster=~"$cluster"})`), nil},
		).size(18, 8),
		table("Planner: gateways", "Per gateway, from the planner's latest report: live connections, the connections the current deployment carries within the targets, the upper (hi95) forecast 3 and 12 months ahead, time until the forecast exceeds the capacity (empty when not within the horizon), and how long the recommended deployment takes to re-accept every dropped client.",
			[]string{"cluster"},
			column{"Connections", "short", `max by (cluster) (` + connections + `)`, nil},
			column{"Capacity", "short", planner(plannedCapacity), nil},
			column{"Forecast in 3 months", "short", planner(`max by (cluster) (rabbitfleet_planner_gateway_forecast_connections{months_ahead="3",bound="hi95",cluster=~"$cluster"})`), nil},
			column{"Forecast in 12 months", "short", planner(`max by (cluster) (rabbitfleet_planner_gateway_forecast_connections{months_ahead="12",bound="hi95",cluster=~"$cluster"})`), nil},
			column{"Exhausted in", "s", planner(`max by (cluster) (rabbitfleet_planner_gateway_exhaustion_timestamp_seconds{cluster=~"$cluster"}) - time()`), nil},
			column{"Reconnect, largest node", "s", planner(`max by (cluster) (rabbitfleet_planner_reconnect_seconds{scenario="largest_node",cluster=~"$cluster"})`), nil},
			column{"Reconnect, neighbour failover", "s", planner(`max by (cluster) (rabbitfleet_planner_reconnect_seconds{scenario="neighbour_failover",cluster=~"$cluster"})`), nil},
		),
	)
}

func exporterHealth() *dashboard.DashboardBuilder {
	byCollector := func(agg, metric string) string {
		return agg + ` by (cluster, collector) (` + metric + `{VARS})`
	}
	management := func(counter, by string) string {
		return `sum by (cluster, ` + by + `) (rate(` + counter + `{cluster=~"$cluster"}[$__rate_interval]))` + inFleet
	}
	return newDashboard("exporter-health", "Exporter health",
		"Whether the exporter reaches every cluster, how long its scrapes and collectors take, how old the cached lists are, what fails, when it holds back from a failing cluster, and how discovery fares.", "",
		stateTimeline("Cluster reachable", "Whether each cluster's management API answered the exporter's scrape: when it does not, nothing else is asked of that cluster.",
			upDown, q(`max by (cluster) (rabbitfleet_up{VARS})`, "{{cluster}}")),
		timeseries("Scrape duration", "s", "Time the exporter took to scrape each cluster: it must stay below Prometheus' scrape timeout minus --scrape.timeout-offset.",
			q(`max by (cluster) (rabbitfleet_scrape_duration_seconds{VARS})`, "{{cluster}}")),
		timeseries("Scrape errors", "cps", "Failed management API reads per second, by cluster, collector and kind (timeout, connect, tls, auth, not_found, http, decode, too_large, canceled, config, circuit_open: not asked while the circuit breaker is open).",
			q(`sum by (cluster, collector, kind) (rate(rabbitfleet_scrape_errors_total{VARS}[$__rate_interval]))`, "{{cluster}} {{collector}} {{kind}}")),
		stateTimeline("Collector success", "Whether each collector's data is valid, fresh or from cache: a failed collector exports nothing else.",
			[]state{{"0", "failed", "red"}, {"1", "ok", "green"}},
			q(byCollector("min", "rabbitfleet_scrape_collector_success"), "{{cluster}} {{collector}}")),
		timeseries("Collector duration", "s", "Time each collector took on its last refresh: the connection, queue and federation link lists cost the broker the most.",
			q(byCollector("max", "rabbitfleet_scrape_collector_duration_seconds"), "{{cluster}} {{collector}}")),
		timeseries("Collector data age", "s", "Age of the data each collector serves: the heavy lists refresh at most every refresh interval in force (Collector refresh interval), one per scrape, so their age saw-tooths up to about that; a steady climb means refreshes fail.",
			q(byCollector("max", "rabbitfleet_scrape_collector_data_age_seconds"), "{{cluster}} {{collector}}")),
		timeseries("Collector refresh interval", "s", "Interval at which each cached list (connections, queues, federation links) is read now: its refresh_interval, stretched while the node is slow to build the list so that each list keeps the node busy at most max_busy_share of the time, up to max_refresh_interval. A rise means the node answers these lists more slowly than before.",
			q(byCollector("max", "rabbitfleet_scrape_collector_refresh_interval_seconds"), "{{cluster}} {{collector}}")),
		table("Errors over the time range", "Failed management API reads during the dashboard's time range, by cluster, collector and kind.",
			[]string{"cluster", "collector", "kind"},
			column{"Errors", "short", `sum by (cluster, collector, kind) (increase(rabbitfleet_scrape_errors_total{VARS}[$__range])) > 0`, nil},
		).size(12, 8),
		timeseries("Management API requests", "reqps", "Requests to each cluster's management API per second, by outcome (ok or an error kind).",
			q(management("rabbitfleet_management_requests_total", "outcome"), "{{cluster}} {{outcome}}")),
		timeseries("Management API bytes read", "Bps", "Bytes read from each cluster's management API per second, by endpoint: what the scrapes cost the broker to serialise.",
			q(management("rabbitfleet_management_response_bytes_total", "endpoint"), "{{cluster}} {{endpoint}}")),
		timeseries("Shared scrape result age", "s", "Age of the scrape result served for each cluster: above 0 when a scrape within min_interval (an HA Prometheus pair, /probe beside /metrics) was answered with another one's result instead of asking the cluster again.",
			q(`max by (cluster) (rabbitfleet_scrape_result_age_seconds{VARS})`, "{{cluster}}")),
		stateTimeline("Circuit breaker", "Whether the exporter holds requests to each cluster's management API back after it timed out, refused connections or answered 5xx: while open, scrapes report the cluster down at once and one trial request goes out per backoff. Open for long is RabbitMQClusterUnreachable; opening again and again is RabbitMQManagementAPIFailing.",
			[]state{{"0", "closed", "green"}, {"1", "open", "red"}},
			q(`max by (cluster) (rabbitfleet_management_circuit_open{VARS})`, "{{cluster}}")),
		timeseries("Circuit breaker backoff", "s", "Current wait between trial requests to a failing cluster (circuit_breaker.initial_backoff doubling up to max_backoff); 0 while the breaker is closed.",
			q(`max by (cluster) (rabbitfleet_management_circuit_backoff_seconds{VARS})`, "{{cluster}}")),
		stat("Configuration loaded", "none", "Whether every exporter's last configuration load succeeded; on failure it keeps the previous configuration. Not filtered by the variables.",
			q(`min(rabbitfleet_exporter_config_last_reload_successful)`, "")).size(6, 8).states(loaded),
		table("Exporter versions", "Exporters by version, revision and Go version. Not filtered by the variables.",
			[]string{"version", "revision", "goversion"},
			column{"Exporters", "short", `count by (version, revision, goversion) (rabbitfleet_exporter_build_info)`, nil},
		).size(6, 8),
		timeseries("Discovery refreshes", "cpm", "Refreshes of each discovery source per minute, by outcome: a failed refresh keeps the clusters found last; RabbitfleetDiscoveryFailing fires when none succeeds for 15 minutes. Not filtered by the variables.",
			q(`sum by (instance, source, outcome) (rate(rabbitfleet_discovery_refreshes_total[$__rate_interval])) * 60`, "{{instance}} {{source}} {{outcome}}")),
		timeseries("Discovery: time since last success", "s", "Time since each discovery source's last successful refresh: a saw-tooth up to discovery.refresh_interval while it works. Not filtered by the variables.",
			q(`time() - max by (instance, source) (rabbitfleet_discovery_last_refresh_success_timestamp_seconds)`, "{{instance}} {{source}}")),
		timeseries("Discovered clusters", "short", "Clusters each discovery source found at its last successful refresh, before merging with the static clusters (a static cluster wins over a discovered one of the same name). Not filtered by the variables.",
			q(`max by (instance, source) (rabbitfleet_discovery_clusters)`, "{{instance}} {{source}}")),
		timeseries("Discovery: skipped instances", "short", "Instances each source left out at its last successful refresh, by reason (missing_tag, bad_tag, no_address, conflicting_tags): nodes not in their cluster's management URLs. The exporter's log names them; RabbitfleetDiscoverySkippingInstances fires after 15 minutes. Not filtered by the variables.",
			q(`max by (instance, source, reason) (rabbitfleet_discovery_skipped_instances)`, "{{instance}} {{source}} {{reason}}")),
	)
}

// capacityGraph draws live connections beside the planner's capacity figure.
func capacityGraph() panel {
	return timeseries("Connections and planned capacity", "short", "Open connections of each gateway beside the device connections the planner's latest report says its current deployment carries within the targets (headroom, redundancy, reconnection storm).",
		q(connections, "{{cluster}} connections"),
		q(plannedCapacity+inFleet, "{{cluster}} planned capacity"))
}
