package report

import "time"

// Backend is the backend cluster: every gateway federates its device
// traffic to it and the microservices publish their own, so it is sized by
// messages per second; its connections (its own AMQP clients and one
// federation link per gateway) only have to fit in memory and file
// descriptors.
type Backend struct {
	Name      string `json:"name"`
	AWSRegion string `json:"aws_region"`
	// MessagesPerSecond is the p95 of the messages it published in its
	// latest month with enough samples; nil without that history.
	MessagesPerSecond *float64 `json:"messages_per_second_p95"`
	// OwnMessagesPerSecond is its own traffic, held at its history's
	// level over the horizon: the p95, in the same month, of what it
	// published less what the gateways did (the federated traffic); nil
	// without that history, the federated traffic then sized alone.
	OwnMessagesPerSecond *float64 `json:"own_messages_per_second"`
	// OwnConnections is the p95 of its own clients' connections in its
	// latest month; nil without that history. FederationLinks is one per
	// gateway, existing and proposed.
	OwnConnections  *float64 `json:"own_connections"`
	FederationLinks int      `json:"federation_links"`
	// QueuedMessages is the p95 of the messages waiting in its queues in
	// its latest month; nil without that history. BytesPerQueuedMessage
	// is the memory one takes (fitted, or the profile's message size).
	QueuedMessages        *float64 `json:"queued_messages_p95"`
	BytesPerQueuedMessage float64  `json:"bytes_per_queued_message"`
	// Federated is, per existing gateway, the messages each of its
	// connections publishes a second: its upper forecast of connections
	// times this is what it federates to the backend in a month.
	Federated []FederatedGateway `json:"federated"`
	// Notes say in words what the history did not give and what stands in.
	Notes   []string       `json:"notes"`
	Current BackendCurrent `json:"current"`
	// Months is the backend's path, month by month over the horizon.
	Months []BackendMonth `json:"months"`
	// ExhaustionMonth is the index into Months of the first month the
	// current deployment does not carry; nil when none within the horizon.
	ExhaustionMonth *int `json:"exhaustion_month"`
	// PathCostUSD and PathChanges are as a gateway's.
	PathCostUSD float64 `json:"path_cost_usd"`
	PathChanges int     `json:"path_changes"`
}

// FederatedGateway is one gateway's messages per connection per second,
// the p95 over the last 30 days of its history.
type FederatedGateway struct {
	Gateway               string  `json:"gateway"`
	MessagesPerConnection float64 `json:"messages_per_second_per_connection"`
}

// BackendCurrent is the backend's deployment today and what it carries in
// the horizon's first month (Binding: the node's resource, cpu, network,
// memory or fd).
type BackendCurrent struct {
	Deployment
	CapacityMessagesPerSecond float64 `json:"capacity_messages_per_second"`
	Binding                   string  `json:"binding"`
	MonthlyCostUSD            float64 `json:"monthly_cost_usd"`
}

// BackendMonth is one month of the backend's path: the upper forecast of
// messages per second it is sized for (Federated of them from the
// gateways), the connections it holds, and the deployment.
type BackendMonth struct {
	Month                  time.Time `json:"month"`
	UpperMessagesPerSecond float64   `json:"upper_messages_per_second"`
	FederatedPerSecond     float64   `json:"federated_messages_per_second"`
	Connections            float64   `json:"connections"`
	// QueuedMessages is what its queues hold, grown with its messages
	// from QueuedMessages; nil without that history.
	QueuedMessages *float64 `json:"queued_messages"`
	Deployment
	CapacityMessagesPerSecond float64 `json:"capacity_messages_per_second"`
	Binding                   string  `json:"binding"`
	MonthlyCostUSD            float64 `json:"monthly_cost_usd"`
}
