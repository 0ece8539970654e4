//go:build unix

package plotting

import (
	"bytes"
	"encoding/gob"
	"errors"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/protocol"
)

// showChildEnv marks the child process of TestShowInNotebook.
const showChildEnv = "PLOTTING_SHOW_CHILD"

// allFigures returns one figure of each kind, from the tests' seeded data.
func allFigures(t *testing.T) map[string]Figure {
	t.Helper()
	xy, labels := gaussianClusters(500, 10, 1)
	images, _ := blobImages(6, 1)
	orig, aug := augmentedViews(images[:2*784])
	figs := map[string]Figure{}
	add := func(name string, f Figure, err error) {
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		figs[name] = f
	}
	p, err := LossComponents(syntheticHistory(100), LossComponentsOptions{})
	add("LossComponents", p, err)
	e, err := Embedding2D(xy, labels, Embedding2DOptions{ClassNames: digitNames})
	add("Embedding2D", e, err)
	a, err := Ablation(ablationResults(), AblationOptions{Baseline: "none"})
	add("Ablation", a, err)
	d, err := DCorTraces(diagHistory(200), DCorTracesOptions{})
	add("DCorTraces", d, err)
	hm, err := DCorHeatmap(heatMatrix, heatNames, DCorHeatmapOptions{})
	add("DCorHeatmap", hm, err)
	c, err := Collapse(collapseHistory(100), CollapseOptions{Margin: 1})
	add("Collapse", c, err)
	g, err := Grid(images, GridOptions{Height: 28, Width: 28, Channels: 1})
	add("Grid", g, err)
	pr, err := Pairs(orig, aug, GridOptions{Height: 28, Width: 28, Channels: 1, Mean: mnistMean, Std: mnistStd})
	add("Pairs", pr, err)
	return figs
}

// figureOrder fixes the order in which the child shows the figures.
var figureOrder = []string{"LossComponents", "Embedding2D", "Ablation", "DCorTraces", "DCorHeatmap", "Collapse", "Grid", "Pairs"}

// TestShowInNotebook runs this test binary as a GoNB cell would run (GONB_PIPE set to a named
// pipe), has it Show every figure and ShowSVG one, and decodes what GoNB would receive: one
// image/png output per figure, at the figure's size, then the SVG (sent as HTML).
func TestShowInNotebook(t *testing.T) {
	if os.Getenv(showChildEnv) != "" {
		if !gonbui.IsNotebook {
			t.Fatal("child: GONB_PIPE is not seen")
		}
		figs := allFigures(t)
		for _, name := range figureOrder {
			if err := Show(figs[name]); err != nil {
				t.Fatalf("Show(%s): %v", name, err)
			}
		}
		if err := ShowSVG(figs["Ablation"]); err != nil {
			t.Fatalf("ShowSVG: %v", err)
		}
		return
	}
	dir := t.TempDir()
	toKernel, fromKernel := filepath.Join(dir, "pipe"), filepath.Join(dir, "pipe_back")
	for _, path := range []string{toKernel, fromKernel} {
		if err := syscall.Mkfifo(path, 0o600); err != nil {
			t.Skipf("named pipes unavailable: %v", err)
		}
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestShowInNotebook$", "-test.count=1")
	cmd.Env = append(os.Environ(), showChildEnv+"=1", protocol.GONB_PIPE_ENV+"="+toKernel, protocol.GONB_PIPE_BACK_ENV+"="+fromKernel)
	var childOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &childOut, &childOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The kernel's ends: read what the cell sends; hold the back pipe open for writing. Both
	// opens block until the child opens its ends, so they run beside cmd.Wait.
	backCh := make(chan *os.File, 1)
	go func() {
		f, _ := os.OpenFile(fromKernel, os.O_WRONLY, 0)
		backCh <- f
	}()
	type result struct {
		messages []protocol.DisplayData
		syncs    int
		err      error
	}
	readCh := make(chan result, 1)
	go func() {
		reader, err := os.OpenFile(toKernel, os.O_RDONLY, 0)
		if err != nil {
			readCh <- result{err: err}
			return
		}
		defer reader.Close()
		var r result
		dec := gob.NewDecoder(reader)
		var enc *gob.Encoder
		for {
			var msg protocol.DisplayData
			if err := dec.Decode(&msg); err != nil {
				if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
					r.err = err
				}
				break
			}
			// Answer gonbui.Sync as GoNB does (internal/jpyexec): an ack with the request's id.
			if v, ok := msg.Data[protocol.MIMECommValue].(protocol.CommValue); ok && v.Address == protocol.GonbuiSyncAddress {
				if enc == nil {
					back := <-backCh
					defer func() { backCh <- back }() // the test closes it below
					enc = gob.NewEncoder(back)
				}
				if err := enc.Encode(&protocol.CommValue{Address: protocol.GonbuiSyncAckAddress, Value: v.Value}); err != nil {
					r.err = err
					break
				}
				r.syncs++
				continue
			}
			r.messages = append(r.messages, msg)
		}
		readCh <- r
	}()
	waitErr := make(chan error, 1)
	go func() { waitErr <- cmd.Wait() }()
	var childErr error
	select {
	case childErr = <-waitErr:
	case <-time.After(2 * time.Minute):
		_ = cmd.Process.Kill()
		childErr = <-waitErr
	}
	// Release our opens if the child never opened its ends (a failure before Show).
	if f, err := os.OpenFile(toKernel, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
		f.Close()
	}
	if f, err := os.OpenFile(fromKernel, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
		f.Close()
	}
	if f := <-backCh; f != nil {
		f.Close()
	}
	r := <-readCh
	if childErr != nil {
		t.Fatalf("child: %v\n%s", childErr, childOut.String())
	}
	if r.err != nil {
		t.Fatalf("decoding the cell's output: %v", r.err)
	}
	messages := r.messages
	if r.syncs != len(messages) {
		t.Errorf("the cell synced with the kernel %d times for %d outputs; want one sync per Show, so that no output is lost when the program ends", r.syncs, len(messages))
	}
	figs := allFigures(t)
	t.Logf("the cell sent %d outputs", len(messages))
	if len(messages) != len(figureOrder)+1 {
		t.Fatalf("the cell sent %d outputs; want %d PNGs and one SVG", len(messages), len(figureOrder))
	}
	for i, name := range figureOrder {
		data, ok := messages[i].Data[protocol.MIMEImagePNG].([]byte)
		if !ok {
			t.Errorf("%s: output %d is %v, not image/png", name, i, keys(messages[i].Data))
			continue
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		w, h := FigureSize(figs[name])
		if b := img.Bounds(); abs(b.Dx()-int(w.Dots(96)+0.5)) > 1 || abs(b.Dy()-int(h.Dots(96)+0.5)) > 1 {
			t.Errorf("%s: shown at %dx%d, want %.0fx%.0f", name, b.Dx(), b.Dy(), w.Dots(96), h.Dots(96))
		}
		if ink, _ := inkedPixels(img); ink < img.Bounds().Dx()*img.Bounds().Dy()/100 {
			t.Errorf("%s: shown blank", name)
		}
	}
	html, _ := messages[len(figureOrder)].Data[protocol.MIMETextHTML].(string)
	if !strings.Contains(html, "<svg") || !strings.Contains(html, ">baseline: none (") {
		t.Errorf("ShowSVG sent %.200q", html)
	}
}

func keys(m map[protocol.MIMEType]any) []protocol.MIMEType {
	var out []protocol.MIMEType
	for k := range m {
		out = append(out, k)
	}
	return out
}
