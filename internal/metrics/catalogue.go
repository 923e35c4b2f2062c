// Package metrics is the catalogue of every rabbitfleet_ metric the
// exporter serves: name, type, help and label names, written out once.
// The collectors build their descriptors from it, the planner its queries,
// the README its reference table, and the dashboard and alert tests check
// their selectors against it, so a rename is one edit that every consumer
// sees (and the recorded exposition in cmd/planner/testdata catches).
package metrics

// The exporter's metrics, in name order; All lists them.
var (
	ChannelsClosedTotal = Metric{
		Name:   "rabbitfleet_channels_closed_total",
		Type:   Counter,
		Help:   "Channels closed on the node since it started.",
		Labels: perCluster("node"),
	}
	ChannelsOpenedTotal = Metric{
		Name:   "rabbitfleet_channels_opened_total",
		Type:   Counter,
		Help:   "Channels opened on the node since it started.",
		Labels: perCluster("node"),
	}
	ClusterFiguresSource = Metric{
		Name:   "rabbitfleet_cluster_figures_source",
		Type:   Gauge,
		Help:   "1 for where this scrape read the cluster's node resources, churn counters and queue depths (management: the management API; prometheus: each node's rabbitmq_prometheus /metrics/detailed), 0 for the other.",
		Labels: perCluster("source"),
	}
	ClusterInfo = Metric{
		Name:   "rabbitfleet_cluster_info",
		Type:   Gauge,
		Help:   "Always 1: the cluster's RabbitMQ cluster_name and versions.",
		Labels: perCluster("cluster_name", LabelRabbitMQVersion, "erlang_version"),
	}
	ClusterMessagesAcknowledgedTotal = Metric{
		Name:   "rabbitfleet_cluster_messages_acknowledged_total",
		Type:   Counter,
		Help:   "Messages acknowledged by consumers since the cluster's statistics started.",
		Labels: perCluster(),
	}
	ClusterMessagesConfirmedTotal = Metric{
		Name:   "rabbitfleet_cluster_messages_confirmed_total",
		Type:   Counter,
		Help:   "Messages confirmed to publishers since the cluster's statistics started.",
		Labels: perCluster(),
	}
	ClusterMessagesDeliveredTotal = Metric{
		Name:   "rabbitfleet_cluster_messages_delivered_total",
		Type:   Counter,
		Help:   "Messages delivered to consumers or fetched with basic.get since the cluster's statistics started.",
		Labels: perCluster(),
	}
	ClusterMessagesPublishedTotal = Metric{
		Name:   "rabbitfleet_cluster_messages_published_total",
		Type:   Counter,
		Help:   "Messages published into the cluster since its statistics started (all vhosts, all nodes).",
		Labels: perCluster(),
	}
	ClusterMessagesRedeliveredTotal = Metric{
		Name:   "rabbitfleet_cluster_messages_redelivered_total",
		Type:   Counter,
		Help:   "Messages delivered again after a consumer failed to acknowledge them.",
		Labels: perCluster(),
	}
	ClusterMessagesUnroutableDroppedTotal = Metric{
		Name:   "rabbitfleet_cluster_messages_unroutable_dropped_total",
		Type:   Counter,
		Help:   "Published messages that matched no queue and were dropped.",
		Labels: perCluster(),
	}
	ClusterMessagesUnroutableReturnedTotal = Metric{
		Name:   "rabbitfleet_cluster_messages_unroutable_returned_total",
		Type:   Counter,
		Help:   "Mandatory published messages that matched no queue and were returned to the publisher.",
		Labels: perCluster(),
	}
	ClusterObjects = Metric{
		Name:   "rabbitfleet_cluster_objects",
		Type:   Gauge,
		Help:   "Objects in the cluster by kind (connections, channels, exchanges, queues, consumers), from /api/overview.",
		Labels: perCluster("kind"),
	}
	Connections = Metric{
		Name:   "rabbitfleet_connections",
		Type:   Gauge,
		Help:   "Open client connections by node, vhost, protocol family (mqtt, stomp, amqp091, amqp10, ...), protocol version and state. State is unknown where the broker lists none: AMQP 1.0 connections before RabbitMQ 4.3, which 3.x lists as the plugin's direct connections.",
		Labels: perCluster("node", "vhost", LabelProtocol, "protocol_version", "state"),
	}
	ConnectionsClosedTotal = Metric{
		Name:   "rabbitfleet_connections_closed_total",
		Type:   Counter,
		Help:   "Connections closed on the node since it started.",
		Labels: perCluster("node"),
	}
	ConnectionsOpenedTotal = Metric{
		Name:   "rabbitfleet_connections_opened_total",
		Type:   Counter,
		Help:   "Connections opened on the node since it started.",
		Labels: perCluster("node"),
	}
	DiscoveryClusters = Metric{
		Name:   "rabbitfleet_discovery_clusters",
		Type:   Gauge,
		Help:   "Clusters the source found at its last successful refresh (before merging with the static clusters).",
		Labels: []string{"source"},
	}
	DiscoveryLastRefreshSuccessTimestampSeconds = Metric{
		Name:   "rabbitfleet_discovery_last_refresh_success_timestamp_seconds",
		Type:   Gauge,
		Help:   "Time of the source's last successful refresh.",
		Labels: []string{"source"},
	}
	DiscoveryRefreshesTotal = Metric{
		Name:   "rabbitfleet_discovery_refreshes_total",
		Type:   Counter,
		Help:   "Discovery refreshes by source and outcome (success, failure). A failed refresh keeps the clusters found last.",
		Labels: []string{"source", "outcome"},
	}
	DiscoverySkippedInstances = Metric{
		Name:   "rabbitfleet_discovery_skipped_instances",
		Type:   Gauge,
		Help:   "Instances left out at the source's last successful refresh, by reason (missing_tag, bad_tag, no_address, conflicting_tags).",
		Labels: []string{"source", "reason"},
	}
	// Served by client_golang's version collector, which main registers.
	ExporterBuildInfo = Metric{
		Name:   "rabbitfleet_exporter_build_info",
		Type:   Gauge,
		Help:   "Always 1: the exporter's version, revision, branch and Go version.",
		Labels: []string{"version", "revision", "branch", "goversion", "goos", "goarch", "tags"},
	}
	ExporterConfigLastReloadSuccessTimestampSeconds = Metric{
		Name: "rabbitfleet_exporter_config_last_reload_success_timestamp_seconds",
		Type: Gauge,
		Help: "Time of the last successful configuration load.",
	}
	ExporterConfigLastReloadSuccessful = Metric{
		Name: "rabbitfleet_exporter_config_last_reload_successful",
		Type: Gauge,
		Help: "1 if the last configuration load succeeded.",
	}
	ExporterConfigReloadsTotal = Metric{
		Name:   "rabbitfleet_exporter_config_reloads_total",
		Type:   Counter,
		Help:   "Configuration loads by outcome (success, failure).",
		Labels: []string{"outcome"},
	}
	FederationLinkBacklogMessages = Metric{
		Name:   "rabbitfleet_federation_link_backlog_messages",
		Type:   Gauge,
		Help:   "Messages waiting for the link in its queue on the upstream cluster (read from the upstream cluster and joined to the link).",
		Labels: perLink(),
	}
	FederationLinkBacklogUnacknowledgedMessages = Metric{
		Name:   "rabbitfleet_federation_link_backlog_unacknowledged_messages",
		Type:   Gauge,
		Help:   "Messages of the backlog delivered to the link and not yet acknowledged.",
		Labels: perLink(),
	}
	FederationLinkErrorInfo = Metric{
		Name:   "rabbitfleet_federation_link_error_info",
		Type:   Gauge,
		Help:   "1 while the link reports an error, with a short reason (connection_refused, timeout, auth_failure, nxdomain, not_found, tls, other).",
		Labels: perLink("reason"),
	}
	FederationLinkLagSeconds = Metric{
		Name:   "rabbitfleet_federation_link_lag_seconds",
		Type:   Gauge,
		Help:   "Estimated time to drain the backlog at the current drain rate: 0 when empty, +Inf when messages wait and nothing drains.",
		Labels: perLink(),
	}
	FederationLinkStatus = Metric{
		Name:   "rabbitfleet_federation_link_status",
		Type:   Gauge,
		Help:   "1 for the link's current status, 0 for the others. status=\"missing\" marks a link expected by the configuration that the cluster does not run.",
		Labels: perLink("status"),
	}
	FederationLinkUpstreamAcknowledgedMessagesTotal = Metric{
		Name:   "rabbitfleet_federation_link_upstream_acknowledged_messages_total",
		Type:   Counter,
		Help:   "Messages the link acknowledged from its upstream queue (resets when the queue is recreated).",
		Labels: perLink(),
	}
	FederationLinkUpstreamConsumers = Metric{
		Name:   "rabbitfleet_federation_link_upstream_consumers",
		Type:   Gauge,
		Help:   "Consumers of the link's upstream queue: 0 means nothing drains the backlog.",
		Labels: perLink(),
	}
	FederationLinkUpstreamPublishedMessagesTotal = Metric{
		Name:   "rabbitfleet_federation_link_upstream_published_messages_total",
		Type:   Counter,
		Help:   "Messages routed into the link's upstream queue (resets when the queue is recreated).",
		Labels: perLink(),
	}
	FederationLinksExpected = Metric{
		Name:   "rabbitfleet_federation_links_expected",
		Type:   Gauge,
		Help:   "Federation links the configuration expects on this (downstream) cluster.",
		Labels: perCluster(),
	}
	FederationProbeCanariesAbandonedTotal = Metric{
		Name:   "rabbitfleet_federation_probe_canaries_abandoned_total",
		Type:   Counter,
		Help:   "Canaries in flight when the probe reconnected or paused, overtaken by a later session's canary and never seen: the probe's own queue dropped them, not the link.",
		Labels: perLink(),
	}
	FederationProbeCanariesLostTotal = Metric{
		Name:   "rabbitfleet_federation_probe_canaries_lost_total",
		Type:   Counter,
		Help:   "Canaries that never arrived: a later canary arrived first and the probe timeout passed.",
		Labels: perLink(),
	}
	FederationProbeCanariesReceivedTotal = Metric{
		Name:   "rabbitfleet_federation_probe_canaries_received_total",
		Type:   Counter,
		Help:   "Canaries received on this cluster.",
		Labels: perLink(),
	}
	FederationProbeCanariesSentTotal = Metric{
		Name:   "rabbitfleet_federation_probe_canaries_sent_total",
		Type:   Counter,
		Help:   "Canaries published into the exchange on the upstream cluster.",
		Labels: perLink(),
	}
	FederationProbeCanariesUnroutableTotal = Metric{
		Name:   "rabbitfleet_federation_probe_canaries_unroutable_total",
		Type:   Counter,
		Help:   "Canaries the upstream cluster routed nowhere (returned): the link's binding was not on the upstream exchange.",
		Labels: perLink(),
	}
	FederationProbeLastReceivedAgeSeconds = Metric{
		Name:   "rabbitfleet_federation_probe_last_received_age_seconds",
		Type:   Gauge,
		Help:   "Seconds since the last canary arrived (since the probe started, while none has).",
		Labels: perLink(),
	}
	FederationProbeLatencySeconds = Metric{
		Name:   "rabbitfleet_federation_probe_latency_seconds",
		Type:   Histogram,
		Help:   "Time from publishing a canary into the exchange on the upstream cluster to receiving it from the same exchange on this (downstream) cluster.",
		Labels: perLink(),
	}
	FederationProbeOldestInFlightAgeSeconds = Metric{
		Name:   "rabbitfleet_federation_probe_oldest_in_flight_age_seconds",
		Type:   Gauge,
		Help:   "Age of the oldest canary sent and not yet received: the link's lag while it is stuck. 0 when none is in flight.",
		Labels: perLink(),
	}
	FederationProbeState = Metric{
		Name:   "rabbitfleet_federation_probe_state",
		Type:   Gauge,
		Help:   "1 for the latency probe's current state, 0 for the others: connecting, running, backoff (retrying after an AMQP error), paused (a cluster at either end is unreachable, so the probe holds no connection).",
		Labels: perLink("state"),
	}
	ManagementCircuitBackoffSeconds = Metric{
		Name:   "rabbitfleet_management_circuit_backoff_seconds",
		Type:   Gauge,
		Help:   "Current wait between trial requests to a failing cluster; 0 when the circuit is closed.",
		Labels: perCluster(),
	}
	ManagementCircuitOpen = Metric{
		Name:   "rabbitfleet_management_circuit_open",
		Type:   Gauge,
		Help:   "1 while requests to the cluster are held back after it timed out, refused connections, failed TLS or answered 502/503/504; one trial request is sent per backoff.",
		Labels: perCluster(),
	}
	ManagementRequestsTotal = Metric{
		Name:   "rabbitfleet_management_requests_total",
		Type:   Counter,
		Help:   "Requests made to management APIs, by cluster, endpoint and outcome (ok or an error kind).",
		Labels: []string{LabelCluster, "endpoint", "outcome"},
	}
	ManagementResponseBytesTotal = Metric{
		Name:   "rabbitfleet_management_response_bytes_total",
		Type:   Counter,
		Help:   "Bytes read from management API responses (after decompression), by cluster and endpoint.",
		Labels: []string{LabelCluster, "endpoint"},
	}
	NodeAlarm = Metric{
		Name:   "rabbitfleet_node_alarm",
		Type:   Gauge,
		Help:   "1 while the node's resource alarm is raised (publishers are blocked), by alarm (memory, disk).",
		Labels: perCluster("node", "alarm"),
	}
	NodeDiskFreeBytes = Metric{
		Name:   "rabbitfleet_node_disk_free_bytes",
		Type:   Gauge,
		Help:   "Free disk space on the node's data partition.",
		Labels: perCluster("node"),
	}
	NodeDiskFreeLimitBytes = Metric{
		Name:   "rabbitfleet_node_disk_free_limit_bytes",
		Type:   Gauge,
		Help:   "Free disk space below which the disk alarm blocks publishers.",
		Labels: perCluster("node"),
	}
	NodeErlangProcessesLimit = Metric{
		Name:   "rabbitfleet_node_erlang_processes_limit",
		Type:   Gauge,
		Help:   "Erlang processes the node may run.",
		Labels: perCluster("node"),
	}
	NodeErlangProcessesUsed = Metric{
		Name:   "rabbitfleet_node_erlang_processes_used",
		Type:   Gauge,
		Help:   "Erlang processes on the node.",
		Labels: perCluster("node"),
	}
	NodeFileDescriptorsLimit = Metric{
		Name:   "rabbitfleet_node_file_descriptors_limit",
		Type:   Gauge,
		Help:   "File descriptors the node may open.",
		Labels: perCluster("node"),
	}
	NodeFileDescriptorsUsed = Metric{
		Name:   "rabbitfleet_node_file_descriptors_used",
		Type:   Gauge,
		Help:   "File descriptors open on the node.",
		Labels: perCluster("node"),
	}
	NodeMemoryLimitBytes = Metric{
		Name:   "rabbitfleet_node_memory_limit_bytes",
		Type:   Gauge,
		Help:   "Memory high watermark: above it the memory alarm blocks publishers.",
		Labels: perCluster("node"),
	}
	NodeMemoryUsedBytes = Metric{
		Name:   "rabbitfleet_node_memory_used_bytes",
		Type:   Gauge,
		Help:   "Memory used by the node.",
		Labels: perCluster("node"),
	}
	NodePartitions = Metric{
		Name:   "rabbitfleet_node_partitions",
		Type:   Gauge,
		Help:   "Number of nodes this node sees as partitioned away.",
		Labels: perCluster("node"),
	}
	NodeRunQueue = Metric{
		Name:   "rabbitfleet_node_run_queue",
		Type:   Gauge,
		Help:   "Erlang processes waiting for a scheduler.",
		Labels: perCluster("node"),
	}
	NodeRunning = Metric{
		Name:   "rabbitfleet_node_running",
		Type:   Gauge,
		Help:   "1 if the node is running, 0 if the cluster knows it but it is down.",
		Labels: perCluster("node"),
	}
	NodeSocketsLimit = Metric{
		Name:   "rabbitfleet_node_sockets_limit",
		Type:   Gauge,
		Help:   "Sockets the node may open (RabbitMQ 3.x; 4.0 and later count sockets only as file descriptors and report 0, so nothing is exported).",
		Labels: perCluster("node"),
	}
	NodeSocketsUsed = Metric{
		Name:   "rabbitfleet_node_sockets_used",
		Type:   Gauge,
		Help:   "Sockets open on the node (RabbitMQ 3.x; 4.0 and later count sockets only as file descriptors and report 0, so nothing is exported).",
		Labels: perCluster("node"),
	}
	NodeUptimeSeconds = Metric{
		Name:   "rabbitfleet_node_uptime_seconds",
		Type:   Gauge,
		Help:   "Time since the node started.",
		Labels: perCluster("node"),
	}
	QueueConsumers = Metric{
		Name:   "rabbitfleet_queue_consumers",
		Type:   Gauge,
		Help:   "Consumers of the queue (same selection).",
		Labels: perCluster("vhost", "queue"),
	}
	QueueMessages = Metric{
		Name:   "rabbitfleet_queue_messages",
		Type:   Gauge,
		Help:   "Messages in the queue (only queues matching queues.include or among the top_n deepest).",
		Labels: perCluster("vhost", "queue"),
	}
	QueueMessagesReady = Metric{
		Name:   "rabbitfleet_queue_messages_ready",
		Type:   Gauge,
		Help:   "Messages ready for delivery in the queue (same selection as rabbitfleet_queue_messages).",
		Labels: perCluster("vhost", "queue"),
	}
	QueueMessagesUnacknowledged = Metric{
		Name:   "rabbitfleet_queue_messages_unacknowledged",
		Type:   Gauge,
		Help:   "Messages delivered and not yet acknowledged in the queue (same selection).",
		Labels: perCluster("vhost", "queue"),
	}
	QueuesCreatedTotal = Metric{
		Name:   "rabbitfleet_queues_created_total",
		Type:   Counter,
		Help:   "Queues created on the node since it started.",
		Labels: perCluster("node"),
	}
	QueuesDeclaredTotal = Metric{
		Name:   "rabbitfleet_queues_declared_total",
		Type:   Counter,
		Help:   "Queue declarations on the node since it started (including redeclarations).",
		Labels: perCluster("node"),
	}
	QueuesDeletedTotal = Metric{
		Name:   "rabbitfleet_queues_deleted_total",
		Type:   Counter,
		Help:   "Queues deleted on the node since it started.",
		Labels: perCluster("node"),
	}
	ScrapeCollectorDataAgeSeconds = Metric{
		Name:   "rabbitfleet_scrape_collector_data_age_seconds",
		Type:   Gauge,
		Help:   "Age of the collector's data: expensive endpoints are refreshed less often than every scrape.",
		Labels: perCluster("collector"),
	}
	ScrapeCollectorDurationSeconds = Metric{
		Name:   "rabbitfleet_scrape_collector_duration_seconds",
		Type:   Gauge,
		Help:   "Time the collector took on its last refresh.",
		Labels: perCluster("collector"),
	}
	ScrapeCollectorRefreshIntervalSeconds = Metric{
		Name:   "rabbitfleet_scrape_collector_refresh_interval_seconds",
		Type:   Gauge,
		Help:   "Interval at which the collector's list is read now, for the lists cached between scrapes (connections, queues, federation links): its refresh_interval, stretched while the node is slow to build the list so that building it keeps the node busy at most max_busy_share of the time, up to max_refresh_interval.",
		Labels: perCluster("collector"),
	}
	ScrapeCollectorSuccess = Metric{
		Name:   "rabbitfleet_scrape_collector_success",
		Type:   Gauge,
		Help:   "1 if the collector's data is valid (fresh or from cache), 0 if it failed.",
		Labels: perCluster("collector"),
	}
	ScrapeDurationSeconds = Metric{
		Name:   "rabbitfleet_scrape_duration_seconds",
		Type:   Gauge,
		Help:   "Time taken to scrape the cluster.",
		Labels: perCluster(),
	}
	ScrapeErrorsTotal = Metric{
		Name:   "rabbitfleet_scrape_errors_total",
		Type:   Counter,
		Help:   "Failed management API reads, by collector and kind (timeout, connect, tls, auth, not_found, http, decode, too_large, canceled, config, circuit_open).",
		Labels: perCluster("collector", "kind"),
	}
	ScrapeResultAgeSeconds = Metric{
		Name:   "rabbitfleet_scrape_result_age_seconds",
		Type:   Gauge,
		Help:   "Age of the cluster's scrape result served: above 0 when another scrape's result (HA Prometheus, /probe beside /metrics) was shared within min_interval.",
		Labels: perCluster(),
	}
	ShovelState = Metric{
		Name:   "rabbitfleet_shovel_state",
		Type:   Gauge,
		Help:   "1 for the shovel's current state, 0 for the others (starting, running, terminated).",
		Labels: perCluster("vhost", "shovel", "type", "node", "state"),
	}
	Up = Metric{
		Name:   "rabbitfleet_up",
		Type:   Gauge,
		Help:   "1 if the cluster's management API answered this scrape, 0 otherwise.",
		Labels: perCluster(),
	}
	VhostConsumers = Metric{
		Name:   "rabbitfleet_vhost_consumers",
		Type:   Gauge,
		Help:   "Consumers on the vhost's queues.",
		Labels: perCluster("vhost"),
	}
	VhostMessages = Metric{
		Name:   "rabbitfleet_vhost_messages",
		Type:   Gauge,
		Help:   "Messages in the vhost's queues (ready plus unacknowledged).",
		Labels: perCluster("vhost"),
	}
	VhostMessagesReady = Metric{
		Name:   "rabbitfleet_vhost_messages_ready",
		Type:   Gauge,
		Help:   "Messages ready for delivery in the vhost's queues.",
		Labels: perCluster("vhost"),
	}
	VhostMessagesUnacknowledged = Metric{
		Name:   "rabbitfleet_vhost_messages_unacknowledged",
		Type:   Gauge,
		Help:   "Messages delivered and not yet acknowledged in the vhost's queues.",
		Labels: perCluster("vhost"),
	}
	VhostMessagesWithoutConsumers = Metric{
		Name:   "rabbitfleet_vhost_messages_without_consumers",
		Type:   Gauge,
		Help:   "Messages waiting in the vhost's queues that have no consumer.",
		Labels: perCluster("vhost"),
	}
	VhostQueues = Metric{
		Name:   "rabbitfleet_vhost_queues",
		Type:   Gauge,
		Help:   "Queues in the vhost.",
		Labels: perCluster("vhost"),
	}
	VhostQueuesWithoutConsumers = Metric{
		Name:   "rabbitfleet_vhost_queues_without_consumers",
		Type:   Gauge,
		Help:   "Queues in the vhost that have no consumer.",
		Labels: perCluster("vhost"),
	}
)

// All lists the catalogue in name order: the README's reference and the
// tests that check dashboards, alerts and the served exposition read it.
func All() []Metric {
	return []Metric{
		ChannelsClosedTotal,
		ChannelsOpenedTotal,
		ClusterFiguresSource,
		ClusterInfo,
		ClusterMessagesAcknowledgedTotal,
		ClusterMessagesConfirmedTotal,
		ClusterMessagesDeliveredTotal,
		ClusterMessagesPublishedTotal,
		ClusterMessagesRedeliveredTotal,
		ClusterMessagesUnroutableDroppedTotal,
		ClusterMessagesUnroutableReturnedTotal,
		ClusterObjects,
		Connections,
		ConnectionsClosedTotal,
		ConnectionsOpenedTotal,
		DiscoveryClusters,
		DiscoveryLastRefreshSuccessTimestampSeconds,
		DiscoveryRefreshesTotal,
		DiscoverySkippedInstances,
		ExporterBuildInfo,
		ExporterConfigLastReloadSuccessTimestampSeconds,
		ExporterConfigLastReloadSuccessful,
		ExporterConfigReloadsTotal,
		FederationLinkBacklogMessages,
		FederationLinkBacklogUnacknowledgedMessages,
		FederationLinkErrorInfo,
		FederationLinkLagSeconds,
		FederationLinkStatus,
		FederationLinkUpstreamAcknowledgedMessagesTotal,
		FederationLinkUpstreamConsumers,
		FederationLinkUpstreamPublishedMessagesTotal,
		FederationLinksExpected,
		FederationProbeCanariesAbandonedTotal,
		FederationProbeCanariesLostTotal,
		FederationProbeCanariesReceivedTotal,
		FederationProbeCanariesSentTotal,
		FederationProbeCanariesUnroutableTotal,
		FederationProbeLastReceivedAgeSeconds,
		FederationProbeLatencySeconds,
		FederationProbeOldestInFlightAgeSeconds,
		FederationProbeState,
		ManagementCircuitBackoffSeconds,
		ManagementCircuitOpen,
		ManagementRequestsTotal,
		ManagementResponseBytesTotal,
		NodeAlarm,
		NodeDiskFreeBytes,
		NodeDiskFreeLimitBytes,
		NodeErlangProcessesLimit,
		NodeErlangProcessesUsed,
		NodeFileDescriptorsLimit,
		NodeFileDescriptorsUsed,
		NodeMemoryLimitBytes,
		NodeMemoryUsedBytes,
		NodePartitions,
		NodeRunQueue,
		NodeRunning,
		NodeSocketsLimit,
		NodeSocketsUsed,
		NodeUptimeSeconds,
		QueueConsumers,
		QueueMessages,
		QueueMessagesReady,
		QueueMessagesUnacknowledged,
		QueuesCreatedTotal,
		QueuesDeclaredTotal,
		QueuesDeletedTotal,
		ScrapeCollectorDataAgeSeconds,
		ScrapeCollectorDurationSeconds,
		ScrapeCollectorRefreshIntervalSeconds,
		ScrapeCollectorSuccess,
		ScrapeDurationSeconds,
		ScrapeErrorsTotal,
		ScrapeResultAgeSeconds,
		ShovelState,
		Up,
		VhostConsumers,
		VhostMessages,
		VhostMessagesReady,
		VhostMessagesUnacknowledged,
		VhostMessagesWithoutConsumers,
		VhostQueues,
		VhostQueuesWithoutConsumers,
	}
}
