package stomp

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// Encode serialises a frame. A content-length header is added whenever there is a body, so
// bodies may contain NUL octets; an explicit content-length must match the body.
func Encode(f *Frame) ([]byte, error) {
	if f.Command == "" || strings.ContainsAny(f.Command, "\r\n\x00:") {
		return nil, fmt.Errorf("stomp: invalid frame command %q", f.Command)
	}
	escape := escapesHeaders(f.Command)
	var buf bytes.Buffer
	buf.Grow(len(f.Command) + len(f.Body) + 64*len(f.Headers) + 32)
	buf.WriteString(f.Command)
	buf.WriteByte('\n')

	hasLength := false
	for _, h := range f.Headers {
		name, value := h.Name, h.Value
		if name == "content-length" {
			if hasLength {
				continue // the first one wins on the other side anyway
			}
			hasLength = true
			if value != strconv.Itoa(len(f.Body)) {
				return nil, fmt.Errorf("stomp: %s frame has content-length %q but a %d-byte body", f.Command, value, len(f.Body))
			}
		}
		if escape {
			name, value = escapeHeader(name), escapeHeader(value)
		} else if strings.ContainsAny(name+value, "\r\n") || strings.Contains(name, ":") {
			// Unescaped frames cannot carry these octets at all.
			return nil, fmt.Errorf("stomp: %s header %q cannot contain CR, LF or (in the name) a colon", f.Command, h.Name)
		}
		buf.WriteString(name)
		buf.WriteByte(':')
		buf.WriteString(value)
		buf.WriteByte('\n')
	}
	if !hasLength && len(f.Body) > 0 {
		buf.WriteString("content-length:")
		buf.WriteString(strconv.Itoa(len(f.Body)))
		buf.WriteByte('\n')
	}
	buf.WriteByte('\n')
	buf.Write(f.Body)
	buf.WriteByte(0)
	return buf.Bytes(), nil
}

// heartBeat is what a heart-beat looks like on the wire: a bare end of line.
var heartBeat = []byte{'\n'}
