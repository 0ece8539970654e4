//go:build unix

package notebooks

import (
	"bytes"
	"encoding/gob"
	"fmt"
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

// playgroundChildEnv marks the child process of the playground tests: it runs Playground as
// a GoNB cell would, talking to this test's stand-in for GoNB over named pipes.
const playgroundChildEnv = "MVMR_PLAYGROUND_CHILD"

// TestPlaygroundChild is the cell: it runs only as the child of the tests below.
func TestPlaygroundChild(t *testing.T) {
	wait := os.Getenv(playgroundChildEnv)
	if wait == "" {
		t.Skip("runs as the child of TestPlaygroundWithAFrontEnd and TestPlaygroundWithoutAFrontEnd")
	}
	if !gonbui.IsNotebook {
		t.Fatal("child: GONB_PIPE is not seen")
	}
	d, err := time.ParseDuration(wait)
	if err != nil {
		t.Fatal(err)
	}
	live, err := Playground(os.Stdout, PlaygroundOptions{Wait: d, Idle: time.Minute})
	fmt.Printf("live=%v err=%v\n", live, err)
}

// frontEnd is the stand-in for GoNB and a browser: given each message of the cell, it returns
// the values the browser would send back.
type frontEnd func(msg protocol.DisplayData) []protocol.CommValue

// runPlaygroundCell runs TestPlaygroundChild with GONB_PIPE set, answers gonbui.Sync as GoNB does
// and the rest through fe, and returns the child's output.
func runPlaygroundCell(t *testing.T, wait string, fe frontEnd) string {
	t.Helper()
	t.Setenv(HeadlessEnv, "")
	dir := t.TempDir()
	toKernel, fromKernel := filepath.Join(dir, "pipe"), filepath.Join(dir, "pipe_back")
	for _, path := range []string{toKernel, fromKernel} {
		if err := syscall.Mkfifo(path, 0o600); err != nil {
			t.Skipf("named pipes unavailable: %v", err)
		}
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestPlaygroundChild$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), playgroundChildEnv+"="+wait, protocol.GONB_PIPE_ENV+"="+toKernel, protocol.GONB_PIPE_BACK_ENV+"="+fromKernel)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		reader, err := os.OpenFile(toKernel, os.O_RDONLY, 0)
		if err != nil {
			return
		}
		defer reader.Close()
		back, err := os.OpenFile(fromKernel, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		defer back.Close()
		dec, enc := gob.NewDecoder(reader), gob.NewEncoder(back)
		for {
			var msg protocol.DisplayData
			if dec.Decode(&msg) != nil {
				return
			}
			replies := fe(msg)
			if v, ok := msg.Data[protocol.MIMECommValue].(protocol.CommValue); ok && v.Address == protocol.GonbuiSyncAddress {
				replies = append(replies, protocol.CommValue{Address: protocol.GonbuiSyncAckAddress, Value: v.Value})
			}
			for _, r := range replies {
				if enc.Encode(&r) != nil {
					return
				}
			}
		}
	}()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("child: %v\n%s", err, out.String())
		}
	case <-time.After(2 * time.Minute):
		_ = cmd.Process.Kill()
		t.Fatalf("child did not finish\n%s", out.String())
	}
	return out.String()
}

func TestPlaygroundWithAFrontEnd(t *testing.T) {
	// The browser: each widget reports its starting value (as a string, as the page's elements
	// do) when the cell subscribes to it; after the first drawing the reader moves the noise
	// slider to its end, and after the second drawing clicks Done.
	starts := []any{fmt.Sprint(startRelation), fmt.Sprint(startNoise), fmt.Sprint(startN), 0}
	var widgets []string
	drawings := 0
	fe := func(msg protocol.DisplayData) []protocol.CommValue {
		if s, ok := msg.Data[protocol.MIMECommSubscribe].(protocol.CommSubscription); ok && !s.Unsubscribe {
			if len(widgets) < len(starts) {
				widgets = append(widgets, s.Address)
				return []protocol.CommValue{{Address: s.Address, Value: starts[len(widgets)-1]}}
			}
		}
		if html, ok := msg.Data[protocol.MIMETextHTML].(string); ok && strings.Contains(html, "data:image/png;base64,") {
			drawings++
			switch drawings {
			case 1:
				return []protocol.CommValue{{Address: widgets[1], Value: fmt.Sprint(noiseSlots)}}
			case 2:
				return []protocol.CommValue{{Address: widgets[3], Value: 1}}
			}
		}
		return nil
	}
	out := runPlaygroundCell(t, "20s", fe)
	last, err := playgroundSample(startRelation, noiseSlots, startN)
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("playground closed; the last sample: parabola, noise σ = 1.00, n = %d: Pearson r = %+.3f, dCor = %.3f", len(last.X), last.Pearson, last.DCor)
	if !strings.Contains(out, want) || !strings.Contains(out, "live=true err=<nil>") {
		t.Errorf("the cell printed\n%s\nwant %q and live=true", out, want)
	}
	if drawings != 2 {
		t.Errorf("the cell drew %d times; want 2 (the start, the moved slider)", drawings)
	}
}

func TestPlaygroundWithoutAFrontEnd(t *testing.T) {
	out := runPlaygroundCell(t, "1s", func(protocol.DisplayData) []protocol.CommValue { return nil })
	if !strings.Contains(out, "playground: no widget front-end answered within 1s") || !strings.Contains(out, "live=false err=<nil>") {
		t.Errorf("the cell printed\n%s\nwant the headless notice and live=false", out)
	}
}
