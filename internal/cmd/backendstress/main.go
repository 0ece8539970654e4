// Command backendstress checks that a compute backend configuration does not hang: it starts
// -procs copies of itself at a time, each training a small MV-MR encoder for -steps steps,
// extracting features and fitting a linear probe (the graphs the quickstart runs), and reports
// any run that did not finish within -timeout as a hang.
//
//	go run ./internal/cmd/backendstress -config go:parallelism=-1 -runs 40 -procs 2
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"time"

	"github.com/mvmr-ssl/mvmr-go/datasets"
	"github.com/mvmr-ssl/mvmr-go/mvmr"
)

func main() {
	config := flag.String("config", "go:parallelism=-1", "GOMLX_BACKEND configuration to stress")
	runs := flag.Int("runs", 20, "number of runs")
	procs := flag.Int("procs", 2, "runs executing at the same time (separate processes)")
	steps := flag.Int("steps", 40, "training steps per run")
	timeout := flag.Duration("timeout", 5*time.Minute, "a run taking longer is reported as a hang")
	child := flag.Bool("child", false, "internal: run one training job in this process")
	flag.Parse()
	if *child {
		if err := job(*steps); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var mu sync.Mutex
	var hangs, failures, done int
	var durations []time.Duration
	sem := make(chan struct{}, *procs)
	var wg sync.WaitGroup
	for i := range *runs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			ctx, cancel := context.WithTimeout(context.Background(), *timeout)
			defer cancel()
			cmd := exec.CommandContext(ctx, self, "-child", "-steps", fmt.Sprint(*steps))
			cmd.Env = append(os.Environ(), "GOMLX_BACKEND="+*config)
			start := time.Now()
			out, err := cmd.CombinedOutput()
			elapsed := time.Since(start)
			mu.Lock()
			defer mu.Unlock()
			done++
			switch {
			case ctx.Err() != nil:
				hangs++
				fmt.Printf("run %d: HANG (killed after %s)\n", i, elapsed.Round(time.Second))
			case err != nil:
				failures++
				fmt.Printf("run %d: failed: %v\n%s\n", i, err, out)
			default:
				durations = append(durations, elapsed)
				fmt.Printf("run %d: ok in %s (%d/%d done)\n", i, elapsed.Round(100*time.Millisecond), done, *runs)
			}
		}()
	}
	wg.Wait()
	fmt.Printf("\n%s: %d runs, %d at a time, %d steps each: %d ok, %d hangs, %d failures\n",
		*config, *runs, *procs, *steps, len(durations), hangs, failures)
	if hangs+failures > 0 {
		os.Exit(1)
	}
}

// job trains a small encoder, extracts features and fits a probe.
func job(steps int) error {
	train, test, err := datasets.LoadMNISTTrainTest()
	if err != nil {
		return err
	}
	train, test = train.Subset(6000), test.Subset(1000)
	config := mvmr.QuickstartConfig(int64(steps))
	trainer, err := mvmr.NewTrainer(config, train)
	if err != nil {
		return err
	}
	defer trainer.Close()
	if err := trainer.Train(steps); err != nil {
		return err
	}
	probe := mvmr.DefaultProbeConfig()
	probe.Epochs = 2
	_, err = trainer.ProbeEncoder("stress", train, test, probe)
	return err
}
