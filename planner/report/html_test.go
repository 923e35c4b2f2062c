package report

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// walk calls f on every element of the tree under n.
func walk(n *html.Node, f func(*html.Node)) {
	if n.Type == html.ElementNode {
		f(n)
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, f)
	}
}

func parseHTML(t *testing.T, b []byte) *html.Node {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("report.html does not parse: %v", err)
	}
	return doc
}

func TestHTMLChartsAndNoExternalReference(t *testing.T) {
	b := writeReport(t, testPlan())["report.html"]
	for _, scheme := range []string{"http://", "https://", "url("} {
		if bytes.Contains(b, []byte(scheme)) {
			t.Errorf("report.html contains %q", scheme)
		}
	}
	doc := parseHTML(t, b)
	var svgs, scripts, paths int
	var figureTitles []string
	walk(doc, func(n *html.Node) {
		switch {
		case n.Data == "svg" && n.Namespace == "svg":
			svgs++
			if p := n.Parent; p == nil || p.Data != "figure" {
				t.Error("<svg> not directly inside <figure>")
			}
		case n.Data == "path" && n.Namespace == "svg":
			paths++
		case n.Data == "script":
			scripts++
		case n.Data == "h3" && n.Parent != nil && n.Parent.Data == "figure":
			figureTitles = append(figureTitles, n.FirstChild.Data)
		}
		for _, a := range n.Attr {
			if strings.Contains(a.Val, "://") || a.Key == "src" || a.Key == "href" {
				t.Errorf("<%s %s=%q> refers to something outside the file", n.Data, a.Key, a.Val)
			}
		}
	})
	if svgs != 2 {
		t.Errorf("%d <svg> elements, want one per gateway (2)", svgs)
	}
	if paths < 2*6 {
		t.Errorf("%d SVG paths, want at least 6 a chart (two bands, three lines, frame)", paths)
	}
	if scripts != 0 {
		t.Errorf("%d <script> elements, want none (the plan's text is escaped)", scripts)
	}
	if got := strings.Join(figureTitles, ","); got != "gateway-eu,gateway-us" {
		t.Errorf("charts for %s, want gateway-eu,gateway-us", got)
	}
	if !bytes.Contains(b, []byte("&lt;script&gt;alert(1)&lt;/script&gt; is only text")) {
		t.Error("the assumption's markup is not escaped")
	}
}

// A Prometheus URL is shown as text, never as a link or resource.
func TestHTMLPrometheusSourceIsText(t *testing.T) {
	p := testPlan()
	p.Inputs.History.Kind, p.Inputs.History.Location = "prometheus", "http://prometheus:9090"
	b, err := htmlFile(p)
	if err != nil {
		t.Fatal(err)
	}
	doc := parseHTML(t, b)
	walk(doc, func(n *html.Node) {
		if n.Data == "a" {
			t.Error("report.html has a link")
		}
		for _, a := range n.Attr {
			if strings.Contains(a.Val, "://") {
				t.Errorf("<%s %s=%q> holds a URL", n.Data, a.Key, a.Val)
			}
		}
	})
	if !bytes.Contains(b, []byte("<li>History: prometheus http://prometheus:9090, 2024-07-01 00:00 UTC to 2025-07-01 00:00 UTC, step 1h</li>")) {
		t.Error("the history source is not listed as text")
	}
}

func TestHTMLSectionsInOrder(t *testing.T) {
	doc := parseHTML(t, writeReport(t, testPlan())["report.html"])
	var ids []string
	walk(doc, func(n *html.Node) {
		if n.Data == "section" {
			for _, a := range n.Attr {
				if a.Key == "id" {
					ids = append(ids, a.Val)
				}
			}
		}
	})
	want := []string{secSummary, secActions, secGateways, secBackend, secDemand, secNewGateways, secStorm, secCapacity, secAccuracy,
		secLastMonth, secAssumptions, secInputs, secAppendix}
	if strings.Join(ids, " ") != strings.Join(want, " ") {
		t.Errorf("sections %v, want %v", ids, want)
	}
}

func TestInlineSVGRejectsUnknownHeader(t *testing.T) {
	if _, err := inlineSVG("<svg width=\"1pt\">"); err == nil {
		t.Error("inlineSVG accepted a header without the namespaces it removes")
	}
	if _, err := inlineSVG("no svg"); err == nil {
		t.Error("inlineSVG accepted a document without <svg>")
	}
}
