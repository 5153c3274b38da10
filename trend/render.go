package trend

import (
	"bytes"
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/newsdesk/newsdesk/news"
)

// The chart's size in pixels (at 96 dots per inch).
const (
	Width  = 960
	Height = 480
	dpi    = 96
)

// maxLabels is how many bucket labels the x axis shows; the others are
// left blank so that labels never overlap.
const maxLabels = 16

// colours per kind, the same on every chart.
var colours = map[news.Kind]color.RGBA{
	news.Allegation: {R: 0xd6, G: 0x27, B: 0x28, A: 0xff},
	news.Indictment: {R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
	news.Sanction:   {R: 0xff, G: 0x7f, B: 0x0e, A: 0xff},
	news.Response:   {R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff},
	news.Other:      {R: 0x7f, G: 0x7f, B: 0x7f, A: 0xff},
}

// PNG draws the series as bars per bucket, stacked by kind, titled title,
// and returns the PNG (Width × Height pixels).
func (s Series) PNG(title string) ([]byte, error) {
	if len(s.Buckets) == 0 {
		return nil, fmt.Errorf("trend: %w", ErrNoStatements)
	}
	p := plot.New()
	p.Title.Text = title
	p.Y.Label.Text = "statements per " + s.Period.String()
	p.Title.TextStyle.Font.Size = vg.Points(14)
	p.Y.Min = 0
	// head room above the tallest bar for the legend
	var tallest uint64
	for i := range s.Buckets {
		tallest = max(tallest, s.BucketTotal(i))
	}
	p.Y.Max = float64(tallest) * 1.45
	p.Legend.Top = true
	p.Legend.Left = true
	p.Legend.XOffs = vg.Points(8)
	width := vg.Points(float64(Width-120) / float64(len(s.Buckets)) * 0.6)
	width = max(min(width, vg.Points(28)), vg.Points(2))
	var below *plotter.BarChart
	for _, k := range s.Kinds() {
		vals := make(plotter.Values, len(s.Buckets))
		for i, n := range s.Counts[k] {
			vals[i] = float64(n)
		}
		bars, err := plotter.NewBarChart(vals, width)
		if err != nil {
			return nil, fmt.Errorf("trend: %s bars: %w", k, err)
		}
		bars.Color = colours[k]
		bars.LineStyle.Width = 0
		if below != nil {
			bars.StackOn(below)
		}
		p.Add(bars)
		p.Legend.Add(fmt.Sprintf("%s (%d)", k, s.KindTotal(k)), bars)
		below = bars
	}
	every := (len(s.Buckets) + maxLabels - 1) / maxLabels
	labels := make([]string, len(s.Buckets))
	for i, b := range s.Buckets {
		if i%every == 0 {
			labels[i] = b.Label
		}
	}
	p.NominalX(labels...)
	if len(s.Buckets) > 8 {
		p.X.Tick.Label.Rotation = 0.6
		p.X.Tick.Label.XAlign = draw.XRight
		p.X.Tick.Label.YAlign = draw.YCenter
	}
	c := vgimg.NewWith(vgimg.UseWH(vg.Length(Width)*vg.Inch/dpi, vg.Length(Height)*vg.Inch/dpi), vgimg.UseDPI(dpi))
	p.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("trend: encode PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// Colour is the colour of kind k's bars.
func Colour(k news.Kind) color.RGBA { return colours[k] }
