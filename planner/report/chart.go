package report

import (
	"bytes"
	"fmt"
	"image/color"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Chart colours: the 95% band lighter than the 80% band it contains, both
// dark enough to stand out from the white page (the 95% band's edges are
// drawn too, so that a band a few pixels high still shows), and the
// forecast line darker than either.
var (
	colHistory  = color.RGBA{R: 0x22, G: 0x22, B: 0x22, A: 0xff}
	colForecast = color.RGBA{R: 0x08, G: 0x30, B: 0x6b, A: 0xff}
	colBand80   = color.RGBA{R: 0x6b, G: 0xae, B: 0xd6, A: 0xff}
	colBand95   = color.RGBA{R: 0xc6, G: 0xdb, B: 0xef, A: 0xff}
	colBandEdge = color.RGBA{R: 0x42, G: 0x92, B: 0xc6, A: 0xff}
	colCapacity = color.RGBA{R: 0xcb, G: 0x18, B: 0x1d, A: 0xff}
)

// legendRoom stretches the value axis so that the legend, top left, stays
// clear of the data.
const legendRoom = 1.4

// chartSVG draws one gateway's chart as an SVG element for inlining in
// HTML. vgsvg writes no ids, timestamps or random values and, unless asked
// to, embeds no fonts (text names Liberation by family), so the same chart
// gives the same bytes.
func chartSVG(ch Chart) (svg string, err error) {
	// gonum/plot panics on some inputs; a bad chart must be an error.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("drawing the chart: %v", r)
		}
	}()
	p, err := newChart(ch)
	if err != nil {
		return "", err
	}
	c := vgsvg.New(16*vg.Centimeter, 8*vg.Centimeter)
	p.Draw(draw.New(c))
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return "", err
	}
	return inlineSVG(b.String())
}

// newChart lays out the chart: bands under the forecast, history and
// capacity lines, a legend at the top left.
func newChart(ch Chart) (*plot.Plot, error) {
	p := plot.New()
	for _, f := range []*font.Font{&p.X.Tick.Label.Font, &p.Y.Tick.Label.Font, &p.Y.Label.TextStyle.Font, &p.Legend.TextStyle.Font} {
		f.Variant = "Sans" // like the page's text, rather than plot's serif
	}
	p.X.Tick.Marker = monthTicks{}
	p.Y.Tick.Marker = countTicks{}
	p.Y.Label.Text = "p95 connections"
	p.Y.Min = 0
	p.Legend.Top = true
	p.Legend.Left = true
	p.Add(plotter.NewGrid())
	if len(ch.Forecast) > 0 {
		if err := addBand(p, ch.Forecast); err != nil {
			return nil, err
		}
	}
	if err := addLine(p, "history", ch.History, colHistory, false); err != nil {
		return nil, err
	}
	if len(ch.Capacity) > 0 {
		if err := addLine(p, "capacity", ch.Capacity, colCapacity, true); err != nil {
			return nil, err
		}
	}
	p.Y.Max *= legendRoom
	return p, nil
}

// addBand draws the 95% and 80% bands as filled polygons and the point
// forecast over them.
func addBand(p *plot.Plot, f []BandPoint) error {
	r95, r80 := bandRings(f)
	for _, band := range []struct {
		name string
		ring plotter.XYs
		fill color.Color
		edge bool
	}{{"95% interval", r95, colBand95, true}, {"80% interval", r80, colBand80, false}} {
		poly, err := plotter.NewPolygon(band.ring)
		if err != nil {
			return err
		}
		poly.Color = band.fill
		poly.LineStyle.Width = 0
		if band.edge {
			poly.LineStyle = draw.LineStyle{Color: colBandEdge, Width: vg.Points(0.5)}
		}
		p.Add(poly)
		p.Legend.Add(band.name, poly)
	}
	pts := make([]Point, len(f))
	for i, b := range f {
		pts[i] = Point{Time: b.Time, Value: b.Point}
	}
	return addLine(p, "forecast", pts, colForecast, true)
}

// bandRings are the 95% and 80% bands' outlines: along the upper bounds
// oldest first, then back along the lower ones.
func bandRings(f []BandPoint) (r95, r80 plotter.XYs) {
	ring := func(lo, hi func(BandPoint) float64) plotter.XYs {
		r := make(plotter.XYs, 0, 2*len(f))
		for _, b := range f {
			r = append(r, plotter.XY{X: unix(b.Time), Y: hi(b)})
		}
		for i := len(f) - 1; i >= 0; i-- {
			r = append(r, plotter.XY{X: unix(f[i].Time), Y: lo(f[i])})
		}
		return r
	}
	r95 = ring(func(b BandPoint) float64 { return b.Lo95 }, func(b BandPoint) float64 { return b.Hi95 })
	r80 = ring(func(b BandPoint) float64 { return b.Lo80 }, func(b BandPoint) float64 { return b.Hi80 })
	return r95, r80
}

// addLine draws pts joined by straight segments, or as steps for the
// capacity, which holds each value until the next point.
func addLine(p *plot.Plot, name string, pts []Point, col color.Color, dashed bool) error {
	xys := make(plotter.XYs, len(pts))
	for i, pt := range pts {
		xys[i] = plotter.XY{X: unix(pt.Time), Y: pt.Value}
	}
	l, err := plotter.NewLine(xys)
	if err != nil {
		return err
	}
	l.Color = col
	l.Width = vg.Points(1.5)
	if dashed {
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	}
	if name == "capacity" {
		l.StepStyle = plotter.PostStep
	}
	p.Add(l)
	p.Legend.Add(name, l)
	return nil
}

func unix(t time.Time) float64 {
	return float64(t.Unix())
}

// svgNamespaces are the attributes vgsvg writes for a standalone file; in
// HTML the parser puts <svg> in its namespace itself, and the report holds
// no URL.
var svgNamespaces = []string{
	"\n\txmlns=\"http://www.w3.org/2000/svg\"",
	"\n\txmlns:xlink=\"http://www.w3.org/1999/xlink\"",
}

// inlineSVG turns vgsvg's standalone document into an element for HTML:
// without the XML declaration, generator comment and namespace attributes.
func inlineSVG(doc string) (string, error) {
	i := strings.Index(doc, "<svg")
	if i < 0 {
		return "", fmt.Errorf("drawing the chart: no <svg> element in the SVG output")
	}
	s := doc[i:]
	for _, ns := range svgNamespaces {
		if !strings.Contains(s, ns) {
			return "", fmt.Errorf("drawing the chart: unexpected SVG header, no %q", strings.TrimSpace(ns))
		}
		s = strings.Replace(s, ns, "", 1)
	}
	return s, nil
}
