package canary

import (
	"bytes"
	"testing"
	"time"
)

// Anyone may publish with a canary's routing key: whatever the body, decode
// returns an error or a canary that encodes back to the same bytes.
func FuzzDecode(f *testing.F) {
	f.Add(canaryMsg{nonce: 7, seq: 42, sent: time.Unix(1700000000, 123)}.encode())
	f.Add([]byte("rfc1"))
	f.Add([]byte("rfc2aaaaaaaabbbbbbbbcccccccc"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, body []byte) {
		m, err := decode(body)
		if err != nil {
			return
		}
		if again := m.encode(); !bytes.Equal(again, body) {
			t.Fatalf("decode(%x) = %+v, which encodes to %x", body, m, again)
		}
	})
}
