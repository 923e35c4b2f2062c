// Package catalog holds the instance types the planner may choose from:
// vCPU, memory, network and on-demand price per AWS region. An embedded
// snapshot is the default; `planner catalog refresh` rebuilds it from AWS.
package catalog

import "time"

// InstanceType is one EC2 instance type.
type InstanceType struct {
	Name        string  `json:"name"`
	VCPU        int     `json:"vcpu"`
	MemoryGiB   float64 `json:"memory_gib"`
	NetworkGbps float64 `json:"network_gbps"`
	// PricePerHour is the Linux on-demand price in USD by AWS region;
	// a region missing here does not offer the type.
	PricePerHour map[string]float64 `json:"price_per_hour"`
}

// Catalog is a set of instance types and where they came from.
type Catalog struct {
	// Source says how it was built, e.g. "embedded snapshot" or "AWS".
	Source  string         `json:"source"`
	Fetched time.Time      `json:"fetched"`
	Types   []InstanceType `json:"types"`
}
