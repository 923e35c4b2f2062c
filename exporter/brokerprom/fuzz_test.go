package brokerprom

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse: any answer from a node's endpoint is parsed or refused, never a
// panic, and a parsed one always names its node.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/detailed-*.txt")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, text string) {
		p, err := parse(strings.NewReader(text))
		if err != nil {
			return
		}
		if p.node == "" {
			t.Fatal("parsed without a node name")
		}
		for name := range nodeFigures {
			p.single(name)
		}
		for _, q := range p.queues() {
			if q.Node != p.node {
				t.Fatalf("queue %+v not keyed by the page's node %q", q, p.node)
			}
		}
	})
}
