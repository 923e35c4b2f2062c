package capacity

import (
	"fmt"
	"math"

	"github.com/rabbitfleet/rabbitfleet/planner/catalog"
)

// Resource names, in the order ties for the binding resource are broken.
const (
	Memory  = "memory"
	CPU     = "cpu"
	FD      = "fd"
	Network = "network"
)

// NetworkUtilisation is the share of an instance's network bandwidth the
// plan may use; the rest absorbs bursts and the federation links.
const NetworkUtilisation = 0.7

// PerConnection is the load one device connection brings, from history
// (demand's ratio helpers).
type PerConnection struct {
	// OpensPerSecond is connections opened per second per open connection
	// (churn).
	OpensPerSecond float64
	// MessagesPerSecond is messages published per second per connection.
	MessagesPerSecond float64
}

// Validate checks both rates are finite and not negative.
func (l PerConnection) Validate() error {
	for _, f := range []struct {
		name string
		v    float64
	}{{"opens per second per connection", l.OpensPerSecond}, {"messages per second per connection", l.MessagesPerSecond}} {
		if !(f.v >= 0) || math.IsInf(f.v, 0) {
			return fmt.Errorf("%s: %v must be finite and not negative", f.name, f.v)
		}
	}
	return nil
}

// Limits are the operating limits a node is sized to.
type Limits struct {
	// MemoryHighWatermark is RabbitMQ's vm_memory_high_watermark: the
	// fraction of RAM at which the memory alarm blocks publishers.
	MemoryHighWatermark float64
	// FDLimit is the node's open-file limit; FDBase the descriptors a
	// node holds with no clients (0 when the profile's per-connection
	// figure already counts them).
	FDLimit float64
	FDBase  float64
	// CPUTarget is the fraction of the node's cores the steady load may
	// use; CPUBase the cores a node uses with no clients, taken off it.
	CPUTarget float64
	CPUBase   float64
}

// DefaultLimits are RabbitMQ's default watermark, the fd limit a systemd
// unit usually sets, and 70% CPU: the fallbacks where the history does not
// show a cluster's own limits (Choose).
func DefaultLimits() Limits {
	return Limits{MemoryHighWatermark: 0.6, FDLimit: 1048576, CPUTarget: 0.7}
}

// Validate checks the fractions lie in (0, 1] and the fd limit is positive.
func (l Limits) Validate() error {
	if !(l.MemoryHighWatermark > 0 && l.MemoryHighWatermark <= 1) {
		return fmt.Errorf("memory high watermark %v must be in (0, 1]", l.MemoryHighWatermark)
	}
	if !(l.CPUTarget > 0 && l.CPUTarget <= 1) {
		return fmt.Errorf("CPU target %v must be in (0, 1]", l.CPUTarget)
	}
	if !(l.FDLimit > 0) || math.IsInf(l.FDLimit, 0) {
		return fmt.Errorf("fd limit %v must be positive and finite", l.FDLimit)
	}
	if !(l.CPUBase >= 0) || math.IsInf(l.CPUBase, 0) {
		return fmt.Errorf("CPU base %v cores must be at least 0 and finite", l.CPUBase)
	}
	if !(l.FDBase >= 0 && l.FDBase < l.FDLimit) {
		return fmt.Errorf("fd base %v must be at least 0 and below the fd limit %v", l.FDBase, l.FDLimit)
	}
	return nil
}

// NodeCapacity is how many connections one node carries.
type NodeCapacity struct {
	// Connections is the minimum over ByResource.
	Connections float64
	// Binding is the resource that gives the minimum: memory, cpu, fd or
	// network.
	Binding string
	// ByResource is the capacity each resource alone allows, for reports
	// (which sort its keys). Network is absent when connections publish
	// nothing: it then limits nothing.
	ByResource map[string]float64
}

// PerNode is the number of connections one node of type t carries within
// limits, each connection bringing load l:
//
//	memory   (GiB·2³⁰·watermark − base) / memory per connection
//	cpu      (vCPU·target − cpu base) / (idle + opens/s·cpu per open + msgs/s·cpu per message)
//	fd       (fd limit − fd base) / fds per connection
//	network  Gbps·10⁹/8·NetworkUtilisation / (msgs/s·bytes per message)
//
// The smallest binds; ties go to the earlier of memory, cpu, fd, network.
// Inputs are meant to have passed Validate; a resource whose figure is
// negative or undefined for bad inputs counts as 0 connections, so PerNode
// never panics and never returns NaN.
func PerNode(p Profile, t catalog.InstanceType, l PerConnection, limits Limits) NodeCapacity {
	memory := (t.MemoryGiB*(1<<30)*limits.MemoryHighWatermark - p.MemoryBaseBytes) / p.MemoryPerConnectionBytes
	cpuPerConn := p.CPUSecondsPerConnectionIdle + l.OpensPerSecond*p.CPUSecondsPerOpen + l.MessagesPerSecond*p.CPUSecondsPerMessage
	cpu := (float64(t.VCPU)*limits.CPUTarget - limits.CPUBase) / cpuPerConn
	fd := (limits.FDLimit - limits.FDBase) / p.FDsPerConnection
	c := NodeCapacity{ByResource: map[string]float64{}}
	c.add(Memory, memory)
	c.add(CPU, cpu)
	c.add(FD, fd)
	if bytesPerConn := l.MessagesPerSecond * p.BytesPerMessage; bytesPerConn > 0 {
		c.add(Network, t.NetworkGbps*1e9/8*NetworkUtilisation/bytesPerConn)
	}
	return c
}

// add records one resource's capacity and keeps the strict minimum, so the
// first of equals stays binding.
func (c *NodeCapacity) add(resource string, v float64) {
	if !(v > 0) || math.IsInf(v, 0) {
		v = 0 // NaN, negative or infinite: the inputs did not define a capacity
	}
	c.ByResource[resource] = v
	if c.Binding == "" || v < c.Connections {
		c.Connections, c.Binding = v, resource
	}
}
