// Package capacity says how many device connections one node of an
// instance type carries: the minimum over memory, CPU, file descriptors and
// network, from a capacity profile measured on a real broker
// (`planner calibrate`), the embedded ones chosen by the cluster's RabbitMQ
// version (Set), and the cluster's own history (Fit, Choose).
package capacity

// Profile is what a calibration measured, per connection and per event.
type Profile struct {
	// RabbitMQVersion and MeasuredOn say where the figures come from.
	RabbitMQVersion string `json:"rabbitmq_version"`
	MeasuredOn      string `json:"measured_on"`
	// MemoryBaseBytes is a node's memory with no clients.
	MemoryBaseBytes float64 `json:"memory_base_bytes"`
	// MemoryPerConnectionBytes is the node memory one idle device
	// connection (with its subscription queue) adds.
	MemoryPerConnectionBytes float64 `json:"memory_per_connection_bytes"`
	// FDsPerConnection is file descriptors per connection (1 plus queue files).
	FDsPerConnection float64 `json:"fds_per_connection"`
	// CPUSecondsPerOpen is node CPU per connection opened (TLS excluded).
	CPUSecondsPerOpen float64 `json:"cpu_seconds_per_open"`
	// CPUSecondsPerMessage is node CPU per message published and delivered.
	CPUSecondsPerMessage float64 `json:"cpu_seconds_per_message"`
	// CPUSecondsPerConnectionIdle is node CPU per second per idle connection
	// (keepalives, statistics).
	CPUSecondsPerConnectionIdle float64 `json:"cpu_seconds_per_connection_idle"`
	// AcceptsPerSecondPerCore is the rate one core accepts reconnecting
	// clients at (the reconnection-storm check).
	AcceptsPerSecondPerCore float64 `json:"accepts_per_second_per_core"`
	// BytesPerMessage is the mean message size on the wire.
	BytesPerMessage float64 `json:"bytes_per_message"`
	// Notes say how each figure was obtained.
	Notes []string `json:"notes,omitempty"`
}
