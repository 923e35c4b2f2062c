package devicesim

import "sync/atomic"

// ProtocolStats counts what happened on one protocol's connections since New.
type ProtocolStats struct {
	Open          int    // connections open now
	Opened        uint64 // connections established
	Closed        uint64 // connections closed by the simulator (Close, Churn, CloseAll)
	Lost          uint64 // connections that ended without the simulator closing them
	Published     uint64 // telemetry messages sent (and acknowledged at QoS 1)
	Received      uint64 // command messages received on subscriptions
	DialErrors    uint64 // failed connection attempts (not counting ones aborted by a context)
	PublishErrors uint64
	CloseErrors   uint64 // clean closes that failed; the socket was closed anyway
}

// Errors is the sum of all error counters.
func (s ProtocolStats) Errors() uint64 {
	return s.DialErrors + s.PublishErrors + s.CloseErrors
}

// Add returns the field-wise sum, for totals across protocols.
func (s ProtocolStats) Add(o ProtocolStats) ProtocolStats {
	return ProtocolStats{
		Open:          s.Open + o.Open,
		Opened:        s.Opened + o.Opened,
		Closed:        s.Closed + o.Closed,
		Lost:          s.Lost + o.Lost,
		Published:     s.Published + o.Published,
		Received:      s.Received + o.Received,
		DialErrors:    s.DialErrors + o.DialErrors,
		PublishErrors: s.PublishErrors + o.PublishErrors,
		CloseErrors:   s.CloseErrors + o.CloseErrors,
	}
}

type counters struct {
	opened, closed, lost, published, received atomic.Uint64
	dialErrors, publishErrors, closeErrors    atomic.Uint64
}

func (c *counters) snapshot(open int) ProtocolStats {
	return ProtocolStats{
		Open:          open,
		Opened:        c.opened.Load(),
		Closed:        c.closed.Load(),
		Lost:          c.lost.Load(),
		Published:     c.published.Load(),
		Received:      c.received.Load(),
		DialErrors:    c.dialErrors.Load(),
		PublishErrors: c.publishErrors.Load(),
		CloseErrors:   c.closeErrors.Load(),
	}
}
