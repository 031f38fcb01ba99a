package report

import (
	"bytes"
	"fmt"
	"html/template"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Charts are drawn by gonum.org/v1/plot into its SVG backend and inlined in the
// HTML: no image file, no network fetch. Their labels are fixed Spanish strings
// and numbers, never user text.

// intentShort labels the intents under the chart's bars.
var intentShort = map[string]string{"question": "Preguntas", "info_request": "Solicitudes", "suggestion": "Sugerencias",
	"complaint": "Quejas", "praise": "Elogios", "other": "Otros"}

var (
	colorBar      = color.RGBA{R: 0x2b, G: 0x57, B: 0x97, A: 0xff}
	colorExpected = color.RGBA{R: 0xb0, G: 0x3a, B: 0x2e, A: 0xff}
)

// svgOf renders p as an inline <svg> element of w×h.
func svgOf(p *plot.Plot, w, h vg.Length) (template.HTML, error) {
	c := vgsvg.New(w, h)
	p.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return "", fmt.Errorf("report: chart: %w", err)
	}
	b := buf.Bytes()
	if i := bytes.Index(b, []byte("<svg")); i >= 0 {
		b = b[i:] // drop the XML declaration: the SVG is inlined in HTML
	}
	// The SVG is produced by the plotting library from numbers and fixed labels.
	return template.HTML(b), nil //nolint:gosec // no user text reaches a chart
}

// weeklyChart is an account's own posts per week against the expected cadence.
func weeklyChart(weekly []int64, expected float64) (template.HTML, error) {
	p := plot.New()
	p.Title.Text = "Publicaciones por semana"
	p.X.Label.Text = "Semana del periodo"
	p.Y.Label.Text = "Publicaciones"
	vals := make(plotter.Values, len(weekly))
	names := make([]string, len(weekly))
	for i, n := range weekly {
		vals[i] = float64(n)
		if len(weekly) <= 14 || i%2 == 0 {
			names[i] = fmt.Sprint(i + 1)
		}
	}
	bars, err := plotter.NewBarChart(vals, vg.Points(9))
	if err != nil {
		return "", fmt.Errorf("report: chart: %w", err)
	}
	bars.Color, bars.LineStyle.Width = colorBar, 0
	p.Add(bars)
	line := plotter.NewFunction(func(float64) float64 { return expected })
	line.Color, line.Width, line.Dashes = colorExpected, vg.Points(1.5), []vg.Length{vg.Points(4), vg.Points(3)}
	p.Add(line)
	p.Legend.Add(fmt.Sprintf("esperado (%.4g por semana)", expected), line)
	p.Legend.Top = true
	p.NominalX(names...)
	p.Y.Min = 0
	if p.Y.Max < expected*1.2 {
		p.Y.Max = expected * 1.2
	}
	if p.Y.Max == 0 {
		p.Y.Max = 1
	}
	return svgOf(p, 16*vg.Centimeter, 6*vg.Centimeter)
}

// intentChart is the comments received by intent.
func intentChart(byIntent map[string]int64) (template.HTML, error) {
	p := plot.New()
	p.Title.Text = "Comentarios recibidos por intención"
	p.Y.Label.Text = "Comentarios"
	var vals plotter.Values
	var names []string
	for _, in := range intentOrder {
		vals = append(vals, float64(byIntent[in]))
		names = append(names, intentShort[in])
	}
	bars, err := plotter.NewBarChart(vals, vg.Points(28))
	if err != nil {
		return "", fmt.Errorf("report: chart: %w", err)
	}
	bars.Color, bars.LineStyle.Width = colorBar, 0
	p.Add(bars)
	p.NominalX(names...)
	p.Y.Min = 0
	if p.Y.Max == 0 {
		p.Y.Max = 1
	}
	return svgOf(p, 16*vg.Centimeter, 6*vg.Centimeter)
}
