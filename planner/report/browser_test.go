package report

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/rabbitfleet/rabbitfleet/internal/testsupport/headless"
)

// The HTML report as a reader sees it: opened in real headless Chromium
// (Debian's chromium, from scripts/install-chromium).

// browserWidth and browserHeight are the window's size in CSS px: a common
// laptop screen, wider than the page's 80rem body and its padding (1312
// px), so that nothing should make it scroll sideways.
const browserWidth, browserHeight = 1440, 900

// chartWidth and chartHeight are a chart's size on that screen: the CSS
// max-width (48rem) and the aspect ratio of the 16 cm x 8 cm drawing.
const chartWidth, chartHeight = 768, 384

// artefacts is where screenshots are kept after the test, under the
// repository's git-ignored out/.
var artefacts = filepath.Join("..", "..", "out", "test-artefacts")

func TestBrowserReport(t *testing.T) {
	p := testPlan()
	dir := filepath.Join(t.TempDir(), "report")
	if err := Write(dir, p); err != nil {
		t.Fatal(err)
	}
	checkInBrowser(t, p, filepath.Join(dir, "report.html"), "report.png")
}

// pageLayout is what the browser made of the page.
type pageLayout struct {
	Title    string
	Headings []string
	Charts   []chartBox
}

// chartBox is one <svg>: the gateway its figure names and where it was
// laid out, in CSS px from the top left of the page.
type chartBox struct {
	Gateway             string
	X, Y, Width, Height float64
}

const layoutJS = `({
	title: document.title,
	headings: [...document.querySelectorAll("h1, h2")].map(h => h.textContent),
	charts: [...document.querySelectorAll("svg")].map(s => {
		const r = s.getBoundingClientRect();
		const h = s.closest("figure")?.querySelector("h3");
		return {gateway: h ? h.textContent : "", x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height};
	}),
})`

// checkInBrowser opens the report file at path in Chromium and checks it
// against p; the screenshot goes to artefacts/shot.
func checkInBrowser(t *testing.T, p *Plan, path, shot string) {
	t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	start := time.Now()
	b := headless.StartT(t, ctx, fmt.Sprintf("--window-size=%d,%d", browserWidth, browserHeight), "--hide-scrollbars",
		"--force-color-profile=srgb") // the charts' colours, exactly, in the screenshot
	fileURL := (&url.URL{Scheme: "file", Path: abs}).String()
	page, err := b.Open(ctx, fileURL)
	if err != nil {
		t.Fatal(err)
	}
	var got pageLayout
	if err := page.Evaluate(ctx, layoutJS, &got); err != nil {
		t.Fatal(err)
	}

	// Read after Evaluate's answer: every event of the load came before it.
	for _, pr := range page.Problems() {
		t.Errorf("browser console: %s", pr)
	}
	// Self-contained: the file is the only thing the page loads.
	if reqs := page.Requests(); !slices.Equal(reqs, []string{fileURL}) {
		t.Errorf("requests %q, want only the report %q", reqs, fileURL)
	}

	d := buildDocument(p)
	if got.Title != d.Title {
		t.Errorf("title %q, want %q", got.Title, d.Title)
	}
	want := []string{d.Title}
	for _, s := range d.Sections {
		want = append(want, s.Title)
	}
	if !slices.Equal(got.Headings, want) {
		t.Errorf("headings %q, want %q", got.Headings, want)
	}
	var gateways []string
	for _, g := range p.Gateways {
		gateways = append(gateways, g.Name)
	}
	var charted []string
	for _, c := range got.Charts {
		charted = append(charted, c.Gateway)
		if c.Width != chartWidth || c.Height != chartHeight {
			t.Errorf("chart of %q laid out %gx%g px, want %dx%d", c.Gateway, c.Width, c.Height, chartWidth, chartHeight)
		}
	}
	if !slices.Equal(charted, gateways) {
		t.Errorf("charts (<svg> in a figure) for %q, want one per gateway %q", charted, gateways)
	}

	img := screenshot(t, ctx, page, shot)
	for _, c := range got.Charts {
		checkPainted(t, img, c)
	}
	t.Logf("%s checked in Chromium in %.1fs", path, time.Since(start).Seconds())
}

// screenshot captures the whole page, keeps it as artefacts/name and
// decodes it.
func screenshot(t *testing.T, ctx context.Context, page *headless.Page, name string) image.Image {
	t.Helper()
	b, err := page.Screenshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(artefacts, 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := filepath.Abs(filepath.Join(artefacts, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the screenshot %s is not a PNG: %v", out, err)
	}
	size := img.Bounds().Size()
	t.Logf("screenshot %s: %dx%d px, %d bytes", out, size.X, size.Y, len(b))
	// The window's width: no table or chart makes the page scroll sideways.
	if size.X != browserWidth {
		t.Errorf("screenshot %d px wide, want the window's %d", size.X, browserWidth)
	}
	return img
}

// checkPainted looks for both interval bands' fill colours inside the
// chart's box: the SVG was drawn, not only laid out.
func checkPainted(t *testing.T, img image.Image, c chartBox) {
	t.Helper()
	box := image.Rect(int(c.X), int(c.Y), int(c.X+c.Width), int(c.Y+c.Height)).Intersect(img.Bounds())
	for _, want := range []color.RGBA{colBand95, colBand80} {
		n := 0
		for y := box.Min.Y; y < box.Max.Y; y++ {
			for x := box.Min.X; x < box.Max.X; x++ {
				if color.RGBAModel.Convert(img.At(x, y)) == want {
					n++
				}
			}
		}
		if n == 0 {
			t.Errorf("chart of %q: no pixel of the band colour %v in %v of the screenshot", c.Gateway, want, box)
		}
	}
}
