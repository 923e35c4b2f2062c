// Package stomp is a small STOMP 1.2 client: just enough for simulated devices to connect,
// send, subscribe and disconnect against RabbitMQ's STOMP plugin.
package stomp

import (
	"fmt"
	"strconv"
	"strings"
)

// Frame commands used by this client (client and server side).
const (
	CmdConnect    = "CONNECT"
	CmdConnected  = "CONNECTED"
	CmdSend       = "SEND"
	CmdSubscribe  = "SUBSCRIBE"
	CmdDisconnect = "DISCONNECT"
	CmdMessage    = "MESSAGE"
	CmdReceipt    = "RECEIPT"
	CmdError      = "ERROR"
)

// Header is one frame header. Frames keep headers as an ordered list because STOMP allows
// repeated headers and only the first occurrence counts.
type Header struct {
	Name, Value string
}

// Frame is one STOMP frame.
type Frame struct {
	Command string
	Headers []Header
	Body    []byte
}

// NewFrame builds a frame from a command and name/value pairs.
func NewFrame(command string, nameValues ...string) *Frame {
	f := &Frame{Command: command}
	for i := 0; i+1 < len(nameValues); i += 2 {
		f.Add(nameValues[i], nameValues[i+1])
	}
	return f
}

// Add appends a header (repeats are kept; the first one wins on lookup).
func (f *Frame) Add(name, value string) {
	f.Headers = append(f.Headers, Header{Name: name, Value: value})
}

// Header returns the value of the first header with that name.
func (f *Frame) Header(name string) (string, bool) {
	for _, h := range f.Headers {
		if h.Name == name {
			return h.Value, true
		}
	}
	return "", false
}

// Get returns the first header's value or "".
func (f *Frame) Get(name string) string {
	v, _ := f.Header(name)
	return v
}

// contentLength returns the declared content-length, or -1 when absent.
func (f *Frame) contentLength(maxBody int) (int, error) {
	v, ok := f.Header("content-length")
	if !ok {
		return -1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%w: bad content-length %q in %s frame", ErrProtocol, v, f.Command)
	}
	if n > maxBody {
		return 0, fmt.Errorf("%w: %s frame body of %d bytes exceeds limit of %d", ErrFrameTooLarge, f.Command, n, maxBody)
	}
	return n, nil
}

// escapesHeaders reports whether STOMP 1.2 header escaping applies: CONNECT and CONNECTED
// frames are exempt so that 1.0 peers can still negotiate.
func escapesHeaders(command string) bool {
	return command != CmdConnect && command != CmdConnected && command != "STOMP"
}

var headerEscaper = strings.NewReplacer(`\`, `\\`, "\r", `\r`, "\n", `\n`, ":", `\c`)

func escapeHeader(s string) string {
	return headerEscaper.Replace(s)
}

// unescapeHeader undoes STOMP 1.2 escaping; any other escape sequence is a protocol error,
// as the specification requires.
func unescapeHeader(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		if i+1 >= len(s) {
			return "", fmt.Errorf("%w: header %q ends in a lone backslash", ErrProtocol, s)
		}
		i++
		switch s[i] {
		case 'r':
			b.WriteByte('\r')
		case 'n':
			b.WriteByte('\n')
		case 'c':
			b.WriteByte(':')
		case '\\':
			b.WriteByte('\\')
		default:
			return "", fmt.Errorf("%w: undefined escape sequence \\%c in header %q", ErrProtocol, s[i], s)
		}
	}
	return b.String(), nil
}
