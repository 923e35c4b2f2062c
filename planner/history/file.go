package history

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rabbitfleet/rabbitfleet/internal/atomicfile"
)

// FormatVersion is the snapshot file format Write writes and Read reads.
//
// A file is one JSON object with the fields of Snapshot (step in
// nanoseconds, as time.Duration marshals), one series per line, and null
// for a missing value, which JSON has no NaN for. A name ending in ".gz"
// means gzip.
const FormatVersion = 1

// Points returns how many steps of step fit in [start, end): the length of
// every series of a snapshot over that range.
func Points(start, end time.Time, step time.Duration) int {
	if step <= 0 || !end.After(start) {
		return 0
	}
	d := end.Sub(start)
	return int((d + step - 1) / step)
}

// Validate checks that every series covers the snapshot's range at its
// step, that no series appears twice and that no value is infinite.
func (s *Snapshot) Validate() error {
	if s.Step <= 0 {
		return fmt.Errorf("step %v is not positive", s.Step)
	}
	if !s.End.After(s.Start) {
		return fmt.Errorf("end %s is not after start %s", stamp(s.End), stamp(s.Start))
	}
	n := Points(s.Start, s.End, s.Step)
	seen := make(map[string]int, len(s.Series))
	for i := range s.Series {
		x := &s.Series[i]
		switch {
		case x.Metric == "":
			return fmt.Errorf("series %d: no metric", i)
		case x.Cluster == "":
			return fmt.Errorf("series %d (%s): no cluster", i, x.Metric)
		}
		at := fmt.Sprintf("series %d (%s)", i, describe(x))
		switch {
		case !x.Start.Equal(s.Start):
			return fmt.Errorf("%s: start %s differs from the snapshot's %s", at, stamp(x.Start), stamp(s.Start))
		case x.Step != s.Step:
			return fmt.Errorf("%s: step %v differs from the snapshot's %v", at, x.Step, s.Step)
		case len(x.Values) != n:
			return fmt.Errorf("%s: %d values, want %d (start to end at the step)", at, len(x.Values), n)
		}
		for k := range x.Labels {
			if k == "" {
				return fmt.Errorf("%s: a label has no name", at)
			}
		}
		for j, v := range x.Values {
			if math.IsInf(v, 0) {
				return fmt.Errorf("%s: value %d (%s) is %v", at, j, stamp(s.Start.Add(time.Duration(j)*s.Step)), v)
			}
		}
		key := x.Metric + "\x00" + x.Cluster + "\x00" + labelsKey(x.Labels)
		if j, dup := seen[key]; dup {
			return fmt.Errorf("%s: same metric, cluster and labels as series %d", at, j)
		}
		seen[key] = i
	}
	return nil
}

// Write writes s to path atomically (a temporary file in the same
// directory, renamed into place), series sorted as SortSeries does.
// Nothing is written when s is not valid.
func Write(path string, s *Snapshot) error {
	if s.Version != 0 && s.Version != FormatVersion {
		return fmt.Errorf("history: writing %s: version %d, this planner writes version %d", path, s.Version, FormatVersion)
	}
	if err := s.Validate(); err != nil {
		return fmt.Errorf("history: writing %s: %w", path, err)
	}
	err := atomicfile.Write(path, func(w io.Writer) error {
		if strings.HasSuffix(path, ".gz") {
			zw := gzip.NewWriter(w) // no name, no time: same bytes every time
			if err := encode(zw, s); err != nil {
				return err
			}
			return zw.Close()
		}
		return encode(w, s)
	})
	if err != nil {
		return fmt.Errorf("history: writing %s: %w", path, err)
	}
	return nil
}

// fileSeries is a series in the file. Values are written and parsed by
// hand (encoding/json has no null for NaN, and a two-year fleet holds
// millions of them), which also lets a parse error name its series.
type fileSeries struct {
	Metric  string            `json:"metric"`
	Cluster string            `json:"cluster"`
	Labels  map[string]string `json:"labels,omitempty"`
	Start   time.Time         `json:"start"`
	Step    time.Duration     `json:"step"`
	Values  json.RawMessage   `json:"values,omitempty"`
}

func encode(w io.Writer, s *Snapshot) error {
	order := make([]*Series, len(s.Series))
	for i := range s.Series {
		order[i] = &s.Series[i]
	}
	slices.SortStableFunc(order, compareSeries) // sorts pointers: the caller's slice keeps its order
	head, err := json.Marshal(struct {
		Version int           `json:"version"`
		Start   time.Time     `json:"start"`
		End     time.Time     `json:"end"`
		Step    time.Duration `json:"step"`
	}{FormatVersion, s.Start.UTC(), s.End.UTC(), s.Step})
	if err != nil {
		return err
	}
	b := make([]byte, 0, 1<<16)
	b = append(b, head[:len(head)-1]...)
	b = append(b, `,"series":[`...)
	for i, x := range order {
		if i > 0 {
			b = append(b, ',')
		}
		head, err = json.Marshal(fileSeries{Metric: x.Metric, Cluster: x.Cluster, Labels: x.Labels, Start: x.Start.UTC(), Step: x.Step})
		if err != nil {
			return err
		}
		b = append(b, '\n')
		b = append(b, head[:len(head)-1]...)
		b = append(b, `,"values":[`...)
		for j, v := range x.Values {
			if j > 0 {
				b = append(b, ',')
			}
			if math.IsNaN(v) {
				b = append(b, "null"...)
			} else {
				b = strconv.AppendFloat(b, v, 'f', -1, 64)
			}
			if len(b) > 1<<15 {
				if _, err := w.Write(b); err != nil {
					return err
				}
				b = b[:0]
			}
		}
		b = append(b, "]}"...)
	}
	b = append(b, "\n]}\n"...)
	_, err = w.Write(b)
	return err
}

// fileSnapshot is the file's shape for decoding.
type fileSnapshot struct {
	Version int           `json:"version"`
	Start   time.Time     `json:"start"`
	End     time.Time     `json:"end"`
	Step    time.Duration `json:"step"`
	Series  []fileSeries  `json:"series"`
}

// Read reads a snapshot file written by Write (gzip when the name ends in
// ".gz"). Errors name the file and, where there is one, the line and
// column or the series.
func Read(path string) (*Snapshot, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("history: %s: %w", path, err)
		}
		r = zr
	}
	var buf bytes.Buffer
	if st, err := f.Stat(); err == nil && r == io.Reader(f) {
		buf.Grow(int(st.Size()) + bytes.MinRead)
	}
	_, err = buf.ReadFrom(r)
	data := buf.Bytes()
	if err != nil {
		return nil, fmt.Errorf("history: %s: %w", path, err)
	}
	s, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("history: %s%w", path, err)
	}
	return s, nil
}

// decode's errors start with ":" so that Read can put the file name first.
func decode(data []byte) (*Snapshot, error) {
	var fs fileSnapshot
	if err := json.Unmarshal(data, &fs); err != nil {
		var probe struct {
			Version int `json:"version"`
		}
		if json.Unmarshal(data, &probe) == nil && probe.Version != FormatVersion {
			return nil, versionError(probe.Version)
		}
		return nil, jsonError(data, err)
	}
	if fs.Version != FormatVersion {
		return nil, versionError(fs.Version)
	}
	s := &Snapshot{Version: fs.Version, Start: fs.Start, End: fs.End, Step: fs.Step,
		Series: make([]Series, len(fs.Series))}
	// Values are most of the work: parse series on every core, and report
	// the first bad one in file order.
	errs := make([]error, len(fs.Series))
	next := atomic.Int64{}
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(fs.Series); i = int(next.Add(1) - 1) {
				x := &fs.Series[i]
				s.Series[i] = Series{Metric: x.Metric, Cluster: x.Cluster, Labels: x.Labels, Start: x.Start, Step: x.Step}
				s.Series[i].Values, errs[i] = parseValues(x.Values)
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf(": series %d (%s): values: %w", i, describe(&s.Series[i]), err)
		}
	}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf(": %w", err)
	}
	SortSeries(s.Series)
	return s, nil
}

func versionError(v int) error {
	if v == 0 {
		return fmt.Errorf(": no version: not a snapshot file (this planner reads version %d)", FormatVersion)
	}
	return fmt.Errorf(": version %d is not supported (this planner reads version %d)", v, FormatVersion)
}

// jsonError adds the line and column to a decoding error.
func jsonError(data []byte, err error) error {
	var off int64 = -1
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		off = syn.Offset
	case errors.As(err, &typ):
		off = typ.Offset
		err = fmt.Errorf("field %q: cannot read a JSON %s as %s", typ.Field, typ.Value, typ.Type)
	}
	if off < 0 || off > int64(len(data)) {
		return fmt.Errorf(": %w", err)
	}
	before := data[:off]
	line := bytes.Count(before, []byte{'\n'}) + 1
	col := int(off) - (bytes.LastIndexByte(before, '\n') + 1)
	return fmt.Errorf(":%d:%d: %w", line, col, err)
}

// parseValues reads a JSON array of numbers and nulls. The JSON decoder has
// checked the syntax already, so a value ends at a comma, a bracket or
// white space. (A hand loop: this is most of reading a large snapshot.)
func parseValues(raw json.RawMessage) ([]float64, error) {
	b := bytes.TrimSpace(raw)
	if len(b) < 2 || b[0] != '[' || b[len(b)-1] != ']' {
		return nil, fmt.Errorf("not an array")
	}
	b = b[1 : len(b)-1]
	out := make([]float64, 0, bytes.Count(b, []byte{','})+1)
	space := func(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }
	for p := 0; ; p++ { // p: past the comma before this value
		for p < len(b) && space(b[p]) {
			p++
		}
		if p == len(b) {
			if len(out) == 0 {
				return out, nil // []
			}
			return nil, fmt.Errorf("value %d is missing", len(out))
		}
		end := p
		for end < len(b) && b[end] != ',' && !space(b[end]) {
			end++
		}
		tok := b[p:end]
		switch c := tok[0]; {
		case string(tok) == "null":
			out = append(out, math.NaN())
		case c >= '0' && c <= '9' && len(tok) <= 15:
			if v, ok := integer(tok); ok {
				out = append(out, v)
				break
			}
			fallthrough
		case c == '-' || c >= '0' && c <= '9':
			v, err := strconv.ParseFloat(string(tok), 64)
			if err != nil {
				return nil, fmt.Errorf("value %d: %q is not a number", len(out), tok)
			}
			out = append(out, v)
		default:
			return nil, fmt.Errorf("value %d: %.20q is not a number or null", len(out), b[p:])
		}
		for end < len(b) && space(b[end]) {
			end++
		}
		if end == len(b) {
			return out, nil
		}
		p = end // at the comma
	}
}

// integer reads a token of up to 15 digits, exact as a float64 (below
// 2^53): the counts and bytes most values are, faster than ParseFloat.
func integer(tok []byte) (float64, bool) {
	n := int64(0)
	for _, c := range tok {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return float64(n), true
}
