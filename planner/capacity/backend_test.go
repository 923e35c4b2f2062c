package capacity

import (
	"math"
	"testing"

	"github.com/rabbitfleet/rabbitfleet/planner/catalog"
)

// A backend node's capacity in messages per second, by hand: 2 vCPU at
// 100% less 100 connections x (1e-4 idle + 0.01 opens/s x 1e-2 per open)
// = 1.98 core-seconds, at 1e-3 a message: 1,980 messages/s. The network,
// 1 Gbps x 0.7 over 1,000 bytes a message, allows 87,500.
func TestPerBackendNodeCPU(t *testing.T) {
	p := Profile{MemoryBaseBytes: 1 << 30, MemoryPerConnectionBytes: 1 << 20, FDsPerConnection: 1,
		CPUSecondsPerOpen: 1e-2, CPUSecondsPerMessage: 1e-3, CPUSecondsPerConnectionIdle: 1e-4, BytesPerMessage: 1000}
	ty := catalog.InstanceType{Name: "t", VCPU: 2, MemoryGiB: 4, NetworkGbps: 1}
	lim := Limits{MemoryHighWatermark: 0.5, FDLimit: 1000, CPUTarget: 1}

	n := PerBackendNode(p, ty, BackendLoad{Connections: 100, OpensPerConnection: 0.01}, lim)
	if n.Binding != CPU || math.Abs(n.MessagesPerSecond-1980) > 1e-9 || math.Abs(n.ByResource[Network]-87500) > 1e-9 {
		t.Errorf("100 connections: %+v, want 1980 messages/s bound by cpu, network 87500", n)
	}
	if _, ok := n.ByResource[Memory]; ok {
		t.Errorf("memory holds the connections, yet bounds messages: %+v", n.ByResource)
	}
	// 1,100 connections: 1 GiB + 1,100 MiB is above 2 GiB (half of 4), and
	// 1,100 descriptors above 1,000; memory, first in order, binds at 0.
	n = PerBackendNode(p, ty, BackendLoad{Connections: 1100, OpensPerConnection: 0.01}, lim)
	if n.Binding != Memory || n.MessagesPerSecond != 0 || n.ByResource[FD] != 0 {
		t.Errorf("1100 connections: %+v, want 0 messages/s bound by memory, fd 0 too", n)
	}
	// Queued messages share the memory: 1 GiB + 100 MiB for the
	// connections leave 924 MiB under the 2 GiB watermark, which holds
	// 968,884 messages of 1,000 bytes and not one more.
	fits := math.Floor((2*(1<<30) - (1 << 30) - 100*(1<<20)) / 1000.0)
	n = PerBackendNode(p, ty, BackendLoad{Connections: 100, OpensPerConnection: 0.01, Queued: fits, BytesPerQueued: 1000}, lim)
	if fits != 968884 || n.Binding != CPU {
		t.Errorf("%v queued: %+v, want cpu binding", fits, n)
	}
	n = PerBackendNode(p, ty, BackendLoad{Connections: 100, OpensPerConnection: 0.01, Queued: fits + 1, BytesPerQueued: 1000}, lim)
	if n.Binding != Memory || n.MessagesPerSecond != 0 {
		t.Errorf("%v queued: %+v, want 0 bound by memory", fits+1, n)
	}
	// 20,000 connections cost 20,000 x 2e-4 = 4 core-seconds, more than
	// the 2 cores: 0 messages, not a negative figure.
	light := p
	light.MemoryPerConnectionBytes = 1
	n = PerBackendNode(light, ty, BackendLoad{Connections: 20000, OpensPerConnection: 0.01}, Limits{MemoryHighWatermark: 1, FDLimit: 1e6, CPUTarget: 1})
	if n.MessagesPerSecond != 0 || n.Binding != CPU {
		t.Errorf("20000 connections: %+v, want 0 bound by cpu", n)
	}
}
