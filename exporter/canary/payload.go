package canary

import (
	"encoding/binary"
	"fmt"
	"time"
)

// A canary's body is 28 bytes: a 4-byte magic that also versions the
// format, the 8-byte nonce of the prober that sent it, its 8-byte sequence
// number and its 8-byte send time in Unix nanoseconds, all big-endian.
//
// The nonce tells a prober its own canaries from those of another exporter
// replica probing the same link, or of an earlier prober (before a reload
// or a restart) still stuck in the link: all share the routing key.
const (
	payloadMagic = "rfc1"
	payloadSize  = len(payloadMagic) + 8 + 8 + 8
)

// canaryMsg is the decoded body of a canary.
type canaryMsg struct {
	nonce uint64
	seq   uint64
	sent  time.Time
}

func (m canaryMsg) encode() []byte {
	b := make([]byte, 0, payloadSize)
	b = append(b, payloadMagic...)
	b = binary.BigEndian.AppendUint64(b, m.nonce)
	b = binary.BigEndian.AppendUint64(b, m.seq)
	return binary.BigEndian.AppendUint64(b, uint64(m.sent.UnixNano()))
}

// decode parses a canary body. Anyone can publish with the canary routing
// key, so a body that is not a canary is an error, never a panic.
func decode(b []byte) (canaryMsg, error) {
	if len(b) != payloadSize {
		return canaryMsg{}, fmt.Errorf("canary body is %d bytes, want %d", len(b), payloadSize)
	}
	if string(b[:4]) != payloadMagic {
		return canaryMsg{}, fmt.Errorf("canary body starts with %q, want %q", b[:4], payloadMagic)
	}
	return canaryMsg{
		nonce: binary.BigEndian.Uint64(b[4:12]),
		seq:   binary.BigEndian.Uint64(b[12:20]),
		sent:  time.Unix(0, int64(binary.BigEndian.Uint64(b[20:28]))),
	}, nil
}
