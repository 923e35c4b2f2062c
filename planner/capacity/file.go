package capacity

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/rabbitfleet/rabbitfleet/internal/atomicfile"
)

// Load reads and validates a profile file written by Write or
// `planner calibrate`.
func Load(path string) (Profile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Profile{}, err
	}
	return Parse(data, path)
}

// Parse decodes a profile strictly (unknown fields and trailing data are
// errors) and validates it; errors start with name.
func Parse(data []byte, name string) (Profile, error) {
	var p Profile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return Profile{}, decodeError(data, name, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		line, col := position(data, dec.InputOffset())
		return Profile{}, fmt.Errorf("%s:%d:%d: unexpected data after the profile object", name, line, col)
	}
	if err := p.Validate(); err != nil {
		return Profile{}, fmt.Errorf("%s: %w", name, err)
	}
	return p, nil
}

// decodeError turns a JSON error into one naming the line and column.
func decodeError(data []byte, name string, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		line, col := position(data, syn.Offset-1) // Offset is just past the bad byte
		return fmt.Errorf("%s:%d:%d: %v", name, line, col, syn)
	case errors.As(err, &typ):
		line, col := position(data, valueStart(data, typ.Offset))
		return fmt.Errorf("%s:%d:%d: field %q: %s is not a %v", name, line, col, typ.Field, typ.Value, typ.Type)
	case errors.Is(err, io.EOF):
		return fmt.Errorf("%s: empty file, want a JSON profile object", name)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%s: truncated JSON", name)
	}
	return fmt.Errorf("%s: %w", name, err) // e.g. `json: unknown field "x"`
}

// valueStart backs up from end, just past a JSON scalar, to where the
// scalar begins: its opening quote, or the first byte of a number or
// literal.
func valueStart(data []byte, end int64) int64 {
	end = min(max(end, 0), int64(len(data)))
	i := end - 1
	if i >= 0 && data[i] == '"' {
		for i--; i >= 0; i-- {
			if data[i] == '"' && (i == 0 || data[i-1] != '\\') {
				return i
			}
		}
		return end
	}
	for i >= 0 && !bytes.ContainsRune([]byte(" \t\r\n,:[{"), rune(data[i])) {
		i--
	}
	return i + 1
}

// position converts a byte offset into a 1-based line and column.
func position(data []byte, offset int64) (line, col int) {
	offset = min(max(offset, 0), int64(len(data)))
	before := data[:offset]
	line = 1 + bytes.Count(before, []byte("\n"))
	col = 1 + len(before) - (bytes.LastIndexByte(before, '\n') + 1)
	return line, col
}

// Validate checks that every figure is positive and finite and that the
// profile says where it was measured.
func (p Profile) Validate() error {
	if p.RabbitMQVersion == "" {
		return errors.New(`field "rabbitmq_version" is empty`)
	}
	if p.MeasuredOn == "" {
		return errors.New(`field "measured_on" is empty`)
	}
	for _, f := range []struct {
		name string
		v    float64
	}{
		{"memory_base_bytes", p.MemoryBaseBytes},
		{"memory_per_connection_bytes", p.MemoryPerConnectionBytes},
		{"fds_per_connection", p.FDsPerConnection},
		{"cpu_seconds_per_open", p.CPUSecondsPerOpen},
		{"cpu_seconds_per_message", p.CPUSecondsPerMessage},
		{"cpu_seconds_per_connection_idle", p.CPUSecondsPerConnectionIdle},
		{"accepts_per_second_per_core", p.AcceptsPerSecondPerCore},
		{"bytes_per_message", p.BytesPerMessage},
	} {
		if err := positive(f.name, f.v); err != nil {
			return err
		}
	}
	return nil
}

// positive is the one rule every figure follows.
func positive(field string, v float64) error {
	if !(v > 0) || math.IsInf(v, 0) {
		return fmt.Errorf("field %q: %v must be positive and finite", field, v)
	}
	return nil
}

// Write validates p and writes it as indented JSON, atomically: a temporary
// file in the same directory renamed over path, so a reader never sees half
// a profile.
func (p Profile) Write(path string) error {
	if err := p.Validate(); err != nil {
		return fmt.Errorf("%s: not written: %w", path, err)
	}
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	return atomicfile.WriteBytes(path, data)
}
