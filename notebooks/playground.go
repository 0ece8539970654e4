package notebooks

import (
	"encoding/base64"
	"fmt"
	"html"
	"io"
	"os"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/dom"
	"github.com/janpfeifer/gonb/gonbui/widgets"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/plot/vg"

	"github.com/mvmr-ssl/mvmr-go/mvmr/dcorstat"
	"github.com/mvmr-ssl/mvmr-go/plotting"
)

// PlaygroundOptions configures Playground; the zero value waits 10 s for a front-end and stops
// after 5 minutes without a change.
type PlaygroundOptions struct {
	// Wait is how long Playground waits for a widget front-end to answer before it concludes that
	// the notebook runs headless (0: 10 s; GoNB itself gives the browser 3 s to connect).
	Wait time.Duration
	// Idle stops the playground after this long without a change (0: 5 minutes), so that a
	// "Run all" does not wait forever for the Done button.
	Idle time.Duration
}

// playground's sliders: the noise σ is noiseStep × the slider's value, n is nStep × its value.
const (
	noiseStep, noiseSlots = 0.02, 50
	nStep, nSlots         = 20, 50
	// The playground starts on the parabola (ToyRelations[1]), σ = 0.10, n = 200.
	startRelation, startNoise, startN = 1, 5, 10
)

// Playground shows, in a GoNB notebook opened in Jupyter, a choice of relation (ToyRelations)
// and sliders for the noise on y and the number of points n; every change redraws the sample
// and prints Pearson's r and dCor (exact float64, mvmr/dcorstat) for it, until the Done button
// or opts.Idle without a change. It then shows the last sample as a static figure, which stays
// in the saved notebook.
//
// Whether a front-end is there is found out, not guessed. The kit's notebook runner
// (internal/nbexec: the notebook test, `mvmr notebook`) sets HeadlessEnv, and then Playground
// says so and returns false at once. Otherwise it asks: the relation menu is a GoNB widget,
// and GoNB widgets report their value from the browser when they start; when none is reported
// within opts.Wait (another headless runner), Playground writes a line saying so to w and
// returns false; GoNB's attempt to connect leaves its script in the cell's saved outputs. It returns true after a live
// session.
func Playground(w io.Writer, opts PlaygroundOptions) (bool, error) {
	if os.Getenv(HeadlessEnv) == "1" {
		_, err := fmt.Fprintf(w, "playground: executed headless (%s=1: the kit's notebook runner, nbconvert, no browser for widgets): "+
			"the grid above is its static version; open the notebook in Jupyter to move the sliders\n", HeadlessEnv)
		return false, err
	}
	if !gonbui.IsNotebook {
		_, err := fmt.Fprintln(w, "playground: not running in a GoNB notebook; nothing to show")
		return false, err
	}
	wait, idle := opts.Wait, opts.Idle
	if wait <= 0 {
		wait = 10 * time.Second
	}
	if idle <= 0 {
		idle = 5 * time.Minute
	}
	root := dom.CreateTransientDiv()
	dom.Append(root, "<b>relation</b> ")
	relation := widgets.Select(ToyRelationNames()).SetDefault(startRelation).AppendTo(root)
	started := make(chan struct{})
	go func() {
		relation.Done() // returns once the browser has reported the menu's value
		close(started)
	}()
	select {
	case <-started:
	case <-time.After(wait):
		_, err := fmt.Fprintf(w, "playground: no widget front-end answered within %s (the notebook runs headless, e.g. under nbconvert): "+
			"the grid above is its static version; open the notebook in Jupyter to move the sliders\n", wait)
		return false, err
	}
	dom.Append(root, " <b>noise σ</b> ")
	noise := widgets.Slider(0, noiseSlots, startNoise).AppendTo(root).Done()
	dom.Append(root, " <b>n</b> ")
	size := widgets.Slider(1, nSlots, startN).AppendTo(root).Done()
	dom.Append(root, " ")
	done := widgets.Button("Done").AppendTo(root).Done()
	view := "mvmr_playground_" + gonbui.UniqueId()

	relationC, noiseC, sizeC := relation.Listen().LatestOnly(), noise.Listen().LatestOnly(), size.Listen().LatestOnly()
	doneC := done.Listen()
	defer func() {
		relationC.Close()
		noiseC.Close()
		sizeC.Close()
		doneC.Close()
	}()
	// The widgets' values as last received here, starting from the values they were built with
	// (a widget's own Value is set by a goroutine of its own, which may not have run yet).
	rel, sigma, n := startRelation, startNoise, startN
	var last ToyPair
	draw := func() error {
		p, err := playgroundSample(rel, sigma, n)
		if err != nil {
			return err
		}
		last = p
		png, err := playgroundPNG(p, sigma)
		if err != nil {
			return err
		}
		gonbui.UpdateHtml(view, fmt.Sprintf(`<img src="data:image/png;base64,%s"/>`, base64.StdEncoding.EncodeToString(png)))
		return nil
	}
	if err := draw(); err != nil {
		return true, err
	}
	timer := time.NewTimer(idle)
	defer timer.Stop()
	for stop := false; !stop; {
		select {
		case rel = <-relationC.C:
		case sigma = <-noiseC.C:
		case n = <-sizeC.C:
		case <-doneC.C:
			stop = true
		case <-timer.C:
			stop = true
		}
		if !stop {
			timer.Reset(idle)
			if err := draw(); err != nil {
				return true, err
			}
		}
	}
	gonbui.UpdateHtml(view, "")
	dom.SetInnerHtml(root, html.EscapeString("playground closed"))
	fmt.Fprintf(w, "playground closed; the last sample: %s, noise σ = %.2f, n = %d: Pearson r = %+.3f, dCor = %.3f\n",
		last.Name, float64(sigma)*noiseStep, len(last.X), last.Pearson, last.DCor)
	png, err := playgroundPNG(last, sigma)
	if err != nil {
		return true, err
	}
	gonbui.DisplayPNG(png)
	gonbui.Sync() // the program may end right after: let GoNB have the image first
	return true, gonbui.Error()
}

// playgroundSample draws the playground's sample for the widgets' values (a relation's index,
// the noise and n sliders) and measures it: Pearson's r and the exact float64 dCor.
func playgroundSample(relation, noise, size int) (ToyPair, error) {
	if relation < 0 || relation >= len(ToyRelations) {
		return ToyPair{}, fmt.Errorf("playground: relation %d; expected 0 to %d", relation, len(ToyRelations)-1)
	}
	p, err := ToyPairOf(ToyRelations[relation].Name, max(size, 1)*nStep, float64(noise)*noiseStep, 1)
	if err != nil {
		return ToyPair{}, err
	}
	p.Pearson = stat.Correlation(p.X, p.Y, nil)
	p.DCor, err = dcorstat.DCor(dcorstat.Sample{N: len(p.X), D: 1, Data: p.X}, dcorstat.Sample{N: len(p.Y), D: 1, Data: p.Y})
	return p, err
}

// playgroundSide is the side of the playground's square figure.
const playgroundSide = 4 * vg.Inch

// playgroundPNG draws one sample with its settings (noise is the slider's value), r and dCor,
// as a square PNG.
func playgroundPNG(p ToyPair, noise int) ([]byte, error) {
	fig, err := plotting.DependenceGrid([][]plotting.DependencePanel{{{Name: p.Name, X: p.X, Y: p.Y,
		Caption: fmt.Sprintf("r = %+.3f, dCor = %.3f", p.Pearson, p.DCor)}}},
		plotting.DependenceGridOptions{ColNames: []string{fmt.Sprintf("%s, noise σ = %.2f, n = %d", p.Name, float64(noise)*noiseStep, len(p.X))}})
	if err != nil {
		return nil, err
	}
	return plotting.RenderSize(fig, plotting.FormatPNG, playgroundSide, playgroundSide)
}
