package stomp

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

var (
	// ErrProtocol marks input that is not valid STOMP 1.2.
	ErrProtocol = errors.New("stomp: protocol error")
	// ErrFrameTooLarge marks a frame beyond the reader's limits.
	ErrFrameTooLarge = errors.New("stomp: frame too large")
)

// Limits bound what a Reader accepts, so a misbehaving peer cannot make it allocate without end.
type Limits struct {
	MaxLine    int // bytes in the command line or one header line
	MaxHeaders int
	MaxBody    int
}

// DefaultLimits are generous for device traffic.
var DefaultLimits = Limits{MaxLine: 16 << 10, MaxHeaders: 256, MaxBody: 4 << 20}

// Reader decodes frames from a stream.
type Reader struct {
	br     *bufio.Reader
	limits Limits
}

// NewReader returns a Reader with DefaultLimits.
func NewReader(r io.Reader) *Reader {
	return NewReaderLimits(r, DefaultLimits)
}

// NewReaderLimits returns a Reader with the given limits.
func NewReaderLimits(r io.Reader, limits Limits) *Reader {
	return &Reader{br: bufio.NewReaderSize(r, 4096), limits: limits}
}

// ReadFrame returns the next frame, skipping heart-beats (bare EOLs between frames).
// io.EOF is returned only when the stream ends cleanly between frames.
func (r *Reader) ReadFrame() (*Frame, error) {
	command, err := r.readCommand()
	if err != nil {
		return nil, err
	}
	f := &Frame{Command: command}
	if err := r.readHeaders(f); err != nil {
		return nil, err
	}
	if err := r.readBody(f); err != nil {
		return nil, err
	}
	return f, nil
}

func (r *Reader) readCommand() (string, error) {
	for {
		line, err := r.readLine()
		if err != nil {
			return "", err // a clean io.EOF between frames stays io.EOF
		}
		if len(line) == 0 {
			continue // heart-beat
		}
		return string(line), nil
	}
}

func (r *Reader) readHeaders(f *Frame) error {
	unescape := escapesHeaders(f.Command)
	for {
		line, err := r.readLine()
		if err != nil {
			return midFrame(err, f.Command)
		}
		if len(line) == 0 {
			return nil
		}
		if len(f.Headers) >= r.limits.MaxHeaders {
			return fmt.Errorf("%w: %s frame has more than %d headers", ErrFrameTooLarge, f.Command, r.limits.MaxHeaders)
		}
		colon := bytes.IndexByte(line, ':')
		if colon < 0 {
			return fmt.Errorf("%w: %s frame header line %q has no colon", ErrProtocol, f.Command, line)
		}
		name, value := string(line[:colon]), string(line[colon+1:])
		if unescape {
			if name, err = unescapeHeader(name); err != nil {
				return err
			}
			if value, err = unescapeHeader(value); err != nil {
				return err
			}
		}
		f.Add(name, value)
	}
}

func (r *Reader) readBody(f *Frame) error {
	n, err := f.contentLength(r.limits.MaxBody)
	if err != nil {
		return err
	}
	if n >= 0 {
		body := make([]byte, n+1)
		if _, err := io.ReadFull(r.br, body); err != nil {
			return midFrame(err, f.Command)
		}
		if body[n] != 0 {
			return fmt.Errorf("%w: %s frame body of content-length %d is not followed by NUL", ErrProtocol, f.Command, n)
		}
		f.Body = body[:n]
		return nil
	}
	var body []byte
	for {
		chunk, err := r.br.ReadSlice(0)
		if len(body)+len(chunk) > r.limits.MaxBody+1 {
			return fmt.Errorf("%w: %s frame body exceeds limit of %d bytes", ErrFrameTooLarge, f.Command, r.limits.MaxBody)
		}
		body = append(body, chunk...)
		if err == nil {
			f.Body = body[:len(body)-1]
			return nil
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return midFrame(err, f.Command)
		}
	}
}

// readLine returns one line without its EOL (LF or CRLF), bounded by MaxLine.
func (r *Reader) readLine() ([]byte, error) {
	var line []byte
	for {
		chunk, err := r.br.ReadSlice('\n')
		if len(line)+len(chunk) > r.limits.MaxLine+2 {
			return nil, fmt.Errorf("%w: line longer than %d bytes", ErrFrameTooLarge, r.limits.MaxLine)
		}
		line = append(line, chunk...)
		if err == nil {
			break
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if errors.Is(err, io.EOF) && len(line) > 0 {
			return nil, fmt.Errorf("%w: stream ended inside a line", io.ErrUnexpectedEOF)
		}
		return nil, err
	}
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	if bytes.IndexByte(line, 0) >= 0 {
		return nil, fmt.Errorf("%w: NUL octet inside a command or header line", ErrProtocol)
	}
	return line, nil
}

// midFrame turns an EOF inside a frame into io.ErrUnexpectedEOF so callers can tell a
// truncated frame from a clean close.
func midFrame(err error, command string) error {
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: stream ended inside a %s frame", io.ErrUnexpectedEOF, command)
	}
	return err
}
