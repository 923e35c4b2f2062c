package stomp

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

var (
	// ErrClosed is the end reason of a connection the client closed itself (Close, or
	// Disconnect followed by the server closing the socket).
	ErrClosed = errors.New("stomp: connection closed by client")
	// ErrHeartBeatTimeout means the server stayed silent for longer than negotiated.
	ErrHeartBeatTimeout = errors.New("stomp: no data or heart-beat from server within the negotiated interval")
)

// ServerError is an ERROR frame received from the server.
type ServerError struct {
	Message string // the frame's "message" header
	Body    string
}

func (e *ServerError) Error() string {
	var b strings.Builder
	b.WriteString("stomp: server sent ERROR")
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if body := strings.TrimSpace(e.Body); body != "" {
		b.WriteString(": ")
		b.WriteString(truncate(body, 300))
	}
	return b.String()
}

func serverError(f *Frame) *ServerError {
	return &ServerError{Message: f.Get("message"), Body: string(f.Body)}
}

// truncate keeps error messages readable when a server sends a long body.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return fmt.Sprintf("%s… (%d bytes)", s[:n], len(s))
}
