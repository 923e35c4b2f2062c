// Package latency knows the round trip from each client region to each AWS
// region, for judging how well a gateway serves a region and where a new
// one should go. An embedded table is the default; a file of the same CSV
// format replaces it.
package latency

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// defaultCSV holds rough public inter-region round-trip figures; see the
// comment at its top for where they come from.
//
//go:embed default.csv
var defaultCSV []byte

// Table is a complete matrix of round trips in milliseconds: every client
// region has a figure for every AWS region. It is read-only, so one Table
// may be shared.
type Table struct {
	rtt     map[pair]float64
	clients []string
	regions []string
}

type pair struct{ client, region string }

var defaultTable = sync.OnceValue(func() *Table {
	t, err := read(bytes.NewReader(defaultCSV), "embedded latency table")
	if err != nil {
		panic(err) // a build defect, caught by the package's tests
	}
	return t
})

// Default returns the embedded table.
func Default() *Table { return defaultTable() }

// Load reads a table from a CSV file with the header
// "client_region,aws_region,rtt_ms". Lines starting with # are comments.
// Errors name the file, line, column and value.
func Load(path string) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("latency table: %w", err)
	}
	defer f.Close()
	return read(f, path)
}

// Millis returns the round trip from client to awsRegion, and false when
// the table does not know either.
func (t *Table) Millis(client, awsRegion string) (float64, bool) {
	v, ok := t.rtt[pair{client, awsRegion}]
	return v, ok
}

// AWSRegions returns the AWS regions of the table, sorted: the candidate
// sites for a new gateway.
func (t *Table) AWSRegions() []string { return slices.Clone(t.regions) }

// ClientRegions returns the client regions of the table, sorted.
func (t *Table) ClientRegions() []string { return slices.Clone(t.clients) }

var (
	header = []string{"client_region", "aws_region", "rtt_ms"}
	// awsRegionRE catches typos such as "eu-west1" or "EU-WEST-1".
	awsRegionRE = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
)

func read(r io.Reader, name string) (*Table, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.Comment = '#'

	head, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: empty: want the header %s", name, strings.Join(header, ","))
	}
	if err != nil {
		return nil, csvError(name, err)
	}
	line, _ := cr.FieldPos(0)
	for i := range head {
		head[i] = strings.TrimSpace(head[i])
	}
	if !slices.Equal(head, header) {
		return nil, fmt.Errorf("%s:%d: header: want %s, got %s", name, line, strings.Join(header, ","), strings.Join(head, ","))
	}

	t := &Table{rtt: map[pair]float64{}}
	lineOf := map[pair]int{}
	clients, regions := map[string]bool{}, map[string]bool{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			return nil, fmt.Errorf("%s:%d: want 3 columns (%s), got %d", name, line, strings.Join(header, ","), len(rec))
		}
		p, ms, err := parseRow(rec)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		if first, dup := lineOf[p]; dup {
			return nil, fmt.Errorf("%s:%d: client region %q to %q: already given on line %d", name, line, p.client, p.region, first)
		}
		lineOf[p] = line
		t.rtt[p] = ms
		clients[p.client], regions[p.region] = true, true
	}
	if len(t.rtt) == 0 {
		return nil, fmt.Errorf("%s: no rows after the header", name)
	}
	t.clients = slices.Sorted(maps.Keys(clients))
	t.regions = slices.Sorted(maps.Keys(regions))
	// A hole would make a candidate site look unreachable (or free) for
	// one region; better to say so now.
	for _, c := range t.clients {
		for _, r := range t.regions {
			if _, ok := t.rtt[pair{c, r}]; !ok {
				return nil, fmt.Errorf("%s: client region %q has no row for aws_region %q (every client region needs every AWS region of the table)", name, c, r)
			}
		}
	}
	return t, nil
}

func parseRow(rec []string) (pair, float64, error) {
	p := pair{strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1])}
	if p.client == "" {
		return p, 0, fmt.Errorf("column %q: value is missing", "client_region")
	}
	if !awsRegionRE.MatchString(p.region) {
		return p, 0, fmt.Errorf("column %q: %q is not an AWS region name (like eu-west-1)", "aws_region", p.region)
	}
	s := strings.TrimSpace(rec[2])
	ms, err := strconv.ParseFloat(s, 64)
	switch {
	case s == "":
		return p, 0, fmt.Errorf("column %q: value is missing", "rtt_ms")
	case err != nil || math.IsNaN(ms) || math.IsInf(ms, 0):
		return p, 0, fmt.Errorf("column %q: %q is not a number", "rtt_ms", s)
	case ms <= 0:
		return p, 0, fmt.Errorf("column %q: %q must be positive", "rtt_ms", s)
	}
	return p, ms, nil
}

// csvError puts a CSV syntax error in the name:line:column form.
func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s:%d:%d: %w", name, pe.Line, pe.Column, pe.Err)
	}
	return fmt.Errorf("%s: %w", name, err)
}
