package headless

import (
	"bytes"
	"context"
	"image/png"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// A page that does everything Problems looks for, so that a report test
// finding no problem means there were none, not that none were seen.
const brokenPage = `<!DOCTYPE html>
<html><head><title>broken</title></head>
<body>
<p>text</p>
<img src="missing.png" alt="">
<script>
console.log("fine");
console.error("boom", 42);
console.warn("careful");
console.assert(1 === 2, "one is not two");
missingFunction();
</script>
</body></html>
`

func TestBrowserReportsProblems(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "page.html")
	if err := os.WriteFile(file, []byte(brokenPage), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b := StartT(t, ctx, "--window-size=900,700")
	pageURL := (&url.URL{Scheme: "file", Path: file}).String()
	imgURL := (&url.URL{Scheme: "file", Path: filepath.Join(dir, "missing.png")}).String()
	p, err := b.Open(ctx, pageURL)
	if err != nil {
		t.Fatal(err)
	}

	var title string
	if err := p.Evaluate(ctx, "document.title", &title); err != nil {
		t.Fatal(err)
	}
	if title != "broken" {
		t.Errorf("title %q, want broken", title)
	}
	// The script and the image load run concurrently: compare as sets.
	got := p.Problems()
	want := []string{
		"console error: boom 42",
		"console warning: careful",
		"console assert: one is not two",
		"exception: Uncaught ReferenceError: missingFunction is not defined (" + pageURL + ":11)",
		"log error (network): Failed to load resource: net::ERR_FILE_NOT_FOUND (" + imgURL + ")",
		"request failed: " + imgURL + ": net::ERR_FILE_NOT_FOUND",
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n%q\nwant:\n%q", got, want)
	}
	if got, want := p.Requests(), []string{pageURL, imgURL}; !slices.Equal(got, want) {
		t.Errorf("requests %q, want %q", got, want)
	}

	shot, err := p.Screenshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("the screenshot is not a PNG: %v", err)
	}
	if cfg.Width != 900 {
		t.Errorf("screenshot %dx%d px, want the window's width, 900", cfg.Width, cfg.Height)
	}

	if err := p.Evaluate(ctx, "missingFunction()", new(any)); err == nil {
		t.Error("Evaluate of a throwing expression gave no error")
	}
}
